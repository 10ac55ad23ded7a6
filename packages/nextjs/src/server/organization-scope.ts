// orgScope(): the active organization of a route handler's request, or the response that refuses it.

import { errorResponse, type CheckAuthorizationParams, type HasFunction } from '@gatehouse/core';
import { auth } from './auth.js';

export interface OrgScope {
  userId: string;
  orgId: string;
  orgSlug: string | undefined;
  orgRole: string | undefined;
  has: HasFunction;
}

/**
 * For route handlers that read or write organization data: resolves to the signed-in user's
 * active organization, or to the JSON response to return instead — 401 signed out, 400 when no
 * organization is active (with a message that says so), 403 when `check` fails. Pass the
 * returned `orgId` to every query, so a row of another organization is simply not found (404).
 *
 *   const scope = await orgScope({ permission: 'org:projects:read' });
 *   if (scope instanceof Response) return scope;
 */
export async function orgScope(check?: CheckAuthorizationParams): Promise<OrgScope | Response> {
  const { userId, orgId, orgSlug, orgRole, has } = await auth();
  if (!userId) return errorResponse('unauthenticated', 'Sign in to access this resource.');
  if (!orgId)
    return errorResponse('organization_required', 'No organization is active: choose one (setActive) before using organization data.');
  if (check && !has(check)) return errorResponse('forbidden', 'You do not have permission to access this resource.');
  return { userId, orgId, orgSlug: orgSlug ?? undefined, orgRole: orgRole ?? undefined, has };
}
