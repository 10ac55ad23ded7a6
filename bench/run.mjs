#!/usr/bin/env node
// `npm run bench`: builds, runs every case in its own pinned Node process, prints the table and
// writes RESULTS.md, chart.svg and results/*.json next to this file.
//
//   BENCH_ONLY=decision,sessions   run some cases only (decision, nextjs, sessions, scale, multi, compare)
//   BENCH_SKIP_BUILD=1             use the existing build
//   BENCH_REPORT_ONLY=1            rewrite RESULTS.md and chart.svg from results/*.json (no run)
//   BENCH_NO_PIN=1                 do not pin to one CPU with taskset
//   BENCH_MILLION_USERS=0          skip the 1M-user refresh rows
//   BENCH_POSTGRES=0               skip PostgreSQL (and the Redis revocation row)
//   BENCH_BASE=<rev>               the earlier revision the before-vs-after case compares with (3243fab)
//   --quick (or BENCH_QUICK=1)     shorter rounds and smaller data sets, about 3 minutes; prints the
//                                  table, leaves RESULTS.md and chart.svg alone (results go to .exp/)

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { svgChart } from './lib/report-chart.mjs';
import { tableRows } from './lib/report-rows.mjs';
import { targets } from './lib/report-targets.mjs';
import { compareText } from './lib/report-compare.mjs';
import { consoleTable, markdown } from './lib/report-text.mjs';

const here = import.meta.dirname;
const root = resolve(here, '..');
const quick = process.argv.includes('--quick') || Boolean(process.env.BENCH_QUICK);
/** Quick mode: every knob smaller, unless set explicitly. */
const QUICK_DEFAULTS = {
  BENCH_DECISION_MS: '1600',
  BENCH_DECISION_ROUNDS: '4',
  BENCH_NEXT_ROUNDS: '8',
  BENCH_NEXT_SECONDS: '1',
  BENCH_SIGN_IN_MS: '1500',
  BENCH_REFRESH_MS: '1500',
  BENCH_MILLION_USERS: '100000',
  BENCH_SCALE_MS: '800',
  BENCH_SCALE_TOKENS: '2000',
  BENCH_REVOCATIONS: '50',
  BENCH_COMPARE_MS: '1600',
  BENCH_COMPARE_ROUNDS: '4',
};
if (quick) for (const [name, value] of Object.entries(QUICK_DEFAULTS)) process.env[name] ??= value;
const resultsDir = quick ? join(here, '.exp', 'results-quick') : join(here, 'results');
const started = performance.now();
const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : null;
const wanted = (name) => !only || only.has(name);
const hasTaskset = !process.env.BENCH_NO_PIN && spawnSync('taskset', ['-c', '1', 'true']).status === 0;
const log = (line) => process.stderr.write(`${line}\n`);

const reportOnly = Boolean(process.env.BENCH_REPORT_ONLY);
const previous = reportOnly ? JSON.parse(readFileSync(join(resultsDir, 'environment.json'), 'utf8')) : null;
if (!process.env.BENCH_SKIP_BUILD && !reportOnly) {
  log('bench: npm run build (packages + example app)');
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
  if (build.status !== 0) {
    process.stderr.write(build.stdout + build.stderr);
    throw new Error('the build failed; see above');
  }
}

/** Runs one case in a fresh Node process (pinned to `cpu`), bounded in time, and reads its JSON. */
function runCase(name, { cpu, env = {}, timeoutMs }) {
  const file = join(resultsDir, `${name}.json`);
  const nodeArgs = ['--expose-gc', `--import=${join(here, 'lib/net-trap.mjs')}`, join(here, 'cases', `${name}.mjs`), file];
  const pinned = hasTaskset && cpu !== null;
  const [cmd, args] = pinned ? ['taskset', ['-c', String(cpu), process.execPath, ...nodeArgs]] : [process.execPath, nodeArgs];
  log(`bench: case ${name}${pinned ? ` (taskset -c ${cpu})` : ''}`);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd: here, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env } });
    const timer = setTimeout(() => {
      log(`bench: case ${name} exceeded ${timeoutMs / 1000} s; stopping it`);
      child.kill('SIGTERM');
    }, timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`case ${name} failed (${signal ?? code})`));
      resolvePromise(JSON.parse(readFileSync(file, 'utf8')));
    });
  });
}

