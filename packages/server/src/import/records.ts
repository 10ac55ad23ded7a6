// The import's own store queries: its two tables (import_records, import_runs) over the instance's Kysely database, fingerprints, and the per-kind tally of a run.

import type { Kysely, Transaction } from 'kysely';
import type { AccountsDatabase } from '../accounts/account-store.js';
import type { Database } from '../store/types.js';
import type { ImportProblem, ImportSourceName } from './model.js';
import { sha256 } from '../store/ids.js';

export type RecordKind = 'user' | 'organization' | 'membership' | 'role';

export interface ImportRecordsTable {
  source: string;
  kind: RecordKind;
  source_id: string;
  target_id: string;
  fingerprint: string;
  flags: string;
  run_id: string;
  imported_at: number;
  updated_at: number;
}

export interface ImportRunsTable {
  id: string;
  source: string;
  status: 'running' | 'completed' | 'failed' | 'dry-run';
  started_at: number;
  finished_at: number | null;
  summary: string;
}

/** The instance's tables plus the import's (migration 0013). */
export type ImportDatabase = Database & AccountsDatabase & { import_records: ImportRecordsTable; import_runs: ImportRunsTable };
export type ImportDb = Kysely<ImportDatabase> | Transaction<ImportDatabase>;

/** SHA-256 of a record's source data (its origin aside: the same row on another line is the same row). */
export function fingerprint(record: { origin: string }): string {
  const { origin: _origin, ...data } = record;
  return sha256(JSON.stringify(data), 'hex');
}

export interface PreviousRecord {
  target_id: string;
  fingerprint: string;
}

/** The records of earlier runs for these source ids. */
export async function previousRecords(
  db: ImportDb,
  source: ImportSourceName,
  kind: RecordKind,
  ids: readonly string[],
): Promise<Map<string, PreviousRecord>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('import_records')
    .select(['source_id', 'target_id', 'fingerprint'])
    .where('source', '=', source)
    .where('kind', '=', kind)
    .where('source_id', 'in', [...ids])
    .execute();
  return new Map(rows.map((r) => [r.source_id, r]));
}

type RecordRow = Omit<ImportRecordsTable, 'imported_at' | 'updated_at'>;

/**
 * Records imported rows in the batch's transaction: a re-recorded one is updated at once, new ones
 * are inserted together by {@link flush} (one statement per batch instead of one per row).
 */
export function recordWriter(db: ImportDb, at: number) {
  const fresh: ImportRecordsTable[] = [];
  return {
    async add(row: RecordRow, existed: boolean): Promise<void> {
      if (!existed) {
        fresh.push({ ...row, imported_at: at, updated_at: at });
        return;
      }
      await db
        .updateTable('import_records')
        .set({ target_id: row.target_id, fingerprint: row.fingerprint, flags: row.flags, run_id: row.run_id, updated_at: at })
        .where('source', '=', row.source)
        .where('kind', '=', row.kind)
        .where('source_id', '=', row.source_id)
        .execute();
    },
    async flush(): Promise<void> {
      for (const chunk of batches(fresh.splice(0), 500)) await db.insertInto('import_records').values(chunk).execute();
    },
  };
}

/** Ids flagged `flag` by any run of this source (the report of a re-run still lists them). */
export async function flaggedIds(db: ImportDb, source: ImportSourceName, flag: string): Promise<string[]> {
  const rows = await db
    .selectFrom('import_records')
    .select(['target_id', 'flags'])
    .where('source', '=', source)
    .where('kind', '=', 'user')
    .where('flags', 'like', `%"${flag}"%`)
    .orderBy('target_id')
    .execute();
  return rows.map((r) => r.target_id);
}

export interface KindCounts {
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
}

/** What one kind's write did, with the rows it refused. */
export interface Tally {
  counts: Record<RecordKind, KindCounts>;
  problems: ImportProblem[];
}

export function newTally(): Tally {
  const zero = (): KindCounts => ({ created: 0, updated: 0, unchanged: 0, skipped: 0 });
  return { counts: { role: zero(), user: zero(), organization: zero(), membership: zero() }, problems: [] };
}

/** Splits a list into batches of `size`. */
export function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
