// Case 5: scale-out. The example app's production server on one PostgreSQL database and one Redis,
// first one process, then two, loaded with autocannon: the protected route (GET /api/me, the
// decision) and the refresh route (POST /api/gatehouse/refresh). The two-process rows are the sum
// of both servers' requests per second, measured at the same time, beside the one-process rows.
// Not pinned: with two servers, autocannon and PostgreSQL on a 2-core machine, every process shares.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import pg from 'pg';
import { assert } from '../lib/harness.mjs';
import { cookiesFrom, nextStartEnv } from '../lib/next-app.mjs';

const out = process.argv[2];
const root = resolve(import.meta.dirname, '../..');
const app = join(root, 'apps/example');
const POSTGRES_ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const seconds = Number(process.env.BENCH_MULTI_SECONDS ?? 4);
const rounds = Number(process.env.BENCH_MULTI_ROUNDS ?? 3);
const connections = Number(process.env.BENCH_NEXT_CONNECTIONS ?? 8);
const USERS = 16;
const ports = [3461, 3462];
const log = (line) => process.stderr.write(`${line}\n`);

if (!existsSync(join(app, '.next/BUILD_ID'))) throw new Error('apps/example is not built: run `npm run build` first');
const dbName = `gatehouse_bench_multi_${process.pid}_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
const databaseUrl = new URL(POSTGRES_ADMIN_URL);
databaseUrl.pathname = `/${dbName}`;

const servers = [];
function startServer(port) {
  const nextBin = join(root, 'node_modules/next/dist/bin/next');
  const server = { port, origin: `http://127.0.0.1:${port}`, log: '' };
  server.child = spawn(process.execPath, [nextBin, 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: app,
    detached: true, // its own process group, so it can be ended as a whole by its id
    stdio: ['ignore', 'pipe', 'pipe'],
    env: nextStartEnv({
      GATEHOUSE_SECRET: 'bench-multi-secret-bench-multi-secret-0123456789',
      DATABASE_URL: databaseUrl.href,
      REDIS_URL,
      // Many requests from one address and one client: the limits would answer 429, not measure.
      GATEHOUSE_RATE_LIMIT_SIGN_UP_IP: 'off',
      GATEHOUSE_RATE_LIMIT_REFRESH_CLIENT: 'off',
      GATEHOUSE_RATE_LIMIT_REFRESH_IP: 'off',
    }),
  });
  server.child.stdout.on('data', (d) => (server.log += d));
  server.child.stderr.on('data', (d) => (server.log += d));
  servers.push(server);
  return server;
}
function stopServers() {
  for (const server of servers) {
    try {
      process.kill(-server.child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}
process.on('exit', stopServers);

async function waitFor(server) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null) throw new Error(`next start exited (${server.child.exitCode}):\n${server.log}`);
    try {
      if ((await fetch(`${server.origin}/api/bench/public`)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`next start did not answer within 90 s:\n${server.log}`);
}

/** autocannon on one server, cycling through the users' cookies request by request. */
function load(server, kind, users, conns) {
  let next = 0;
  const request =
    kind === 'decision'
      ? { method: 'GET', path: '/api/me' }
      : { method: 'POST', path: '/api/gatehouse/refresh', headers: { origin: server.origin } };
  return autocannon({
    url: server.origin,
    connections: conns,
    duration: seconds,
    requests: [
      {
        ...request,
        setupRequest: (req) => {
          const user = users[next++ % users.length];
          const cookie = kind === 'decision' ? `__session=${user.__session}; __client=${user.__client}` : `__client=${user.__client}`;
          return { ...req, headers: { ...req.headers, ...(request.headers ?? {}), cookie } };
        },
      },
    ],
  });
}

const results = [];
try {
  log(`multi: two example-app servers on PostgreSQL ${dbName} and Redis`);
  const [a, b] = [startServer(ports[0]), startServer(ports[1])];
  await Promise.all([waitFor(a), waitFor(b)]);
  const users = [];
  for (let i = 0; i < USERS; i++) {
    const res = await fetch(`${a.origin}/api/gatehouse/sign-up`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: a.origin },
      body: JSON.stringify({ email: `multi${i}@bench.example.com`, password: 'correct horse battery staple' }),
    });
    assert(res.ok, `sign-up answered ${res.status}`);
    users.push(cookiesFrom(res));
  }
  // Fresh session tokens (they live 60 s), then a check that both servers know every user.
  async function refreshAll() {
    for (const user of users) {
      const res = await fetch(`${a.origin}/api/gatehouse/refresh`, {
        method: 'POST',
        headers: { cookie: `__client=${user.__client}`, origin: a.origin },
      });
      assert(res.ok, `refresh answered ${res.status}`);
      Object.assign(user, cookiesFrom(res));
    }
  }
  await refreshAll();
  for (const server of [a, b]) {
    const me = await fetch(`${server.origin}/api/me`, { headers: { cookie: `__session=${users[0].__session}` } });
    assert(me.status === 200, `${server.origin}/api/me answers 200 for a session of the other server`);
  }
  const perRow = {};
  const add = (id, run) => (perRow[id] ??= []).push(run);
  for (let round = 0; round < rounds + 1; round++) {
    const warmUp = round === 0;
    for (const kind of ['decision', 'refresh']) {
      await refreshAll();
      const one = await load(a, kind, users, connections);
      const [r1, r2] = await Promise.all([load(a, kind, users, connections / 2), load(b, kind, users, connections / 2)]);
      for (const r of [one, r1, r2]) {
        assert(r.non2xx === 0 && r.errors === 0 && r.timeouts === 0, `${kind}: ${r.non2xx} non-2xx, ${r.errors} errors`);
      }
      if (warmUp) continue;
      add(`multi.${kind}.one`, { rps: one.requests.total / one.duration, p99Ms: one.latency.p99 });
      add(`multi.${kind}.two`, {
        rps: r1.requests.total / r1.duration + r2.requests.total / r2.duration,
        p99Ms: Math.max(r1.latency.p99, r2.latency.p99),
      });
    }
    log(`  round ${round}/${rounds} done${warmUp ? ' (warm-up)' : ''}`);
  }
  const names = {
    'multi.decision.one': 'GET /api/me (decision), one process',
    'multi.decision.two': 'GET /api/me (decision), two processes combined',
    'multi.refresh.one': 'POST /api/gatehouse/refresh, one process',
    'multi.refresh.two': 'POST /api/gatehouse/refresh, two processes combined',
  };
  for (const [id, runs] of Object.entries(perRow)) {
    const rps = runs.map((r) => r.rps);
    results.push({
      id,
      name: names[id],
      rps: rps.reduce((s, x) => s + x, 0) / rps.length,
      p99Ms: runs.map((r) => r.p99Ms).sort((x, y) => x - y)[Math.floor(runs.length / 2)],
      roundSpread: (Math.max(...rps) - Math.min(...rps)) / Math.min(...rps),
      rounds: runs,
    });
  }
} finally {
  stopServers();
  await sleep(500);
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
}
const blocked = servers.reduce((n, s) => n + (s.log.match(/net-trap: blocked/g) ?? []).length, 0);
writeFileSync(
  out,
  JSON.stringify({ case: 'multi', seconds, rounds, connections, users: USERS, database: dbName, results, network: blocked }, null, 2),
);
log('multi: done');