mkdirSync(resultsDir, { recursive: true });
const data = {};
if (reportOnly) {
  for (const name of ['decision', 'nextjs', 'sessions', 'scale', 'multi', 'compare']) {
    const file = join(resultsDir, `${name}.json`);
    if (existsSync(file)) data[name] = JSON.parse(readFileSync(file, 'utf8'));
  }
} else if (wanted('decision')) data.decision = await runCase('decision', { cpu: 1, timeoutMs: 240_000 });
if (!reportOnly && wanted('nextjs'))
  data.nextjs = await runCase('nextjs', { cpu: 0, env: hasTaskset ? { BENCH_SERVER_CPU: '1' } : {}, timeoutMs: 240_000 });
if (!reportOnly && wanted('sessions')) data.sessions = await runCase('sessions', { cpu: 1, timeoutMs: 780_000 });
if (!reportOnly && wanted('scale')) data.scale = await runCase('scale', { cpu: 1, timeoutMs: 240_000 });
// Two app servers, autocannon and PostgreSQL share both CPUs: not pinned (servers would inherit the pin).
// A failure here leaves its rows out instead of losing the whole run.
if (!reportOnly && wanted('multi') && process.env.BENCH_POSTGRES !== '0') {
  try {
    data.multi = await runCase('multi', { cpu: null, timeoutMs: 300_000 });
  } catch (error) {
    log(`bench: case multi failed (${error.message}); its rows are left out`);
  }
}
// Before vs after: the base revision is built in bench/.exp on first use (about two minutes). A
// base that cannot be built is left out by the case itself (it says why); any other failure here
// leaves the rows out too instead of losing the whole run.
if (!reportOnly && wanted('compare')) {
  try {
    data.compare = await runCase('compare', { cpu: 1, timeoutMs: 900_000 });
    if (data.compare.info.skipped) log(`bench: case compare left out its rows: ${data.compare.info.skipped}`);
  } catch (error) {
    log(`bench: case compare failed (${error.message}); its rows are left out`);
  }
}

// ---------------------------------------------------------------- environment and versions
/** The version of the copy of `name` that this package resolves (walks up from its entry point). */
function version(name) {
  try {
    let dir = dirname(fileURLToPath(import.meta.resolve(name)));
    while (dir !== dirname(dir)) {
      const file = join(dir, 'package.json');
      if (existsSync(file)) {
        const pkg = JSON.parse(readFileSync(file, 'utf8'));
        if (pkg.name === name) return pkg.version;
      }
      dir = dirname(dir);
    }
  } catch {
    // not resolvable from here
  }
  return '?';
}
const git = (args) => spawnSync('git', args, { cwd: root, encoding: 'utf8' }).stdout.trim();
const commit = git(['rev-parse', '--short', 'HEAD']);
const dirty = git(['status', '--porcelain', '--', 'packages', 'apps']) !== '';
const blocked = Object.values(data).reduce((n, d) => n + (d.network ?? 0), 0);
const fresh = {
  date: new Date().toISOString().replace('T', ' ').slice(0, 16) + ' UTC',
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  os: `${os.type()} ${os.release()}`,
  node: process.version,
  v8: process.versions.v8,
  openssl: process.versions.openssl,
  pinning: hasTaskset
    ? 'cases 1, 3, 4 and 6 run under `taskset -c 1` (libuv threadpool threads share that core; PostgreSQL and Redis are other processes, not pinned); case 2 runs the server on CPU 1 and autocannon on CPU 0'
    : 'not pinned (taskset unavailable or BENCH_NO_PIN=1)',
  gatehouse: `@gatehouse/core, @gatehouse/server, @gatehouse/nextjs ${version('@gatehouse/core')} at commit ${commit}${dirty ? ' with uncommitted changes in packages/ or apps/' : ''}`,
  harness: `tinybench ${version('tinybench')}: each task's measured time is split into rounds and the task list is cycled round by round (interleaved), after a warm-up; serial loop (awaited for async tasks, plain calls for synchronous ones); timer overhead subtracted; GC forced before each task; results checked before and after timing and on every iteration. Case 1: ${data.decision ? `${data.decision.rounds} × ${data.decision.timeMs / data.decision.rounds} ms per task` : 'not run'}; case 3: ${data.sessions ? `sign-in ${data.sessions.info.signInRounds} × ${data.sessions.info.signInMs / data.sessions.info.signInRounds} ms, refresh ${data.sessions.info.refreshRounds} × ${data.sessions.info.refreshMs / data.sessions.info.refreshRounds} ms per task` : 'not run'}; case 4: ${data.scale ? `4 × ${data.scale.info.timeMs / 4} ms per task` : 'not run'}; case 6: ${data.compare?.results.length ? `${data.compare.info.rounds} × ${data.compare.info.timeMs / data.compare.info.rounds} ms per task` : 'not run'}; case 2: autocannon ${version('autocannon')}`,
  interference: interferenceSummary(data),
  disturbed: disturbed(data),
  network: `a preload (\`lib/net-trap.mjs\`) refuses every non-loopback connection and fetch in every benchmark process and in the Next.js server; attempts refused: ${blocked}`,
  versions: [
    ['jose', version('jose')],
    ['@clerk/backend', version('@clerk/backend')],
    ['@clerk/shared', version('@clerk/shared')],
    ['better-auth', version('better-auth')],
    ['@auth/core', version('@auth/core')],
    ['next', version('next')],
    ['react', version('react')],
    ['better-sqlite3', version('better-sqlite3')],
    ['kysely', version('kysely')],
    ['pg', version('pg')],
    ['redis', version('redis')],
    ['@node-rs/argon2', version('@node-rs/argon2')],
    ['tinybench', version('tinybench')],
    ['autocannon', version('autocannon')],
  ],
};
// A report-only run keeps the environment of the run that produced the data.
const env = previous ? { ...fresh, ...previous, disturbed: disturbed(data) } : fresh;

