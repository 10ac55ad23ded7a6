import Link from 'next/link';
import { SignedOut } from '@gatehouse/nextjs';
import { DASHBOARD_PATH, DEMO_PASSWORD, DEMO_USERS } from '@/lib/demo-accounts';

// Read at request time: whether the demo accounts exist depends on how the server was started.
export const dynamic = 'force-dynamic';

export default function Home() {
  const demo = process.env.GATEHOUSE_DEMO === '1';
  // Without SMTP (development), sign-up codes and other mails land in the dev inbox.
  const devInbox =
    (process.env.GATEHOUSE_DEV_INBOX === '1' || process.env.GATEHOUSE_DEV_INBOX === 'true') && !process.env.GATEHOUSE_SMTP_URL;
  return (
    <>
      <h1>Gatehouse example</h1>
      <p>
        Self-hosted sessions and route protection for Next.js. This page is public; the <Link href="/dashboard">dashboard</Link> needs a
        session.
      </p>
      <SignedOut>
        <p>
          <Link href="/sign-up">Create an account</Link> or <Link href="/sign-in">sign in</Link>.
        </p>
      </SignedOut>
      {devInbox ? (
        <p>
          No mail server is set up: verification codes, password reset codes and invitations go to the{' '}
          <Link href="/dev/inbox">dev inbox</Link>.
        </p>
      ) : null}
      {demo ? (
        <section aria-label="Demo accounts">
          <h2>Demo accounts</h2>
          <p>
            Every demo user's password is <code>{DEMO_PASSWORD}</code>.
          </p>
          <ul>
            {DEMO_USERS.map((user) => (
              <li key={user.email}>
                <code>{user.email}</code>: {user.memberships.map(([org, role]) => `${role.replace('org:', '')} of ${org}`).join(', ')}
                {'instanceAdmin' in user && user.instanceAdmin ? (
                  <>
                    ; instance admin, who can open the <a href={DASHBOARD_PATH}>Gatehouse dashboard</a> (users, sessions, roles, audit log)
                  </>
                ) : null}
              </li>
            ))}
          </ul>
          <p>
            Sign in as one of them, then choose Acme or Globex in the organization switcher (top right): what the dashboard offers depends
            on the role there. Admins also get the Admin page; the Reports page calls a separate service with a template token.
          </p>
        </section>
      ) : null}
    </>
  );
}
