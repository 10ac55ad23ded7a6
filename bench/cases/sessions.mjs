// Case 3: sign-in against the password-hash floor, and refresh throughput/p99 on SQLite and on
// PostgreSQL with 10k and 1M users and 100k organizations in the database, through the session
// service (and, on SQLite with 10k users, the HTTP API).

import { Buffer } from 'node:buffer';
import { sign as cryptoSign, generateKeyPairSync, randomBytes, webcrypto } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verify as argon2Verify } from '@node-rs/argon2';
import { SignJWT } from 'jose';
import pg from 'pg';
import { createGatehouse } from '@gatehouse/server';
import {
  checkRefreshed,
  clientTokens,
  ctx,
  ORIGIN,
  PASSWORD,
  rateLimits,
  refresher,
  SECRET,
  sqliteDataSet as sqliteDataSetOf,
  templatesOf,
} from '../lib/data-sets.mjs';
import { setCookieValue } from '../lib/fixtures.mjs';
import { label } from '../lib/format.mjs';
import { assert, measure, measureConcurrent } from '../lib/harness.mjs';
import { backendCpuMs, pinBackends, pinning, pinningNote } from '../lib/pg-backends.mjs';
import { seedSql } from '../lib/seed-sql.mjs';

const out = process.argv[2];
const log = (line) => process.stderr.write(`${line}\n`);
const USERS = Number(process.env.BENCH_USERS ?? 10_000);
const MILLION = Number(process.env.BENCH_MILLION_USERS ?? 1_000_000);
const ORGS = Number(process.env.BENCH_ORGS ?? 100_000);
const SIGN_IN_MS = Number(process.env.BENCH_SIGN_IN_MS ?? 6000);
const REFRESH_MS = Number(process.env.BENCH_REFRESH_MS ?? 4000);
const POSTGRES_ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const WITH_POSTGRES = process.env.BENCH_POSTGRES !== '0';
/** Seeding PostgreSQL with 1M users stops (and the row says how far it got) when projected to take longer. */
const PG_SEED_BUDGET_MS = Number(process.env.BENCH_PG_SEED_BUDGET_MS ?? 240_000);
/**
 * Refreshes at a time in the concurrent PostgreSQL rows, one row each (empty or 0: none). The first
 * is the load the target's p99 is read under by default; the smaller ones show the p99 at loads
 * whose throughput may reach the target before 8 callers queue behind one core (Little's law).
 */
