// `gatehouse webhooks …` (issue #9) as a real child process on a temp database: add prints the secret once, list never does, deliveries and resend, usage errors exit 2.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { createGatehouse } from '@gatehouse/server';
import { makeTempDir } from '../../../test-support/instance.js';

const MAIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const dir = makeTempDir();
const databaseFile = join(dir, 'gatehouse.db');
after(() => rmSync(dir, { recursive: true, force: true }));

function gatehouse(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [MAIN, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      GATEHOUSE_DATABASE_FILE: databaseFile,
      GATEHOUSE_DEV_SECRET: '1',
      GATEHOUSE_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
    },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('webhooks add, list, deliveries, resend and remove', async () => {
  const add = gatehouse([
    'webhooks',
    'add',
    'https://hooks.example.com/in',
    '--events',
    'user.created,user.deleted',
    '--description',
    'CRM',
  ]);
  assert.equal(add.code, 0, add.stderr);
  const [first = '', , secret = ''] = add.stdout.trim().split('\n');
  const id = /^Added webhook endpoint (wh_[a-z2-7]{26}) -> https:\/\/hooks\.example\.com\/in$/.exec(first)?.[1];
  assert.ok(id, add.stdout);
  assert.match(secret, /^whsec_[A-Za-z0-9+/=]{44}$/);

  const list = gatehouse(['webhooks', 'list']);
  assert.equal(list.code, 0, list.stderr);
  const [header = '', row = ''] = list.stdout.trim().split('\n');
  assert.match(header, /^ID +ENABLED +EVENTS +URL$/);
  assert.match(row, new RegExp(`^${id} +yes +user\\.created,user\\.deleted +https://hooks\\.example\\.com/in$`));
  assert.equal(list.stdout.includes(secret.slice(6)) || list.stderr.includes(secret.slice(6)), false);

  const bad = gatehouse(['webhooks', 'add', 'ftp://hooks.example.com']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^gatehouse: Only http and https URLs receive webhooks\.$/m);
  assert.equal(gatehouse(['webhooks', 'remove', 'nope']).code, 2);
  assert.equal(gatehouse(['webhooks', 'deliveries', '--status', 'lost']).code, 2);

  // A change while no app runs: the outbox holds it; the log shows it pending; resend queues it again.
  const app = await createGatehouse({
    databaseFile,
    allowDevSecret: true,
    log: () => undefined,
    webhooks: { allowedHosts: ['127.0.0.1'] },
  });
  await app.users.create({ email: 'cli-hook@example.com' });
  await app.close();
  const deliveries = gatehouse(['webhooks', 'deliveries', '--json']);
  assert.equal(deliveries.code, 0, deliveries.stderr);
  const [delivery] = JSON.parse(deliveries.stdout) as { id: string; eventType: string; status: string }[];
  assert.equal(delivery?.eventType, 'user.created');
  assert.equal(delivery.status, 'pending');
  const resend = gatehouse(['webhooks', 'resend', delivery.id]);
  assert.equal(resend.code, 0, resend.stderr);
  assert.equal(resend.stdout, `Delivery ${delivery.id} is queued again.\n`);

  assert.equal(gatehouse(['webhooks', 'remove', id]).code, 0);
  const db = new BetterSqlite3(databaseFile, { readonly: true });
  try {
    assert.deepEqual(db.prepare('SELECT COUNT(*) AS n FROM webhook_endpoints').get(), { n: 0 });
    assert.deepEqual(db.prepare('SELECT COUNT(*) AS n FROM webhook_deliveries').get(), { n: 0 });
  } finally {
    db.close();
  }
  const again = gatehouse(['webhooks', 'remove', id]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /No such webhook endpoint/);
});
