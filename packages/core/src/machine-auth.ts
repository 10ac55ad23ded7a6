// Machine credentials in requests: token types, telling them apart, Clerk's machine auth objects, and acceptsToken narrowing.

import { M2M_TOKEN_CATEGORY } from './claims.js';
import { checkAuthorization, type HasFunction } from './has.js';
import type { AuthReason } from './reasons.js';

export type MachineTokenType = 'api_key' | 'm2m_token' | 'oauth_token';
export type TokenType = 'session_token' | MachineTokenType;
/** `auth({ acceptsToken })` and `auth.protect({ token })`: one type, several, or `'any'`. */
export type AcceptsToken = TokenType | readonly TokenType[] | 'any';

export const TOKEN_TYPES: readonly TokenType[] = ['session_token', 'api_key', 'm2m_token', 'oauth_token'];

/** A verified machine credential, as the identity service reports it. */
export interface VerifiedMachine {
  tokenType: MachineTokenType;
  /** `ak_…` for an API key, the token's `jti` (`mt_…`) for an M2M token. */
  id: string;
  /** `user_…` or `org_…` (API keys), `mch_…` (M2M tokens). */
  subject: string;
  scopes: string[];
  name: string | null;
  claims: Record<string, unknown> | null;
  /** Seconds since the epoch, or null for a key that never expires. */
  expiration: number | null;
}

/** Clerk's machine auth object for a verified machine token. */
export interface AuthenticatedMachineObject {
  isAuthenticated: true;
  tokenType: MachineTokenType;
  id: string;
  name: string | null;
  subject: string;
  scopes: string[];
  claims: Record<string, unknown> | null;
  /** The owner when it is a user (API keys). */
  userId: string | null;
  /** The owner when it is an organization (API keys). */
  orgId: string | null;
  /** The calling machine (M2M tokens). */
  machineId: string | null;
  /** Permission checks answer from the scopes; roles, features and plans are false. */
  has: HasFunction;
  /** The raw token. */
  getToken: () => Promise<string>;
}

/** Clerk's object for a machine token type that did not authenticate (or was not sent). */
export interface UnauthenticatedMachineObject {
  isAuthenticated: false;
  tokenType: MachineTokenType;
  id: null;
  name: null;
  subject: null;
  scopes: null;
  claims: null;
  userId: null;
  orgId: null;
  machineId: null;
  reason: AuthReason | null;
  has: HasFunction;
  getToken: () => Promise<null>;
}

/** Clerk's "invalid token" object: the token's type is not among several accepted ones. */
export interface InvalidTokenAuthObject {
  isAuthenticated: false;
  tokenType: null;
  reason: AuthReason;
  has: HasFunction;
  getToken: () => Promise<null>;
}

const alwaysFalse: HasFunction = () => false;

