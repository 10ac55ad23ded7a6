// The auth object that auth(), the middleware handler and toAuth() hand to application code.

import type { ActorClaim, SessionClaims } from './claims.js';
import { checkAuthorization, parseScopedList, type AuthorizationSubject, type HasFunction, type ScopedList } from './has.js';
import { orgGrants, orgRoleOf } from './org-claims.js';
import type { AuthReason } from './reasons.js';
import { claimsMemo } from './verified-claims.js';

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

/**
 * What has() reads from a token: the cheap fields at once, the feature and plan lists on first
 * read (most checks ask about a role or a permission only).
 */
class ClaimsSubject implements AuthorizationSubject {
  readonly userId: string;
  readonly orgId: string | undefined;
  readonly orgRole: string | undefined;
  readonly orgPermissions: readonly string[] | undefined;
  readonly factorVerificationAge: [number, number] | null;
  private featureList: ScopedList | null | undefined = undefined;
  private planList: ScopedList | null | undefined = undefined;
  /** One `has` per claims object, shared by every auth object built from them (it keeps no state). */
  readonly has: HasFunction = (params) => checkAuthorization(this, params);

  constructor(private readonly claims: SessionClaims) {
    const org = claims.o;
    this.userId = claims.sub;
    this.orgId = org?.id;
    this.orgRole = org ? orgRoleOf(org.rol) : undefined;
    // The verifier refused every token whose `o` is malformed; a claims object made here without
    // the verifier (a just-minted token) grants nothing from a malformed one.
    this.orgPermissions = org ? (orgGrants(org, claims.fea) ?? []) : undefined;
    this.factorVerificationAge = Array.isArray(claims.fva) && claims.fva.length === 2 ? (claims.fva as [number, number]) : null;
  }

  get features(): ScopedList | null {
    if (this.featureList === undefined) this.featureList = parseScopedList(this.claims.fea);
    return this.featureList;
  }

  get plans(): ScopedList | null {
    if (this.planList === undefined) this.planList = parseScopedList(this.claims.pla);
    return this.planList;
  }
}

/**
 * The subject of a cached token's claims is built once and kept in their memo; any other claims
 * (verified for one request, or just minted) get a subject of their own per auth object.
 */
function subjectOf(claims: SessionClaims): ClaimsSubject {
  const memo = claimsMemo(claims);
  if (!memo) return new ClaimsSubject(claims);
  return (memo.subject ??= new ClaimsSubject(claims)) as ClaimsSubject;
}

/** Builds the signed-in object from verified claims. */
export function signedInAuthObject(claims: SessionClaims, getToken: GetToken): SignedInAuthObject {
  const subject = subjectOf(claims);
  const orgPermissions = subject.orgPermissions;
  return {
    isAuthenticated: true,
    tokenType: 'session_token',
    userId: claims.sub,
    sessionId: claims.sid,
    sessionStatus: claims.sts === 'pending' ? 'pending' : 'active',
    sessionClaims: claims,
    orgId: subject.orgId,
    orgRole: subject.orgRole,
    orgSlug: claims.o?.slg,
    // A copy: app code may change its auth object without touching what has() reads.
    orgPermissions: orgPermissions ? [...orgPermissions] : undefined,
    actor: claims.act,
    factorVerificationAge: subject.factorVerificationAge,
    has: subject.has,
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
