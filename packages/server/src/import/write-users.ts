// Writes one batch of imported users: new ones inserted with their source ids, changed ones updated, unchanged ones left alone; conflicts reported and skipped.

import type { Insertable } from 'kysely';
import type { EmailAddressesTable } from '../accounts/account-store.js';
import { primaryAddressId } from '../users/users.js';
import type { UsersTable } from '../users/user-store.js';
import { encodeImportedDigest, isImportedDigest } from './digests.js';
import type { ImportedEmail, ImportedUser, ImportSourceName } from './model.js';
import { fingerprint, previousRecords, recordWriter, type ImportDb, type Tally } from './records.js';
import { sha256 } from '../store/ids.js';

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
 * The id of an imported address: the source's (`idn_…`), else the one a Gatehouse user's first
 * address gets, else one derived from the user and the address (stable across runs).
 */
function addressId(userId: string, email: ImportedEmail, index: number): string {
  if (email.id) return email.id;
  if (index === 0) return primaryAddressId(userId);
  return `idn_${sha256(`${userId}\n${email.address}`, 'hex').slice(0, 32)}`;
}

function addressRow(userId: string, email: ImportedEmail, index: number, at: number): Insertable<EmailAddressesTable> {
  const verified = email.verified ? 1 : 0;
  return { id: addressId(userId, email, index), user_id: userId, email: email.address, verified, created_at: at, updated_at: at };
}

/** Makes a re-imported user's addresses those of the source: gone ones removed, new ones added, verification updated. */
async function syncAddresses(db: ImportDb, userId: string, emails: readonly ImportedEmail[], at: number): Promise<void> {
  const current = await db.selectFrom('email_addresses').select(['id', 'email', 'verified']).where('user_id', '=', userId).execute();
  const wanted = new Map(emails.map((e, i) => [e.address, { e, i }]));
  for (const row of current) {
    const keep = wanted.get(row.email);
    wanted.delete(row.email);
    if (!keep) await db.deleteFrom('email_addresses').where('id', '=', row.id).execute();
    else if (row.verified !== (keep.e.verified ? 1 : 0))
      await db
        .updateTable('email_addresses')
        .set({ verified: keep.e.verified ? 1 : 0, updated_at: at })
        .where('id', '=', row.id)
        .execute();
  }
  for (const { e, i } of wanted.values())
    await db
      .insertInto('email_addresses')
      .values(addressRow(userId, e, i, at))
      .execute();
}

/** Who holds each of these addresses now (as a primary in users.email, or any address in email_addresses). */
async function addressOwners(db: ImportDb, emails: readonly string[]): Promise<Map<string, string>> {
  const owners = new Map<string, string>();
  if (emails.length === 0) return owners;
  for (const r of await db
    .selectFrom('users')
    .select(['id', 'email'])
    .where('email', 'in', [...emails])
    .execute())
    owners.set(r.email, r.id);
  for (const r of await db
    .selectFrom('email_addresses')
    .select(['user_id', 'email'])
    .where('email', 'in', [...emails])
    .execute())
    owners.set(r.email, r.user_id);
  return owners;
}

/**
 * Writes a batch of users inside the caller's transaction. A user keeps the source's id, and their
 * addresses (verified or not) go to email_addresses, the first one primary. Refused (counted as
 * skipped, reported): no email address, a primary address that belongs to another user, an id that
 * exists but was not imported from this source; a secondary address of someone else is left out. A
 * re-import of a changed row updates the profile and addresses; it replaces the password only while
 * the stored one is still an imported digest (a user who has signed in since keeps theirs).
 */
export async function writeUserBatch(db: ImportDb, users: readonly ImportedUser[], ctx: BatchContext): Promise<void> {
  const { tally } = ctx;
  const ids = users.map((u) => u.id);
  const previous = await previousRecords(db, ctx.source, 'user', ids);
  const byId = new Map(
    (await db.selectFrom('users').select(['id', 'password_hash']).where('id', 'in', ids).execute()).map((r) => [r.id, r]),
  );
  const emailOwner = await addressOwners(
    db,
    users.flatMap((u) => u.emails.map((e) => e.address)),
  );
  const inserts: Insertable<UsersTable>[] = [];
  const addressRows: Insertable<EmailAddressesTable>[] = [];
  const written: { user: ImportedUser; print: string; existed: boolean }[] = [];
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
    const owner = primary ? emailOwner.get(primary.address) : undefined;
    const current = byId.get(user.id);
    if (!primary) skip('no email address (Gatehouse signs users in by email)');
    else if (owner !== undefined && owner !== user.id) skip(`${primary.address} already belongs to another user (${owner})`);
    else if (current && !before) skip('a user with this id exists and was not imported from this source');
    if (!primary || (owner !== undefined && owner !== user.id) || (current && !before)) continue;
    const addresses = user.emails.filter((e, i) => {
      const taken = i > 0 && emailOwner.has(e.address) && emailOwner.get(e.address) !== user.id;
      if (taken) tally.problems.push({ origin: user.origin, id: user.id, message: `${e.address} left out: it belongs to another user` });
      return !taken;
    });
    const digest = user.password ? encodeImportedDigest(user.password.hasher, user.password.digest) : null;
    if (current) {
      const keepsOwnPassword = current.password_hash !== null && !isImportedDigest(current.password_hash);
      await db
        .updateTable('users')
        .set({ ...profile(user), ...(keepsOwnPassword ? {} : { password_hash: digest }), updated_at: ctx.at })
        .where('id', '=', user.id)
        .execute();
      await syncAddresses(db, user.id, addresses, ctx.at);
      tally.counts.user.updated += 1;
    } else {
      const created = user.createdAt ?? ctx.at;
      inserts.push({ id: user.id, ...profile(user), password_hash: digest, created_at: created, updated_at: Math.max(created, ctx.at) });
      addressRows.push(...addresses.map((e, i) => addressRow(user.id, e, i, created)));
      tally.counts.user.created += 1;
    }
    for (const e of addresses) emailOwner.set(e.address, user.id);
    written.push({ user, print, existed: before !== undefined });
  }
  if (inserts.length > 0) await db.insertInto('users').values(inserts).execute();
  if (addressRows.length > 0) await db.insertInto('email_addresses').values(addressRows).execute();
  const records = recordWriter(db, ctx.at);
  for (const { user, print, existed } of written) {
    const row = {
      source: ctx.source,
      kind: 'user' as const,
      source_id: user.id,
      target_id: user.id,
      fingerprint: print,
      run_id: ctx.runId,
    };
    await records.add({ ...row, flags: JSON.stringify(userFlags(user)) }, existed);
  }
  await records.flush();
}
