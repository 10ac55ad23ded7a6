// Migration 0003_scale_out.

import type { Kysely, Migration } from 'kysely';

export const m0003ScaleOut = (_dialect: unknown): Migration => ({
  async up(db: Kysely<unknown>) {
    const keys = db as Kysely<{ signing_keys: { id: string; status: string; created_at: number; retire_at: number | null } }>;
    // Two processes starting at once on an empty database could each have created a key before
    // this migration: keep the newest active, let the others verify for an hour as `previous`.
    const active = await keys
      .selectFrom('signing_keys')
      .select('id')
      .where('status', '=', 'active')
      .orderBy('created_at', 'desc')
      .execute();
    for (const extra of active.slice(1)) {
      await keys
        .updateTable('signing_keys')
        .set({ status: 'previous', retire_at: Date.now() + 60 * 60 * 1000 })
        .where('id', '=', extra.id)
        .execute();
    }
    // At most one active signing key, enforced by the database: of two processes creating the
    // first key at once, or two rotations at once, one insert fails and that process reloads.
    await db.schema
      .createIndex('signing_keys_one_active')
      .on('signing_keys')
      .column('status')
      .unique()
      .where('status', '=', 'active')
      .execute();
    // The rebuild of the revoked-session set after a Redis (re)subscribe reads recent endings.
    await db.schema.createIndex('sessions_ended_idx').on('sessions').column('ended_at').execute();
  },
});