const REFRESH_IN_FLIGHT = (process.env.BENCH_REFRESH_IN_FLIGHT ?? '8,4,2')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const tmp = mkdtempSync(join(tmpdir(), 'gatehouse-bench-sessions-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

/** Refresh tasks over the seeded users of a data set, each user refreshed once (then wrapping around). */
function refreshTasks(
  gatehouse,
  users,
  id,
  name,
  { http = false, writes = 'client-token rotation + session update in one transaction', notes = '', from = 0, inFlight = [] } = {},
) {
  let failures = 0;
  // Users below `from` were refreshed on a smaller data set already: not presented again.
  const tokens = clientTokens(users, from);
  const maxIterations = Math.floor((users - from) / (http ? 12 : 6)); // with warm-up and checks, no user is refreshed twice
  const refreshOnce = refresher(gatehouse, tokens);
  const tasks = [
    {
      id: `refresh.service.${id}`,
      name: `refresh (session service), ${name}`,
      notes: `${writes} + org lookup + RS256 mint${notes}`,
      failures: () => failures,
      maxIterations,
      fn: async () => {
        const result = await refreshOnce();
        if (!result.sessionToken || !result.clientToken) failures++;
      },
      check: async () => checkRefreshed(gatehouse, await refreshOnce()),
    },
  ];
  for (const [k, n] of inFlight.entries()) {
    // The same users' tokens: no user is presented twice across the serial and the concurrent rows.
    tasks.push({
      ...tasks[0],
      id: `refresh.service.${id}.concurrent${k === 0 ? '' : `.${n}`}`,
      name: `refresh (session service), ${name}, ${n} in flight`,
      notes: `${n} refreshes of distinct clients at a time: throughput, latency under that load, app-process CPU per refresh`,
      inFlight: n,
    });
  }
  if (http) {
    const viaHttp = async () => {
      const { i, token } = tokens.take();
      const response = await gatehouse.handle(
        new Request(`${ORIGIN}/api/gatehouse/refresh`, { method: 'POST', headers: { cookie: `__client=${token}`, origin: ORIGIN } }),
      );
      const rotated = setCookieValue(response, '__client');
      if (rotated) tokens.rotated(i, rotated);
      await response.arrayBuffer();
      return { response, rotated };
    };
    tasks.push({
      id: `refresh.http.${id}`,
      name: `refresh (POST /api/gatehouse/refresh), ${name}`,
      notes: 'the auth API route: cookie parse, refresh, Set-Cookie, JSON',
      failures: () => failures,
      maxIterations,
      fn: async () => {
        const { response, rotated } = await viaHttp();
        if (response.status !== 200 || !rotated) failures++;
      },
      check: async () => {
        const { response, rotated } = await viaHttp();
        assert(response.status === 200, `refresh over HTTP answers 200 (got ${response.status})`);
        assert(rotated, 'refresh over HTTP sets a rotated __client cookie');
      },
    });
  }
  return tasks;
}

/**
 * After a bulk seed, the state a running deployment is in: the tables vacuumed and analyzed (hint bits
 * and visibility map set, planner statistics present) and the new pages written out. Without this,
 * the measurement pays for the seed: the first read of each fresh row sets its hint bits and dirties
 * its page again, and autovacuum (where it is on) and the checkpointer catch up on the seeded rows,
 * the more so the more rows were seeded, so the sizes would not be compared on equal terms.
 */
async function steadyState(exec) {
  await exec('VACUUM ANALYZE');
  await exec('CHECKPOINT');
}

const results = [];
const info = {
  users: USERS,
  million: MILLION,
  orgs: ORGS,
  signInMs: SIGN_IN_MS,
  signInRounds: 3,
  refreshMs: REFRESH_MS,
  refreshRounds: 4,
  refreshInFlight: REFRESH_IN_FLIGHT,
};

// ---------------------------------------------------------------- SQLite, 10k users: sign-in and refresh
const sqliteDataSet = (users) => sqliteDataSetOf({ createGatehouse, users, orgs: ORGS, tmp, log });
const small = await sqliteDataSet(USERS);
info.sqlite10k = { seconds: small.seconds, bytes: small.bytes, cached: small.cachedFrom };
const passwordHash = small.passwordHash;
info.passwordHashParams = passwordHash.split('$').slice(1, 4).join('$');
const signInOrder = clientTokens(USERS);
const signInEmail = () => `u${signInOrder.take().i}@bench.example.com`;
let signInFailures = 0;
const signInTasks = [
  {
    id: 'argon2.verify',
    name: `argon2id verify (${info.passwordHashParams})`,
    notes: '@node-rs/argon2 verify of the stored hash: the sign-in floor',
    group: 'floor',
    failures: () => signInFailures,
    maxIterations: 2000,
    fn: async () => {
      if (!(await argon2Verify(passwordHash, PASSWORD))) signInFailures++;
    },
    check: async () => assert(await argon2Verify(passwordHash, PASSWORD), 'the password verifies'),
  },
  {
    id: 'signin.service',
    name: 'sign-in (session service), 10k users',
    notes: 'user lookup + argon2id verify + client/session/audit writes + RS256 mint',
    failures: () => signInFailures,
    maxIterations: 2000,
    fn: async () => {
      const result = await small.gatehouse.sessions.signIn({ email: signInEmail(), password: PASSWORD }, ctx);
      if (!result.sessionToken) signInFailures++;
    },
    check: async () => {
      const result = await small.gatehouse.sessions.signIn({ email: signInEmail(), password: PASSWORD }, ctx);
      const state = await small.gatehouse.authenticate({ headers: new Headers({ cookie: `__session=${result.sessionToken}` }) });
      assert(state.status === 'signed-in', 'the sign-in session token authenticates');
    },
  },
  {
    id: 'signin.http',
    name: 'sign-in (POST /api/gatehouse/sign-in), 10k users',
    notes: 'the auth API route: JSON body + zod + sign-in + Set-Cookie',
    failures: () => signInFailures,
    maxIterations: 2000,
    fn: async () => {
      const response = await small.gatehouse.handle(
        new Request(`${ORIGIN}/api/gatehouse/sign-in`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: signInEmail(), password: PASSWORD }),
        }),
      );
      if (response.status !== 200) signInFailures++;
      await response.arrayBuffer();
    },
    check: async () => {
      const response = await small.gatehouse.handle(
        new Request(`${ORIGIN}/api/gatehouse/sign-in`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: signInEmail(), password: PASSWORD }),
        }),
      );
      assert(
        response.status === 200 && setCookieValue(response, '__session'),
        `sign-in over HTTP answers 200 with cookies (${response.status})`,
      );
      const wrong = await small.gatehouse.handle(
        new Request(`${ORIGIN}/api/gatehouse/sign-in`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: signInEmail(), password: 'wrong password!' }),
        }),
      );
      assert(wrong.status !== 200, 'a wrong password is refused');
    },
  },
];
log(`sessions: sign-in, ${SIGN_IN_MS} ms per task`);
results.push(...(await measure(signInTasks, { timeMs: SIGN_IN_MS, rounds: 3, warmupMs: 300, minIterations: 5 })));

