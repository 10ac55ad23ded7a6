// Step 2 of the seed: a route handler that answers 401 on its own when there is no session.
import { auth } from '@gatehouse/nextjs/server';

export async function GET(): Promise<Response> {
  const {
    isAuthenticated,
    userId,
    sessionId,
    sessionClaims,
    sessionStatus,
    orgId,
    orgRole,
    orgSlug,
    orgPermissions,
    actor,
    factorVerificationAge,
    tokenType,
  } = await auth();
  if (!isAuthenticated) {
    return Response.json(
      { error: { code: 'unauthenticated', message: 'Sign in to access this resource.' } },
      { status: 401, headers: { 'www-authenticate': 'Bearer realm="gatehouse"', 'cache-control': 'no-store' } },
    );
  }
  return Response.json(
    {
      isAuthenticated,
      userId,
      sessionId,
      sessionClaims,
      sessionStatus,
      orgId,
      orgRole,
      orgSlug,
      orgPermissions,
      actor,
      factorVerificationAge,
      tokenType,
    },
    { headers: { 'cache-control': 'no-store' } },
  );
}
