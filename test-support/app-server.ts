// Starts the example app's production server (`next start`) on a free port with a fresh database.
// Not a test: the end-to-end test files use it. Run `npm run build` first.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const EXAMPLE_DIR = join(ROOT, 'apps', 'example');
/** Each app runs its own Next: the example resolves the root's, the Next 15 fixture its own copy. */
const APPS = {
  example: { dir: EXAMPLE_DIR, next: join(ROOT, 'node_modules', '.bin', 'next') },
  'fixture-clerk': { dir: join(ROOT, 'apps', 'fixture-clerk'), next: join(ROOT, 'apps', 'fixture-clerk', 'node_modules', '.bin', 'next') },
  // Public Clerk apps migrated with `gatehouse migrate-code` (apps/clerk-*/ORIGIN.md); they use the root's Next.
  'clerk-quickstart': { dir: join(ROOT, 'apps', 'clerk-quickstart'), next: join(ROOT, 'node_modules', '.bin', 'next') },
  'clerk-starter': { dir: join(ROOT, 'apps', 'clerk-starter'), next: join(ROOT, 'node_modules', '.bin', 'next') },
  // Next 15 (its own copy, as the Next 15 fixture).
  'clerk-orgs': { dir: join(ROOT, 'apps', 'clerk-orgs'), next: join(ROOT, 'apps', 'clerk-orgs', 'node_modules', '.bin', 'next') },
};
const START_TIMEOUT_MS = 30_000;

export interface AppServer {
  baseUrl: string;
  /** The server's process id (it leads its own process group), for memory sampling. */
  pid: number;
  /** The server's Gatehouse SQLite file (its app data, app.db, sits next to it). */
  databaseFile: string;
  /** Everything the server printed so far (stdout and stderr), for failure messages. */
  output(): string;
  /** Kills the server and removes its temporary data directory (not a `dataDir` passed in). Safe to call twice. */
  stop(): Promise<void>;
  /** SIGKILLs the server's process group at once (a crash); the data directory stays. */
  crash(): Promise<void>;
  /**
   * With `testClock`: sets how far (ms, negative for the past) the server's clock runs from the
   * machine's. The service and the in-process verifier read it; an edge middleware keeps the real clock.
   */
  setClock(offsetMs: number): void;
  /** With `testClock`: moves the server's clock on by `ms` (instead of sleeping). */
  advanceClock(ms: number): void;
}

export interface AppServerOptions {
  /** Which app under apps/ (default the example). */
  app?: keyof typeof APPS;
  /** Serve this built copy of the example instead of apps/example (a directory inside the repo, so node_modules resolve). */
  appDir?: string;
  /** GATEHOUSE_SESSION_TOKEN_TTL in seconds. */
  sessionTokenTtlSeconds?: number;
  /** The port to listen on (default: a free one). */
  port?: number;
  /** DATABASE_URL: a PostgreSQL database shared with other app servers (instead of a fresh SQLite file). */
  databaseUrl?: string;
  /** REDIS_URL: revocations, claim changes and rate limits shared with other app servers. */
  redisUrl?: string;
  /** GATEHOUSE_SECRET: the same on every server of one deployment (else a generated development secret). */
  secret?: string;
  /** Extra environment variables (a function gets the server's base URL, e.g. for GATEHOUSE_AUTHORIZED_PARTIES). */
  env?: Record<string, string> | ((baseUrl: string) => Record<string, string>);
  /** Use (and keep) this data directory instead of a fresh temporary one: a restart on the same data. */
  dataDir?: string;
  /** Run the server on the test clock (GATEHOUSE_TEST_CLOCK_FILE, docs/operating.md) that setClock() and advanceClock() move. */
  testClock?: boolean;
}

/** The example app's pages that need a signed-in user (the invitation page, which also wants a token, aside). */
export const EXAMPLE_PROTECTED_PAGES = [
  '/dashboard',
  '/claims',
  '/reports',
  '/admin',
  '/organization',
  '/organizations/new',
  '/user',
  '/orgs/acme',
];

/** A port nobody is listening on right now: bind port 0, read the port, close. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('could not read the port of a listening socket'));
        return;
      }
      server.close(() => resolvePort(address.port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits for `promise` at most `ms`; true when it settled in time. The timer never keeps the process alive. */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Process groups of servers still running, killed if this process ends without stop() (a crash, Ctrl-C). */
const live = new Set<number>();
let cleanupInstalled = false;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}

function installCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on('exit', () => {
    for (const pid of live) killGroup(pid, 'SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const pid of live) killGroup(pid, 'SIGKILL');
      process.kill(process.pid, signal); // then die of the signal as we would have
    });
  }
}

