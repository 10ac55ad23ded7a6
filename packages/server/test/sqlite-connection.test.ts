import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openSqliteConnection } from '../src/store/sqlite.js';
import { makeTempDir } from '../../../test-support/instance.js';

test('the SQLite connection runs in WAL mode, syncs at checkpoints, checkpoints every 10,000 pages and reads through a memory map', async () => {
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
