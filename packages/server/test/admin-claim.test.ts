// The first instance admin (issue #21): `gatehouse init` prints a one-time link (hashed at rest, expiring, single use, only while no admin exists); opening it signed in makes that user the admin.

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import {
  API,
  createCookieJar,
  createTestInstance,
  makeTempDir,
  send,
  signUp,
  type CookieJar,
  type TestInstance,
} from '../../../test-support/instance.js';

const MAIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const LINK = /(http:\/\/[^\s]+\/claim-admin\?token=(gh_claim_[A-Za-z0-9_-]{43}))/;
const dirs: string[] = [];
const instances: TestInstance[] = [];
after(async () => {
  for (const t of instances) await t.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const claimRows = (t: TestInstance) => t.db.prepare('SELECT * FROM admin_claims').all() as { token_hash: string; used_by: string | null }[];
const claimPath = (token: string) => `${API}/claim-admin?token=${encodeURIComponent(token)}`;
const post = (t: TestInstance, token: string, jar: CookieJar, origin?: null) =>
  send(t, `${API}/claim-admin`, {
    method: 'POST',
    rawBody: new URLSearchParams({ token }).toString(),
    contentType: 'application/x-www-form-urlencoded',
    jar,
    ...(origin === null ? { origin: null } : {}),
  });

describe('gatehouse init: the first-admin link', () => {
  test('init creates the database and prints a link whose token is stored only as a hash; --admin-link replaces it', () => {
    const root = makeTempDir();
    dirs.push(root);
    const project = join(root, 'app');
    const env = { PATH: process.env.PATH ?? '', HOME: root };
    const run = spawnSync(process.execPath, [MAIN, 'init', '--dir', project, '--url', 'http://127.0.0.1:4321'], {
      cwd: root,
      encoding: 'utf8',
      env,
      timeout: 60_000,
    });
    assert.equal(run.status, 0, run.stderr);
    const first = LINK.exec(run.stdout);
    assert.ok(first, run.stdout);
    assert.ok(first[1]?.startsWith('http://127.0.0.1:4321/api/gatehouse/claim-admin?token='));
    const file = join(project, '.gatehouse', 'gatehouse.db');
    assert.ok(existsSync(file));
    const read = () => {
      const db = new BetterSqlite3(file, { readonly: true });
      try {
        return db.prepare('SELECT token_hash, used_at FROM admin_claims').all() as { token_hash: string; used_at: number | null }[];
      } finally {
        db.close();
      }
    };
    const rows = read();
    assert.equal(rows.length, 1);
    assert.match(rows[0]?.token_hash ?? '', /^[0-9a-f]{64}$/);
    assert.ok(!JSON.stringify(rows).includes(first[2] ?? '?'), 'the token is not stored');

    const again = spawnSync(process.execPath, [MAIN, 'init', '--admin-link'], { cwd: project, encoding: 'utf8', env, timeout: 60_000 });
    assert.equal(again.status, 0, again.stderr);
    const second = LINK.exec(again.stdout);
    assert.ok(second && second[2] !== first[2]);
    assert.ok(second[1]?.startsWith('http://localhost:3000/api/gatehouse/claim-admin?token='));
    assert.equal(read().length, 1, 'the unused first link is gone');
    assert.notEqual(read()[0]?.token_hash, rows[0]?.token_hash);
    const usage = spawnSync(process.execPath, [MAIN, 'init', '--admin-link', '--force'], {
      cwd: project,
      encoding: 'utf8',
      env,
      timeout: 60_000,
    });
    assert.equal(usage.status, 2);
  });
});

describe('claiming the first admin', () => {
  test('signed out: a sign-in prompt; signed in: a form; the post makes that user the admin, once', async () => {
    const t = await createTestInstance();
    instances.push(t);
    const link = await t.gatehouse.adminClaims.mint();
    assert.ok(link);
    assert.equal(link.expiresAt, t.clock.now + 3600_000);

    const signedOut = await send(t, claimPath(link.token));
    assert.equal(signedOut.status, 401);
    assert.match(signedOut.text, /href="\/sign-in\?redirect_url=%2Fapi%2Fgatehouse%2Fclaim-admin%3Ftoken%3Dgh_claim_/);

    const ada = createCookieJar();
    await signUp(t, 'claim-ada@example.com', ada);
    const form = await send(t, claimPath(link.token), { jar: ada });
    assert.equal(form.status, 200);
    assert.match(form.text, /Signed in as <strong>claim-ada@example.com<\/strong>/);
    assert.match(form.headers.get('content-security-policy') ?? '', /form-action 'self'/);
    assert.equal(claimRows(t)[0]?.used_by, null, 'GET changes nothing');

    // A form post that names no origin is refused and writes nothing.
    const before = t.snapshot();
    assert.equal((await post(t, link.token, ada, null)).status, 403);
    assert.deepEqual(t.snapshot(), before);

    const claimed = await post(t, link.token, ada);
    assert.equal(claimed.status, 303);
    assert.equal(claimed.headers.get('location'), `${API}/dashboard`);
    const adaId = (t.db.prepare("SELECT id FROM users WHERE email = 'claim-ada@example.com'").get() as { id: string }).id;
    assert.equal(await t.gatehouse.users.isInstanceAdmin(adaId), true);
    const audit = t.db.prepare("SELECT actor_id, subject_id, data FROM audit_events WHERE action = 'user.updated'").all();
    assert.deepEqual(audit, [{ actor_id: adaId, subject_id: adaId, data: JSON.stringify({ instanceAdmin: true }) }]);
    assert.equal(claimRows(t)[0]?.used_by, adaId);
    // The dashboard opens for her now.
    assert.equal((await send(t, `${API}/dashboard/users`, { jar: ada })).status, 200);

    // Used: the same link does nothing for anyone, and no new link is minted while an admin exists.
    const bob = createCookieJar();
    await signUp(t, 'claim-bob@example.com', bob);
    const reused = await post(t, link.token, bob);
    assert.equal(reused.status, 404);
    assert.match(reused.text, /This link does not work/);
    assert.equal((await send(t, claimPath(link.token), { jar: bob })).status, 404);
    assert.equal(await t.gatehouse.adminClaims.mint(), null);
    assert.equal(claimRows(t).length, 1);
  });

  test('an expired, malformed or replaced link is refused the same way and writes nothing', async () => {
    const t = await createTestInstance();
    instances.push(t);
    const jar = createCookieJar();
    await signUp(t, 'claim-late@example.com', jar);
    const old = await t.gatehouse.adminClaims.mint();
    const link = await t.gatehouse.adminClaims.mint();
    assert.ok(old && link);
    const before = t.snapshot();
    for (const token of [old.token, 'gh_claim_short', `${link.token}x`, '']) {
      const res = await post(t, token, jar);
      assert.equal(res.status, 404, token);
      assert.match(res.text, /This link does not work/);
    }
    t.advance(3600);
    // A fresh session token (the old one expired too), then the expired link.
    assert.equal((await send(t, `${API}/refresh`, { method: 'POST', jar })).status, 200);
    const afterRefresh = t.snapshot();
    assert.equal((await post(t, link.token, jar)).status, 404, 'expired');
    assert.deepEqual(t.snapshot(), afterRefresh);
    assert.equal(afterRefresh.counts.users, before.counts.users);
    assert.equal(claimRows(t).filter((r) => r.used_by !== null).length, 0);
  });

  test('two users posting the same link at once: exactly one becomes the admin', async () => {
    const t = await createTestInstance();
    instances.push(t);
    const jars = [createCookieJar(), createCookieJar()];
    await signUp(t, 'claim-race-1@example.com', jars[0]);
    await signUp(t, 'claim-race-2@example.com', jars[1]);
    const link = await t.gatehouse.adminClaims.mint();
    assert.ok(link);
    const answers = await Promise.all(jars.map((jar) => post(t, link.token, jar)));
    assert.deepEqual(answers.map((a) => a.status).sort(), [303, 404]);
    const admins = (t.db.prepare('SELECT private_metadata FROM users').all() as { private_metadata: string }[]).filter((u) =>
      u.private_metadata.includes('"admin":true'),
    );
    assert.equal(admins.length, 1);
  });
});
