import Link from 'next/link';

export default function Home() {
  return (
    <>
      <h1>Gatehouse example</h1>
      <p>
        Self-hosted sessions and route protection for Next.js. This page is public; the <Link href="/dashboard">dashboard</Link> needs a
        session.
      </p>
      <p>
        <Link href="/sign-up">Create an account</Link> or <Link href="/sign-in">sign in</Link>.
      </p>
    </>
  );
}
