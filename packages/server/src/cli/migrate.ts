// `gatehouse migrate`: applies the pending schema migrations and says which ran.

import { resolve } from 'node:path';
import type { Kysely } from 'kysely';
import { migrateToLatest } from '../store/migrations.js';
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
        const applied = await migrateToLatest(db as unknown as Kysely<unknown>, onPostgres ? 'postgres' : 'sqlite');
        io.out(applied.length === 0 ? 'The database is up to date; no migration to apply.' : `Applied ${applied.length} migration(s):`);
        for (const name of applied) io.out(`  ${name}`);
      } finally {
        await db.destroy();
      }
    },
  },
];
