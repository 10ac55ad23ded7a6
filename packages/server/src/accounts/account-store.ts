// The accounts tables (email addresses, sign-up and sign-in attempts, verification codes) and their queries, one implementation for every dialect.

import type { Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely';
import type { Database } from '../store/types.js';

/** One email address of a user. The primary one is the address in `users.email`. */
export interface EmailAddressesTable {
  /** `idn_…`. */
  id: string;
  user_id: string;
  /** Normalised (trimmed, lower case); unique across all users. */
  email: string;
  verified: number;
  created_at: number;
  updated_at: number;
}

/** Clerk's sign-up statuses that a Gatehouse sign-up attempt takes. */
export type SignUpStatus = 'missing_requirements' | 'complete' | 'abandoned';

/** A sign-up in progress: the user exists only once the address is verified. */
export interface SignUpAttemptsTable {
  /** `sua_…`. */
  id: string;
  email: string;
  password_hash: string | null;
  first_name: string | null;
  last_name: string | null;
  status: SignUpStatus;
  /** The address belonged to a user when the attempt began: the attempt looks the same from outside but never completes. */
  taken: number;
  created_user_id: string | null;
  created_session_id: string | null;
  created_at: number;
  updated_at: number;
  expire_at: number;
}

/** Clerk's sign-in statuses. `needs_second_factor` is where a second factor (TOTP, passkey, …) plugs in. */
export type SignInStatus = 'needs_identifier' | 'needs_first_factor' | 'needs_second_factor' | 'needs_new_password' | 'complete';

/** A sign-in in progress (password reset, or a first factor that needs a second one). */
export interface SignInAttemptsTable {
  /** `sia_…`. */
  id: string;
  identifier: string | null;
  /** Null when the identifier names nobody: the attempt then behaves like any other but never completes. */
  user_id: string | null;
  status: SignInStatus;
  /** The first-factor strategy in use (`password`, `reset_password_email_code`, …). */
  strategy: string | null;
  first_factor_verified_at: number | null;
  second_factor_verified_at: number | null;
  created_session_id: string | null;
  created_at: number;
  updated_at: number;
  expire_at: number;
}

export type VerificationPurpose = 'sign_up' | 'reset_password' | 'email_address';

/** A one-time code (and link) sent by mail; only keyed hashes are stored. */
export interface VerificationCodesTable {
  /** `vc_…`. */
  id: string;
  purpose: VerificationPurpose;
  target_id: string;
  code_hash: string;
  link_hash: string | null;
  attempts: number;
  expire_at: number;
  consumed_at: number | null;
  created_at: number;
}

export interface AccountsDatabase {
  email_addresses: EmailAddressesTable;
  sign_up_attempts: SignUpAttemptsTable;
  sign_in_attempts: SignInAttemptsTable;
  verification_codes: VerificationCodesTable;
}

export type EmailAddressRow = Selectable<EmailAddressesTable>;
export type SignUpAttemptRow = Selectable<SignUpAttemptsTable>;
export type SignInAttemptRow = Selectable<SignInAttemptsTable>;
export type VerificationCodeRow = Selectable<VerificationCodesTable>;

export interface AccountStore {
  insertEmailAddress(row: Insertable<EmailAddressesTable>): Promise<void>;
  findEmailAddress(email: string): Promise<EmailAddressRow | null>;
  findEmailAddressById(id: string): Promise<EmailAddressRow | null>;
  /** A user's addresses, oldest first. */
  listEmailAddresses(userId: string): Promise<EmailAddressRow[]>;
  /** The addresses of several users at once (user lists), oldest first. */
  listEmailAddressesOfUsers(userIds: readonly string[]): Promise<EmailAddressRow[]>;
  updateEmailAddress(id: string, changes: Updateable<EmailAddressesTable>): Promise<void>;
  deleteEmailAddress(id: string): Promise<void>;

  insertSignUpAttempt(row: Insertable<SignUpAttemptsTable>): Promise<void>;
  findSignUpAttempt(id: string): Promise<SignUpAttemptRow | null>;
  updateSignUpAttempt(id: string, changes: Updateable<SignUpAttemptsTable>): Promise<void>;

  insertSignInAttempt(row: Insertable<SignInAttemptsTable>): Promise<void>;
  findSignInAttempt(id: string): Promise<SignInAttemptRow | null>;
  updateSignInAttempt(id: string, changes: Updateable<SignInAttemptsTable>): Promise<void>;

  insertVerificationCode(row: Insertable<VerificationCodesTable>): Promise<void>;
  /** The newest code for a target (older ones are superseded). */
  findLatestVerificationCode(targetId: string, purpose: VerificationPurpose): Promise<VerificationCodeRow | null>;
  findVerificationCodeByLink(linkHash: string): Promise<VerificationCodeRow | null>;
  /**
   * Counts one attempt, only while the code is unconsumed and below `maxAttempts`; returns the new
   * count, or null when the code was spent or used up meanwhile (the check is part of the update).
   */
  countVerificationAttempt(id: string, maxAttempts: number): Promise<number | null>;
  /** Marks a code used; false when another request consumed it first. */
  consumeVerificationCode(id: string, at: number): Promise<boolean>;
}

export function accountQueries(db: Kysely<Database> | Transaction<Database>): AccountStore {
  return {
    async insertEmailAddress(row) {
      await db.insertInto('email_addresses').values(row).execute();
    },
    async findEmailAddress(email) {
      return (await db.selectFrom('email_addresses').selectAll().where('email', '=', email).executeTakeFirst()) ?? null;
    },
    async findEmailAddressById(id) {
      return (await db.selectFrom('email_addresses').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
    },
    async listEmailAddresses(userId) {
      return db.selectFrom('email_addresses').selectAll().where('user_id', '=', userId).orderBy('created_at').orderBy('id').execute();
    },
    async listEmailAddressesOfUsers(userIds) {
      if (userIds.length === 0) return [];
      return db
        .selectFrom('email_addresses')
        .selectAll()
        .where('user_id', 'in', [...userIds])
        .orderBy('created_at')
        .orderBy('id')
        .execute();
    },
    async updateEmailAddress(id, changes) {
      await db.updateTable('email_addresses').set(changes).where('id', '=', id).execute();
    },
    async deleteEmailAddress(id) {
      await db.deleteFrom('email_addresses').where('id', '=', id).execute();
    },

    async insertSignUpAttempt(row) {
      await db.insertInto('sign_up_attempts').values(row).execute();
    },
    async findSignUpAttempt(id) {
      return (await db.selectFrom('sign_up_attempts').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
    },
    async updateSignUpAttempt(id, changes) {
      await db.updateTable('sign_up_attempts').set(changes).where('id', '=', id).execute();
    },

    async insertSignInAttempt(row) {
      await db.insertInto('sign_in_attempts').values(row).execute();
    },
    async findSignInAttempt(id) {
      return (await db.selectFrom('sign_in_attempts').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
    },
    async updateSignInAttempt(id, changes) {
      await db.updateTable('sign_in_attempts').set(changes).where('id', '=', id).execute();
    },

    async insertVerificationCode(row) {
      await db.insertInto('verification_codes').values(row).execute();
    },
    async findLatestVerificationCode(targetId, purpose) {
      return (
        (await db
          .selectFrom('verification_codes')
          .selectAll()
          .where('target_id', '=', targetId)
          .where('purpose', '=', purpose)
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .executeTakeFirst()) ?? null
      );
    },
    async findVerificationCodeByLink(linkHash) {
      return (await db.selectFrom('verification_codes').selectAll().where('link_hash', '=', linkHash).executeTakeFirst()) ?? null;
    },
    async countVerificationAttempt(id, maxAttempts) {
      const result = await db
        .updateTable('verification_codes')
        .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
        .where('id', '=', id)
        .where('consumed_at', 'is', null)
        .where('attempts', '<', maxAttempts)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) return null;
      const row = await db.selectFrom('verification_codes').select('attempts').where('id', '=', id).executeTakeFirst();
      return row ? Number(row.attempts) : null;
    },
    async consumeVerificationCode(id, at) {
      const result = await db
        .updateTable('verification_codes')
        .set({ consumed_at: at })
        .where('id', '=', id)
        .where('consumed_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}