/** The worst share of the pinned CPU that other processes used (and the hypervisor stole) per case. */
function interferenceSummary(cases) {
  const parts = [];
  for (const [name, d] of Object.entries(cases)) {
    const seen = d.results.map((r) => r.interference).filter((i) => i && i.othersMax !== null);
    if (!seen.length) continue;
    const others = Math.max(...seen.map((i) => i.othersMax));
    const steal = Math.max(...seen.map((i) => i.stealMax));
    const siblings = seen.some((i) => typeof i.siblingsMax === 'number') ? Math.max(...seen.map((i) => i.siblingsMax ?? 0)) : null;
    parts.push(
      `${name}: other processes used up to ${(others * 100).toFixed(0)} % of the pinned CPU, steal up to ${(steal * 100).toFixed(1)} %` +
        (siblings === null ? '' : `, the other CPU was up to ${(siblings * 100).toFixed(0)} % busy`),
    );
  }
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  return parts.length
    ? `${parts.join('; ')} (worst round; in case 2 the other CPU runs autocannon); load average at the end ${load}`
    : `not measured; load average at the end ${load}`;
}

/** True when other processes took more than 10 % of a benchmark's pinned CPU in some round. */
function disturbed(cases) {
  return Object.values(cases).some((d) => d.results.some((r) => (r.interference?.othersMax ?? 0) > 0.1));
}

const rows = tableRows(data);
const targetList = targets(data);
const wallSeconds = previous?.wallSeconds ?? (performance.now() - started) / 1000;
console.log(consoleTable(rows, targetList));
if (data.compare) console.log(`\n${compareText(data.compare)}`);
if (env.disturbed)
  console.log(`\nThis run was disturbed by other processes: ${env.interference}. Rerun on a quiet machine for cleaner ratios.`);
if (!only && !quick) {
  writeFileSync(join(here, 'chart.svg'), svgChart(data, env));
  writeFileSync(join(here, 'RESULTS.md'), markdown({ env, rows, targetList, data, chartFile: 'chart.svg', wallSeconds }));
  writeFileSync(join(resultsDir, 'environment.json'), `${JSON.stringify({ ...env, wallSeconds }, null, 2)}\n`);
  log(`bench: wrote bench/RESULTS.md and bench/chart.svg (${Math.round(wallSeconds)} s)`);
} else {
  log(
    `bench: ${quick ? 'quick' : 'partial'} run; RESULTS.md and chart.svg left as they were, raw results in ${resultsDir} (${Math.round(wallSeconds)} s)`,
  );
}
if (!existsSync(join(here, 'RESULTS.md'))) log('bench: no RESULTS.md yet: run without BENCH_ONLY');
