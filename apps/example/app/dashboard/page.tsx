// Step 4 of the seed: a server component that guards itself with auth(), middleware or not, and
// renders by role with has(): viewers get no "New project", only admins get "Delete" and "Admin".
import Link from 'next/link';
import { auth } from '@gatehouse/nextjs/server';
import { signedInUser } from '@/lib/signed-in-user';
import { OutageNotice } from '../outage-notice';
import { listProjects } from '@/lib/projects';
import { DeleteProjectButton, NewProjectForm } from './project-forms';

export default async function DashboardPage() {
  const { userId, sessionId, orgId, orgSlug, orgRole, has, redirectToSignIn } = await auth();
  if (!userId) return redirectToSignIn();
  const { user, unavailable } = await signedInUser();
  const canRead = has({ permission: 'org:projects:read' });
  const isAdmin = has({ role: 'org:admin' });
  return (
    <>
      <h1>Dashboard</h1>
      {unavailable ? (
        <OutageNotice />
      ) : (
        <p>
          Signed in as <strong data-testid="user-email">{user?.email}</strong>.
        </p>
      )}
      <p>
        User <code>{userId}</code>, session <code>{sessionId}</code>.
      </p>
      <p>
        {orgSlug ? (
          <>
            Active organization <strong data-testid="org-slug">{orgSlug}</strong> as <code data-testid="org-role">{orgRole}</code>.
          </>
        ) : (
          'Personal account (no organization active).'
        )}
      </p>
      {isAdmin ? (
        <p>
          You administer this organization: <Link href="/admin">manage members</Link>.
        </p>
      ) : null}
      <section aria-label="Projects">
        <h2>Projects</h2>
        {!orgId ? (
          <p role="status">No organization is active: choose one in the organization switcher to see its projects.</p>
        ) : !canRead ? (
          <p role="status">Your role cannot read projects.</p>
        ) : (
          <>
            {has({ permission: 'org:projects:write' }) ? <NewProjectForm /> : null}
            <ul className="project-list">
              {(await listProjects(orgId)).map((project) => (
                <li key={project.id}>
                  <span>{project.name}</span>
                  {isAdmin ? <DeleteProjectButton id={project.id} name={project.name} /> : null}
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
    </>
  );
}
