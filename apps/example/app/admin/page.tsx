// Admin of the active organization: its settings at a glance and member management.
// Layouts do not re-run on every navigation, so the page checks the role itself as well.
import { OrganizationProfile } from '@gatehouse/nextjs';
import { auth } from '@gatehouse/nextjs/server';
import { listProjects } from '@/lib/projects';
import { ROLES } from '@/lib/roles';

export default async function AdminPage() {
  const { orgId } = await auth.protect({ role: 'org:admin' });
  return (
    <>
      <h1>Admin</h1>
      <p className="card">
        Organization <code>{orgId}</code> · {(await listProjects(orgId!)).length} projects. Role changes and removals reach the member's
        very next request.
      </p>
      <OrganizationProfile roles={ROLES} />
    </>
  );
}
