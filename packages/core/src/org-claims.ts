// Encoding the active organization into a session token in Clerk's v2 form (`o` and `fea`).

import type { OrganizationClaim } from './claims.js';

export interface ActiveOrganization {
  id: string;
  slug: string | null;
  /** The role key, `org:admin` or `admin`. */
  role: string;
  /** Every permission of the role, `org:<feature>:<action>`, system permissions included. */
  permissions: readonly string[];
}

const PERMISSION = /^org:([a-z0-9_-]+):([a-z0-9_-]+)$/i;

/**
 * `o.rol` is the role without `org:`; `o.per` lists the action names; `fea` lists the org features
 * (`o:<feature>`, in order); `o.fpm` holds one decimal bitmask per feature, bit j set meaning
 * `org:<feature>:<per[j]>`. System permissions (`org:sys_*`) are included, so server-side has()
 * agrees with the client (Clerk leaves them out).
 */
export function encodeOrgClaims(org: ActiveOrganization): { o: OrganizationClaim; fea?: string } {
  const o: OrganizationClaim = { id: org.id, rol: org.role.startsWith('org:') ? org.role.slice(4) : org.role };
  if (org.slug) o.slg = org.slug;
  const features: string[] = [];
  const actions: string[] = [];
  const grants = new Map<string, Set<string>>();
  for (const permission of [...new Set(org.permissions)].sort()) {
    const match = PERMISSION.exec(permission);
    if (!match) continue;
    const [, feature, action] = match as unknown as [string, string, string];
    if (!grants.has(feature)) {
      grants.set(feature, new Set());
      features.push(feature);
    }
    grants.get(feature)!.add(action);
    if (!actions.includes(action)) actions.push(action);
  }
  if (features.length === 0) return { o };
  o.per = actions.join(',');
  o.fpm = features
    .map((feature) => {
      let mask = 0n;
      actions.forEach((action, j) => {
        if (grants.get(feature)!.has(action)) mask |= 1n << BigInt(j);
      });
      return mask.toString();
    })
    .join(',');
  return { o, fea: features.map((f) => `o:${f}`).join(',') };
}

/** A role key without `org:` (the form `encodeOrgClaims` writes from a registered role). */
const ROLE_CLAIM = /^[a-z0-9_-]{1,60}$/;
const ORG_ID = /^org_[A-Za-z0-9]{1,64}$/;
const ACTION = /^[a-z0-9_-]{1,64}$/i;
/** Canonical decimal: no sign, no space, no leading zero, no exponent. */
const DECIMAL = /^(?:0|[1-9][0-9]*)$/;

/** The org-scoped features of a `fea` claim (`o:`, `ou:`, `uo:` entries), in order. */
export function orgFeaturesOf(fea: unknown): string[] {
  const features: string[] = [];
  if (typeof fea !== 'string' || fea === '') return features;
  for (const raw of fea.split(',')) {
    const item = raw.trim();
    const colon = item.indexOf(':');
    if (colon === -1) continue;
    const scope = item.slice(0, colon);
    if (scope === 'o' || scope === 'uo' || scope === 'ou') features.push(item.slice(colon + 1));
  }
  return features;
}

/**
 * The `o.per` actions and `o.fpm` masks when both are well-formed, else null: every action of the
 * permission form, exactly one mask per org feature, each a canonical decimal below 2^(actions).
 * Anything else (400 nines, a leading space, an exponent) would otherwise decode to grants.
 */
export function parseOrgPermissionMasks(
  o: OrganizationClaim,
  fea: unknown,
): { actions: string[]; masks: string[]; features: string[] } | null {
  const { per, fpm } = o;
  if (typeof per !== 'string' || typeof fpm !== 'string') return null;
  const actions = per.split(',');
  const masks = fpm.split(',');
  const features = orgFeaturesOf(fea);
  if (masks.length !== features.length || !actions.every((a) => ACTION.test(a))) return null;
  for (const mask of masks) {
    if (!DECIMAL.test(mask)) return null;
    // Below 2^53 a double is exact: the common case without BigInt.
    const within = mask.length <= 15 ? Number(mask) < 2 ** actions.length : BigInt(mask) < 1n << BigInt(actions.length);
    if (!within) return null;
  }
  return { actions, masks, features };
}

