// The active organization's profile: members, roles, invitations. The proxy already requires a session.
import Link from 'next/link';
import { OrganizationProfile } from '@gatehouse/nextjs';
import { auth, getDevInbox } from '@gatehouse/nextjs/server';

// The roles of gatehouse.config.json, offered in the member and invitation role selects.
const ROLES = [
  { key: 'org:admin', name: 'Admin' },
  { key: 'org:member', name: 'Member' },
  { key: 'org:viewer', name: 'Viewer' },
];

export default async function OrganizationPage() {
  const { orgId } = await auth();
  const devInbox = (await getDevInbox()) !== null;
  return (
    <>
      <h1>Organization</h1>
      {orgId ? (
        <OrganizationProfile roles={ROLES} />
      ) : (
        <p>
          No organization is active. Choose one in the switcher above, or <Link href="/organizations/new">create one</Link>.
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
