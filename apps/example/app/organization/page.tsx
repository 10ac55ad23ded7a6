// The active organization's profile. Member management (members, roles, invitations) is for admins
// only; everyone else sees their role. The proxy already requires a session.
import Link from 'next/link';
import { OrganizationProfile } from '@gatehouse/nextjs';
import { auth, getDevInbox } from '@gatehouse/nextjs/server';
import { ROLES } from '@/lib/roles';

export default async function OrganizationPage() {
  const { userId, orgId, orgSlug, orgRole, has, redirectToSignIn } = await auth();
  if (!userId) return redirectToSignIn();
  const devInbox = (await getDevInbox()) !== null;
  return (
    <>
      <h1>Organization</h1>
      {!orgId ? (
        <p>
          No organization is active. Choose one in the switcher above, or <Link href="/organizations/new">create one</Link>.
        </p>
      ) : has({ role: 'org:admin' }) ? (
        <OrganizationProfile roles={ROLES} />
      ) : (
        <p>
          You are <code>{orgRole}</code> of <strong>{orgSlug}</strong>. Members and invitations are managed by the organization's admins.
        </p>
      )}
      {devInbox ? (
        <p>
          Development: sent invitations arrive in the <Link href="/dev/inbox">dev inbox</Link>.
        </p>
      ) : null}
    </>
  );
}
