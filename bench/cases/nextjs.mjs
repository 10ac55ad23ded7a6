// Case 2: the example app's production server under autocannon on loopback: a protected route
// handler (GET /api/me with a session cookie) against its public twin (GET /api/bench/public).
//
// The server is pinned to CPU 1 and this process (the load generator) to CPU 0 when taskset exists,
// so the server's single event loop has one core to itself. Many short rounds: in each, the
// protected route and its public twin (same cookies) run back to back, which one first alternating
// from round to round, so a slow phase of the host hits both of a pair; the anonymous row runs
// first in every round. The target reads the median of the per-round ratios, beside the ratio of
// the server's CPU time per request (steadier than req/s when the load generator is slowed).

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { assert } from '../lib/harness.mjs';
import { interferenceProbe } from '../lib/interference.mjs';
import { cookiesFrom, nextStartEnv } from '../lib/next-app.mjs';

const out = process.argv[2];
const root = resolve(import.meta.dirname, '../..');
const app = join(root, 'apps/example');
const port = Number(process.env.BENCH_PORT ?? 3457);
const origin = `http://127.0.0.1:${port}`;
const rounds = Number(process.env.BENCH_NEXT_ROUNDS ?? 16);
const seconds = Number(process.env.BENCH_NEXT_SECONDS ?? 1.5);
const connections = Number(process.env.BENCH_NEXT_CONNECTIONS ?? 8);
const pin = process.env.BENCH_SERVER_CPU ?? null;
const log = (line) => process.stderr.write(`${line}\n`);

if (!existsSync(join(app, '.next/BUILD_ID'))) throw new Error('apps/example is not built: run `npm run build` first');
const tmp = mkdtempSync(join(tmpdir(), 'gatehouse-bench-next-'));

const nextBin = join(root, 'node_modules/next/dist/bin/next');
const command = pin ? 'taskset' : process.execPath;
const args = [...(pin ? ['-c', pin, process.execPath] : []), nextBin, 'start', '-p', String(port), '-H', '127.0.0.1'];
let serverLog = '';
const server = spawn(command, args, {
  cwd: app,
  detached: true, // its own process group, so it can be ended as a whole by its id
  stdio: ['ignore', 'pipe', 'pipe'],
  env: nextStartEnv({ GATEHOUSE_DATABASE_FILE: join(tmp, 'gatehouse.db') }),
});
server.stdout.on('data', (d) => (serverLog += d));
server.stderr.on('data', (d) => (serverLog += d));
function stopServer() {
  try {
    process.kill(-server.pid, 'SIGTERM');
  } catch {
    // already gone
  }
}
process.on('exit', () => {
  stopServer();
  rmSync(tmp, { recursive: true, force: true });
});

async function waitForServer() {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`next start exited (${server.exitCode}):\n${serverLog}`);
    try {
      const res = await fetch(`${origin}/api/bench/public`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`next start did not answer within 60 s:\n${serverLog}`);
}

