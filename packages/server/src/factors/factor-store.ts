// The second-factor and passkey tables (factors, backup codes, challenges) and their queries (one implementation for every dialect).

import type { Generated, Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely';
import type { Database } from '../store/types.js';

export type FactorKind = 'totp' | 'passkey';

/** A TOTP authenticator or a passkey of a user. */
export interface UserFactorsTable {
  /** `totp_…` or `pk_…`. */
  id: string;
  user_id: string;
  kind: FactorKind;
  /** `unverified` until a TOTP enrolment is confirmed by a code; passkeys are born `verified`. */
  status: 'unverified' | 'verified';
  name: string;
  /** TOTP only: the base32 secret sealed under the master secret. */
  secret_sealed: string | null;
  /** TOTP only: the last accepted time step (a code is good once). */
  last_step: number | null;
  /** Passkeys only: the credential id (base64url), its COSE public key (base64url), signature counter and flags. */
  credential_id: string | null;
  public_key: string | null;
  counter: Generated<number>;
  device_type: string | null;
  backed_up: Generated<number>;
  /** JSON array of the authenticator's transports. */
  transports: Generated<string>;
  last_used_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface BackupCodesTable {
  id: string;
  user_id: string;
  /** SHA-256 of the code (they are random and high-entropy enough for a plain hash). */
  code_hash: string;
  used_at: number | null;
  created_at: number;
}

export type ChallengePurpose = 'second_factor' | 'passkey_registration' | 'passkey_sign_in' | 'passkey_reverify';

/** One-time state between two requests, found by the hash of a secret the browser holds. */
export interface FactorChallengesTable {
  id: string;
  secret_hash: string;
  purpose: ChallengePurpose;
  user_id: string | null;
  session_id: string | null;
  /** The WebAuthn challenge (base64url), or for a second-factor sign-in the client token presented with the password. */
  challenge: string | null;
  failures: Generated<number>;
  expires_at: number;
  created_at: number;
}

export type UserFactorRow = Selectable<UserFactorsTable>;

export type FactorChallengeRow = Selectable<FactorChallengesTable>;

/** The factor tables in the store's database type. */
export interface FactorsDatabase {
  user_factors: UserFactorsTable;
  backup_codes: BackupCodesTable;
  factor_challenges: FactorChallengesTable;
}

/** The second-factor and passkey tables. */
export interface FactorStore {
  insertFactor(row: Insertable<UserFactorsTable>): Promise<void>;
  /** The user's factors, oldest first (of one kind, when given). */
  listFactors(userId: string, kind?: FactorKind): Promise<UserFactorRow[]>;
  findFactor(userId: string, id: string): Promise<UserFactorRow | null>;
  findPasskeyByCredentialId(credentialId: string): Promise<UserFactorRow | null>;
  updateFactor(id: string, changes: Updateable<UserFactorsTable>): Promise<void>;
  /**
   * Moves a TOTP factor's last accepted step to `step` only if it is below it; false when a code of
   * that step (or a later one) was already accepted: the compare is part of the update, so of two
   * concurrent uses of one code only one wins.
   */
  advanceTotpStep(id: string, step: number, at: number): Promise<boolean>;
  /** Sets a passkey's counter and flags, only if the stored counter is still `expected` (a concurrent use loses). */
  advancePasskeyCounter(id: string, expected: number, changes: { counter: number; backed_up: number; at: number }): Promise<boolean>;
  deleteFactor(userId: string, id: string): Promise<boolean>;
  deleteFactors(userId: string, kind?: FactorKind): Promise<number>;
  replaceBackupCodes(userId: string, rows: Insertable<BackupCodesTable>[]): Promise<void>;
  /** Marks an unused code used; false when there is none with that hash or it was used already (the check is part of the update). */
  useBackupCode(userId: string, codeHash: string, at: number): Promise<boolean>;
  countUnusedBackupCodes(userId: string): Promise<number>;
  insertChallenge(row: Insertable<FactorChallengesTable>): Promise<void>;
  findChallenge(secretHash: string): Promise<FactorChallengeRow | null>;
  /** Deletes a challenge; false when it was gone already (a second use of it loses). */
  consumeChallenge(id: string): Promise<boolean>;
  /** Counts a wrong answer against a challenge; returns the failures so far. */
  failChallenge(id: string): Promise<number>;
  pruneChallenges(before: number): Promise<void>;
}

export function factorQueries(db: Kysely<Database> | Transaction<Database>): FactorStore {
  return {
    async insertFactor(row) {
      await db.insertInto('user_factors').values(row).execute();
    },
    async listFactors(userId, kind) {
      let q = db.selectFrom('user_factors').selectAll().where('user_id', '=', userId);
      if (kind) q = q.where('kind', '=', kind);
      return q.orderBy('created_at').orderBy('id').execute();
    },
    async findFactor(userId, id) {
      const row = await db.selectFrom('user_factors').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
      return row ?? null;
    },
    async findPasskeyByCredentialId(credentialId) {
      const row = await db
        .selectFrom('user_factors')
        .selectAll()
        .where('credential_id', '=', credentialId)
        .where('kind', '=', 'passkey')
        .executeTakeFirst();
      return row ?? null;
    },
    async updateFactor(id, changes) {
      await db.updateTable('user_factors').set(changes).where('id', '=', id).execute();
    },
    async advanceTotpStep(id, step, at) {
      const result = await db
        .updateTable('user_factors')
        .set({ last_step: step, last_used_at: at, updated_at: at })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async advancePasskeyCounter(id, expected, { counter, backed_up, at }) {
      const result = await db
        .updateTable('user_factors')
        .set({ counter, backed_up, last_used_at: at, updated_at: at })
        .where('id', '=', id)
        .where('counter', '=', expected)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async deleteFactor(userId, id) {
      const result = await db.deleteFrom('user_factors').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },
    async deleteFactors(userId, kind) {
      let q = db.deleteFrom('user_factors').where('user_id', '=', userId);
      if (kind) q = q.where('kind', '=', kind);
      return Number((await q.executeTakeFirst()).numDeletedRows);
    },
    async replaceBackupCodes(userId, rows) {
      await db.deleteFrom('backup_codes').where('user_id', '=', userId).execute();
      if (rows.length) await db.insertInto('backup_codes').values(rows).execute();
    },
    async useBackupCode(userId, codeHash, at) {
      const result = await db
        .updateTable('backup_codes')
        .set({ used_at: at })
        .where('user_id', '=', userId)
        .where('code_hash', '=', codeHash)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) >= 1;
    },
    async countUnusedBackupCodes(userId) {
      const row = await db
        .selectFrom('backup_codes')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .where('user_id', '=', userId)
        .where('used_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async insertChallenge(row) {
      await db.insertInto('factor_challenges').values(row).execute();
    },
    async findChallenge(secretHash) {
      return (await db.selectFrom('factor_challenges').selectAll().where('secret_hash', '=', secretHash).executeTakeFirst()) ?? null;
    },
    async consumeChallenge(id) {
      const result = await db.deleteFrom('factor_challenges').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },
    async failChallenge(id) {
      await db
        .updateTable('factor_challenges')
        .set((eb) => ({ failures: eb('failures', '+', 1) }))
        .where('id', '=', id)
        .execute();
      const row = await db.selectFrom('factor_challenges').select('failures').where('id', '=', id).executeTakeFirst();
      return Number(row?.failures ?? Number.MAX_SAFE_INTEGER);
    },
    async pruneChallenges(before) {
      await db.deleteFrom('factor_challenges').where('expires_at', '<', before).execute();
    },
  };
}
