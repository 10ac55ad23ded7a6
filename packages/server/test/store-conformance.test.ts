// One conformance suite, every database: the store cases run on SQLite and on PostgreSQL (a database created for this run and dropped after).

import { after, afterEach, before, describe, test } from 'node:test';
import {
  createTestDatabase,
  openInstance,
  serviceGate,
  type BackendInstance,
  type BackendName,
  type TestDatabase,
} from '../../../test-support/backends.js';
import { storeCases } from './store-cases.js';
import { refreshSwapCases } from './refresh-swap-cases.js';
import { sessionLockCases } from './session-lock-cases.js';
import { refreshReadCases } from './refresh-read-cases.js';
import { refreshWritingCases } from './refresh-writing-cases.js';

const postgresSkip = await serviceGate('PostgreSQL');

for (const backend of ['sqlite', 'postgres'] as BackendName[]) {
  describe(`store conformance on ${backend}`, { skip: backend === 'postgres' ? postgresSkip : false }, () => {
    let database: TestDatabase | undefined;
    const opened: BackendInstance[] = [];
    before(async () => {
      database = await createTestDatabase(backend);
    });
    afterEach(async () => {
      for (const t of opened.splice(0)) await t.close();
    });
    after(async () => {
      await database?.drop();
    });

    for (const { name, run } of [
      ...storeCases,
      ...refreshSwapCases,
      ...sessionLockCases,
      ...refreshReadCases,
      ...refreshWritingCases,
    ].filter((c) => !c.backends || c.backends.includes(backend))) {
      test(name, () =>
        run(async (options, clock) => {
          if (!database) throw new Error(`no ${backend} database`);
          const t = await openInstance(database, options, clock);
          opened.push(t);
          return t;
        }),
      );
    }
  });
}
