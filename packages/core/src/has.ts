// has(): strict-AND, fail-closed authorization over role, permission, feature, plan and reverification.

import type { SessionClaims } from './claims.js';
import { orgGrants } from './org-claims.js';

export type ReverificationPreset = 'strict_mfa' | 'strict' | 'moderate' | 'lax';
export interface ReverificationConfig {
  level: 'first_factor' | 'second_factor' | 'multi_factor';
  afterMinutes: number;
}

export interface CheckAuthorizationParams {
  role?: string;
  permission?: string;
  feature?: string;
  plan?: string;
  reverification?: ReverificationPreset | ReverificationConfig;
}

export type HasFunction = (params: CheckAuthorizationParams) => boolean;

export interface AuthorizationSubject {
  userId: string | null;
  orgId?: string | null | undefined;
  orgRole?: string | null | undefined;
  orgPermissions?: readonly string[] | null | undefined;
  features?: ScopedList | null;
  plans?: ScopedList | null;
  factorVerificationAge?: readonly [number, number] | null | undefined;
}

const PRESETS: Record<ReverificationPreset, ReverificationConfig> = {
  strict_mfa: { level: 'multi_factor', afterMinutes: 10 },
  strict: { level: 'second_factor', afterMinutes: 10 },
  moderate: { level: 'second_factor', afterMinutes: 60 },
  lax: { level: 'second_factor', afterMinutes: 1440 },
};

type Outcome = 'pass' | 'fail' | 'skip';

/** `admin`, `org:admin` and `org:org:admin` all name the same role (Clerk's normalisation). */
const withOrgPrefix = (value: string): string =>
  value.startsWith('org:') && !value.startsWith('org:org:') ? value : value.replace(/^(org:)*/, 'org:');

function checkOrg(subject: AuthorizationSubject, params: CheckAuthorizationParams): Outcome {
  if (params.role === undefined && params.permission === undefined) return 'skip';
  if (params.role !== undefined && typeof params.role !== 'string') return 'fail';
  if (params.permission !== undefined && typeof params.permission !== 'string') return 'fail';
  if (!subject.orgId) return 'fail';
  if (params.role !== undefined) {
    if (typeof subject.orgRole !== 'string' || !subject.orgRole) return 'fail';
    if (withOrgPrefix(params.role) !== withOrgPrefix(subject.orgRole)) return 'fail';
  }
  if (params.permission !== undefined) {
    if (!Array.isArray(subject.orgPermissions)) return 'fail';
    if (!subject.orgPermissions.includes(withOrgPrefix(params.permission))) return 'fail';
  }
  return 'pass';
}

const ORG_SCOPES = new Set(['o', 'org', 'organization']);
const USER_SCOPES = new Set(['u', 'user']);

/** `feature`/`plan`: unscoped names match org or user entries; `o:`/`u:` (and long forms) pick one. */
function checkEntitlement(list: ScopedList | null | undefined, value: unknown): Outcome {
  if (value === undefined) return 'skip';
  if (typeof value !== 'string' || !list || (list.org.length === 0 && list.user.length === 0)) return 'fail';
  const [scope = '', rawId] = value.split(':');
  const id = rawId || scope;
  if (rawId === undefined) return list.org.includes(id) || list.user.includes(id) ? 'pass' : 'fail';
  if (ORG_SCOPES.has(scope)) return list.org.includes(id) ? 'pass' : 'fail';
  if (USER_SCOPES.has(scope)) return list.user.includes(id) ? 'pass' : 'fail';
  return 'fail';
}

function checkReverification(
  fva: AuthorizationSubject['factorVerificationAge'],
  value: CheckAuthorizationParams['reverification'],
): Outcome {
  if (value === undefined) return 'skip';
  const config = typeof value === 'string' ? PRESETS[value] : value;
  if (!config || typeof config !== 'object') return 'fail';
  const { level, afterMinutes } = config;
  const validAge = (x: unknown) => typeof x === 'number' && Number.isFinite(x) && (x === -1 || x >= 0);
  if (fva && (!Array.isArray(fva) || fva.length !== 2 || !validAge(fva[0]) || !validAge(fva[1]))) return 'fail';
  if (typeof afterMinutes !== 'number' || !(afterMinutes > 0)) return 'fail';
  if (level !== 'first_factor' && level !== 'second_factor' && level !== 'multi_factor') return 'fail';
  if (!fva) return 'fail';
  const [f1, f2] = fva;
  const fresh = (age: number) => age !== -1 && afterMinutes > age;
  if (f1 === -1 && f2 === -1) return 'fail';
  if (level === 'first_factor') return fresh(f1) ? 'pass' : 'fail';
  if (level === 'second_factor') return (f2 !== -1 ? fresh(f2) : fresh(f1)) ? 'pass' : 'fail';
  if (f2 === -1) return fresh(f1) ? 'pass' : 'fail';
  return fresh(f1) && fresh(f2) ? 'pass' : 'fail';
}

/**
 * Answers one authorization question. Every given key must pass (strict AND) and at least one key
 * must be given; a signed-out subject, a missing org, an unknown scope or a malformed value fail.
 */
export function checkAuthorization(subject: AuthorizationSubject, params: CheckAuthorizationParams): boolean {
  if (!subject.userId || typeof params !== 'object' || params === null) return false;
  const org = checkOrg(subject, params);
  if (org === 'fail') return false;
  // Only what is asked about is read (a subject may derive its lists on first read).
  const feature = params.feature === undefined ? 'skip' : checkEntitlement(subject.features, params.feature);
  if (feature === 'fail') return false;
  const plan = params.plan === undefined ? 'skip' : checkEntitlement(subject.plans, params.plan);
  if (plan === 'fail') return false;
  const reverification = checkReverification(subject.factorVerificationAge, params.reverification);
  if (reverification === 'fail') return false;
  return org === 'pass' || feature === 'pass' || plan === 'pass' || reverification === 'pass';
}

export interface ScopedList {
  org: string[];
  user: string[];
}

/**
 * Splits a `fea`/`pla` claim into org and user entries (`o:`, `u:`, `ou:`/`uo:` for both; other
 * scopes ignored). A malformed claim (an entry without a scope) is null, and every check against it fails.
 */
export function parseScopedList(claim: unknown): ScopedList | null {
  const list: ScopedList = { org: [], user: [] };
  if (typeof claim !== 'string' || claim === '') return list;
  for (const raw of claim.split(',')) {
    const item = raw.trim();
    const colon = item.indexOf(':');
    if (colon === -1) return null;
    const scope = item.slice(0, colon);
    const name = item.slice(colon + 1);
    if (scope === 'o' || scope === 'ou' || scope === 'uo') list.org.push(name);
    if (scope === 'u' || scope === 'ou' || scope === 'uo') list.user.push(name);
  }
  return list;
}

/**
 * Decodes org permissions from `o.per`, `o.fpm` and `fea` as Clerk does (the i-th `fpm` number is a
 * bitmask over `per` for the i-th org-scoped feature in `fea`), but fails closed: a malformed
 * `per`/`fpm` pair grants nothing at all (issue #15), where Clerk's decoder reads what it can.
 */
export function decodeOrgPermissions(claims: Pick<SessionClaims, 'o' | 'fea'>): string[] {
  const grants = claims.o ? orgGrants(claims.o, claims.fea) : null;
  return grants ? [...grants] : [];
}
