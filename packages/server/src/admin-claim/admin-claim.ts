// The first instance admin: a one-time link (`gatehouse init`) that makes the signed-in user who opens it the instance admin, while there is none.

import { GatehouseError, type RequestContext } from '@gatehouse/core';
import { hashSecret, newSecret } from '../store/ids.js';
import type { Store } from '../store/types.js';
import { adminFlag, writeAdminFlag } from '../users/user-admin.js';

/** Where the link points, under the auth API's base path. */
export const CLAIM_PATH = '/claim-admin';
/** How long a link works by default: long enough to start the app and sign up. */
export const CLAIM_TTL_SECONDS = 60 * 60;
const TOKEN = /^gh_claim_[A-Za-z0-9_-]{43}$/;
const NOT_VALID = 'This link does not work: it was used, it expired, or the instance already has an admin.';

export interface AdminClaims {
  /** Whether an instance admin (not banned) exists. */
  adminExists(): Promise<boolean>;
  /**
   * A new link's token, valid for `ttlSeconds`; an earlier unused link stops working. Null when an
   * instance admin exists (the link is only for the first one). Only the token's hash is stored.
   */
  mint(ttlSeconds?: number): Promise<{ token: string; expiresAt: number } | null>;
  /** Whether `token` would be accepted now (unused, unexpired, no admin yet); changes nothing. */
  isValid(token: string): Promise<boolean>;
  /**
   * Makes `userId` the instance admin and uses the link up, in one transaction: of two claims at
   * once only one succeeds.
   * @throws GatehouseError `not_found` when the link does not work (the same answer for every reason)
   */
  claim(token: string, userId: string, ctx: RequestContext): Promise<void>;
}

async function anyAdmin(store: Store): Promise<boolean> {
  return (await store.listAdminCandidates()).some((row) => row.banned !== 1 && adminFlag(row));
}

export function createAdminClaims(deps: { store: Store; now: () => number }): AdminClaims {
  const { store, now } = deps;
  const live = async (tx: Store, token: string): Promise<string | null> => {
    if (!TOKEN.test(token)) return null;
    const hash = hashSecret(token);
    const row = await tx.findAdminClaim(hash);
    if (!row || row.used_at !== null || row.expires_at <= now()) return null;
    return (await anyAdmin(tx)) ? null : hash;
  };
  return {
    adminExists: () => anyAdmin(store),
    async mint(ttlSeconds = CLAIM_TTL_SECONDS) {
      if (!Number.isFinite(ttlSeconds) || ttlSeconds < 60 || ttlSeconds > 7 * 24 * 3600)
        throw new TypeError('An admin link lives between 60 seconds and 7 days');
      return store.transaction(async (tx) => {
        if (await anyAdmin(tx)) return null;
        const token = `gh_claim_${newSecret()}`;
        const at = now();
        const expiresAt = at + ttlSeconds * 1000;
        await tx.replaceAdminClaim({ token_hash: hashSecret(token), created_at: at, expires_at: expiresAt });
        return { token, expiresAt };
      });
    },
    async isValid(token) {
      return (await live(store, token)) !== null;
    },
    async claim(token, userId, ctx) {
      await store.transaction(async (tx) => {
        const hash = await live(tx, token);
        const user = hash ? await tx.findUserById(userId) : null;
        if (!hash || !user || user.banned === 1 || !(await tx.useAdminClaim(hash, now(), userId)))
          throw new GatehouseError('not_found', NOT_VALID);
        await writeAdminFlag(tx, user, true, { ctx, at: now(), actorId: userId });
      });
    },
  };
}
