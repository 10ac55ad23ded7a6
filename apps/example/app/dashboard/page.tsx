// Step 4 of the seed: a server component that guards itself with auth(), middleware or not.
import { auth, currentUser } from '@gatehouse/nextjs/server';

export default async function DashboardPage() {
  const { userId, sessionId, orgSlug, orgRole, redirectToSignIn } = await auth();
  if (!userId) return redirectToSignIn();
  const user = await currentUser();
  return (
    <>
      <h1>Dashboard</h1>
      <p>
        Signed in as <strong data-testid="user-email">{user?.email}</strong>.
      </p>
      <p>
        User <code>{userId}</code>, session <code>{sessionId}</code>.
      </p>
      <p>
        {orgSlug ? (
          <>
            Active organization <strong data-testid="org-slug">{orgSlug}</strong> as <code>{orgRole}</code>.
          </>
        ) : (
          'Personal account (no organization active).'
        )}
      </p>
    </>
  );
}
