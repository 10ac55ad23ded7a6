// Admin of the active organization: its settings at a glance and member management.
// Layouts do not re-run on every navigation, so the page checks the role itself as well.
import { OrganizationProfile } from '@gatehouse/nextjs';
import { auth, gatehouseClient } from '@gatehouse/nextjs/server';
import { listProjects } from '@/lib/projects';
import { ROLES } from '@/lib/roles';

export default async function AdminPage() {
  const { orgId } = await auth.protect({ role: 'org:admin' });
  const organization = await (await gatehouseClient()).organizations.getOrganization({ organizationId: orgId! });
  return (
    <>
      <h1>Admin</h1>
      <section aria-label="Organization settings" className="card">
        <h2>{organization.name}</h2>
        <p>
          Slug <code>{organization.slug}</code>, id <code>{organization.id}</code>, {listProjects(orgId!).length} projects.
        </p>
      </section>
      <h2>Members</h2>
      <OrganizationProfile roles={ROLES} />
    </>
  );
}
