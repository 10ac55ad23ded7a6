// Step 3 of the seed: the verified session claims and the user's profile, as the server sees them.
import { auth } from '@gatehouse/nextjs/server';
import { signedInUser } from '@/lib/signed-in-user';
import { OutageNotice } from '../outage-notice';

export default async function ClaimsPage() {
  const { sessionClaims, redirectToSignIn } = await auth();
  if (!sessionClaims) return redirectToSignIn();
  const { user, unavailable } = await signedInUser();
  return (
    <>
      <h1>Session claims</h1>
      <p>
        The claims of this request's verified session token (<code>auth().sessionClaims</code>). The <code>o</code> claim is the active
        organization: id, slug, role and permissions.
      </p>
      <pre data-testid="session-claims">{JSON.stringify(sessionClaims, null, 2)}</pre>
      <h2>User profile</h2>
      <p>
        From <code>currentUser()</code> (no network hop in embedded mode).
      </p>
      {unavailable ? <OutageNotice /> : <pre data-testid="user-profile">{JSON.stringify(user, null, 2)}</pre>}
    </>
  );
}
