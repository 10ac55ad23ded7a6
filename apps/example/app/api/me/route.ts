// Step 2 of the seed: a route handler that answers 401 on its own when there is no session.
import { auth, errorResponse } from '@gatehouse/nextjs/server';

export async function GET(): Promise<Response> {
  const { has: _has, getToken: _getToken, redirectToSignIn: _in, redirectToSignUp: _up, ...state } = await auth();
  if (!state.isAuthenticated) return errorResponse('unauthenticated', 'Sign in to access this resource.');
  return Response.json(state, { headers: { 'cache-control': 'no-store' } });
}
