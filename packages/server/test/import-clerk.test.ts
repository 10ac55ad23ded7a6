// Issue #19: `gatehouse import clerk` on a generated export in Clerk's formats (10,000 bcrypt users, 100 organizations, memberships, two custom roles): ids kept, old passwords sign in and become argon2id, has() as Clerk's, idempotent, resumable, dry run, problems by line.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { createCheckAuthorization } from '@clerk/shared/authorization';
import { __experimental_JWTPayloadToAuthObjectProperties as clerkDecode } from '@clerk/shared/jwtPayloadParser';
import { decodeJwt } from 'jose';
import { signedInAuthObject, type CheckAuthorizationParams, type SessionClaims } from '@gatehouse/core';
import { openSqlite } from '../src/store/sqlite.js';
import { migrateToLatest } from '../src/store/migrations/index.js';
import type { Database } from '../src/store/types.js';
import { mergeClerkSources, readClerkApiPages } from '../src/import/clerk-api.js';
import { readClerkCsv } from '../src/import/clerk-csv.js';
import { runImport, type ImportReport } from '../src/import/run.js';
import { API, createCookieJar, createTestInstance, makeTempDir, send, signIn, type TestInstance } from '../../../test-support/instance.js';
import { clerkId, generateClerkExport, type ClerkExport } from './fixtures/clerk-export.js';

const USERS = 10_000;

async function load(exp: ClerkExport) {
  return mergeClerkSources(await readClerkApiPages(exp.pagesDir), await readClerkCsv(exp.csvFile));
}

/** Every row of the tables an import writes, as one comparable value. */
async function dump(db: Kysely<Database>): Promise<string> {
  const tables = ['users', 'organizations', 'memberships', 'roles', 'email_addresses'] as const;
  const out: unknown[] = [];
  for (const table of tables)
    out.push(
      await db
        .selectFrom(table)
        .selectAll()
        .orderBy(table === 'roles' ? 'key' : 'id')
        .execute(),
    );
  out.push(
    await (db as unknown as Kysely<{ import_records: { source_id: string } }>)
      .selectFrom('import_records')
      .selectAll()
      .orderBy('source_id')
      .execute(),
  );
  return JSON.stringify(out);
}

