// Case: `gatehouse import clerk` throughput on a generated export in Clerk's formats (10,000 users with bcrypt digests at Clerk's cost, 100 organizations, 2,000 memberships, two custom roles), on SQLite and PostgreSQL.
// Run: npm run bench:import (node --import tsx: it reads the server's TypeScript sources and the test fixture's generator). Not part of `npm test`.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import pg from 'pg';
import { openSqlite } from '../../packages/server/src/store/sqlite.ts';
import { openPostgres } from '../../packages/server/src/store/postgres.ts';
import { migrateToLatest } from '../../packages/server/src/store/migrations/index.ts';
import { mergeClerkSources, readClerkApiPages } from '../../packages/server/src/import/clerk-api.ts';
import { readClerkCsv } from '../../packages/server/src/import/clerk-csv.ts';
import { runImport } from '../../packages/server/src/import/run.ts';
import { generateClerkExport } from '../../packages/server/test/fixtures/clerk-export.ts';

const USERS = Number(process.env.BENCH_IMPORT_USERS ?? 10_000);
const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const out = process.argv[2];

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-import-'));
const rows = [];
try {
  const exp = await generateClerkExport(dir, { users: USERS, orgs: 100, membersPerOrg: 20 });
  let t = performance.now();
  const data = mergeClerkSources(await readClerkApiPages(exp.pagesDir), await readClerkCsv(exp.csvFile));
  const readMs = performance.now() - t;
  rows.push({ backend: '-', phase: 'read CSV + pages', ms: readMs, usersPerSecond: USERS / (readMs / 1000) });

  const backends = [['sqlite', () => openSqlite(join(dir, 'bench.db')), async () => undefined]];
  const name = `gatehouse_bench_import_${process.pid}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  const pgUp = await admin.connect().then(
    () => true,
    () => false,
  );
  if (pgUp) {
    await admin.query(`CREATE DATABASE "${name}"`);
    const url = new URL(POSTGRES_URL);
    url.pathname = `/${name}`;
    backends.push(['postgres', () => openPostgres(url.toString()), () => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)]);
  } else console.error('bench: PostgreSQL unreachable; SQLite only');

  for (const [backend, open, drop] of backends) {
    const db = open();
    try {
      await migrateToLatest(db, backend);
      for (const [phase, options] of [
        ['dry run', { dryRun: true }],
        ['import', {}],
        ['re-run (unchanged)', {}],
      ]) {
        t = performance.now();
        const report = await runImport(db, data, options);
        const ms = performance.now() - t;
        rows.push({
          backend,
          phase,
          ms,
          usersPerSecond: report.usersPerSecond,
          created: report.counts.user.created,
          unchanged: report.counts.user.unchanged,
        });
      }
    } finally {
      await db.destroy();
      await drop();
    }
  }
  if (pgUp) await admin.end();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log(
  `gatehouse import clerk: ${USERS} users, 100 organizations, 2,000 memberships (${cpus().length} cores, Node ${process.version})`,
);
console.log('| backend | phase | seconds | users/s | created | unchanged |');
console.log('| --- | --- | ---: | ---: | ---: | ---: |');
for (const r of rows)
  console.log(
    `| ${r.backend} | ${r.phase} | ${(r.ms / 1000).toFixed(2)} | ${Math.round(r.usersPerSecond)} | ${r.created ?? ''} | ${r.unchanged ?? ''} |`,
  );
if (out)
  writeFileSync(
    out,
    `${JSON.stringify({ date: new Date().toISOString(), cores: cpus().length, node: process.version, users: USERS, rows }, null, 2)}\n`,
  );
