// Accepting an invitation: the link carries `invitation_token`; the proxy has made sure someone is signed in.
// next.config.ts sends `Referrer-Policy: no-referrer` here, so the token never leaves in a Referer.
import { auth } from '@gatehouse/nextjs/server';
import { AcceptInvitation } from './accept-invitation';

export default async function AcceptInvitationPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  // The page guards itself too (sign-in comes back here with the token in redirect_url).
  await auth.protect();
  const token = (await searchParams).invitation_token;
  return (
    <>
      <h1>Join an organization</h1>
      {typeof token === 'string' && token !== '' ? (
        <AcceptInvitation token={token} />
      ) : (
        <p role="alert">This invitation link is incomplete: open the link from the email again.</p>
      )}
    </>
  );
}
