// One import run: roles, users, organizations, memberships written in batches (each one transaction; a dry run is one transaction rolled back), recorded in import_runs, summed up in a report.

import type { Kysely } from 'kysely';
import { newSecret } from '../store/ids.js';
import { BUILT_IN_ROLES } from '../roles/roles.js';
import type { Database } from '../store/types.js';
import type { ImportData, ImportProblem, ImportSourceName } from './model.js';
import { batches, flaggedIds, newTally, type ImportDatabase, type ImportDb, type KindCounts, type RecordKind } from './records.js';
import { writeMembershipBatch, writeOrganizationBatch, writeRoles } from './write-orgs.js';
import { writeUserBatch, type BatchContext } from './write-users.js';

export interface ImportOptions {
  /** Writes nothing: every batch runs in one transaction that is rolled back, so the report says exactly what a real run would do. */
  dryRun?: boolean;
  /** Rows per transaction (default 500). */
  batchSize?: number;
  /** Roles configured for the instance (`gatehouse.config.json`): memberships may name them too. */
  configuredRoles?: readonly string[];
  now?: () => number;
  /** Called after every batch with the rows written so far and the total. */
  progress?: (done: number, total: number) => void;
}

export interface ImportReport {
  runId: string;
  source: ImportSourceName;
  dryRun: boolean;
  counts: Record<RecordKind, KindCounts>;
  /** Rows that could not be read or written: skipped, with where they were. */
  problems: ImportProblem[];
  /** Users imported without a password because their hasher is unknown: they must reset it. */
  passwordResetRequired: string[];
  /** TOTP secrets in the source that were not imported (second factors are not in this instance's schema yet). */
  totpNotImported: number;
  /** Usernames in the source (Gatehouse users have none yet: they sign in by email). */
  usernamesNotImported: number;
  durationMs: number;
  usersPerSecond: number;
}

class DryRunRollback extends Error {
  override readonly name = 'DryRunRollback';
}

/**
 * Imports `data` into the database. Idempotent (rows whose source data did not change since the run
 * that imported them are left alone, so a second run changes nothing), resumable (every committed
 * batch is recorded; a run after an interruption skips those rows), and never half-writes a batch.
 * @throws the database's error when a batch fails (the batches before it stay committed; run again to resume)
 */
export async function runImport(database: Kysely<Database>, data: ImportData, options: ImportOptions = {}): Promise<ImportReport> {
  const db = database as unknown as Kysely<ImportDatabase>;
  const now = options.now ?? Date.now;
  const dryRun = options.dryRun ?? false;
  const size = options.batchSize ?? 500;
  const runId = `imp_${newSecret().slice(0, 26)}`;
  const started = performance.now();
  const tally = newTally();
  tally.problems.push(...data.problems);
  const total = data.roles.length + data.users.length + data.organizations.length + data.memberships.length;
  let done = 0;
  const step = (n: number) => {
    done += n;
    options.progress?.(done, total);
  };

  if (!dryRun)
    await db
      .insertInto('import_runs')
      .values({ id: runId, source: data.source, status: 'running', started_at: now(), finished_at: null, summary: '{}' })
      .execute();

  const all = async (target: ImportDb, inBatch: (fn: (tx: ImportDb) => Promise<void>) => Promise<void>) => {
    const ctx = (): BatchContext => ({ source: data.source, runId, at: now(), tally });
    await inBatch((tx) => writeRoles(tx, data.roles, ctx()));
    step(data.roles.length);
    for (const batch of batches(data.users, size)) {
      await inBatch((tx) => writeUserBatch(tx, batch, ctx()));
      step(batch.length);
    }
    for (const batch of batches(data.organizations, size)) {
      await inBatch((tx) => writeOrganizationBatch(tx, batch, ctx()));
      step(batch.length);
    }
    const stored = (await target.selectFrom('roles').select('key').execute()).map((r) => r.key);
    const knownRoles = new Set([...BUILT_IN_ROLES.map((r) => r.key), ...stored, ...(options.configuredRoles ?? [])]);
    for (const batch of batches(data.memberships, size)) {
      await inBatch((tx) => writeMembershipBatch(tx, batch, { ...ctx(), knownRoles }));
      step(batch.length);
    }
  };

  let passwordResetRequired: string[] = [];
  try {
    if (dryRun) {
      await db
        .transaction()
        .execute(async (tx) => {
          await all(tx, (fn) => fn(tx));
          passwordResetRequired = await flaggedIds(tx, data.source, 'password_reset_required');
          throw new DryRunRollback('dry run');
        })
        .catch((error: unknown) => {
          if (!(error instanceof DryRunRollback)) throw error;
        });
    } else {
      await all(db, (fn) => db.transaction().execute(fn));
      passwordResetRequired = await flaggedIds(db, data.source, 'password_reset_required');
    }
  } catch (error) {
    if (!dryRun) await finishRun(db, runId, 'failed', now(), tally.counts).catch(() => undefined);
    throw error;
  }

  const durationMs = performance.now() - started;
  const report: ImportReport = {
    runId,
    source: data.source,
    dryRun,
    counts: tally.counts,
    problems: tally.problems,
    passwordResetRequired,
    totpNotImported: data.users.filter((u) => u.totpSecret).length,
    usernamesNotImported: data.users.filter((u) => u.username).length,
    durationMs,
    usersPerSecond: data.users.length / Math.max(durationMs / 1000, 0.001),
  };
  if (!dryRun) await finishRun(db, runId, 'completed', now(), tally.counts);
  if (!dryRun)
    await db
      .insertInto('audit_events')
      .values({
        at: now(),
        action: 'import.completed',
        actor_id: null,
        subject_id: runId,
        ip: null,
        user_agent: null,
        data: JSON.stringify({ source: data.source, counts: tally.counts, problems: tally.problems.length }),
      })
      .execute();
  return report;
}

async function finishRun(
  db: Kysely<ImportDatabase>,
  id: string,
  status: 'completed' | 'failed',
  at: number,
  counts: unknown,
): Promise<void> {
  await db
    .updateTable('import_runs')
    .set({ status, finished_at: at, summary: JSON.stringify(counts) })
    .where('id', '=', id)
    .execute();
}
