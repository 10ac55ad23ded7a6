// has(): strict-AND, fail-closed authorization over role, permission, feature, plan and reverification.

import type { SessionClaims } from './claims.js';

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
  features?: readonly string[];
  plans?: readonly string[];
  factorVerificationAge?: readonly [number, number] | null | undefined;
}

const PRESETS: Record<ReverificationPreset, ReverificationConfig> = {
  strict_mfa: { level: 'multi_factor', afterMinutes: 10 },
  strict: { level: 'second_factor', afterMinutes: 10 },
  moderate: { level: 'second_factor', afterMinutes: 60 },
  lax: { level: 'second_factor', afterMinutes: 1440 },
};

type Outcome = 'pass' | 'fail' | 'skip';

const withOrgPrefix = (value: string): string => (value.startsWith('org:') ? value : `org:${value}`);

function checkOrg(subject: AuthorizationSubject, params: CheckAuthorizationParams): Outcome {
  if (params.role === undefined && params.permission === undefined) return 'skip';
  if (!subject.orgId) return 'fail';
  if (params.role !== undefined) {
    if (typeof params.role !== 'string' || !subject.orgRole) return 'fail';
    if (withOrgPrefix(params.role) !== withOrgPrefix(subject.orgRole)) return 'fail';
  }
  if (params.permission !== undefined) {
    if (typeof params.permission !== 'string') return 'fail';
    if (!(subject.orgPermissions ?? []).includes(withOrgPrefix(params.permission))) return 'fail';
  }
  return 'pass';
}

function checkEntitlement(list: readonly string[] | undefined, value: unknown): Outcome {
  if (value === undefined) return 'skip';
  if (typeof value !== 'string' || !list) return 'fail';
  const colon = value.indexOf(':');
  let scopes: string[];
  let name: string;
  if (colon === -1) {
    scopes = ['o', 'u'];
    name = value;
  } else {
    const scope = value.slice(0, colon);
    name = value.slice(colon + 1);
    if (scope === 'o' || scope === 'org' || scope === 'organization') scopes = ['o'];
    else if (scope === 'u' || scope === 'user') scopes = ['u'];
    else return 'fail';
  }
  return scopes.some((s) => list.includes(`${s}:${name}`)) ? 'pass' : 'fail';
}

function checkReverification(
  fva: AuthorizationSubject['factorVerificationAge'],
  value: CheckAuthorizationParams['reverification'],
): Outcome {
  if (value === undefined) return 'skip';
  const config = typeof value === 'string' ? PRESETS[value] : value;
  if (!config || typeof config !== 'object') return 'fail';
  const { level, afterMinutes } = config;
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
  const outcomes: Outcome[] = [
    checkOrg(subject, params),
    checkEntitlement(subject.features, params.feature),
    checkEntitlement(subject.plans, params.plan),
    checkReverification(subject.factorVerificationAge, params.reverification),
  ];
  return outcomes.includes('pass') && !outcomes.includes('fail');
}

/** Splits a `fea`/`pla` claim into normalised `o:x` / `u:x` entries (`uo:x` counts for both). */
export function parseScopedList(claim: unknown): string[] {
  if (typeof claim !== 'string' || claim === '') return [];
  const out: string[] = [];
  for (const raw of claim.split(',')) {
    const item = raw.trim();
    const colon = item.indexOf(':');
    if (colon === -1) continue;
    const scope = item.slice(0, colon);
    const name = item.slice(colon + 1);
    if (scope.includes('o')) out.push(`o:${name}`);
    if (scope.includes('u')) out.push(`u:${name}`);
  }
  return out;
}

/**
 * Decodes org permissions from `o.per`, `o.fpm` and `fea` exactly as Clerk does: the i-th `fpm`
 * number is a bitmask over `per` for the i-th org-scoped feature in `fea`.
 */
export function decodeOrgPermissions(claims: Pick<SessionClaims, 'o' | 'fea'>): string[] {
  const per = claims.o?.per;
  const fpm = claims.o?.fpm;
  if (typeof per !== 'string' || typeof fpm !== 'string') return [];
  const actions = per.split(',').map((p) => p.trim());
  const orgFeatures: string[] = [];
  if (typeof claims.fea === 'string' && claims.fea !== '') {
    for (const raw of claims.fea.split(',')) {
      const item = raw.trim();
      const colon = item.indexOf(':');
      if (colon === -1) continue;
      const scope = item.slice(0, colon);
      if (scope === 'o' || scope === 'uo' || scope === 'ou') orgFeatures.push(item.slice(colon + 1));
    }
  }
  const permissions: string[] = [];
  fpm.split(',').forEach((mask, i) => {
    const feature = orgFeatures[i];
    if (feature === undefined || !/^\d+$/.test(mask.trim())) return;
    let bits = BigInt(mask.trim());
    for (let j = 0; bits > 0n && j < actions.length; j++, bits >>= 1n) {
      if (bits & 1n) permissions.push(`org:${feature}:${actions[j]}`);
    }
  });
  return permissions;
}
