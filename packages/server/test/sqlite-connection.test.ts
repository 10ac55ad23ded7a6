import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openSqliteConnection } from '../src/store/sqlite.js';
import { makeTempDir } from '../../../test-support/instance.js';

test('the SQLite connection runs in WAL mode, syncs at checkpoints, checkpoints every 10,000 pages until its thread runs and reads through a memory map', async () => {
  const { db, native } = openSqliteConnection(join(makeTempDir(), 'gatehouse.db'));
  try {
    const pragma = (name: string) => native.database.pragma(name, { simple: true });
    assert.equal(pragma('journal_mode'), 'wal');
    assert.equal(pragma('synchronous'), 1); // NORMAL
    assert.equal(pragma('foreign_keys'), 1);
    assert.equal(pragma('wal_autocheckpoint'), 10_000);
    // SQLite caps the size at what it was built with (just under 2 GiB by default).
    assert.ok((pragma('mmap_size') as number) >= 2 ** 30);
  } finally {
    await db.destroy();
  }
});

test('a thread of its own checkpoints the log into the database file: commits no longer do', async () => {
  const file = join(makeTempDir(), 'gatehouse.db');
  const { db, native } = openSqliteConnection(file, { startAfterMs: 0, everyMs: 20 });
  try {
    const { database } = native;
    const inCommits = () => database.pragma('wal_autocheckpoint', { simple: true });
    for (let waited = 0; inCommits() !== 0; waited += 10) {
      assert.ok(waited < 10_000, 'the thread starts and takes the checkpoints over');
      await sleep(10);
    }
    database.exec('create table filler (body blob)');
    const insert = database.prepare('insert into filler (body) values (randomblob(2000))');
    const before = statSync(file).size;
    for (let i = 0; i < 500; i++) insert.run(); // about 250 pages, all in the log until checkpointed
    // Only a checkpoint copies pages into the database file, and this connection makes none.
    for (let waited = 0; statSync(file).size < before + 250 * 4096; waited += 10) {
      assert.ok(waited < 10_000, `the thread copies the log into the file (${statSync(file).size} bytes)`);
      await sleep(10);
    }
    assert.equal((database.prepare('select count(*) as n from filler').get() as { n: number }).n, 500);
  } finally {
    await db.destroy();
  }
});

test('checkpoints stay in the commits of an in-memory database (no log, no thread)', async () => {
  const { db, native } = openSqliteConnection(':memory:', { startAfterMs: 0, everyMs: 20 });
  try {
    await sleep(50);
    assert.equal(native.database.pragma('wal_autocheckpoint', { simple: true }), 10_000);
  } finally {
    await db.destroy();
  }
});
