// orgScope(): the active organization of a route handler's request, or the response that refuses it.

import { errorResponse, reasonMessage, type AcceptsToken, type CheckAuthorizationParams, type HasFunction } from '@gatehouse/core';
import { auth } from './auth.js';

export interface OrgScope {
  /** The signed-in user; for an API key, its owner when that is a user, else null. */
  userId: string | null;
  /** Who acts, for "created by" columns: the user, or the API key (`ak_…`). */
  actorId: string;
  orgId: string;
  orgSlug: string | undefined;
  orgRole: string | undefined;
  tokenType: 'session_token' | 'api_key';
  has: HasFunction;
}

/**
 * For route handlers that read or write organization data: resolves to the signed-in user's
 * active organization, or to the JSON response to return instead — 401 signed out, 400 when no
 * organization is active (with a message that says so), 403 when `check` fails. Pass the
 * returned `orgId` to every query, so a row of another organization is simply not found (404).
 * With `acceptsToken: ['session_token', 'api_key']` an organization's API key works too (its
 * organization is the scope, its scopes answer `check`); a refused token's 401 says why.
 *
 *   const scope = await orgScope({ permission: 'org:projects:read' });
 *   if (scope instanceof Response) return scope;
 */
export async function orgScope(
  check?: CheckAuthorizationParams,
  options: { acceptsToken?: AcceptsToken } = {},
): Promise<OrgScope | Response> {
  const current = options.acceptsToken === undefined ? await auth() : await auth({ acceptsToken: options.acceptsToken });
  if (!current.isAuthenticated) {
    const reason = 'reason' in current && current.reason ? current.reason : null;
    const message = reason && reason !== 'session-token-missing' ? reasonMessage(reason) : 'Sign in to access this resource.';
    return errorResponse('unauthenticated', message, reason ? { 'x-gatehouse-auth-reason': reason } : {});
  }
  if (current.tokenType !== 'session_token' && current.tokenType !== 'api_key')
    return errorResponse('unauthenticated', 'This endpoint does not accept this kind of token.');
  const orgId = current.orgId;
  if (!orgId)
    return errorResponse('organization_required', 'No organization is active: choose one (setActive) before using organization data.');
  if (check && !current.has(check)) return errorResponse('forbidden', 'You do not have permission to access this resource.');
  if (current.tokenType === 'session_token') {
    return {
      userId: current.userId,
      actorId: current.userId,
      orgId,
      orgSlug: current.orgSlug ?? undefined,
      orgRole: current.orgRole ?? undefined,
      tokenType: 'session_token',
      has: current.has,
    };
  }
  return {
    userId: current.userId,
    actorId: current.id,
    orgId,
    orgSlug: undefined,
    orgRole: undefined,
    tokenType: 'api_key',
    has: current.has,
  };
}
