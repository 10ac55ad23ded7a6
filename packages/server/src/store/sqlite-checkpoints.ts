// WAL checkpoints of the SQLite file on a thread of their own, so that no request waits while pages
// are copied back into the database file and both files are flushed.

import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';

/** WAL pages after which SQLite checkpoints inside the commit that crosses the mark (when no thread does it). */
export const CHECKPOINT_MARK_PAGES = 10_000;

export interface CheckpointOptions {
  /** How long after opening the thread starts (short-lived connections, e.g. tests, never start one). */
  startAfterMs?: number;
  /** How often the thread checkpoints what the log holds. */
  everyMs?: number;
}

/**
 * The thread's code, run as a script (no file of its own: a bundler that moves the server's modules
 * has no path to lose). Its own connection checkpoints passively (never waiting for the writer or a
 * reader: a commit in this process goes on meanwhile); once the log is `mark` pages long and could
 * not be caught up, a restarting checkpoint (taken only when the write lock is free, holding it for
 * the pages that came in since the passive one) lets the next commit write the log from its start
 * again, so under steady writes the log stays about `mark` pages long instead of growing.
 */
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 0');
db.pragma('synchronous = NORMAL');
const tick = () => {
  const [passive] = db.pragma('wal_checkpoint(PASSIVE)');
  if (passive.log >= workerData.mark && passive.checkpointed < passive.log) db.pragma('wal_checkpoint(RESTART)');
};
setInterval(tick, workerData.everyMs);
parentPort.postMessage('ready');
`;

/** Where better-sqlite3 is for the thread: as this module resolves it, else from the working directory. */
function betterSqlitePath(): string | null {
  for (const from of [import.meta.url, join(process.cwd(), 'index.js')]) {
    try {
      return createRequire(from).resolve('better-sqlite3');
    } catch {
      // the next place
    }
  }
  return null;
}

/**
 * Hands the checkpoints of `database` (a file in WAL mode) to a thread once it runs: until then, and
 * again if the thread ever stops, SQLite checkpoints inside commits at {@link CHECKPOINT_MARK_PAGES}.
 * Returns the function that stops the thread (before the connection closes).
 */
export function checkpointOffThread(database: BetterSqlite3.Database, options: CheckpointOptions = {}): () => void {
  let worker: Worker | null = null;
  let stopped = false;
  const inCommits = () => {
    if (!stopped && database.open) database.pragma(`wal_autocheckpoint = ${CHECKPOINT_MARK_PAGES}`);
  };
  const start = () => {
    const module = betterSqlitePath();
    if (stopped || !module) return;
    worker = new Worker(THREAD, {
      eval: true,
      workerData: { module, file: database.name, mark: CHECKPOINT_MARK_PAGES, everyMs: options.everyMs ?? 500 },
    });
    worker.on('message', () => {
      if (!stopped && database.open) database.pragma('wal_autocheckpoint = 0');
    });
    // A thread that fails (no such module, an I/O error) hands the checkpoints back to the commits.
    worker.on('error', inCommits);
    worker.on('exit', inCommits);
    // After the listeners (a message listener holds the process open again): the thread never keeps it running.
    worker.unref();
  };
  inCommits();
  const timer = setTimeout(start, options.startAfterMs ?? 1000);
  timer.unref();
  return () => {
    stopped = true;
    clearTimeout(timer);
    void worker?.terminate();
  };
}