describe('gatehouse import clerk (issue #19)', () => {
  let dir: string;
  let exp: ClerkExport;
  let db: Kysely<Database>;
  let first: ImportReport;
  let t: TestInstance;

  before(async () => {
    dir = makeTempDir();
    exp = await generateClerkExport(dir, { users: USERS, orgs: 100, membersPerOrg: 20 });
    db = openSqlite(join(dir, 'gatehouse.db'));
    await migrateToLatest(db as unknown as Kysely<unknown>, 'sqlite');
  });
  after(async () => {
    await db.destroy();
    await t?.close();
  });

  test('a dry run reports what it would do and writes nothing', async () => {
    const before = await dump(db);
    const report = await runImport(db, await load(exp), { dryRun: true });
    assert.equal(report.dryRun, true);
    assert.equal(report.counts.user.created, USERS + 1);
    assert.equal(report.counts.organization.created, 100);
    assert.equal(report.counts.role.created, 2);
    assert.deepEqual(report.passwordResetRequired, [exp.unknownHasherUser.id]);
    assert.equal(await dump(db), before);
    const runs = await (db as unknown as Kysely<{ import_runs: { id: string } }>).selectFrom('import_runs').selectAll().execute();
    assert.equal(runs.length, 0);
  });

  test('an interrupted run keeps its committed batches; the next run resumes after them', async () => {
    const data = await load(exp);
    let calls = 0;
    await assert.rejects(
      runImport(db, data, {
        batchSize: 1000,
        progress: () => {
          // Roles, then two user batches committed, then the process "dies".
          if (++calls === 3) throw new Error('interrupted');
        },
      }),
      /interrupted/,
    );
    const count = async () =>
      Number(
        (
          await db
            .selectFrom('users')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    assert.equal(await count(), 2000);
    first = await runImport(db, data, { batchSize: 1000 });
    assert.equal(first.counts.user.unchanged, 2000);
    assert.equal(first.counts.user.created, USERS + 1 - 2000);
    assert.equal(await count(), USERS + 1);
  });

  test('ids are kept, users carry their data, digests wait for the first sign-in; malformed rows are reported by line', async () => {
    assert.equal(first.counts.organization.created, 100);
    assert.equal(first.counts.membership.created, 2000);
    assert.equal(first.counts.role.unchanged, 2, 'the roles were committed before the interruption');
    const u = exp.users[5]!;
    const row = await db.selectFrom('users').selectAll().where('id', '=', u.id).executeTakeFirstOrThrow();
    assert.equal(row.email, u.email);
    assert.equal(row.email_verified, 1);
    assert.equal(row.first_name, 'First5');
    assert.deepEqual(JSON.parse(row.public_metadata), { plan: 'pro' });
    assert.deepEqual(JSON.parse(row.private_metadata), { stripeCustomer: 'cus_5' });
    assert.equal(row.created_at, Date.UTC(2024, 0, 1) + 5000);
    assert.match(row.password_hash ?? '', /^\$import\$bcrypt\$\$2[ab]\$10\$/);
    // Addresses: the primary verified one (Clerk's idn_ id kept from the API pages), and an unverified one from the CSV.
    const addresses = await db.selectFrom('email_addresses').selectAll().where('user_id', '=', exp.users[3]!.id).orderBy('email').execute();
    assert.deepEqual(
      addresses.map((a) => [a.email, a.verified]),
      [
        ['old3@example.test', 0],
        [exp.users[3]!.email, 1],
      ],
    );
    assert.equal(addresses[1]!.id, clerkId('idn', 'e3'));
    const banned = await db.selectFrom('users').select('banned').where('id', '=', exp.users[99]!.id).executeTakeFirstOrThrow();
    assert.equal(banned.banned, 1);
    const org = await db.selectFrom('organizations').selectAll().where('id', '=', exp.organizations[3]!.id).executeTakeFirstOrThrow();
    assert.equal(org.slug, 'org-3');
    assert.deepEqual(JSON.parse(org.public_metadata), { tier: 0 });
    const roles = await db.selectFrom('roles').selectAll().orderBy('key').execute();
    assert.deepEqual(
      roles.map((r) => [r.key, JSON.parse(r.permissions)]),
      exp.customRoles.map((r) => [r.key, r.permissions]),
    );
    const unknown = await db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', exp.unknownHasherUser.id)
      .executeTakeFirstOrThrow();
    assert.equal(unknown.password_hash, null);
    assert.deepEqual(first.passwordResetRequired, [exp.unknownHasherUser.id]);
    for (const line of exp.malformedLines)
      assert.ok(
        first.problems.some((p) => p.origin === `users.csv:${line}`),
        `line ${line} reported`,
      );
    assert.ok(!JSON.stringify(first).includes('$2a$10$'), 'no digest in the report');
    assert.ok(first.totpNotImported > 0);
    assert.ok(first.usersPerSecond > 0);
  });

  test('re-running the import changes nothing', async () => {
    const before = await dump(db);
    const again = await runImport(db, await load(exp));
    assert.deepEqual(
      Object.values(again.counts).map((c) => c.created + c.updated),
      [0, 0, 0, 0],
    );
    assert.equal(again.counts.user.unchanged, USERS + 1);
    assert.equal(await dump(db), before);
  });

  test('imported users sign in with their old password and keep their id; the digest is argon2id afterwards', async () => {
    await db.destroy();
    t = await createTestInstance({}, { dir });
    db = openSqlite(join(dir, 'gatehouse.db'));
    const u = exp.users[7]!;
    const wrong = await signIn(t, u.email, 'not-the-password');
    assert.equal(wrong.status, 401);
    const stillImported = await db.selectFrom('users').select('password_hash').where('id', '=', u.id).executeTakeFirstOrThrow();
    assert.match(stillImported.password_hash ?? '', /^\$import\$bcrypt\$/, 'a failed sign-in re-hashes nothing');

    const jar = createCookieJar();
    const res = await signIn(t, u.email, u.password, jar);
    assert.equal(res.status, 200, res.text);
    assert.equal((res.body as { user: { id: string } }).user.id, u.id);
    const me = await t.gatehouse.getUser(u.id);
    assert.deepEqual(
      me?.emailAddresses?.map((a) => [a.emailAddress, a.verification.status]),
      [[u.email, 'verified']],
    );
    const rehashed = await db.selectFrom('users').select('password_hash').where('id', '=', u.id).executeTakeFirstOrThrow();
    assert.match(rehashed.password_hash ?? '', /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.ok(!(rehashed.password_hash ?? '').includes(u.password));
    // And the new hash works: a second sign-in goes through argon2id.
    assert.equal((await signIn(t, u.email, u.password)).status, 200);
    assert.equal((await signIn(t, u.email, 'clerk-password-0-horsey')).status, 401);
    // The user with an unknown hasher cannot sign in with a password until they reset it.
    assert.equal((await signIn(t, exp.unknownHasherUser.email, exp.unknownHasherUser.password)).status, 401);
    // The banned one cannot sign in at all.
    assert.equal((await signIn(t, exp.users[99]!.email, exp.users[99]!.password)).status, 401);
  });

  test("has() answers for imported memberships and custom roles as Clerk's decoder and has() do on the same claims", async () => {
    // users[k] is member k % 20 of org floor(k / 20): roles cycle admin, editor, viewer, member.
    const cases = [
      { user: exp.users[0]!, org: exp.organizations[0]!, role: 'org:admin' },
      { user: exp.users[1]!, org: exp.organizations[0]!, role: 'org:editor' },
      { user: exp.users[42]!, org: exp.organizations[2]!, role: 'org:viewer' },
      { user: exp.users[63]!, org: exp.organizations[3]!, role: 'org:member' },
    ];
    const queries: CheckAuthorizationParams[] = [
      { role: 'org:admin' },
      { role: 'org:editor' },
      { role: 'viewer' },
      { permission: 'org:posts:read' },
      { permission: 'org:posts:edit' },
      { permission: 'org:sys_memberships:read' },
      { permission: 'org:sys_memberships:manage' },
      { role: 'org:editor', permission: 'org:posts:edit' },
    ];
    for (const c of cases) {
      const jar = createCookieJar();
      assert.equal((await signIn(t, c.user.email, c.user.password, jar)).status, 200);
      const active = await send(t, `${API}/sessions/active-organization`, { json: { organization: c.org.id }, jar });
      assert.equal(active.status, 200, active.text);
      const claims = decodeJwt((active.body as { jwt: string }).jwt) as unknown as SessionClaims;
      const ours = signedInAuthObject(claims, async () => null);
      const theirs = clerkDecode(claims as unknown as Parameters<typeof clerkDecode>[0]);
      assert.equal(theirs.orgId, c.org.id);
      assert.equal(theirs.orgRole, c.role);
      assert.deepEqual([...(theirs.orgPermissions ?? [])].sort(), [...(ours.orgPermissions ?? [])].sort());
      const clerkHas = createCheckAuthorization({
        userId: claims.sub,
        orgId: theirs.orgId,
        orgRole: theirs.orgRole,
        orgPermissions: theirs.orgPermissions,
        factorVerificationAge: theirs.factorVerificationAge,
        features: '',
        plans: '',
      } as Parameters<typeof createCheckAuthorization>[0]);
      for (const q of queries) assert.equal(ours.has(q), clerkHas(q as Parameters<typeof clerkHas>[0]), `${c.role} ${JSON.stringify(q)}`);
      assert.equal(
        ours.has({ permission: 'org:posts:edit' }),
        c.role === 'org:editor' || c.role === 'org:admin' ? c.role === 'org:editor' : false,
      );
    }
  });

  test('a user who signed in since keeps the password they have here when the delta is re-imported', async () => {
    const data = await load(exp);
    const u = exp.users[7]!;
    const changed = { ...data, users: data.users.map((x) => (x.id === u.id ? { ...x, firstName: 'Renamed' } : x)) };
    const report = await runImport(db, changed);
    assert.equal(report.counts.user.updated, 1);
    const row = await db.selectFrom('users').selectAll().where('id', '=', u.id).executeTakeFirstOrThrow();
    assert.equal(row.first_name, 'Renamed');
    assert.match(row.password_hash ?? '', /^\$argon2id\$/);
  });
});