// The refresh floor: one RS256 signature (what every refresh must mint), raw and through jose.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingInput = Buffer.from('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0');
const joseKey = await webcrypto.subtle.importKey(
  'pkcs8',
  privateKey.export({ type: 'pkcs8', format: 'der' }),
  { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  false,
  ['sign'],
);
const signTasks = [
  {
    id: 'rs256.sign.raw',
    name: 'node:crypto sign RS256 (RSA-2048)',
    notes: 'synchronous; the signature a refresh must produce',
    group: 'floor',
    async: false,
    fn: () => cryptoSign('sha256', signingInput, privateKey),
  },
  {
    id: 'rs256.sign.jose',
    name: 'jose SignJWT RS256 (WebCrypto key)',
    notes: 'how Gatehouse mints (jose + crypto.subtle)',
    group: 'floor',
    fn: () => new SignJWT({ sub: 'user' }).setProtectedHeader({ alg: 'RS256' }).sign(joseKey),
  },
];
const big = MILLION > 0 ? await sqliteDataSet(MILLION) : null;
if (big) info.sqlite1m = { seconds: big.seconds, bytes: big.bytes, cached: big.cachedFrom };
log(`sessions: refresh on SQLite, ${REFRESH_MS} ms per task`);
results.push(
  ...(await measure(
    [
      ...signTasks,
      ...refreshTasks(small.gatehouse, USERS, 'sqlite.10k', `SQLite, ${label(USERS)} users`, { http: true }),
      ...(big ? refreshTasks(big.gatehouse, MILLION, 'sqlite.1m', `SQLite, ${label(MILLION)} users`) : []),
    ],
    { timeMs: REFRESH_MS, rounds: 4, warmupMs: 300 },
  )),
);
await small.gatehouse.close();
await big?.gatehouse.close();

// ---------------------------------------------------------------- PostgreSQL: 10k and 1M users, interleaved
// Two databases, one per size, measured in one interleaved task list like the SQLite sizes: a
// change in the machine's load during the run moves both sizes alike, so their ratio holds.
/** What a PostgreSQL refresh does with the database. */
const PG_WRITES = 'one statement reads the rows and writes the client-token rotation and session update';
if (WITH_POSTGRES) {
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  const opened = [];
  /** A fresh database of its own (dropped at the end) with a Gatehouse instance on it and a seeding connection. */
  const openDatabase = async () => {
    const name = `gatehouse_bench_${process.pid}_${randomBytes(4).toString('hex')}`;
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(POSTGRES_ADMIN_URL);
    url.pathname = `/${name}`;
    const db = { name, gatehouse: null, seeder: new pg.Client({ connectionString: url.href }) };
    opened.push(db);
    db.gatehouse = await createGatehouse({ databaseUrl: url.href, secret: SECRET, log: () => {}, rateLimits });
    await db.seeder.connect();
    return db;
  };
  try {
    const small = await openDatabase();
    const exec = (sql) => small.seeder.query(sql);
    log(`sessions: seeding PostgreSQL database ${small.name} with ${label(USERS)} users and ${label(ORGS)} organizations`);
    const { seconds: seconds10k } = await seedSql({
      dialect: 'postgres',
      exec,
      templates: await templatesOf(small.gatehouse),
      users: USERS,
      orgs: ORGS,
      log,
    });
    await steadyState(exec);
    info.postgres = { database: small.name, seconds10k };
    const tasks = [
      { ...signTasks[0], id: 'rs256.sign.raw.pg10k' },
      ...refreshTasks(small.gatehouse, USERS, 'pg.10k', `PostgreSQL, ${label(USERS)} users`, { writes: PG_WRITES }),
    ];
    let big = null;
    if (MILLION > USERS) {
      big = await openDatabase();
      const execBig = (sql) => big.seeder.query(sql);
      log(`sessions: seeding PostgreSQL database ${big.name} with ${label(MILLION)} users and ${label(ORGS)} organizations`);
      const seeded = await seedSql({
        dialect: 'postgres',
        exec: execBig,
        templates: await templatesOf(big.gatehouse),
        users: MILLION,
        orgs: ORGS,
        budgetMs: PG_SEED_BUDGET_MS,
        log,
      });
      await steadyState(execBig);
      Object.assign(info.postgres, { database1m: big.name, seconds1m: seeded.seconds, grownTo: seeded.seeded });
      big.tasks = refreshTasks(big.gatehouse, seeded.seeded, 'pg.1m', `PostgreSQL, ${label(seeded.seeded)} users`, {
        inFlight: REFRESH_IN_FLIGHT,
        writes: PG_WRITES,
      });
      tasks.push({ ...signTasks[0], id: 'rs256.sign.raw.pg1m' }, ...big.tasks.filter((t) => !t.inFlight));
    }
    log(`sessions: refresh on PostgreSQL, ${big ? 'both sizes interleaved' : label(USERS) + ' users'}`);
    const pinAll = async () => {
      for (const db of opened) await pinBackends(admin, db.name);
    };
    const pgRows = await measure(tasks, { timeMs: REFRESH_MS, rounds: 4, warmupMs: 300, beforeRound: pinAll });
    for (const task of big?.tasks.filter((t) => t.inFlight) ?? []) {
      log(`sessions: refresh on PostgreSQL, ${label(info.postgres.grownTo)} users, ${task.inFlight} in flight`);
      pgRows.push(
        await measureConcurrent(task, {
          inFlight: task.inFlight,
          timeMs: REFRESH_MS,
          rounds: 4,
          warmupMs: 300,
          serverCpuMs: () => backendCpuMs(admin, big.name),
          beforeRound: pinAll,
        }),
      );
    }
    info.postgres.pinning = { cpu: pinning.cpu, backends: pinning.pinned.size, failed: pinning.failed };
    for (const row of pgRows) if (row.id.startsWith('refresh.')) row.notes += pinningNote();
    results.push(...pgRows);
  } finally {
    for (const db of opened) {
      await db.gatehouse?.close();
      await db.seeder.end().catch(() => undefined);
      await admin.query(`DROP DATABASE IF EXISTS ${db.name} WITH (FORCE)`);
    }
    await admin.end();
  }
}

writeFileSync(out, JSON.stringify({ case: 'sessions', info, results, network: globalThis.__netTrapBlocked?.length ?? null }, null, 2));
log('sessions: done');
