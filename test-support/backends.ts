// Test support for the suites that run on every database: one instance on a SQLite file or on a fresh PostgreSQL database, a connection of our own to see what is stored, and the service checks (in CI a missing PostgreSQL or Redis fails the run; elsewhere it is skipped, loudly).

import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
/** The SQL tag of the same Kysely copy as `TestDatabase.inspect`, for raw statements run through it. */
export { sql } from 'kysely';
import pg from 'pg';
import { createClient } from 'redis';
import { createGatehouse, type Gatehouse, type GatehouseOptions } from '@gatehouse/server';
import { type Database } from '../packages/server/src/store/types.js';
import { T0, makeTempDir, type Clock, type InstanceLike, type RowCounts } from './instance.js';

export type BackendName = 'sqlite' | 'postgres';

const CI = process.env.CI === 'true';
/** The server's maintenance database: test databases are created and dropped through it. */
export const POSTGRES_ADMIN_URL = process.env.GATEHOUSE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.GATEHOUSE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function postgresAnswers(): Promise<string | null> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function redisAnswers(): Promise<string | null> {
  const client = createClient({ url: REDIS_URL, socket: { connectTimeout: 3000, reconnectStrategy: false } });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    if (client.isOpen) client.destroy();
  }
}

/**
 * Whether the suites that need this service run: `false` (run) when it answers, and also in CI
 * when it does not (the suite then fails on its first connection: a CI run must never pass without
 * them); elsewhere a skip reason, announced on stderr so a local run cannot miss it.
 */
export async function serviceGate(service: 'PostgreSQL' | 'Redis'): Promise<string | false> {
  const problem = service === 'PostgreSQL' ? await postgresAnswers() : await redisAnswers();
  if (problem === null) return false;
  const where = service === 'PostgreSQL' ? POSTGRES_ADMIN_URL : REDIS_URL;
  if (CI) {
    console.error(`\n✖ ${service} is unreachable at ${where} (${problem}): CI=true requires it, so its suites fail.\n`);
    return false;
  }
  const banner = '!'.repeat(100);
  console.error(
    `\n${banner}\n!! SKIPPED: the ${service} suites. ${service} is unreachable at ${where} (${problem}).\n!! In CI (CI=true) this fails the run.\n${banner}\n`,
  );
  return `${service} is unreachable at ${where}`;
}

/** One database for one test file: a SQLite file in a temp dir, or a PostgreSQL database of its own. */
export interface TestDatabase {
  backend: BackendName;
  /** What points an instance at it (and the master secret its keys are sealed with). */
  options: Partial<GatehouseOptions>;
  /** A connection of our own: what is really stored. */
  inspect: Kysely<Database>;
  /** Closes our connection and removes the database. */
  drop(): Promise<void>;
}

const SECRET = 'a-test-master-secret-that-is-long-enough-000';

export async function createTestDatabase(backend: BackendName): Promise<TestDatabase> {
  if (backend === 'sqlite') {
    const dir = makeTempDir();
    const databaseFile = join(dir, 'gatehouse.db');
    const inspect = new Kysely<Database>({ dialect: new SqliteDialect({ database: new BetterSqlite3(databaseFile) }) });
    return {
      backend,
      options: { databaseFile, secret: SECRET },
      inspect,
      async drop() {
        await inspect.destroy();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `gatehouse_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const types = new pg.TypeOverrides();
  types.setTypeParser(20, Number);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2, types });
  // An idle connection the server cuts (the FORCE drop at the end) is no failure of the test: the
  // pool drops it; a query on a cut connection still fails where it is made.
  pool.on('error', () => undefined);
  const inspect = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    backend,
    options: { databaseUrl, secret: SECRET },
    inspect,
    async drop() {
      await inspect.destroy();
      const dropper = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await dropper.connect();
      try {
        // FORCE: a connection a failed test left open must not keep the database around.
        await dropper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

/** An instance on a test database; several on one database stand for several processes. */
export interface BackendInstance extends InstanceLike {
  backend: BackendName;
  gatehouse: Gatehouse;
  clock: Clock;
  logs: string[];
  inspect: Kysely<Database>;
  advance(seconds: number): void;
  sessionStatus(sessionId: string): Promise<string | undefined>;
  counts(): Promise<RowCounts>;
  /** Closes this instance (the database stays). */
  close(): Promise<void>;
}

/** Opens an instance on `database` with a fake clock (pass another instance's clock to share it). */
export async function openInstance(
  database: TestDatabase,
  options: Partial<GatehouseOptions> = {},
  clock: Clock = { now: T0 },
): Promise<BackendInstance> {
  const logs: string[] = [];
  const gatehouse = await createGatehouse({
    allowDevSecret: false,
    now: () => clock.now,
    log: (line) => logs.push(line),
    // Sign-ups here go straight to a session; the verification flow has its own tests.
    emailVerificationRequired: false,
    ...database.options,
    ...options,
  });
  const { inspect } = database;
  let closing: Promise<void> | null = null;
  const count = async (table: keyof RowCounts): Promise<number> =>
    Number(
      (
        await inspect
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    backend: database.backend,
    gatehouse,
    clock,
    logs,
    bodies: [],
    inspect,
    advance(seconds) {
      clock.now += seconds * 1000;
    },
    async sessionStatus(sessionId) {
      return (await inspect.selectFrom('sessions').select('status').where('id', '=', sessionId).executeTakeFirst())?.status;
    },
    async counts() {
      return {
        users: await count('users'),
        sessions: await count('sessions'),
        clients: await count('clients'),
        audit_events: await count('audit_events'),
        signing_keys: await count('signing_keys'),
      };
    },
    close() {
      closing ??= gatehouse.close();
      return closing;
    },
  };
}

/**
 * Polls `check` until it holds: for what another instance learns asynchronously (a fan-out message,
 * a reconnect). It claims nothing about speed: the bound only keeps a check that never holds from
 * hanging the run.
 */
export async function eventually(what: string, check: () => Promise<boolean>, boundMs = 15_000): Promise<void> {
  const start = Date.now();
  for (;;) {
    if (await check()) return;
    if (Date.now() - start > boundMs) throw new Error(`${what}: still not so after ${boundMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
