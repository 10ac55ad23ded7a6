// Seeded SQLite data sets for the sign-in and refresh rows: users, each with a client, an active
// session in one of the organizations and a membership there, cloned from one real sign-up
// (lib/seed-sql.mjs). Used by cases/sessions.mjs and cases/compare.mjs.

import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { label } from './format.mjs';
import { assert } from './harness.mjs';
import { registerSqliteFunctions, seedSql, seededClientToken } from './seed-sql.mjs';

export const PASSWORD = 'correct horse battery staple';
export const SECRET = 'bench-master-secret-bench-master-secret-0123456789';
export const ORIGIN = 'http://localhost:3000';
export const ctx = { ip: '127.0.0.1', userAgent: 'gatehouse-bench', origin: ORIGIN };
// The rate limits stay on (their cost is part of a sign-in) but high: the same seeded users sign in many times.
const high = { limit: 1_000_000_000, windowSeconds: 600 };
export const rateLimits = {
  signInIp: high,
  signInIdentifier: high,
  signUpIp: high,
  refreshClient: high,
  refreshIp: high,
  mintSession: high,
  mintIp: high,
};

const benchDir = resolve(import.meta.dirname, '..');
const cacheDir = join(benchDir, '.exp');

/** One real sign-up and one real organization: the rows every seeded row is cloned from. */
export async function templatesOf(gatehouse) {
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

/** What names this checkout's schema in the cache key: its migrations. */
export function currentSchema() {
  const migrationsDir = join(benchDir, '../packages/server/src/store/migrations');
  return readdirSync(migrationsDir)
    .sort()
    .map((file) => readFileSync(join(migrationsDir, file)));
}

/**
 * A SQLite file with `users` users and `orgs` organizations, opened with `createGatehouse` (the
 * version under test: its own migrations make the schema). Seeded once into bench/.exp, keyed by
 * `schema` (what names the schema: the migrations' sources, or a commit) and the seeder, so a
 * changed migration reseeds; copied into `tmp` for each run, since refreshes rotate the client
 * tokens the next run would present.
 */
export async function sqliteDataSet({ createGatehouse, users, orgs, tmp, schema = currentSchema(), name = 'sqlite', log }) {
  const hash = createHash('sha256');
  for (const part of schema) hash.update(part);
  const key = hash
    .update(readFileSync(join(benchDir, 'lib/seed-sql.mjs')))
    .digest('hex')
    .slice(0, 12);
  const cached = join(cacheDir, `sqlite-${users}-${orgs}-${key}.db`);
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
    log(`${name}: seeding SQLite with ${label(users)} users and ${label(orgs)} organizations (cached in bench/.exp for later runs)`);
    ({ seconds } = await seedSql({ dialect: 'sqlite', exec: (sql) => db.exec(sql), templates, users, orgs, log }));
    db.exec('ANALYZE');
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    renameSync(building, cached);
    rmSync(`${building}-wal`, { force: true });
    rmSync(`${building}-shm`, { force: true });
  }
  const databaseFile = join(tmp, `${name}-${users}.db`);
  copyFileSync(cached, databaseFile);
  const gatehouse = await createGatehouse({ databaseFile, secret: SECRET, log: () => {}, rateLimits });
  const passwordHash = (await gatehouse.store.findUserByEmail('u0@bench.example.com')).password_hash;
  return { gatehouse, users, seconds, bytes: statSync(databaseFile).size, passwordHash, cachedFrom: seconds === null };
}

/** Presents the client token of a random, not yet refreshed seeded user (then its rotated one). */
export function clientTokens(users, from = 0) {
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

/** One refresh through the session service with the next seeded user's client token (remembering the rotated one). */
export function refresher(gatehouse, tokens) {
  return async () => {
    const { i, token } = tokens.take();
    const result = await gatehouse.sessions.refresh(token, ctx);
    if (result.clientToken) tokens.rotated(i, result.clientToken);
    return result;
  };
}

/** Throws unless a refresh outside the grace window rotated the client token and minted a token that authenticates. */
export async function checkRefreshed(gatehouse, result) {
  assert(result.clientToken, 'a refresh outside the grace window rotates the client token');
  const state = await gatehouse.authenticate({ headers: new Headers({ cookie: `__session=${result.sessionToken}` }) });
  assert(state.status === 'signed-in', 'the refreshed session token authenticates');
  assert(state.claims.o?.id?.startsWith('org_'), 'the refreshed token carries the active organization');
}
