// The second-factor and passkey tables' queries (factors, backup codes, challenges), one implementation for every dialect.

import type { Kysely, Transaction } from 'kysely';
import type { Database, FactorStore } from '../store/types.js';

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
