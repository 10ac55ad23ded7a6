// JWT templates at run time (issue #9): the `gatehouse templates set|delete` CLI as a real child process on the running instance's SQLite file (output, exit codes, nothing written on a refusal), the running instance picking the change up and minting the stored template through POST /tokens (verified against the JWKS and the HS256 secret), and the dashboard's create/edit/delete with its refusals.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { API, createTestInstance, send, type TestInstance } from '../../../test-support/instance.js';
import { member, type Member } from '../../../test-support/org-setup.js';

const MAIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const HS_SECRET = 'a-runtime-template-secret-of-at-least-32-bytes';
const DASH = `${API}/dashboard`;
const FORM = 'application/x-www-form-urlencoded';

let t: TestInstance;
let admin: Member;
before(async () => {
  process.env.GATEHOUSE_TEST_RUNTIME_SECRET = HS_SECRET;
  const configured = [{ name: 'configured', claims: { a: 1 } }];
  t = await createTestInstance({ jwtTemplates: configured });
  // The CLI reads the same configuration as the instance.
  writeFileSync(join(t.dir, 'gatehouse.config.json'), JSON.stringify({ jwtTemplates: configured }));
  admin = await member(t, 'admin@example.com');
  await t.gatehouse.users.setInstanceAdmin(admin.userId, true);
});
after(async () => {
  await t.close();
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `gatehouse …` on the test instance's database file (a second process, as an operator would run it). */
function gatehouse(args: string[]): Run {
  const result = spawnSync(process.execPath, [MAIN, ...args], {
    cwd: t.dir,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '',
      HOME: t.dir,
      GATEHOUSE_DATABASE_FILE: t.databaseFile,
      GATEHOUSE_DEV_SECRET: '1',
      GATEHOUSE_CONFIG: join(t.dir, 'gatehouse.config.json'),
      GATEHOUSE_TEST_RUNTIME_SECRET: HS_SECRET,
    },
    timeout: 60_000,
  });
  assert.ok(!result.stdout.includes(HS_SECRET) && !result.stderr.includes(HS_SECRET), 'the secret was printed');
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const stored = () => ({
  rows: t.db.prepare('SELECT * FROM jwt_templates ORDER BY name').all(),
  audits: t.db.prepare("SELECT action, actor_id, subject_id FROM audit_events WHERE action LIKE 'jwt_template.%' ORDER BY id").all(),
});

/** POST /tokens { template } as `who` until the running instance has noticed the template (other processes are noticed within seconds). */
async function mintWhenNoticed(who: Member, template: string): Promise<string> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const res = await send(t, `${API}/tokens`, { method: 'POST', json: { template }, jar: who.jar });
    if (res.status === 200) return (res.body as { jwt: string }).jwt;
    assert.equal(res.status, 404, JSON.stringify(res.body));
    assert.ok(Date.now() < deadline, `the running instance did not notice template ${template}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('gatehouse templates set|delete against a running instance', () => {
  test('usage errors exit 2 and invalid templates exit 1, with nothing written', () => {
    const before = stored();
    for (const args of [
      ['templates', 'set', 'x'],
      ['templates', 'set', 'x', '--claims', '[1]'],
      ['templates', 'set', 'x', '--claims', 'not json'],
      ['templates', 'set', 'x', '--claims', '{}', '--lifetime', 'soon'],
      ['templates', 'set', 'x', '--claims', '{}', '--alg', 'none'],
      ['templates', 'set', 'x', '--claims', '{}', '--alg', 'HS256'],
    ]) {
      const run = gatehouse(args);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.equal(run.stdout, '');
    }
    for (const [args, message] of [
      [['templates', 'set', 'x', '--claims', '{"exp":1}'], /reserved claims: exp/],
      [['templates', 'set', 'x', '--claims', JSON.stringify({ big: 'y'.repeat(5000) })], /the limit is 4096/],
      [['templates', 'set', 'x', '--claims', '{}', '--lifetime', '5'], /lifetime must be 30 s or more/],
      [
        ['templates', 'set', 'x', '--claims', '{}', '--alg', 'HS256', '--secret-env', 'GATEHOUSE_UNSET_VAR'],
        /GATEHOUSE_UNSET_VAR is not set/,
      ],
      [['templates', 'delete', 'x'], /No such JWT template/],
    ] as const) {
      const run = gatehouse([...args]);
      assert.equal(run.code, 1, run.stderr);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, message);
    }
    assert.deepEqual(stored(), before);
  });

  test('set from a file: the running instance mints it through POST /tokens (RS256, verified against the JWKS); updated to HS256; deleted', async () => {
    const alice = await member(t, 'alice@example.com');
    const file = join(t.dir, 'claims.json');
    writeFileSync(file, JSON.stringify({ email: '{{user.primary_email_address}}', aud: 'reports' }));
    const created = gatehouse(['templates', 'set', 'reports', '--claims', `@${file}`, '--lifetime', '120']);
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stdout, 'Created JWT template reports (RS256, 120s).\n');
    assert.equal(
      gatehouse(['templates', 'set', 'reports', '--claims', `@${file}`, '--lifetime', '120']).stdout,
      'JWT template reports is unchanged.\n',
    );

    const jwt = await mintWhenNoticed(alice, 'reports');
    const { payload, protectedHeader } = await jwtVerify(jwt, createLocalJWKSet(t.gatehouse.jwks()), {
      issuer: t.gatehouse.settings.issuer,
      audience: 'reports',
      currentDate: new Date(t.clock.now),
    });
    assert.equal(protectedHeader.alg, 'RS256');
    assert.equal(payload.sub, alice.userId);
    assert.equal(payload.email, 'alice@example.com');
    assert.equal((payload.exp as number) - (payload.iat as number), 120);

    const list = gatehouse(['templates', 'list']);
    assert.equal(list.code, 0);
    assert.match(list.stdout, /^configured +configuration +RS256/m);
    assert.match(list.stdout, /^reports +database +RS256 +120s/m);

    const updated = gatehouse([
      'templates',
      'set',
      'reports',
      '--claims',
      '{"role":"authenticated"}',
      '--alg',
      'HS256',
      '--secret-env',
      'GATEHOUSE_TEST_RUNTIME_SECRET',
    ]);
    assert.equal(updated.stdout, 'Updated JWT template reports (HS256, 60s).\n');
    const shown = JSON.parse(gatehouse(['templates', 'show', 'reports']).stdout) as Record<string, unknown>;
    assert.equal(shown.signingSecretEnv, 'GATEHOUSE_TEST_RUNTIME_SECRET');
    await t.gatehouse.templateAdmin.reload();
    const hs = (await send(t, `${API}/tokens`, { method: 'POST', json: { template: 'reports' }, jar: alice.jar })).body as { jwt: string };
    assert.equal(decodeProtectedHeader(hs.jwt).alg, 'HS256');
    const verified = await jwtVerify(hs.jwt, new TextEncoder().encode(HS_SECRET), { currentDate: new Date(t.clock.now) });
    assert.equal(verified.payload.role, 'authenticated');
    assert.ok(!JSON.stringify(stored()).includes(HS_SECRET), 'the secret was stored');

    const refused = gatehouse(['templates', 'delete', 'configured']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /defined in the configuration/);
    const deleted = gatehouse(['templates', 'delete', 'reports']);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.equal(deleted.stdout, 'Deleted JWT template reports.\n');
    await t.gatehouse.templateAdmin.reload();
    assert.equal((await send(t, `${API}/tokens`, { method: 'POST', json: { template: 'reports' }, jar: alice.jar })).status, 404);
    assert.deepEqual(
      stored().audits.filter((a) => (a as { subject_id: string }).subject_id === 'reports'),
      ['created', 'updated', 'deleted'].map((what) => ({ action: `jwt_template.${what}`, actor_id: null, subject_id: 'reports' })),
    );
  });
});

describe('dashboard: JWT templates', () => {
  const post = (fields: Record<string, string>) =>
    send(t, `${DASH}/templates`, { method: 'POST', rawBody: new URLSearchParams(fields).toString(), contentType: FORM, jar: admin.jar });

  test('create, edit and delete a stored template (audited with the admin as actor); invalid ones 400 with nothing written; configured ones read-only', async () => {
    const before = stored();
    for (const fields of <Record<string, string>[]>[
      { action: 'save', name: 'dash', claims: '{"sub":"forged"}' },
      { action: 'save', name: 'dash', claims: 'not json' },
      { action: 'save', name: 'dash', claims: '{}', lifetime: 'soon' },
      { action: 'save', name: 'bad name!', claims: '{}' },
      { action: 'save', name: 'dash', claims: '{}', alg: 'HS256', secretEnv: '' },
    ]) {
      const res = await post(fields);
      assert.equal(res.status, 400, JSON.stringify(fields));
    }
    assert.equal((await post({ action: 'save', name: 'configured', claims: '{}' })).status, 409);
    assert.deepEqual(stored(), before);

    const created = await post({
      action: 'save',
      name: 'dash',
      claims: '{"who":"{{user.id}}"}',
      lifetime: '300',
      skew: '10',
      alg: 'RS256',
    });
    assert.equal(created.status, 303);
    assert.equal(created.headers.get('location'), `${DASH}/templates?template=dash`);
    const editing = await send(t, `${DASH}/templates?template=dash`, { jar: admin.jar });
    assert.equal(editing.status, 200);
    assert.match(editing.text, /<input name="name" value="dash"/);
    assert.match(editing.text, /<input name="lifetime" value="300"/);
    assert.match(editing.text, /Created JWT template dash\./);
    assert.match(editing.text, /<td>configured<\/td>[\s\S]*?read-only/);
    // The live preview still works for the stored template.
    const preview = await send(
      t,
      `${DASH}/templates?${new URLSearchParams({ format: 'json', template: 'dash', user: admin.userId, claims: '{"who":"{{user.id}}"}' })}`,
      {
        jar: admin.jar,
      },
    );
    assert.equal((preview.body as { claims: Record<string, unknown> }).claims.who, admin.userId);

    const edited = await post({
      action: 'save',
      name: 'dash',
      claims: '{"who":"{{user.id}}","v":2}',
      lifetime: '300',
      skew: '10',
      alg: 'RS256',
    });
    assert.equal(edited.status, 303);
    assert.deepEqual(JSON.parse((stored().rows.at(-1) as { claims: string }).claims), { who: '{{user.id}}', v: 2 });
    const removed = await post({ action: 'delete', name: 'dash' });
    assert.equal(removed.status, 303);
    assert.equal((await post({ action: 'delete', name: 'configured' })).status, 409);
    assert.deepEqual(
      stored().audits.filter((a) => (a as { subject_id: string }).subject_id === 'dash'),
      ['created', 'updated', 'deleted'].map((what) => ({ action: `jwt_template.${what}`, actor_id: admin.userId, subject_id: 'dash' })),
    );
    assert.ok(!stored().rows.some((r) => (r as { name: string }).name === 'dash'));
  });
});
