// Users from server code and the CLI: listing, creating without a session, and the instance-admin flag kept in private metadata.

import { GatehouseError, withClerkUserFields, type ClerkUserFields, type RequestContext } from '@gatehouse/core';
import { z } from 'zod';
import { hashPassword } from './passwords.js';
import { POLICY_MAX_LENGTH, POLICY_MIN_LENGTH, checkNewPassword } from '../accounts/password-policy.js';

import { BACKEND_CONTEXT } from '../sessions/session-core.js';
import type { Updateable } from 'kysely';
import type { Store } from '../store/types.js';
import type { UserRow, UsersTable } from './user-store.js';
import { USER_ID_PATTERN } from '../store/ids.js';
import { insertNewUser, normalizeEmail, toEmailAddress, toPublicUser, type PublicUser } from './users.js';

/**
 * A password set by server code, the CLI or the dashboard: the same policy as sign-up, answered as
 * the backend's `bad_request` (400) with the reason.
 * @throws GatehouseError `bad_request`
 */
function adminPassword(password: string): string {
  try {
    return checkNewPassword(password);
  } catch (error) {
    const listed = /common or breached/.test(error instanceof Error ? error.message : '');
    throw new GatehouseError(
      'bad_request',
      listed
        ? 'The password is on a list of common or breached passwords; choose another one.'
        : `The password must be ${POLICY_MIN_LENGTH} to ${POLICY_MAX_LENGTH} characters.`,
    );
  }
}

/** A user as the backend sees them: the public fields plus the flags an operator needs. */
export interface UserSummary extends PublicUser {
  banned: boolean;
  /** May use the admin API (`privateMetadata.gatehouse.admin === true`). */
  instanceAdmin: boolean;
}

/**
 * A user as server code sees them: everything but the password hash, private metadata included,
 * plus Clerk's derived fields (`primaryEmailAddress`, `emailAddresses`, `fullName`, …).
 */
export interface BackendUser extends Omit<UserSummary, 'emailAddresses'>, ClerkUserFields {
  privateMetadata: UserPrivateMetadata;
}

/** What server code may change on a user; metadata given here replaces the stored object. */
export interface UserChanges {
  firstName?: string | null | undefined;
  lastName?: string | null | undefined;
  imageUrl?: string | null | undefined;
  /** A new password (hashed here); the user's sessions stay (revoke them separately when needed). */
  password?: string | undefined;
  publicMetadata?: Record<string, unknown> | undefined;
  privateMetadata?: Record<string, unknown> | undefined;
  unsafeMetadata?: Record<string, unknown> | undefined;
}

export type MetadataChanges = Pick<UserChanges, 'publicMetadata' | 'privateMetadata' | 'unsafeMetadata'>;

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
    input: {
      email: string;
      password?: string | undefined;
      firstName?: string | undefined;
      lastName?: string | undefined;
      /** The address is known to belong to the person (demo users, an admin who checked it); default false. */
      emailVerified?: boolean | undefined;
    },
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
  /** How many users there are. */
  count(): Promise<number>;
  /** The user with private metadata, by id or email; null when there is none. */
  get(idOrEmail: string): Promise<BackendUser | null>;
  /**
   * Changes names, image, password or metadata (each metadata object replaces the stored one).
   * Audited as `user.updated` with the names of the fields (never their values).
   * @throws GatehouseError `not_found`, `bad_request`
   */
  update(userId: string, changes: UserChanges, ctx?: RequestContext): Promise<BackendUser>;
  /**
   * Merges metadata into the stored objects: nested objects merge, a key set to null is removed.
   * @throws GatehouseError `not_found`, `bad_request`
   */
  updateMetadata(userId: string, changes: MetadataChanges, ctx?: RequestContext): Promise<BackendUser>;
}

const EMAIL = z.email();
const MAX_NAME_LENGTH = 256;
const MAX_PAGE = 1000;

