// Issue #19: `gatehouse import better-auth` (SQLite) and `gatehouse import authjs` (PostgreSQL, into a PostgreSQL instance) read those projects' own tables; Better Auth's scrypt passwords sign in and become argon2id; a Clerk import on PostgreSQL is idempotent too.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { migrateToLatest } from '../src/store/migrations/index.js';
import { openPostgres } from '../src/store/postgres.js';
import { openSqlite } from '../src/store/sqlite.js';
import { readAuthJs } from '../src/import/authjs.js';
import { readBetterAuth } from '../src/import/better-auth.js';
import { readClerkCsv } from '../src/import/clerk-csv.js';
import { runImport } from '../src/import/run.js';
import { createTestDatabase, openInstance, serviceGate, sql, type TestDatabase } from '../../../test-support/backends.js';
import { makeTempDir, signIn } from '../../../test-support/instance.js';
import { generateClerkExport } from './fixtures/clerk-export.js';

// Made by better-auth 1.7's own hashPassword('pw-1234567') (its default scrypt: salt:key, hex).
const BETTER_AUTH_DIGEST =
  '78e1953a1003071778d23f07c0850f73:5c708d099c1a46635657ef6d872e81a92c169223f39fd7f573b3d4bcea5df9f6c3280e6c31d36fe888c17ed3a9cc2b9caef77a65ffca86ec616c244ea82aa7da';
const BA_USER = 'Qm8yZ3NhbXBsZXVzZXJpZDAwMDAwMDAx';

/** A Better Auth SQLite database with the tables its CLI creates (camelCase columns), as its adapter fills them. */
function betterAuthDatabase(file: string): void {
  const db = new BetterSqlite3(file);
  db.exec(`
    create table "user" (id text primary key, name text not null, email text not null unique, emailVerified integer not null,
      image text, createdAt date not null, updatedAt date not null, banned integer, role text);
    create table "account" (id text primary key, accountId text not null, providerId text not null, userId text not null,
      password text, createdAt date not null, updatedAt date not null);
    create table "organization" (id text primary key, name text not null, slug text unique, logo text, createdAt date not null, metadata text);
    create table "member" (id text primary key, organizationId text not null, userId text not null, role text not null, createdAt date not null);
  `);
  const at = '2025-03-01T10:00:00.000Z';
  db.prepare('insert into "user" values (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
    BA_USER,
    'Ada Lovelace',
    'ada@example.test',
    1,
    null,
    at,
    at,
    0,
    'user',
  );
  db.prepare('insert into "user" values (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
    'bWFsZm9ybWVkdXNlcmlkMDAwMDAwMDAw',
    'No Mail',
    'not-mail',
    0,
    null,
    at,
    at,
    0,
    'user',
  );
  db.prepare('insert into "account" values (?, ?, ?, ?, ?, ?, ?)').run('acc1', BA_USER, 'credential', BA_USER, BETTER_AUTH_DIGEST, at, at);
  db.prepare('insert into "organization" values (?, ?, ?, ?, ?, ?)').run(
    'T3JnYW5pemF0aW9uaWQwMDAwMDAwMDAx',
    'Analytical',
    'analytical',
    null,
    at,
    '{"plan":"team"}',
  );
  db.prepare('insert into "member" values (?, ?, ?, ?, ?)').run('m1', 'T3JnYW5pemF0aW9uaWQwMDAwMDAwMDAx', BA_USER, 'owner', at);
  db.close();
}

