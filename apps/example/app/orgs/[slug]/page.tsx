// /orgs/<slug>: the proxy's organizationSyncOptions makes that organization active for a member,
// in the same request. The page checks on its own that the active organization is the one in the
// URL, so a non-member (or a request that skipped the proxy) gets the 404 page, never data.
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { auth } from '@gatehouse/nextjs/server';
import { listProjects } from '@/lib/projects';

export default async function OrganizationHome({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { userId, orgId, orgSlug, orgRole, has, redirectToSignIn } = await auth();
  if (!userId) return redirectToSignIn();
  if (!orgId || orgSlug !== slug.toLowerCase()) notFound();
  return (
    <>
      <h1>
        Organization <span data-testid="org-slug">{orgSlug}</span>
      </h1>
      <p>
        Your role: <code>{orgRole}</code>. This organization is now active; the <Link href="/dashboard">dashboard</Link> shows its projects.
      </p>
      {has({ permission: 'org:projects:read' }) ? (
        <ul className="project-list">
          {(await listProjects(orgId)).map((project) => (
            <li key={project.id}>{project.name}</li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
