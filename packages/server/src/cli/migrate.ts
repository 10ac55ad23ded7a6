// `gatehouse migrate`: applies the pending schema migrations and says which ran.

import { resolve } from 'node:path';
import type { Kysely } from 'kysely';
import { migrateStepwise } from '../store/migrations/index.js';
import { openPostgres } from '../store/postgres.js';
import { openSqlite } from '../store/sqlite.js';
import type { Database } from '../store/types.js';
import { cliOptions, type Command } from './command.js';

export const migrateCommands: Command[] = [
  {
    name: 'migrate',
    summary: 'Apply pending database migrations',
    usage: 'migrate',
    details: [
      'Opens the database the app uses (DATABASE_URL, else GATEHOUSE_DATABASE_FILE, else .gatehouse/gatehouse.db)',
      'and applies every migration it has not run yet. Needs no secret: it touches the schema only.',
      'The app also migrates on start; run this before deploying a new version to several instances.',
    ],
    async run(_values, _positionals, io) {
      // The database alone, opened as the instance opens it: migrating needs neither the secret nor the keys.
      const options = cliOptions(io);
      const onPostgres = options.databaseUrl !== undefined;
      const file = resolve(options.databaseFile ?? '.gatehouse/gatehouse.db');
      const db: Kysely<Database> = onPostgres ? openPostgres(options.databaseUrl ?? '') : openSqlite(file);
      // Never the URL itself: it usually carries a password.
      io.err(onPostgres ? 'gatehouse: PostgreSQL database' : `gatehouse: SQLite database at ${file}`);
      try {
        // Progress on stderr (stdout stays the summary): [2/5] 0002_organizations ... done (31 ms)
        let started = 0;
        const applied = await migrateStepwise(db as unknown as Kysely<unknown>, onPostgres ? 'postgres' : 'sqlite', (step) => {
          if (!step.done) {
            started = performance.now();
            process.stderr.write(`gatehouse: [${step.index + 1}/${step.total}] ${step.name} ... `);
          } else process.stderr.write(`done (${Math.round(performance.now() - started)} ms)\n`);
        });
        io.out(applied.length === 0 ? 'The database is up to date; no migration to apply.' : `Applied ${applied.length} migration(s):`);
        for (const name of applied) io.out(`  ${name}`);
      } finally {
        await db.destroy();
      }
    },
  },
];
