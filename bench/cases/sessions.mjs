// Case 3: sign-in against the password-hash floor, and refresh throughput/p99 on SQLite and on
// PostgreSQL with 10k and 1M users and 100k organizations in the database, through the session
// service (and, on SQLite with 10k users, the HTTP API).

import { Buffer } from 'node:buffer';
import { createHash, sign as cryptoSign, generateKeyPairSync, randomBytes, webcrypto } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { verify as argon2Verify } from '@node-rs/argon2';
import Database from 'better-sqlite3';
import { SignJWT } from 'jose';
import pg from 'pg';
import { createGatehouse } from '@gatehouse/server';
import { setCookieValue } from '../lib/fixtures.mjs';
import { label } from '../lib/format.mjs';
import { assert, measure } from '../lib/harness.mjs';
import { registerSqliteFunctions, seedSql, seededClientToken } from '../lib/seed-sql.mjs';

const out = process.argv[2];
const log = (line) => process.stderr.write(`${line}\n`);
const USERS = Number(process.env.BENCH_USERS ?? 10_000);
const MILLION = Number(process.env.BENCH_MILLION_USERS ?? 1_000_000);
const ORGS = Number(process.env.BENCH_ORGS ?? 100_000);
const SIGN_IN_MS = Number(process.env.BENCH_SIGN_IN_MS ?? 6000);
const REFRESH_MS = Number(process.env.BENCH_REFRESH_MS ?? 4000);
const POSTGRES_ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const WITH_POSTGRES = process.env.BENCH_POSTGRES !== '0';
/** Growing PostgreSQL to 1M users stops (and the row says how far it got) when projected to take longer. */
const PG_SEED_BUDGET_MS = Number(process.env.BENCH_PG_SEED_BUDGET_MS ?? 240_000);
const PASSWORD = 'correct horse battery staple';
const SECRET = 'bench-master-secret-bench-master-secret-0123456789';
const here = resolve(import.meta.dirname, '..');
const cacheDir = join(here, '.exp');
const tmp = mkdtempSync(join(tmpdir(), 'gatehouse-bench-sessions-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

const ctx = { ip: '127.0.0.1', userAgent: 'gatehouse-bench', origin: 'http://localhost:3000' };
const ORIGIN = 'http://localhost:3000';
// The rate limits stay on (their cost is part of a sign-in) but high: the same seeded users sign in many times.
const high = { limit: 1_000_000_000, windowSeconds: 600 };
const rateLimits = {
  signInIp: high,
  signInIdentifier: high,
  signUpIp: high,
  refreshClient: high,
  refreshIp: high,
  mintSession: high,
  mintIp: high,
};

/** One real sign-up and one real organization: the rows every seeded row is cloned from. */
async function templatesOf(gatehouse) {
  const signedUp = await gatehouse.sessions.signUp({ email: 'template@bench.example.com', password: PASSWORD }, ctx);
  const user = await gatehouse.store.findUserByEmail('template@bench.example.com');
  const { organization } = await gatehouse.organizations.createOrganization(user.id, { name: 'Template', slug: 'template' });
  const client = await gatehouse.store.findClient(signedUp.clientToken.split('.')[0]);
  const session = await gatehouse.store.findSession(signedUp.sessionId);
  const org = await gatehouse.store.findOrganization(organization.id);
  const membership = await gatehouse.store.findMembership(organization.id, user.id);
  assert(user && client && session && org && membership, 'the template rows exist after a real sign-up');
  return { user, client, session, organization: org, membership };
}

/**
 * A SQLite file with `users` users and ORGS organizations. Seeded once into bench/.exp (keyed by the
 * schema and the seeder, so a changed migration reseeds) and copied for each run, since refreshes
 * rotate the client tokens the next run would present.
 */
async function sqliteDataSet(users) {
  const migrationsDir = join(here, '../packages/server/src/store/migrations');
  const hash = createHash('sha256');
  for (const file of readdirSync(migrationsDir).sort()) hash.update(readFileSync(join(migrationsDir, file)));
  const key = hash
    .update(readFileSync(join(here, 'lib/seed-sql.mjs')))
    .digest('hex')
    .slice(0, 12);
  const cached = join(cacheDir, `sqlite-${users}-${ORGS}-${key}.db`);
  let seconds = null;
  if (!existsSync(cached)) {
    mkdirSync(cacheDir, { recursive: true });
    const building = `${cached}.${process.pid}.tmp`;
    const gatehouse = await createGatehouse({ databaseFile: building, secret: SECRET, log: () => {}, rateLimits });
    const templates = await templatesOf(gatehouse);
    await gatehouse.close();
    const db = new Database(building);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    registerSqliteFunctions(db);
    log(`sessions: seeding SQLite with ${label(users)} users and ${label(ORGS)} organizations (cached in bench/.exp for later runs)`);
    ({ seconds } = await seedSql({ dialect: 'sqlite', exec: (sql) => db.exec(sql), templates, users, orgs: ORGS, log }));
    db.exec('ANALYZE');
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    renameSync(building, cached);
    rmSync(`${building}-wal`, { force: true });
    rmSync(`${building}-shm`, { force: true });
  }
  const databaseFile = join(tmp, `sqlite-${users}.db`);
  copyFileSync(cached, databaseFile);
  const gatehouse = await createGatehouse({ databaseFile, secret: SECRET, log: () => {}, rateLimits });
  const passwordHash = (await gatehouse.store.findUserByEmail('u0@bench.example.com')).password_hash;
  return { gatehouse, users, seconds, bytes: statSync(databaseFile).size, passwordHash, cachedFrom: seconds === null };
}

/** Presents the client token of a random, not yet refreshed seeded user (then its rotated one). */
function clientTokens(users, from = 0) {
  const current = new Map();
  const order = new Uint32Array(users - from);
  for (let i = 0; i < order.length; i++) order[i] = from + i;
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  let next = 0;
  return {
    take() {
      const i = order[next];
      next = (next + 1) % order.length;
      return { i, token: current.get(i) ?? seededClientToken(i) };
    },
    rotated(i, token) {
      current.set(i, token);
    },
  };
}

/** Refresh tasks over the seeded users of a data set, each user refreshed once (then wrapping around). */
function refreshTasks(gatehouse, users, id, name, { http = false, notes = '', from = 0 } = {}) {
  let failures = 0;
  // Users below `from` were refreshed on a smaller data set already: not presented again.
  const tokens = clientTokens(users, from);
  const maxIterations = Math.floor((users - from) / (http ? 12 : 6)); // with warm-up and checks, no user is refreshed twice
  const refreshOnce = async () => {
    const { i, token } = tokens.take();
    const result = await gatehouse.sessions.refresh(token, ctx);
    if (result.clientToken) tokens.rotated(i, result.clientToken);
    return result;
  };
  const tasks = [
    {
      id: `refresh.service.${id}`,
      name: `refresh (session service), ${name}`,
      notes: `client-token rotation + session update in one transaction + org lookup + RS256 mint${notes}`,
      failures: () => failures,
      maxIterations,
      fn: async () => {
        const result = await refreshOnce();
        if (!result.sessionToken || !result.clientToken) failures++;
      },
      check: async () => {
        const result = await refreshOnce();
        assert(result.clientToken, 'a refresh outside the grace window rotates the client token');
        const state = await gatehouse.authenticate({ headers: new Headers({ cookie: `__session=${result.sessionToken}` }) });
        assert(state.status === 'signed-in', 'the refreshed session token authenticates');
        assert(state.claims.o?.id?.startsWith('org_'), 'the refreshed token carries the active organization');
      },
    },
  ];
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

const results = [];
const info = { users: USERS, million: MILLION, orgs: ORGS, signInMs: SIGN_IN_MS, signInRounds: 3, refreshMs: REFRESH_MS, refreshRounds: 4 };

// ---------------------------------------------------------------- SQLite, 10k users: sign-in and refresh
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

// ---------------------------------------------------------------- PostgreSQL: 10k users, then grown to 1M
if (WITH_POSTGRES) {
  const dbName = `gatehouse_bench_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const databaseUrl = new URL(POSTGRES_ADMIN_URL);
  databaseUrl.pathname = `/${dbName}`;
  const seeder = new pg.Client({ connectionString: databaseUrl.href });
  let gatehouse = null;
  try {
    gatehouse = await createGatehouse({ databaseUrl: databaseUrl.href, secret: SECRET, log: () => {}, rateLimits });
    const templates = await templatesOf(gatehouse);
    await seeder.connect();
    const exec = (sql) => seeder.query(sql);
    log(`sessions: seeding PostgreSQL database ${dbName} with ${label(USERS)} users and ${label(ORGS)} organizations`);
    const { seconds: seconds10k } = await seedSql({ dialect: 'postgres', exec, templates, users: USERS, orgs: ORGS, log });
    await exec('ANALYZE');
    info.postgres = { database: dbName, seconds10k };
    log(`sessions: refresh on PostgreSQL, ${label(USERS)} users`);
    results.push(
      ...(await measure(
        [{ ...signTasks[0], id: 'rs256.sign.raw.pg10k' }, ...refreshTasks(gatehouse, USERS, 'pg.10k', `PostgreSQL, ${label(USERS)} users`)],
        {
          timeMs: REFRESH_MS,
          rounds: 4,
          warmupMs: 300,
        },
      )),
    );
    if (MILLION > USERS) {
      log(`sessions: growing PostgreSQL to ${label(MILLION)} users`);
      const grown = await seedSql({
        dialect: 'postgres',
        exec,
        templates,
        users: MILLION,
        usersFrom: USERS,
        orgs: ORGS,
        orgsFrom: ORGS,
        budgetMs: PG_SEED_BUDGET_MS,
        log,
      });
      info.postgres.seconds1m = grown.seconds;
      info.postgres.grownTo = grown.seeded;
      await exec('ANALYZE');
      log(`sessions: refresh on PostgreSQL, ${label(grown.seeded)} users`);
      results.push(
        ...(await measure(
          [
            { ...signTasks[0], id: 'rs256.sign.raw.pg1m' },
            ...refreshTasks(gatehouse, grown.seeded, 'pg.1m', `PostgreSQL, ${label(grown.seeded)} users`, { from: USERS }),
          ],
          {
            timeMs: REFRESH_MS,
            rounds: 4,
            warmupMs: 300,
          },
        )),
      );
    }
  } finally {
    await gatehouse?.close();
    await seeder.end().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
}

writeFileSync(out, JSON.stringify({ case: 'sessions', info, results, network: globalThis.__netTrapBlocked?.length ?? null }, null, 2));
log('sessions: done');
