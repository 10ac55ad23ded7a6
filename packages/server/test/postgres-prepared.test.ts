// The refresh's hot statements run as named prepared statements on PostgreSQL (issue #20): a
// connection parses and plans each once, every other statement runs as before, and the values
// still change from call to call.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import { createTestDatabase, serviceGate, type TestDatabase } from '../../../test-support/backends.js';
import { openPostgres } from '../src/store/postgres.js';
import { preparedQuery, statementName } from '../src/store/prepared.js';
import type { Database } from '../src/store/types.js';

const TEXT = 'SELECT $1::int + 1 AS n';

describe('named prepared statements on PostgreSQL', async () => {
  const skip = await serviceGate('PostgreSQL');
  let database: TestDatabase;
  let db: Kysely<Database>;

  before(async () => {
    if (skip) return;
    database = await createTestDatabase('postgres');
    // One connection: what it has prepared is what pg_prepared_statements shows on it.
    db = openPostgres(String(database.options.databaseUrl), { maxConnections: 1 });
  });
  after(async () => {
    await db?.destroy();
    await database?.drop();
  });

  const prepared = async () =>
    (await sql<{ name: string; statement: string }>`SELECT name, statement FROM pg_prepared_statements ORDER BY name`.execute(db)).rows;

  test('a registered text is prepared once per connection under its own name; its values vary', { skip }, async () => {
    assert.deepEqual(await prepared(), []);
    const first = await db.executeQuery(preparedQuery<{ n: number }>(TEXT, [1]));
    const second = await db.executeQuery(preparedQuery<{ n: number }>(TEXT, [41]));
    assert.deepEqual([first.rows, second.rows], [[{ n: 2 }], [{ n: 42 }]]);
    const name = statementName(TEXT);
    assert.match(name ?? '', /^gatehouse_[0-9a-f]{32}$/);
    assert.deepEqual(await prepared(), [{ name, statement: TEXT }]);
  });

  test('another statement is not prepared, and a transaction runs a prepared one on its own connection', { skip }, async () => {
    const other = 'SELECT $1::int * 2 AS n';
    assert.deepEqual((await sql<{ n: number }>`SELECT ${21}::int * 2 AS n`.execute(db)).rows, [{ n: 42 }]);
    assert.equal(statementName(other), undefined);
    const inside = await db.transaction().execute(async (trx) => (await trx.executeQuery(preparedQuery<{ n: number }>(TEXT, [9]))).rows);
    assert.deepEqual(inside, [{ n: 10 }]);
    assert.deepEqual(
      (await prepared()).map((row) => row.statement),
      [TEXT],
    );
  });
});