function decodeHeader(token: string): Record<string, unknown> | null {
  const dot = token.indexOf('.');
  if (dot <= 0 || dot > 2048) return null;
  try {
    const json = atob(token.slice(0, dot).replace(/-/g, '+').replace(/_/g, '/'));
    const header = JSON.parse(json) as unknown;
    return typeof header === 'object' && header !== null && !Array.isArray(header) ? (header as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * The type a presented token claims to be, from its shape alone (`ak_…`, `oat_…`, a JWT's `cat`
 * or `typ`). It only routes the token to the right verifier; it never authenticates anything.
 */
export function tokenTypeOf(token: string): TokenType {
  if (token.startsWith('ak_')) return 'api_key';
  if (token.startsWith('mt_')) return 'm2m_token';
  if (token.startsWith('oat_')) return 'oauth_token';
  const header = decodeHeader(token);
  if (header?.cat === M2M_TOKEN_CATEGORY) return 'm2m_token';
  if (typeof header?.typ === 'string' && header.typ.toLowerCase() === 'at+jwt') return 'oauth_token';
  return 'session_token';
}

/** Whether `accepts` (default: session tokens only) takes tokens of `type`. */
export function acceptsTokenType(accepts: AcceptsToken | undefined, type: TokenType): boolean {
  if (accepts === undefined) return type === 'session_token';
  if (accepts === 'any') return true;
  return typeof accepts === 'string' ? accepts === type : accepts.includes(type);
}

/** Whether a list of accepted types is valid (known names, at least one). @throws TypeError on misuse */
export function checkAcceptsToken(accepts: unknown): AcceptsToken | undefined {
  if (accepts === undefined || accepts === 'any') return accepts;
  const list = typeof accepts === 'string' ? [accepts] : accepts;
  if (!Array.isArray(list) || list.length === 0 || list.some((t) => !TOKEN_TYPES.includes(t as TokenType)))
    throw new TypeError(`acceptsToken must be 'any', or one or more of ${TOKEN_TYPES.join(', ')}`);
  return accepts as AcceptsToken;
}

/** The auth object of a verified machine token. */
export function machineAuthObject(machine: VerifiedMachine, token: string): AuthenticatedMachineObject {
  const owner = machine.subject;
  const userId = machine.tokenType === 'api_key' && owner.startsWith('user_') ? owner : null;
  const orgId = machine.tokenType === 'api_key' && owner.startsWith('org_') ? owner : null;
  const scopes = [...machine.scopes];
  // has({ permission }) reads the scopes (an org key's scopes were checked against the org's
  // permissions when it was made); a machine has no role, feature, plan or factor age.
  const subject = { userId: owner, orgId: owner, orgRole: null, orgPermissions: Object.freeze([...scopes]) };
  return {
    isAuthenticated: true,
    tokenType: machine.tokenType,
    id: machine.id,
    name: machine.name,
    subject: owner,
    scopes,
    claims: machine.claims,
    userId,
    orgId,
    machineId: machine.tokenType === 'm2m_token' ? owner : null,
    has: (params) => (params.role === undefined ? checkAuthorization(subject, params) : false),
    getToken: async () => token,
  };
}

/** The unauthenticated object of a machine token type. */
export function unauthenticatedMachineObject(tokenType: MachineTokenType, reason: AuthReason | null): UnauthenticatedMachineObject {
  return {
    isAuthenticated: false,
    tokenType,
    id: null,
    name: null,
    subject: null,
    scopes: null,
    claims: null,
    userId: null,
    orgId: null,
    machineId: null,
    reason,
    has: alwaysFalse,
    getToken: async () => null,
  };
}

/** Clerk's "invalid token" object. */
export function invalidTokenAuthObject(reason: AuthReason = 'token-type-not-accepted'): InvalidTokenAuthObject {
  return { isAuthenticated: false, tokenType: null, reason, has: alwaysFalse, getToken: async () => null };
}

/** What auth() can hand out: a session's auth object, a machine's, or Clerk's "invalid token" object. */
export type AnyAuthObject<S extends { isAuthenticated: boolean; tokenType: 'session_token' }> =
  S | AuthenticatedMachineObject | UnauthenticatedMachineObject | InvalidTokenAuthObject;

/**
 * Clerk's narrowing (`getAuthObjectForAcceptedToken`): `'any'` or an accepted type passes the object
 * through; a list without the token's type gives the "invalid token" object; a single other type gives
 * an unauthenticated object of that type (`signedOut` builds the session one). Either way a machine
 * token never becomes a session (its subject is never a `userId` there) and a session token never a machine.
 */
export function narrowAuthObject<S extends { isAuthenticated: boolean; tokenType: 'session_token' }>(
  auth: S | AuthenticatedMachineObject | UnauthenticatedMachineObject,
  accepts: AcceptsToken | undefined,
  signedOut: (reason: AuthReason) => S,
): AnyAuthObject<S> {
  if (acceptsTokenType(accepts, auth.tokenType)) return auth;
  const reason: AuthReason = 'token-type-not-accepted';
  if (Array.isArray(accepts)) return invalidTokenAuthObject(reason);
  const wanted = (accepts ?? 'session_token') as TokenType;
  return wanted === 'session_token' ? signedOut(reason) : unauthenticatedMachineObject(wanted, reason);
}
