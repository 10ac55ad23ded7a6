// `gatehouse import clerk|better-auth|authjs`: reads the source, writes it in batches with a progress bar, prints the summary (and the full report as JSON on request).

import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Kysely } from 'kysely';
import { migrateToLatest } from '../store/migrations/index.js';
import { openPostgres } from '../store/postgres.js';
import { openSqlite } from '../store/sqlite.js';
import type { Database } from '../store/types.js';
import { readAuthJs } from '../import/authjs.js';
import { readBetterAuth } from '../import/better-auth.js';
import { mergeClerkSources, readClerkApiPages } from '../import/clerk-api.js';
import { readClerkCsv } from '../import/clerk-csv.js';
import type { ImportData } from '../import/model.js';
import { createProgressBar, summaryLines } from '../import/report.js';
import { runImport, type ImportReport } from '../import/run.js';
import { asJson, cliOptions, UsageError, type Command, type Io, type Values } from './command.js';

const COMMON_OPTIONS = {
  'dry-run': { type: 'boolean' },
  report: { type: 'string' },
  'batch-size': { type: 'string' },
  json: { type: 'boolean' },
} as const;

const COMMON_DETAILS = [
  '  --dry-run          write nothing: the summary says what a real run would do',
  '  --report <file>    write the full report (every problem, every flagged user) as JSON',
  '  --batch-size <n>   rows per transaction (default 500)',
  '  --json             print the report as JSON on stdout instead of the summary',
  'Safe to repeat: rows imported before and unchanged since are left alone; changed ones are updated;',
  'an interrupted run resumes where its last committed batch ended. No password is ever in the output.',
];

/** The instance's database, opened as `gatehouse migrate` opens it (no secret needed) and migrated. */
async function openTarget(io: Io): Promise<{ db: Kysely<Database>; configuredRoles: string[] }> {
  const options = cliOptions(io);
  const onPostgres = options.databaseUrl !== undefined;
  const file = resolve(options.databaseFile ?? '.gatehouse/gatehouse.db');
  const db: Kysely<Database> = onPostgres ? openPostgres(options.databaseUrl ?? '') : openSqlite(file);
  io.err(onPostgres ? 'gatehouse: PostgreSQL database' : `gatehouse: SQLite database at ${file}`);
  await migrateToLatest(db as unknown as Kysely<unknown>, onPostgres ? 'postgres' : 'sqlite').catch(async (error: unknown) => {
    await db.destroy();
    throw error;
  });
  return { db, configuredRoles: (options.roles?.roles ?? []).map((r) => r.key) };
}

function batchSize(values: Values): number | undefined {
  if (values['batch-size'] === undefined) return undefined;
  const n = Number(values['batch-size']);
  if (!Number.isInteger(n) || n < 1 || n > 5000) throw new UsageError('--batch-size: a whole number from 1 to 5000');
  return n;
}

async function importData(io: Io, values: Values, data: ImportData): Promise<ImportReport> {
  const size = batchSize(values);
  const { db, configuredRoles } = await openTarget(io);
  const bar = createProgressBar(process.stderr);
  try {
    const report = await runImport(db, data, {
      dryRun: values['dry-run'] === true,
      configuredRoles,
      ...(size ? { batchSize: size } : {}),
      progress: (done, total) => bar.update(done, total),
    });
    bar.done();
    if (typeof values.report === 'string') await writeFile(values.report, `${asJson(report)}\n`, { mode: 0o600 });
    if (values.json) io.out(asJson(report));
    else for (const line of summaryLines(report)) io.out(line);
    return report;
  } finally {
    await db.destroy();
  }
}

export const importCommands: Command[] = [
  {
    name: 'import clerk',
    summary: "Import users, organizations, memberships and roles from Clerk's exports (ids and passwords kept)",
    usage: 'import clerk [--csv <users.csv>] [--pages <dir>] [--dry-run] [--report <file>] [--batch-size <n>] [--json]',
    details: [
      "  --csv <file>       the dashboard's user export (password digests, TOTP secrets)",
      '  --pages <dir>      Backend API pages saved as JSON (users-*.json, organizations-*.json,',
      '                     organization_memberships-*.json, organization_roles-*.json): metadata, banned',
      '                     state, organizations, memberships, custom roles. With --csv, digests join by user id.',
      ...COMMON_DETAILS,
      'Users and organizations keep their Clerk ids. A digest of an unknown hasher imports the user without',
      'a password and lists them for a reset. See docs/migrating-from-clerk.md.',
    ],
    options: { csv: { type: 'string' }, pages: { type: 'string' }, ...COMMON_OPTIONS },
    async run(values, _positionals, io) {
      const csv = typeof values.csv === 'string' ? values.csv : null;
      const pages = typeof values.pages === 'string' ? values.pages : null;
      if (!csv && !pages) throw new UsageError('import clerk: give --csv, --pages, or both');
      const data = mergeClerkSources(pages ? await readClerkApiPages(pages) : null, csv ? await readClerkCsv(csv) : null);
      await importData(io, values, data);
    },
  },
  {
    name: 'import better-auth',
    summary: 'Import users (scrypt passwords kept), organizations and members from a Better Auth database',
    usage: 'import better-auth <database-url> [--dry-run] [--report <file>] [--batch-size <n>] [--json]',
    details: ['  <database-url>     postgres://… or the SQLite file (opened read-only)', ...COMMON_DETAILS],
    options: { ...COMMON_OPTIONS },
    args: { min: 1, max: 1 },
    async run(values, positionals, io) {
      await importData(io, values, await readBetterAuth(positionals[0] ?? ''));
    },
  },
  {
    name: 'import authjs',
    summary: 'Import users from an Auth.js database (its adapter tables; Auth.js keeps no passwords)',
    usage: 'import authjs <database-url> [--dry-run] [--report <file>] [--batch-size <n>] [--json]',
    details: ['  <database-url>     postgres://… or the SQLite file (opened read-only)', ...COMMON_DETAILS],
    options: { ...COMMON_OPTIONS },
    args: { min: 1, max: 1 },
    async run(values, positionals, io) {
      await importData(io, values, await readAuthJs(positionals[0] ?? ''));
    },
  },
];
