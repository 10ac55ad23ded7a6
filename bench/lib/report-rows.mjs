// The rows of the bench's main table, one per measured operation, from the cases' raw results.

import { int, label, pct, ratio, sig } from './format.mjs';
import { compareRows } from './report-compare.mjs';

/** Rows of the main table: [section, operation, ops/s, mean, p99, reference, spread, notes]. */
export function tableRows({ decision, nextjs, sessions, scale, multi, compare }) {
  const rows = [];
  if (decision) {
    const by = Object.fromEntries(decision.results.map((r) => [r.id, r]));
    const raw = by['floor.raw'];
    const sections = { floor: '1. Decision: floor', gatehouse: '1. Decision: Gatehouse', peer: '1. Decision: peers' };
    for (const r of decision.results) {
      rows.push({
        section: sections[r.group],
        name: r.name,
        rate: `${int(r.opsPerSec)}/s`,
        mean: `${sig(r.meanUs)} µs`,
        p99: `${sig(r.p99Us)} µs`,
        ref: r.id === 'floor.raw' ? '1×' : raw ? `${ratio(r.meanUs / raw.meanUs)} raw` : '',
        spread: pct(r.roundSpread),
        notes: r.notes,
        chart: { group: r.group, label: r.name, value: r.opsPerSec },
      });
    }
  }
  if (nextjs) {
    const pub = nextjs.results.find((r) => r.id === 'public');
    for (const r of nextjs.results) {
      rows.push({
        section: '2. Through Next.js (next start + autocannon)',
        name: r.name,
        rate: `${int(r.rps)} req/s`,
        mean: `${sig(r.meanMs)} ms`,
        p99: `${sig(r.p99Ms)} ms`,
        // The protected row: the median of the per-round ratios (the target's reading) when rounds were paired.
        ref:
          r.id === 'protected' && nextjs.ratios
            ? `${nextjs.ratios.rpsMedian.toFixed(3)}× public (median/round)`
            : `${(r.rps / pub.rps).toFixed(3)}× public`,
        spread: pct(r.roundSpread),
        notes:
          `${nextjs.connections} connections, ${nextjs.rounds} × ${nextjs.seconds} s` +
          (r.serverCpuUsPerRequest ? `; server CPU ${sig(r.serverCpuUsPerRequest)} µs/request` : ''),
      });
    }
  }
  if (sessions) {
    const by = Object.fromEntries(sessions.results.map((r) => [r.id, r]));
    for (const r of sessions.results) {
      const signIn = r.id.startsWith('signin') || r.id.startsWith('argon2');
      let ref = '';
      if (r.id.startsWith('signin')) ref = `${(r.opsPerSec / by['argon2.verify'].opsPerSec).toFixed(2)}× hash floor`;
      else if (r.inFlight) ref = `${int(r.opsPerCpuSecond)}/app CPU-s`;
      else if (r.id.startsWith('refresh')) ref = `${ratio(r.meanUs / by[signFloorOf(r.id)].meanUs)} raw sign`;
      rows.push({
        section: signIn ? '3. Sign-in (SQLite, argon2id)' : '3. Refresh (SQLite and PostgreSQL, 100k organizations)',
        name: r.name,
        rate: `${int(r.opsPerSec)}/s`,
        mean: `${sig(r.meanUs / 1000)} ms`,
        p99: `${sig(r.p99Us / 1000)} ms`,
        ref,
        spread: pct(r.roundSpread),
        notes: r.inFlight ? `${r.notes}: ${cpuPerRefresh(r)}` : r.notes,
      });
    }
  }
  if (scale) {
    const by = Object.fromEntries(scale.results.map((r) => [r.id, r]));
    const first = scale.info.sizes[0];
    for (const r of scale.results) {
      if (r.id === 'revocation.redis') {
        rows.push({
          section: '5. Revocation across two instances (PostgreSQL + Redis)',
          name: r.name,
          rate: '',
          mean: `${sig(r.meanUs / 1000)} ms`,
          p99: `${sig(r.p99Us / 1000)} ms`,
          ref: `p50 ${sig(r.p50Us / 1000)} ms`,
          spread: '',
          notes: r.notes,
        });
        continue;
      }
      const kind = r.id.split('.')[1];
      rows.push({
        section: '4. Scaling: the decision as the user base grows',
        name: r.name,
        rate: `${int(r.opsPerSec)}/s`,
        mean: `${sig(r.meanUs)} µs`,
        p99: `${sig(r.p99Us)} µs`,
        ref: `${ratio(r.meanUs / by[`scale.${kind}.${first}`].meanUs)} ${label(first)}`,
        spread: pct(r.roundSpread),
        notes: r.notes,
      });
    }
  }
  if (multi) {
    const by = Object.fromEntries(multi.results.map((r) => [r.id, r]));
    for (const r of multi.results) {
      const one = by[r.id.replace(/\.two$/, '.one')];
      rows.push({
        section: '6. Scale-out: two example-app processes on one PostgreSQL + Redis',
        name: r.name,
        rate: `${int(r.rps)} req/s`,
        mean: '',
        p99: `${sig(r.p99Ms)} ms`,
        ref: one ? `${ratio(r.rps / one.rps)} one process` : '',
        spread: pct(r.roundSpread),
        notes: `${multi.connections} connections in all, ${multi.rounds} × ${multi.seconds} s, ${multi.users} users' cookies in turn; not pinned`,
      });
    }
  }
  if (compare) rows.push(...compareRows(compare));
  return rows;
}

/** The CPU time a concurrent refresh row measured per refresh: the app process's, and the database server's. */
export const cpuPerRefresh = (r) =>
  `app process ${sig(r.cpuUsPerOp)} µs CPU per refresh` +
  (r.serverCpuUsPerOp === null || r.serverCpuUsPerOp === undefined ? '' : `, PostgreSQL backends ${sig(r.serverCpuUsPerOp)} µs`);

/** The raw-sign row measured in the same interleaved run as a refresh row. */
const signFloorOf = (id) =>
  id.endsWith('.pg.10k') ? 'rs256.sign.raw.pg10k' : id.endsWith('.pg.1m') ? 'rs256.sign.raw.pg1m' : 'rs256.sign.raw';
