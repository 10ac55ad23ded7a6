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