function privateMetadata(row: Pick<UserRow, 'private_metadata'>): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(row.private_metadata);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through: unreadable metadata grants nothing
  }
  return {};
}

export function adminFlag(row: Pick<UserRow, 'private_metadata'>): boolean {
  const gatehouse = privateMetadata(row).gatehouse;
  return typeof gatehouse === 'object' && gatehouse !== null && (gatehouse as { admin?: unknown }).admin === true;
}

/**
 * Sets or clears a user's instance-admin flag inside the caller's transaction, with a
 * `user.updated` audit row naming the field (never a value besides the flag). Returns the new row.
 */
export async function writeAdminFlag(
  tx: Store,
  row: UserRow,
  admin: boolean,
  by: { ctx: RequestContext; at: number; actorId: string | null },
): Promise<UserRow> {
  if (adminFlag(row) === admin) return row;
  const metadata = privateMetadata(row);
  const own = typeof metadata.gatehouse === 'object' && metadata.gatehouse !== null ? (metadata.gatehouse as Record<string, unknown>) : {};
  const next = JSON.stringify({ ...metadata, gatehouse: { ...own, admin } });
  await tx.updateUser(row.id, { private_metadata: next, updated_at: by.at });
  await tx.appendAudit({
    at: by.at,
    action: 'user.updated',
    actor_id: by.actorId,
    subject_id: row.id,
    ip: by.ctx.ip,
    user_agent: by.ctx.userAgent,
    data: JSON.stringify({ instanceAdmin: admin }),
  });
  return { ...row, private_metadata: next, updated_at: by.at };
}

/** The summary of a user row (the dashboard reads rows of its own queries). */
export function toSummary(row: UserRow): UserSummary {
  return { ...toPublicUser(row), banned: row.banned === 1, instanceAdmin: adminFlag(row) };
}

/** The backend's user: the summary with every email address and private metadata, plus Clerk's derived fields. */
async function toBackendUser(store: Store, row: UserRow): Promise<BackendUser> {
  const emailAddresses = (await store.listEmailAddresses(row.id)).map(toEmailAddress);
  return withClerkUserFields({ ...toSummary(row), emailAddresses, privateMetadata: privateMetadata(row) });
}

const MAX_METADATA_BYTES = 8 * 1024;
const METADATA_FIELDS = {
  publicMetadata: 'public_metadata',
  privateMetadata: 'private_metadata',
  unsafeMetadata: 'unsafe_metadata',
} as const;

function metadataText(value: Record<string, unknown>, field: string): string {
  const text = JSON.stringify(value);
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Buffer.byteLength(text) > MAX_METADATA_BYTES)
    throw new GatehouseError('bad_request', `${field} must be a JSON object of at most ${MAX_METADATA_BYTES} bytes.`);
  return text;
}

/** Deep merge: objects merge key by key, null removes a key, anything else replaces. */
function mergeMetadata(base: Record<string, unknown>, changes: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) delete out[key];
    else if (
      typeof value === 'object' &&
      !Array.isArray(value) &&
      typeof out[key] === 'object' &&
      out[key] !== null &&
      !Array.isArray(out[key])
    )
      out[key] = mergeMetadata(out[key] as Record<string, unknown>, value as Record<string, unknown>);
    else out[key] = value;
  }
  return out;
}

function parseObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
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
    USER_ID_PATTERN.test(idOrEmail) ? db.findUserById(idOrEmail) : db.findUserByEmail(normalizeEmail(idOrEmail));

  /** Applies the changes `plan` derives from the current row, with one `user.updated` row naming the fields. */
  async function write(userId: string, plan: (row: UserRow) => Updateable<UsersTable>, ctx: RequestContext): Promise<BackendUser> {
    return store.transaction(async (tx) => {
      const row = await tx.findUserById(userId);
      if (!row) throw new GatehouseError('not_found', 'No such user.');
      const update = plan(row);
      const fields = Object.keys(update);
      if (fields.length === 0) return toBackendUser(tx, row);
      const t = now();
      await tx.updateUser(row.id, { ...update, updated_at: t });
      await tx.appendAudit({
        at: t,
        action: 'user.updated',
        actor_id: null,
        subject_id: row.id,
        ip: ctx.ip,
        user_agent: ctx.userAgent,
        data: JSON.stringify({ fields }),
      });
      return toBackendUser(tx, { ...row, ...(update as Partial<UserRow>), updated_at: t });
    });
  }

  return {
    async list(options = {}) {
      const limit = Math.min(Math.max(1, Math.floor(options.limit ?? 100)), MAX_PAGE);
      const offset = Math.max(0, Math.floor(options.offset ?? 0));
      return (await store.listUsers({ limit, offset })).map(toSummary);
    },

    async find(idOrEmail) {
      const row = await findRow(store, idOrEmail);
      return row ? toSummary(row) : null;
    },

    async create(input, ctx = BACKEND_CONTEXT) {
      const email = normalizeEmail(input.email);
      if (email.length > 320 || !EMAIL.safeParse(email).success) throw new GatehouseError('bad_request', 'Enter a valid email address.');
      const firstName = checkName(input.firstName, 'first name');
      const lastName = checkName(input.lastName, 'last name');
      const passwordHash = input.password === undefined ? null : await hashPassword(adminPassword(input.password));
      return store.transaction(async (tx) =>
        toSummary(
          await insertNewUser(
            tx,
            { email, passwordHash, firstName, lastName, verified: input.emailVerified === true },
            ctx,
            now(),
            'backend',
          ),
        ),
      );
    },

    async setInstanceAdmin(idOrEmail, admin, ctx = BACKEND_CONTEXT) {
      return store.transaction(async (tx) => {
        const row = await findRow(tx, idOrEmail);
        if (!row) throw new GatehouseError('not_found', 'No such user.');
        return toSummary(await writeAdminFlag(tx, row, admin, { ctx, at: now(), actorId: null }));
      });
    },

    async count() {
      return store.countUsers();
    },

    async get(idOrEmail) {
      const row = await findRow(store, idOrEmail);
      return row ? toBackendUser(store, row) : null;
    },

    async update(userId, changes, ctx = BACKEND_CONTEXT) {
      const update: Updateable<UsersTable> = {};
      if (changes.firstName !== undefined) update.first_name = checkName(changes.firstName ?? undefined, 'first name');
      if (changes.lastName !== undefined) update.last_name = checkName(changes.lastName ?? undefined, 'last name');
      if (changes.imageUrl !== undefined) {
        if (changes.imageUrl !== null && (changes.imageUrl.length > 2048 || !/^https?:\/\/[^\s]+$/.test(changes.imageUrl)))
          throw new GatehouseError('bad_request', 'The image URL must be an http(s) URL of at most 2048 characters.');
        update.image_url = changes.imageUrl;
      }
      if (changes.password !== undefined) {
        update.password_hash = await hashPassword(adminPassword(changes.password));
      }
      for (const [field, column] of Object.entries(METADATA_FIELDS)) {
        const value = changes[field as keyof typeof METADATA_FIELDS];
        if (value !== undefined) update[column] = metadataText(value, field);
      }
      return write(userId, () => update, ctx);
    },

    async updateMetadata(userId, changes, ctx = BACKEND_CONTEXT) {
      return write(
        userId,
        (row) => {
          const update: Updateable<UsersTable> = {};
          for (const [field, column] of Object.entries(METADATA_FIELDS)) {
            const value = changes[field as keyof typeof METADATA_FIELDS];
            if (value === undefined) continue;
            metadataText(value, field);
            update[column] = metadataText(mergeMetadata(parseObject(row[column]), value), field);
          }
          return update;
        },
        ctx,
      );
    },

    async isInstanceAdmin(userId) {
      const row = await store.findUserById(userId);
      return row !== null && row.banned !== 1 && adminFlag(row);
    },
  };
}
