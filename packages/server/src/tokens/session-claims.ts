// Custom session-token claims: a template checked against the cookie budget when it is configured.

import {
  RESERVED_SESSION_CLAIMS,
  assertClaimsTemplate,
  renderClaimsTemplate,
  templateShortcodes,
  type ShortcodeContext,
} from '@gatehouse/core';
import type { UserRow } from '../users/user-store.js';

/**
 * What custom claims may add to a session token, in bytes of JSON. A browser drops a cookie over
 * 4 KB without a word; the default claims, an org with many permissions, the header and the RS256
 * signature take the rest.
 */
export const SESSION_CLAIMS_BUDGET_BYTES = 1200;
/** The most one shortcode may contribute to a session token; a longer value renders as null. */
export const SESSION_CLAIM_VALUE_MAX_BYTES = 256;

/** Shortcodes whose values are small by construction (ids, flags, timestamps). */
const SMALL: Record<string, number> = {
  'user.id': 40,
  'user.email_verified': 5,
  'user.created_at': 13,
  'user.updated_at': 13,
  'org.id': 40,
};

const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value) ?? 'null').byteLength;

/** The largest JSON a template can render to, with every shortcode at its cap. */
export function worstCaseClaimsBytes(template: Record<string, unknown>): number {
  let size = bytes(template);
  for (const path of templateShortcodes(template)) size += SMALL[path] ?? SESSION_CLAIM_VALUE_MAX_BYTES;
  return size;
}

/**
 * Validates a session-claims template at configuration time.
 * @throws TypeError when it sets a default claim, is malformed, or could exceed the budget
 */
export function compileSessionClaims(template: unknown): Record<string, unknown> {
  assertClaimsTemplate(template, RESERVED_SESSION_CLAIMS);
  const worst = worstCaseClaimsBytes(template);
  if (worst > SESSION_CLAIMS_BUDGET_BYTES) {
    throw new TypeError(
      `The session claims template could add ${worst} bytes to the session token; the budget is ${SESSION_CLAIMS_BUDGET_BYTES} ` +
        '(the session cookie must stay under 4 KB). Move large values to a JWT template or to currentUser().',
    );
  }
  return template;
}

function capped(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  return bytes(value) > SESSION_CLAIM_VALUE_MAX_BYTES ? null : value;
}

/** The user part of a shortcode context. Private metadata is never in it. */
export function userShortcodes(user: UserRow): Record<string, unknown> {
  const fullName = [user.first_name, user.last_name].filter(Boolean).join(' ') || null;
  return {
    id: user.id,
    external_id: null,
    username: null,
    first_name: user.first_name,
    last_name: user.last_name,
    full_name: fullName,
    primary_email_address: user.email,
    email_verified: user.email_verified === 1,
    image_url: user.image_url,
    created_at: Math.floor(Number(user.created_at) / 1000),
    updated_at: Math.floor(Number(user.updated_at) / 1000),
    public_metadata: JSON.parse(user.public_metadata) as unknown,
    unsafe_metadata: JSON.parse(user.unsafe_metadata) as unknown,
  };
}

/** Renders the custom claims of one session token; values over the per-value cap render as null. */
export function renderSessionClaims(template: Record<string, unknown>, context: ShortcodeContext): Record<string, unknown> {
  const claims = renderClaimsTemplate(template, context, capped);
  for (const name of RESERVED_SESSION_CLAIMS) delete claims[name];
  return claims;
}
