// Issue #9: an outbox row is never lost when the process is killed between the change and the delivery (a child process makes changes and is SIGKILLed; a new process delivers every recorded event, ids unchanged).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { createGatehouse } from '@gatehouse/server';
import { makeTempDir } from '../../../test-support/instance.js';
import { startWebhookReceiver } from '../../../test-support/webhook-receiver.js';

const CHILD = fileURLToPath(new URL('./fixtures/webhook-crash-child.ts', import.meta.url));
const SECRET = 'a-test-master-secret-that-is-long-enough-000';

test('events committed before a kill -9 are all delivered after the restart, each with its recorded id and body', async () => {
  const dir = makeTempDir();
  const databaseFile = join(dir, 'gatehouse.db');
  const receiver = await startWebhookReceiver();
  try {
    const setup = await createGatehouse({ databaseFile, secret: SECRET, log: () => undefined, webhooks: { allowedHosts: ['127.0.0.1'] } });
    await setup.webhooks.createEndpoint({ url: receiver.url, eventTypes: ['user.created'] });
    await setup.close();

    // The child writes as fast as it can; it is killed once it has committed a few, in the middle of more.
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, databaseFile, SECRET], { stdio: ['ignore', 'pipe', 'inherit'] });
    const committed: string[] = [];
    await new Promise<void>((resolve, reject) => {
      let buffer = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop() ?? '';
        for (const line of lines) if (line.startsWith('committed ')) committed.push(line.slice('committed '.length));
        if (committed.length >= 25 && child.exitCode === null && !child.killed) {
          child.kill('SIGKILL');
        }
      });
      child.on('exit', (_code, signal) =>
        signal === 'SIGKILL' ? resolve() : reject(new Error(`child exited on its own (${signal ?? _code})`)),
      );
    });
    assert.ok(committed.length >= 25);

    const reader = new BetterSqlite3(databaseFile, { readonly: true });
    const recorded = reader.prepare("SELECT id, payload FROM webhook_events WHERE type = 'user.created' ORDER BY rowid").all() as {
      id: string;
      payload: string;
    }[];
    reader.close();
    const recordedUsers = recorded.map((r) => (JSON.parse(r.payload) as { data: { id: string } }).data.id);
    for (const id of committed) assert.ok(recordedUsers.includes(id), `the event of committed user ${id} is in the outbox`);
    assert.ok(recorded.length - committed.length <= 1, 'at most the change in flight at the kill committed without being reported');
    assert.equal(receiver.received.length, 0, 'nothing was delivered before the restart');

    const restarted = await createGatehouse({
      databaseFile,
      secret: SECRET,
      log: () => undefined,
      webhooks: { allowedHosts: ['127.0.0.1'] },
    });
    try {
      while ((await restarted.webhooks.deliverDue()).succeeded > 0);
    } finally {
      await restarted.close();
    }
    const delivered = receiver.received.map((r) => ({ id: r.headers['webhook-id'], payload: r.body }));
    assert.deepEqual(
      delivered.sort((a, b) => String(a.id).localeCompare(String(b.id))),
      recorded.sort((a, b) => a.id.localeCompare(b.id)),
    );
  } finally {
    await receiver.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