export async function startAppServer(options: AppServerOptions = {}): Promise<AppServer> {
  const app = APPS[options.app ?? 'example'];
  const NEXT_BIN = app.next;
  const appDir = options.appDir ?? app.dir;
  if (!existsSync(join(appDir, '.next', 'BUILD_ID'))) {
    throw new Error(`The app is not built (no ${join(appDir, '.next', 'BUILD_ID')}). Run \`npm run build\` first.`);
  }
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'gatehouse-e2e-'));
  const port = options.port ?? (await freePort());
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    GATEHOUSE_DATABASE_FILE: join(dataDir, 'gatehouse.db'),
    GATEHOUSE_DEV_SECRET: '1',
    // Sign-ups go straight to a session in these tests (an instance setting); the verification flow
    // has its own end-to-end test (accounts-flow), which sets it to required.
    GATEHOUSE_EMAIL_VERIFICATION: 'off',
    // Every browser of these tests signs in from 127.0.0.1, often as the same demo user: the
    // production limits would refuse them. Tests of the limits pass their own values in `env`.
    GATEHOUSE_RATE_LIMIT_SIGN_IN_IP: '10000/600',
    GATEHOUSE_RATE_LIMIT_SIGN_IN_IDENTIFIER: '10000/600',
    GATEHOUSE_RATE_LIMIT_SIGN_UP_IP: '10000/600',
    GATEHOUSE_RATE_LIMIT_REFRESH_IP: '100000/60',
    GATEHOUSE_RATE_LIMIT_MINT_IP: '100000/60',
    ...(typeof options.env === 'function' ? options.env(baseUrl) : options.env),
  };
  if (options.databaseUrl !== undefined) env.DATABASE_URL = options.databaseUrl;
  if (options.redisUrl !== undefined) env.REDIS_URL = options.redisUrl;
  if (options.secret !== undefined) env.GATEHOUSE_SECRET = options.secret;
  if (options.sessionTokenTtlSeconds !== undefined) env.GATEHOUSE_SESSION_TOKEN_TTL = String(options.sessionTokenTtlSeconds);
  const clockFile = join(dataDir, 'test-clock');
  if (options.testClock) {
    writeFileSync(clockFile, '0');
    // The production build under test: the second variable is the explicit opt-in.
    Object.assign(env, { GATEHOUSE_TEST_CLOCK_FILE: clockFile, GATEHOUSE_TEST_CLOCK_IN_PRODUCTION: '1' });
  }
  const setClock = (offsetMs: number): void => {
    if (!options.testClock) throw new Error('setClock() needs startAppServer({ testClock: true })');
    writeFileSync(clockFile, String(Math.round(offsetMs)));
  };
  const advanceClock = (ms: number): void => setClock((options.testClock ? Number(readFileSync(clockFile, 'utf8')) : 0) + ms);

  let output = '';
  // Its own process group, so stop() also ends anything next spawns.
  // Idle connections stay open for a minute: the tests' fetch keeps sockets for about 4 s, and on a
  // busy machine a server that closes them at Node's default 5 s races the reuse ("other side closed").
  const child = spawn(NEXT_BIN, ['start', '-p', String(port), '-H', '127.0.0.1', '--keepAliveTimeout', '60000'], {
    cwd: appDir,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid !== undefined) {
    installCleanup();
    live.add(child.pid);
  }
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const spawnError = new Promise<Error>((resolveError) => child.once('error', resolveError));
  let failedToSpawn: Error | null = null;
  void spawnError.then((e) => (failedToSpawn = e));

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (!stopped) {
      stopped = true;
      if (child.pid !== undefined && !exited(child)) {
        const gone = new Promise<void>((r) => child.once('exit', () => r()));
        killGroup(child.pid, 'SIGTERM');
        if (!(await within(gone, 5_000))) {
          killGroup(child.pid, 'SIGKILL');
          await within(gone, 2_000);
        }
      }
      if (child.pid !== undefined) live.delete(child.pid);
    }
    if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  const crash = async (): Promise<void> => {
    if (child.pid === undefined || exited(child)) return;
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    killGroup(child.pid, 'SIGKILL');
    await within(gone, 5_000);
    live.delete(child.pid);
    stopped = true;
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  let lastError = 'no answer yet';
  while (Date.now() < deadline) {
    if (failedToSpawn !== null) lastError = `spawn failed: ${(failedToSpawn as Error).message}`;
    if (failedToSpawn !== null || exited(child)) {
      await stop();
      throw new Error(
        `The example app's server exited before answering (${lastError}; exit ${child.exitCode ?? child.signalCode}).\n--- server output ---\n${output}`,
      );
    }
    try {
      // The whole answer, body included, within 5 s. An abort that lands while the body is being read
      // can leave Node 20's fetch body promise unsettled, so the attempt is also raced against a timer
      // of its own: a slow first render counts as "not yet", never as a start that waits forever.
      let status = 0;
      const attempt = (async () => {
        const res = await fetch(`${baseUrl}/`, { redirect: 'manual', signal: AbortSignal.timeout(5_000) });
        await res.arrayBuffer();
        status = res.status;
      })();
      attempt.catch(() => {}); // settled or abandoned below; never an unhandled rejection
      if (!(await within(attempt, 6_000))) throw new Error('GET / did not finish within 6 s');
      await attempt;
      if (status === 200)
        return {
          baseUrl,
          pid: child.pid ?? 0,
          databaseFile: join(dataDir, 'gatehouse.db'),
          output: () => output,
          stop,
          crash,
          setClock,
          advanceClock,
        };
      lastError = `GET / answered ${status}`;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    await sleep(150);
  }
  await stop();
  throw new Error(
    `The example app's server did not answer 200 on GET / within ${START_TIMEOUT_MS / 1000} s (${lastError}).\n--- server output ---\n${output}`,
  );
}
