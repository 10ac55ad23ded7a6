#!/usr/bin/env node
// Runs the whole Gatehouse suite: builds, makes sure Chromium is there, then runs every test file
// with node's test runner. Fails when a test fails or when no test ran at all.
//
//   npm test                      everything
//   npm test -- packages/core     only the test files under the given paths

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const CHROMIUM = process.env.GATEHOUSE_CHROMIUM ?? '/usr/bin/chromium';

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...options });
  return result.status ?? 1;
}

function fail(message) {
  console.error(`\n✖ ${message}`);
  process.exit(1);
}

/** Runs the test runner in its own process group; past the limit, lists what still runs and stops it. */
function runTests(args, limitMs) {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, args, { stdio: 'inherit', cwd: root, detached: true });
    const timer = setTimeout(() => {
      console.error(`\n✖ The test run passed its limit of ${Math.round(limitMs / 60_000)} minutes. Still running:`);
      spawnSync('sh', ['-c', 'ps -eo pid,ppid,etimes,args --forest | cut -c1-250'], { stdio: 'inherit' });
      stop('SIGKILL');
    }, limitMs);
    const stop = (signal) => {
      try {
        process.kill(-child.pid, signal);
      } catch {
        child.kill(signal);
      }
    };
    // The runner has its own process group, so an interrupt of this script is passed on to it.
    for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => stop(signal));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolvePromise(code ?? (signal ? 1 : 0));
    });
  });
}

function findTests(dir) {
  if (!existsSync(dir)) return [];
  if (statSync(dir).isFile()) return dir.endsWith('.test.ts') ? [dir] : [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) return [];
    return findTests(join(dir, entry.name));
  });
}

function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  console.log(`Chromium is missing at ${CHROMIUM}; installing Debian's chromium package...`);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const sudo = isRoot ? [] : ['sudo', '-n'];
  const aptGet = (...args) =>
    run(sudo[0] ?? 'apt-get', [...sudo.slice(1), ...(sudo.length ? ['apt-get'] : []), ...args], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  if (aptGet('update') !== 0 || aptGet('install', '-y', '--no-install-recommends', 'chromium') !== 0 || !existsSync(CHROMIUM)) {
    fail(
      `Chromium could not be installed. The end-to-end tests drive Debian's Chromium at ${CHROMIUM}: ` +
        'install it with `apt-get install -y chromium` (as root), or point GATEHOUSE_CHROMIUM at a Chromium binary.',
    );
  }
}

const requested = process.argv.slice(2);
const roots = requested.length ? requested.map((p) => resolve(p)) : ['packages', 'tests'].map((p) => join(root, p));
// The end-to-end files run longest: they start first, so the shorter ones fill the gaps around them.
const isEndToEnd = (f) => f.includes(`${join('tests', 'e2e')}`);
const files = roots
  .flatMap(findTests)
  .sort()
  .sort((a, b) => Number(isEndToEnd(b)) - Number(isEndToEnd(a)));
if (files.length === 0) fail(`No test files (*.test.ts) found under: ${roots.map((r) => relative(root, r)).join(', ')}`);

// The full run (no paths given) also checks lint, formatting and the types of the test files.
if (!requested.length && run('npm', ['run', 'lint']) !== 0)
  fail('Lint or formatting failed (npm run lint; npm run format fixes formatting).');

const needsBrowser = files.some(isEndToEnd);
if (needsBrowser) ensureChromium();

console.log(needsBrowser ? 'Building packages and the example app...' : 'Building packages...');
if (run('npm', ['run', needsBrowser ? 'build' : 'build:packages']) !== 0) fail('The build failed.');
if (!requested.length && run('npx', ['tsc', '-p', 'tsconfig.test.json']) !== 0) fail('The test files do not type-check.');

const reportDir = mkdtempSync(join(tmpdir(), 'gatehouse-test-'));
// On a terminal every test is listed as it ends; elsewhere (CI logs) a dot per test and the failures
// at the end keep the log short, and the full listing goes to a TAP file.
const liveReporter = process.env.GATEHOUSE_TEST_REPORTER ?? (process.stdout.isTTY ? 'spec' : 'dot');
// No file may run for ever: each test file (and each test in it) fails after this long, and the
// whole run is stopped, with the test processes still alive listed, after the run limit.
const fileTimeoutMs = Number(process.env.GATEHOUSE_TEST_FILE_TIMEOUT_MS ?? 15 * 60_000);
const runLimitMs = Number(process.env.GATEHOUSE_TEST_RUN_LIMIT_MS ?? 50 * 60_000);
// Two files at a time: most of a file's time is spent waiting on servers, browsers and databases, and
// every file uses its own ports, databases, data directories and Redis channels. The soak measures
// the server under its own load, so it runs afterwards, alone.
const concurrency = Number(process.env.GATEHOUSE_TEST_CONCURRENCY ?? 2);
const ALONE = [join('tests', 'e2e', 'soak.test.ts')];
const alone = files.filter((f) => ALONE.some((name) => f.endsWith(name)));
const phases = [
  { files: files.filter((f) => !alone.includes(f)), concurrency },
  { files: alone, concurrency: 1 },
].filter((phase) => phase.files.length > 0);

const deadline = Date.now() + runLimitMs;
let tests = 0;
let failed = 0;
const taps = [];
for (const [i, phase] of phases.entries()) {
  const tapFile = join(reportDir, `report-${i + 1}.tap`);
  taps.push(tapFile);
  const status = await runTests(
    [
      '--import',
      'tsx',
      '--test',
      `--test-timeout=${fileTimeoutMs}`,
      `--test-concurrency=${phase.concurrency}`,
      `--test-reporter=${liveReporter}`,
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tapFile}`,
      ...phase.files.map((f) => relative(root, f)),
    ],
    Math.max(deadline - Date.now(), 1),
  );
  const tap = existsSync(tapFile) ? readFileSync(tapFile, 'utf8') : '';
  const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(tap)?.[1] ?? 0);
  tests += count('tests');
  // A test stopped by its timeout counts as cancelled, which is a failure here; a runner that failed
  // without a failing test (stopped at the run limit, crashed) counts as one.
  const phaseFailed = count('fail') + count('cancelled');
  failed += phaseFailed > 0 ? phaseFailed : Number(status !== 0);
}

if (tests === 0) fail('The test runner executed no tests.');
if (failed > 0) fail(`${failed} of ${tests} tests failed (every test, listed: ${taps.join(', ')}).`);
console.log(`\n✔ ${tests} tests passed in ${files.length} files.`);