/**
 * The permissions an `o` claim grants (`org:<feature>:<action>`, in Clerk's order), or null when
 * its `per`/`fpm` pair is malformed ({@link parseOrgPermissionMasks}). A pure function of three
 * short strings that most tokens share (one role, one set of features), so the answers are
 * remembered: verifying and answering has() then decode each combination once, not per token.
 */
export function orgGrants(o: OrganizationClaim, fea: unknown): readonly string[] | null {
  const { per, fpm } = o;
  if (typeof per !== 'string' || typeof fpm !== 'string') return null;
  const features = typeof fea === 'string' ? fea : ''; // any other fea names no feature (orgFeaturesOf)
  // Most tokens carry the triple the last one did: three short string compares, no key built or hashed.
  const last = lastGrants;
  if (last !== null && last.per === per && last.fpm === fpm && last.features === features) return last.grants;
  // Length-prefixed, so no two triples share a key whatever characters they hold.
  const key = `${per.length}:${per}${fpm.length}:${fpm}${features}`;
  let grants = grantsMemo.get(key);
  if (grants === undefined) {
    grants = decodeGrants(o, features);
    if (grantsMemo.size >= GRANTS_MEMO_SIZE) grantsMemo.clear();
    grantsMemo.set(key, grants);
  }
  lastGrants = { per, fpm, features, grants };
  return grants;
}

const GRANTS_MEMO_SIZE = 512;
const grantsMemo = new Map<string, readonly string[] | null>();
let lastGrants: { per: string; fpm: string; features: string; grants: readonly string[] | null } | null = null;

function decodeGrants(o: OrganizationClaim, fea: string): readonly string[] | null {
  const parsed = parseOrgPermissionMasks(o, fea);
  if (!parsed) return null;
  const { actions, masks, features } = parsed;
  const permissions: string[] = [];
  masks.forEach((digits, i) => {
    const feature = features[i]!;
    if (digits.length <= 15) {
      // Exact in a double (below 2^53): the common case, without BigInt arithmetic.
      let bits = Number(digits);
      for (let j = 0; bits > 0 && j < actions.length; j++, bits = Math.floor(bits / 2)) {
        if (bits % 2 === 1) permissions.push(`org:${feature}:${actions[j]}`);
      }
      return;
    }
    let bits = BigInt(digits);
    for (let j = 0; bits > 0n && j < actions.length; j++, bits >>= 1n) {
      if (bits & 1n) permissions.push(`org:${feature}:${actions[j]}`);
    }
  });
  return Object.freeze(permissions);
}

/**
 * Whether a token's `o` claim has the shape `encodeOrgClaims` writes (issue #15): an org id, a role
 * key string, an optional slug string, and `per`/`fpm` both absent or both well-formed. The
 * verifier refuses any other, so no malformed claim reaches has() or app code.
 */
export function isWellFormedOrgClaim(o: unknown, fea: unknown): boolean {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return false;
  const claim = o as Record<string, unknown>;
  if (typeof claim.id !== 'string' || !ORG_ID.test(claim.id)) return false;
  if (typeof claim.rol !== 'string' || !ROLE_CLAIM.test(claim.rol)) return false;
  if (claim.slg !== undefined && (typeof claim.slg !== 'string' || claim.slg.length > 256)) return false;
  if (claim.per === undefined && claim.fpm === undefined) return true;
  return orgGrants(claim as unknown as OrganizationClaim, fea) !== null;
}

/** The role string of an `o.rol` claim, or undefined when it is absent or not of the role form. */
export function orgRoleOf(rol: unknown): string | undefined {
  return typeof rol === 'string' && ROLE_CLAIM.test(rol) ? `org:${rol}` : undefined;
}
