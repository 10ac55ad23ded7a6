// The CLI's API-key and machine commands (issue #22) as real child processes: a key created for an organization is shown once and verifies, list never prints secrets, revoke refuses it; machines print their secret once.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGatehouse } from '@gatehouse/server';
import { makeTempDir, PASSWORD } from '../../../test-support/instance.js';

const MAIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const SECRET = 'a-test-master-secret-that-is-long-enough-0123456789';

let root: string;
const env = () => ({ PATH: process.env.PATH ?? '', HOME: root, GATEHOUSE_SECRET: SECRET, GATEHOUSE_DATABASE_FILE: join(root, 'gh.db') });

function gatehouse(args: string[], input = ''): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [MAIN, ...args], { cwd: root, input, encoding: 'utf8', env: env(), timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
function ok(args: string[], input = ''): string {
  const run = gatehouse(args, input);
  assert.equal(run.code, 0, run.stderr);
  return run.stdout;
}

before(() => {
  assert.ok(existsSync(MAIN), `${MAIN} is missing: build first (npx tsc -b)`);
  root = makeTempDir();
});
after(() => rmSync(root, { recursive: true, force: true }));

describe('gatehouse api-keys and machines', () => {
  test('create (secret once), list (no secret), revoke; the key verifies until revoked', async () => {
    ok(['users', 'create', '--email', 'ada@example.com', '--password-stdin'], PASSWORD);
    ok(['orgs', 'create', '--name', 'Acme', '--owner', 'ada@example.com']);
    const usage = gatehouse(['api-keys', 'create', 'acme']);
    assert.equal(usage.code, 2);
    const refused = gatehouse(['api-keys', 'create', 'acme', '--name', 'x', '--scope', 'org:nope:read']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /cannot carry org:nope:read/);
    const created = JSON.parse(ok(['api-keys', 'create', 'acme', '--name', 'ci', '--scope', 'org:sys_memberships:read', '--json'])) as {
      id: string;
      secret: string;
      subject: string;
    };
    assert.match(created.secret, /^ak_/);
    assert.match(created.subject, /^org_/);
    const listed = ok(['api-keys', 'list', 'acme']);
    assert.match(listed, new RegExp(`${created.id} +ci +org:sys_memberships:read +active`));
    assert.ok(!listed.includes(created.secret));
    const instance = await createGatehouse({ databaseFile: join(root, 'gh.db'), secret: SECRET, log: () => undefined });
    try {
      assert.ok('machine' in (await instance.machines.verifyNow(created.secret)));
      assert.match(ok(['api-keys', 'revoke', created.id, '--reason', 'rotated']), /^Revoked API key ak_/);
      // Another process (this one) finds the revocation in the database once its cache entry is gone.
      instance.machines.apiKeys.clearCache();
      assert.deepEqual(await instance.machines.verifyNow(created.secret), { reason: 'api-key-revoked' });
    } finally {
      await instance.close();
    }
    assert.match(ok(['api-keys', 'list', 'acme', '--all']), / revoked /);
  });

  test('machines create prints the secret once; list shows which machines each may call', () => {
    const reports = JSON.parse(ok(['machines', 'create', 'reports', '--json'])) as { id: string; secretKey: string };
    const worker = ok(['machines', 'create', 'worker', '--scope', reports.id, '--ttl', '300']);
    assert.match(worker, /^Created machine mch_[a-z2-7]{26} \(worker\)\.\nSecret key \(shown once, store it now\): msk_/);
    const listed = ok(['machines', 'list']);
    assert.match(listed, new RegExp(`worker +${reports.id} +300s`));
    assert.ok(!listed.includes(reports.secretKey));
    assert.equal(gatehouse(['machines', 'create', 'x', '--scope', 'mch_nope']).code, 1);
  });
});