describe('gatehouse import better-auth (SQLite)', () => {
  let target: TestDatabase;
  before(async () => {
    target = await createTestDatabase('sqlite');
  });
  after(() => target.drop());

  test('users with their scrypt passwords, organizations and members; the password signs in and becomes argon2id', async () => {
    const dir = makeTempDir();
    const source = join(dir, 'better-auth.db');
    betterAuthDatabase(source);
    const data = await readBetterAuth(`sqlite:${source}`);
    assert.equal(data.problems.length, 1, JSON.stringify(data.problems));
    assert.match(data.problems[0]!.origin, /^user row 2$/);
    const db = openSqlite(target.options.databaseFile!);
    try {
      await migrateToLatest(db as unknown as Kysely<unknown>, 'sqlite');
      const report = await runImport(db, data);
      assert.deepEqual([report.counts.user.created, report.counts.organization.created, report.counts.membership.created], [1, 1, 1]);
      const again = await runImport(db, data);
      assert.deepEqual([again.counts.user.unchanged, again.counts.user.created, again.counts.user.updated], [1, 0, 0]);
    } finally {
      await db.destroy();
    }
    const instance = await openInstance(target);
    try {
      const id = `user_${BA_USER}`;
      assert.equal((await signIn(instance, 'ada@example.test', 'pw-1234568')).status, 401);
      const res = await signIn(instance, 'ada@example.test', 'pw-1234567');
      assert.equal(res.status, 200, res.text);
      assert.equal((res.body as { user: { id: string; firstName: string } }).user.id, id);
      const row = await target.inspect
        .selectFrom('users')
        .select(['password_hash', 'first_name', 'last_name'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      assert.match(row.password_hash ?? '', /^\$argon2id\$/);
      assert.deepEqual([row.first_name, row.last_name], ['Ada', 'Lovelace']);
      const membership = await target.inspect
        .selectFrom('memberships')
        .select(['organization_id', 'role'])
        .where('user_id', '=', id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(membership, { organization_id: 'org_T3JnYW5pemF0aW9uaWQwMDAwMDAwMDAx', role: 'org:admin' });
    } finally {
      await instance.close();
    }
  });
});

const skip = await serviceGate('PostgreSQL');

describe('gatehouse import authjs and clerk on PostgreSQL', { skip }, () => {
  let source: TestDatabase;
  let target: TestDatabase;
  before(async () => {
    [source, target] = await Promise.all([createTestDatabase('postgres'), createTestDatabase('postgres')]);
  });
  after(() => Promise.all([source?.drop(), target?.drop()]));

  test("Auth.js's users table (UUID ids) arrives without passwords; a Clerk export is idempotent on PostgreSQL", async () => {
    await sql`create table users (id uuid primary key, name text, email text unique, "emailVerified" timestamptz, image text)`.execute(
      source.inspect,
    );
    await sql`insert into users values ('0b5e1d1c-6f4a-4d53-9a55-4c1e5e0f2a11', 'Grace Hopper', 'grace@example.test', now(), null),
      ('1c6f2e2d-7a5b-4e64-8b66-5d2f6f1a3b22', 'Unverified Person', 'unverified@example.test', null, null)`.execute(source.inspect);
    const data = await readAuthJs(source.options.databaseUrl!);
    assert.deepEqual(data.problems, []);
    const db = openPostgres(target.options.databaseUrl!);
    try {
      await migrateToLatest(db as unknown as Kysely<unknown>, 'postgres');
      const report = await runImport(db, data);
      assert.equal(report.counts.user.created, 2);
      const rows = await target.inspect.selectFrom('users').select(['id', 'email_verified', 'password_hash']).orderBy('email').execute();
      assert.deepEqual(rows, [
        { id: 'user_0b5e1d1c6f4a4d539a554c1e5e0f2a11', email_verified: 1, password_hash: null },
        { id: 'user_1c6f2e2d7a5b4e648b665d2f6f1a3b22', email_verified: 0, password_hash: null },
      ]);

      const dir = makeTempDir();
      const exp = await generateClerkExport(dir, { users: 300, orgs: 3, membersPerOrg: 5, pool: 2 });
      const clerk = await readClerkCsv(exp.csvFile);
      const first = await runImport(db, clerk, { batchSize: 100 });
      assert.equal(first.counts.user.created, 301);
      const second = await runImport(db, clerk, { batchSize: 100 });
      assert.deepEqual([second.counts.user.created, second.counts.user.updated, second.counts.user.unchanged], [0, 0, 301]);
    } finally {
      await db.destroy();
    }
    const instance = await openInstance(target);
    try {
      assert.equal((await signIn(instance, 'grace@example.test', 'anything-at-all')).status, 401);
    } finally {
      await instance.close();
    }
  });
});
