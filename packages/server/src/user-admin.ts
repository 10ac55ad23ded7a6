// Users from server code and the CLI: listing, creating without a session, and the instance-admin flag kept in private metadata.

import { GatehouseError, type RequestContext } from '@gatehouse/core';
import { z } from 'zod';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, hashPassword } from './passwords.js';
import { BACKEND_CONTEXT } from './session-core.js';
import type { Store, UserRow } from './store/types.js';
import { insertNewUser, normalizeEmail, toPublicUser, type PublicUser } from './users.js';

/** A user as the backend sees them: the public fields plus the flags an operator needs. */
export interface UserSummary extends PublicUser {
  banned: boolean;
  /** May use the admin API (`privateMetadata.gatehouse.admin === true`). */
  instanceAdmin: boolean;
}

export interface UserAdmin {
  /** Users, oldest first. */
  list(options?: { limit?: number; offset?: number }): Promise<UserSummary[]>;
  /** By id (`user_…`) or email address; null when there is none. */
  find(idOrEmail: string): Promise<UserSummary | null>;
  /**
   * Creates a user (no session). Without a password the user cannot sign in with one.
   * @throws GatehouseError `bad_request` (email, password length), `identifier_exists`
   */
  create(
    input: { email: string; password?: string | undefined; firstName?: string | undefined; lastName?: string | undefined },
    ctx?: RequestContext,
  ): Promise<UserSummary>;
  /**
   * Makes a user an instance admin, or no longer one. Kept in private metadata, which only server
   * code writes; the admin API reads it from the database on every request, never from a token.
   * @throws GatehouseError `not_found`
   */
  setInstanceAdmin(idOrEmail: string, admin: boolean, ctx?: RequestContext): Promise<UserSummary>;
  /** Whether this user may use the admin API now: the flag is set and the user is not banned. */
  isInstanceAdmin(userId: string): Promise<boolean>;
}

const EMAIL = z.email();
const MAX_NAME_LENGTH = 256;
const MAX_PAGE = 1000;

function privateMetadata(row: UserRow): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(row.private_metadata);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through: unreadable metadata grants nothing
  }
  return {};
}

function adminFlag(row: UserRow): boolean {
  const gatehouse = privateMetadata(row).gatehouse;
  return typeof gatehouse === 'object' && gatehouse !== null && (gatehouse as { admin?: unknown }).admin === true;
}

/** The summary of a user row (the dashboard reads rows of its own queries). */
export function toUserSummary(row: UserRow): UserSummary {
  return { ...toPublicUser(row), banned: row.banned === 1, instanceAdmin: adminFlag(row) };
}

function checkName(value: string | undefined, field: string): string | null {
  const trimmed = value?.trim();
  if (!trimmed) return null;
  // eslint-disable-next-line no-control-regex
  if (trimmed.length > MAX_NAME_LENGTH || /[\u0000-\u001f\u007f]/.test(trimmed))
    throw new GatehouseError('bad_request', `The ${field} must be at most ${MAX_NAME_LENGTH} characters, without control characters.`);
  return trimmed;
}

export function createUserAdmin(deps: { store: Store; now: () => number }): UserAdmin {
  const { store, now } = deps;

  const findRow = (db: Store, idOrEmail: string): Promise<UserRow | null> =>
    /^user_[a-z2-7]{26}$/.test(idOrEmail) ? db.findUserById(idOrEmail) : db.findUserByEmail(normalizeEmail(idOrEmail));

  return {
    async list(options = {}) {
      const limit = Math.min(Math.max(1, Math.floor(options.limit ?? 100)), MAX_PAGE);
      const offset = Math.max(0, Math.floor(options.offset ?? 0));
      return (await store.listUsers({ limit, offset })).map(toUserSummary);
    },

    async find(idOrEmail) {
      const row = await findRow(store, idOrEmail);
      return row ? toUserSummary(row) : null;
    },

    async create(input, ctx = BACKEND_CONTEXT) {
      const email = normalizeEmail(input.email);
      if (email.length > 320 || !EMAIL.safeParse(email).success) throw new GatehouseError('bad_request', 'Enter a valid email address.');
      const firstName = checkName(input.firstName, 'first name');
      const lastName = checkName(input.lastName, 'last name');
      if (input.password !== undefined && (input.password.length < MIN_PASSWORD_LENGTH || input.password.length > MAX_PASSWORD_LENGTH))
        throw new GatehouseError('bad_request', `The password must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters.`);
      const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
      return store.transaction(async (tx) =>
        toUserSummary(await insertNewUser(tx, { email, passwordHash, firstName, lastName }, ctx, now(), 'backend')),
      );
    },

    async setInstanceAdmin(idOrEmail, admin, ctx = BACKEND_CONTEXT) {
      return store.transaction(async (tx) => {
        const row = await findRow(tx, idOrEmail);
        if (!row) throw new GatehouseError('not_found', 'No such user.');
        if (adminFlag(row) === admin) return toUserSummary(row);
        const metadata = privateMetadata(row);
        const own =
          typeof metadata.gatehouse === 'object' && metadata.gatehouse !== null ? (metadata.gatehouse as Record<string, unknown>) : {};
        const next = { ...metadata, gatehouse: { ...own, admin } };
        const t = now();
        await tx.updateUser(row.id, { private_metadata: JSON.stringify(next), updated_at: t });
        await tx.appendAudit({
          at: t,
          action: 'user.updated',
          actor_id: null,
          subject_id: row.id,
          ip: ctx.ip,
          user_agent: ctx.userAgent,
          data: JSON.stringify({ instanceAdmin: admin }),
        });
        return toUserSummary({ ...row, private_metadata: JSON.stringify(next), updated_at: t });
      });
    },

    async isInstanceAdmin(userId) {
      const row = await store.findUserById(userId);
      return row !== null && row.banned !== 1 && adminFlag(row);
    },
  };
}
