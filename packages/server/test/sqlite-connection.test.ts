import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openSqliteConnection } from '../src/store/sqlite.js';
import { makeTempDir } from '../../../test-support/instance.js';

test('the SQLite connection runs in WAL mode, syncs at checkpoints and checkpoints every 10,000 pages', async () => {
  const { db, native } = openSqliteConnection(join(makeTempDir(), 'gatehouse.db'));
  try {
    const pragma = (name: string) => native.database.pragma(name, { simple: true });
    assert.equal(pragma('journal_mode'), 'wal');
    assert.equal(pragma('synchronous'), 1); // NORMAL
    assert.equal(pragma('foreign_keys'), 1);
    assert.equal(pragma('wal_autocheckpoint'), 10_000);
  } finally {
    await db.destroy();
  }
});
