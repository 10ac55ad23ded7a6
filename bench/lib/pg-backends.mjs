// The PostgreSQL backends serving a bench database on this machine (case 3): their CPU time, read
// from /proc, and their pinning to a CPU other than the bench's, so the database's work is not done
// on the bench's CPU and counted as interference there.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pinnedCpu, processCpuSeconds } from './interference.mjs';

const log = (line) => process.stderr.write(`${line}\n`);

/**
 * The PostgreSQL backends serving `database` on this machine: the pids pg_stat_activity lists whose
 * /proc entry is a postgres process of that database (so a server on another host, whose pids mean
 * nothing here, gives none).
 */
async function localBackends(admin, database) {
  const { rows } = await admin.query('SELECT pid FROM pg_stat_activity WHERE datname = $1', [database]);
  return rows
    .map(({ pid }) => pid)
    .filter((pid) => {
      try {
        const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return command.startsWith('postgres') && command.includes(database);
      } catch {
        return false; // gone, or not ours to read
      }
    });
}

/**
 * CPU milliseconds used so far by the PostgreSQL backends serving `database` (read from /proc: the
 * server runs on this machine); null when they cannot be read (another host, another user's processes).
 */
export async function backendCpuMs(admin, database) {
  const { rows } = await admin.query('SELECT pid FROM pg_stat_activity WHERE datname = $1', [database]);
  let ms = 0;
  for (const { pid } of rows) {
    try {
      ms += processCpuSeconds(pid) * 1000;
    } catch (error) {
      if (error.code !== 'ENOENT') return null; // a backend that has just exited is skipped
    }
  }
  return ms;
}

/** The CPU the PostgreSQL backends serving the bench are pinned to: not the bench's own (CPU 1). */
const PG_CPU = Number(process.env.BENCH_PG_CPU ?? 0);
/** What pinning the backends came to, for the rows' notes: pinned, or why not. */
export const pinning = { cpu: PG_CPU, pinned: new Set(), failed: null };

/**
 * Pins the backends serving `database` to PG_CPU (`taskset -pc`), so that the database's work is not
 * done on the CPU the bench process is pinned to and counted as interference there. Run before each
 * round (outside the timing): the pool may have opened a connection since. Needs the right to change
 * another user's process affinity (root, or the server's own user); without it the bench goes on
 * unpinned and says so in the rows' notes.
 */
export async function pinBackends(admin, database) {
  const own = pinnedCpu();
  if (own === null || own === PG_CPU) pinning.failed ??= `the bench process is not pinned to one CPU other than ${PG_CPU}`;
  if (pinning.failed) return;
  for (const pid of await localBackends(admin, database)) {
    if (pinning.pinned.has(pid)) continue;
    try {
      execFileSync('taskset', ['-pc', String(PG_CPU), String(pid)], { stdio: 'ignore' });
      pinning.pinned.add(pid);
    } catch (error) {
      pinning.failed = `taskset -pc ${PG_CPU} of a backend failed (${error.code ?? `exit ${error.status}`})`;
      log(`sessions: PostgreSQL backends not pinned: ${pinning.failed}`);
      return;
    }
  }
}

/** The rows' note on where the PostgreSQL backends ran. */
export function pinningNote() {
  if (pinning.failed) return `; PostgreSQL backends not pinned (${pinning.failed}): their work on the bench's CPU counts as interference`;
  if (pinning.pinned.size === 0) return '; PostgreSQL backends not pinned (none found on this machine)';
  return `; the PostgreSQL backends serving the bench pinned to CPU ${PG_CPU} (taskset), the bench process to CPU ${pinnedCpu()}`;
}
