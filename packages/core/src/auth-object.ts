// The auth object that auth(), the middleware handler and toAuth() hand to application code.

import type { ActorClaim, SessionClaims } from './claims.js';
import { checkAuthorization, decodeOrgPermissions, parseScopedList, type AuthorizationSubject, type HasFunction } from './has.js';
import { orgRoleOf } from './org-claims.js';
import type { AuthReason } from './reasons.js';

export interface GetTokenOptions {
  template?: string;
  organizationId?: string;
  skipCache?: boolean;
}
export type GetToken = (options?: GetTokenOptions) => Promise<string | null>;

export interface SignedInAuthObject {
  isAuthenticated: true;
  tokenType: 'session_token';
  userId: string;
  sessionId: string;
  sessionStatus: 'active' | 'pending';
  sessionClaims: SessionClaims;
  orgId: string | undefined;
  orgRole: string | undefined;
  orgSlug: string | undefined;
  orgPermissions: string[] | undefined;
  actor: ActorClaim | undefined;
  factorVerificationAge: [number, number] | null;
  has: HasFunction;
  getToken: GetToken;
}

export interface SignedOutAuthObject {
  isAuthenticated: false;
  tokenType: 'session_token';
  userId: null;
  sessionId: null;
  sessionStatus: 'pending' | null;
  sessionClaims: null;
  orgId: null;
  orgRole: null;
  orgSlug: null;
  orgPermissions: null;
  actor: null;
  factorVerificationAge: null;
  /** Why the request is signed out (not part of Clerk's object; handy for debugging and tests). */
  reason: AuthReason | null;
  has: HasFunction;
  getToken: GetToken;
}

export type AuthObject = SignedInAuthObject | SignedOutAuthObject;

/** What has() reads from a token, derived once per verified claims object (they are cached and frozen). */
const derived = new WeakMap<
  SessionClaims,
  { subject: AuthorizationSubject; orgPermissions: string[] | undefined; orgRole: string | undefined; fva: [number, number] | null }
>();

function derive(claims: SessionClaims) {
  let entry = derived.get(claims);
  if (!entry) {
    const org = claims.o;
    const orgPermissions = org ? decodeOrgPermissions(claims) : undefined;
    const orgRole = orgRoleOf(org?.rol);
    const fva = Array.isArray(claims.fva) && claims.fva.length === 2 ? (claims.fva as [number, number]) : null;
    const subject: AuthorizationSubject = {
      userId: claims.sub,
      orgId: org?.id,
      orgRole,
      orgPermissions,
      features: parseScopedList(claims.fea),
      plans: parseScopedList(claims.pla),
      factorVerificationAge: fva,
    };
    entry = { subject, orgPermissions, orgRole, fva };
    derived.set(claims, entry);
  }
  return entry;
}

/** Builds the signed-in object from verified claims. */
export function signedInAuthObject(claims: SessionClaims, getToken: GetToken): SignedInAuthObject {
  const org = claims.o;
  const { subject, orgPermissions, orgRole, fva } = derive(claims);
  return {
    isAuthenticated: true,
    tokenType: 'session_token',
    userId: claims.sub,
    sessionId: claims.sid,
    sessionStatus: claims.sts === 'pending' ? 'pending' : 'active',
    sessionClaims: claims,
    orgId: org?.id,
    orgRole,
    orgSlug: org?.slg,
    // A copy: app code may change its auth object without touching what has() reads.
    orgPermissions: orgPermissions ? [...orgPermissions] : undefined,
    actor: claims.act,
    factorVerificationAge: fva,
    has: (params) => checkAuthorization(subject, params),
    getToken,
  };
}

const alwaysFalse: HasFunction = () => false;
const noToken: GetToken = async () => null;

/** Builds the signed-out object; `has()` is always false and `getToken()` resolves to null. */
export function signedOutAuthObject(reason: AuthReason | null = null, sessionStatus: 'pending' | null = null): SignedOutAuthObject {
  return {
    isAuthenticated: false,
    tokenType: 'session_token',
    userId: null,
    sessionId: null,
    sessionStatus,
    sessionClaims: null,
    orgId: null,
    orgRole: null,
    orgSlug: null,
    orgPermissions: null,
    actor: null,
    factorVerificationAge: null,
    reason,
    has: alwaysFalse,
    getToken: noToken,
  };
}