try {
  log(`nextjs: starting next start on ${origin}${pin ? ` (pinned to CPU ${pin})` : ''}`);
  await waitForServer();

  const signUp = await fetch(`${origin}/api/gatehouse/sign-up`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'bench@example.com', password: 'correct horse battery staple' }),
  });
  assert(signUp.ok, `sign-up answered ${signUp.status}`);
  const jar = cookiesFrom(signUp);
  assert(jar.__session && jar.__client, 'sign-up set __session and __client');

  // A fresh session token before every round: tokens live 60 s, a round is far shorter.
  async function refreshSession() {
    const res = await fetch(`${origin}/api/gatehouse/refresh`, { method: 'POST', headers: { cookie: `__client=${jar.__client}`, origin } });
    assert(res.ok, `refresh answered ${res.status}`);
    Object.assign(jar, cookiesFrom(res));
  }
  const cookieHeader = () => `__session=${jar.__session}; __client=${jar.__client}`;

  // Correctness: the protected route knows the user, refuses an anonymous caller; the twin is public.
  const me = await fetch(`${origin}/api/me`, { headers: { cookie: cookieHeader() } });
  const meBody = await me.json();
  assert(me.status === 200 && meBody.userId?.startsWith('user_'), '/api/me answers 200 with the user for a session cookie');
  const anonymous = await fetch(`${origin}/api/me`);
  assert(anonymous.status === 401, '/api/me answers 401 without a session');
  const pub = await fetch(`${origin}/api/bench/public`);
  assert(pub.status === 200, '/api/bench/public answers 200 without a session');
  const sizes = { protected: JSON.stringify(meBody).length, public: (await pub.text()).length };

  const routes = [
    { id: 'protected', name: 'GET /api/me, session cookie (protected)', path: '/api/me', cookie: true },
    { id: 'public', name: 'GET /api/bench/public, same cookies (unprotected)', path: '/api/bench/public', cookie: true },
    { id: 'public-anon', name: 'GET /api/bench/public, no cookie (anonymous)', path: '/api/bench/public', cookie: false },
  ];

  function run(route, duration) {
    return autocannon({
      url: `${origin}${route.path}`,
      connections,
      duration,
      headers: route.cookie ? { cookie: cookieHeader() } : {},
    });
  }

  // Warm-up: every route the same time, in turns, so the JIT and the caches have seen each as much.
  log(`nextjs: warm-up, 3 × 1 s per route`);
  await refreshSession();
  for (let turn = 0; turn < 3; turn++) for (const route of routes) await run(route, 1);

  const byId = Object.fromEntries(routes.map((r) => [r.id, r]));
  const perRoute = Object.fromEntries(routes.map((r) => [r.id, []]));
  const pairs = [];
  for (let round = 0; round < rounds; round++) {
    await refreshSession();
    // The anonymous row, then the pair the target compares, which one first alternating by round.
    const pair = round % 2 === 0 ? ['protected', 'public'] : ['public', 'protected'];
    const seen = {};
    for (const id of ['public-anon', ...pair]) {
      const route = byId[id];
      const probe = interferenceProbe(pin === null ? { cpu: null } : { cpu: Number(pin), pid: server.pid });
      const result = await run(route, seconds);
      const interference = probe.stop();
      assert(
        result.non2xx === 0 && result.errors === 0 && result.timeouts === 0,
        `${route.name}: ${result.non2xx} non-2xx, ${result.errors} errors`,
      );
      const measured = {
        requests: result.requests.total,
        durationS: result.duration,
        rps: result.requests.total / result.duration,
        meanMs: result.latency.mean,
        p99Ms: result.latency.p99,
        othersOnServerCpu: interference?.others ?? null,
        // Server CPU time per request: less sensitive than req/s to a busy load generator.
        serverCpuUsPerRequest: interference ? (interference.ownCpuS * 1e6) / result.requests.total : null,
        steal: interference?.steal ?? null,
      };
      perRoute[id].push(measured);
      seen[id] = measured;
    }
    pairs.push({
      first: pair[0],
      rpsRatio: seen.protected.rps / seen.public.rps,
      // Public over protected: above 1 when the protected route costs the server less.
      cpuRatio: pin === null ? null : seen.public.serverCpuUsPerRequest / seen.protected.serverCpuUsPerRequest,
    });
    log(`  round ${round + 1}/${rounds}: protected/public ${(pairs.at(-1).rpsRatio * 100).toFixed(1)} % req/s`);
  }
  const median = (values) => {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  };
  const ratios = {
    rounds: pairs,
    rpsMedian: median(pairs.map((p) => p.rpsRatio)),
    rpsMin: Math.min(...pairs.map((p) => p.rpsRatio)),
    rpsMax: Math.max(...pairs.map((p) => p.rpsRatio)),
    cpuMedian: pin === null ? null : median(pairs.map((p) => p.cpuRatio)),
  };

  const results = routes.map((route) => {
    const runs = perRoute[route.id];
    const total = runs.reduce((s, r) => s + r.requests, 0);
    const duration = runs.reduce((s, r) => s + r.durationS, 0);
    const rpsList = runs.map((r) => r.rps);
    return {
      id: route.id,
      name: route.name,
      rps: total / duration,
      meanMs: runs.reduce((s, r) => s + r.meanMs * r.requests, 0) / total,
      p99Ms: runs.map((r) => r.p99Ms).sort((a, b) => a - b)[Math.floor(runs.length / 2)],
      p99MsMax: Math.max(...runs.map((r) => r.p99Ms)),
      requests: total,
      roundSpread: (Math.max(...rpsList) - Math.min(...rpsList)) / Math.min(...rpsList),
      serverCpuUsPerRequest: pin === null ? null : runs.reduce((s, r) => s + r.serverCpuUsPerRequest * r.requests, 0) / total,
      rounds: runs,
      interference: {
        othersMax: pin === null ? null : Math.max(...runs.map((r) => r.othersOnServerCpu)),
        stealMax: pin === null ? null : Math.max(...runs.map((r) => r.steal)),
      },
    };
  });
  const blocked = (serverLog.match(/net-trap: blocked/g) ?? []).length + (globalThis.__netTrapBlocked?.length ?? 0);
  writeFileSync(
    out,
    JSON.stringify(
      { case: 'nextjs', connections, seconds, rounds, pinned: pin, bodyBytes: sizes, results, ratios, network: blocked },
      null,
      2,
    ),
  );
  log('nextjs: done');
} finally {
  stopServer();
}
