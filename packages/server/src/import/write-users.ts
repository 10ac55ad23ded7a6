// Writes one batch of imported users: new ones inserted with their source ids, changed ones updated, unchanged ones left alone; conflicts reported and skipped.

import type { Insertable } from 'kysely';
import type { UsersTable } from '../store/types.js';
import { encodeImportedDigest, isImportedDigest } from './digests.js';
import type { ImportedUser, ImportSourceName } from './model.js';
import { fingerprint, previousRecords, saveRecord, type ImportDb, type Tally } from './records.js';

export interface BatchContext {
  source: ImportSourceName;
  runId: string;
  at: number;
  tally: Tally;
}

/** The flags a user is recorded with: what the report lists and a later password reset reads. */
export function userFlags(user: ImportedUser): string[] {
  const flags: string[] = [];
  if (user.unknownHasher) flags.push('password_reset_required');
  if (user.totpSecret) flags.push('totp_not_imported');
  return flags;
}

function profile(user: ImportedUser): Omit<Insertable<UsersTable>, 'id' | 'password_hash' | 'created_at' | 'updated_at'> {
  const primary = user.emails[0];
  return {
    email: primary?.address ?? '',
    email_verified: primary?.verified ? 1 : 0,
    first_name: user.firstName,
    last_name: user.lastName,
    image_url: user.imageUrl,
    public_metadata: JSON.stringify(user.publicMetadata),
    private_metadata: JSON.stringify(user.privateMetadata),
    unsafe_metadata: JSON.stringify(user.unsafeMetadata),
    banned: user.banned ? 1 : 0,
    last_sign_in_at: user.lastSignInAt,
  };
}

/**
 * Writes a batch of users inside the caller's transaction. A user keeps the source's id. Refused
 * (counted as skipped, reported): no email address, an address that belongs to another user, an id
 * that exists but was not imported from this source. A re-import of a changed row updates the
 * profile; it replaces the password only while the stored one is still an imported digest (a user
 * who has signed in since, or set a password here, keeps theirs).
 */
export async function writeUserBatch(db: ImportDb, users: readonly ImportedUser[], ctx: BatchContext): Promise<void> {
  const { tally } = ctx;
  const previous = await previousRecords(
    db,
    ctx.source,
    'user',
    users.map((u) => u.id),
  );
  const ids = users.map((u) => u.id);
  const emails = users.flatMap((u) => (u.emails[0] ? [u.emails[0].address] : []));
  const byId = new Map(
    (await db.selectFrom('users').select(['id', 'email', 'password_hash']).where('id', 'in', ids).execute()).map((r) => [r.id, r]),
  );
  const emailOwner = new Map<string, string>();
  if (emails.length > 0)
    for (const r of await db.selectFrom('users').select(['id', 'email']).where('email', 'in', emails).execute())
      emailOwner.set(r.email, r.id);

  const inserts: Insertable<UsersTable>[] = [];
  const records: { user: ImportedUser; print: string; existed: boolean }[] = [];
  for (const user of users) {
    const print = fingerprint(user);
    const before = previous.get(user.id);
    const skip = (message: string) => {
      tally.counts.user.skipped += 1;
      tally.problems.push({ origin: user.origin, id: user.id, message });
    };
    if (before && before.fingerprint === print) {
      tally.counts.user.unchanged += 1;
      continue;
    }
    const primary = user.emails[0];
    if (!primary) {
      skip('no email address (Gatehouse signs users in by email)');
      continue;
    }
    const owner = emailOwner.get(primary.address);
    if (owner !== undefined && owner !== user.id) {
      skip(`${primary.address} already belongs to another user (${owner})`);
      continue;
    }
    const current = byId.get(user.id);
    if (current && !before) {
      skip('a user with this id exists and was not imported from this source');
      continue;
    }
    const digest = user.password ? encodeImportedDigest(user.password.hasher, user.password.digest) : null;
    if (current) {
      const keepsOwnPassword = current.password_hash !== null && !isImportedDigest(current.password_hash);
      await db
        .updateTable('users')
        .set({ ...profile(user), ...(keepsOwnPassword ? {} : { password_hash: digest }), updated_at: ctx.at })
        .where('id', '=', user.id)
        .execute();
      tally.counts.user.updated += 1;
    } else {
      const created = user.createdAt ?? ctx.at;
      inserts.push({ id: user.id, ...profile(user), password_hash: digest, created_at: created, updated_at: Math.max(created, ctx.at) });
      tally.counts.user.created += 1;
    }
    emailOwner.set(primary.address, user.id);
    records.push({ user, print, existed: before !== undefined });
  }
  if (inserts.length > 0) await db.insertInto('users').values(inserts).execute();
  for (const { user, print, existed } of records) {
    const flags = JSON.stringify(userFlags(user));
    await saveRecord(
      db,
      { source: ctx.source, kind: 'user', source_id: user.id, target_id: user.id, fingerprint: print, flags, run_id: ctx.runId },
      ctx.at,
      existed,
    );
  }
}
