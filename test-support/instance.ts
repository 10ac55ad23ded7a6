// Test support for the server suites: a real instance on a temp SQLite file with a fake clock, in-process requests, a cookie jar and row counts.

import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { createGatehouse, type Gatehouse, type GatehouseOptions } from '@gatehouse/server';
import type { RequestState } from '@gatehouse/core';

export const ORIGIN = 'http://localhost:3000';
export const API = '/api/gatehouse';
/** 2026-01-01T00:00:00Z. */
export const T0 = Date.UTC(2026, 0, 1);
export const PASSWORD = 'correct horse battery staple';

/** The Set-Cookie lines that clear both session cookies (sign-out, a revoked client) on http://localhost. */
export const CLEARED_COOKIES = [
  '__session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax',
  '__client=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax',
];

export interface Clock {
  now: number;
}

export interface RowCounts {
  users: number;
  sessions: number;
  clients: number;
  audit_events: number;
  signing_keys: number;
}

export interface Snapshot {
  counts: RowCounts;
  sessions: unknown[];
  clients: unknown[];
}

/** What the request helpers need of an instance: SQLite's {@link TestInstance} and the store suites' backend instances both fit. */
export interface InstanceLike {
  gatehouse: Gatehouse;
  /** Every response body the instance sent through {@link send}, for leak checks. */
  bodies: string[];
}

export interface TestInstance extends InstanceLike {
  gatehouse: Gatehouse;
  clock: Clock;
  dir: string;
  databaseFile: string;
  /** Every line the instance logged. */
  logs: string[];
  /** Every response body the instance sent through {@link send}, for leak checks. */
  bodies: string[];
  /** A second, read-only connection to the same SQLite file: what is really on disk. */
  db: BetterSqlite3.Database;
  advance(seconds: number): void;
  counts(): RowCounts;
  sessionStatus(sessionId: string): string | undefined;
  /** Every session and client row plus the row counts: compare before/after to prove nothing was written. */
  snapshot(): Snapshot;
  /** Closes the instance and the reader; removes the temp dir unless `keepFiles`. */
  close(options?: { keepFiles?: boolean }): Promise<void>;
}

/** Runs `fn` with NODE_ENV=production, then puts NODE_ENV back as it was. */
export async function inProduction<T>(fn: () => Promise<T>): Promise<T> {
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    return await fn();
  } finally {
    if (previous === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = previous;
  }
}

export function makeTempDir(): string {
  return mkdtempSync(join(tmpdir(), 'gatehouse-test-'));
}

/**
 * Opens a real instance (SQLite file under a fresh temp dir, generated dev secret, fake clock,
 * captured logs). Pass `dir` and `clock` to reopen the same database.
 */
export async function createTestInstance(
  options: Partial<GatehouseOptions> = {},
  reuse: { dir?: string; clock?: Clock } = {},
): Promise<TestInstance> {
  const dir = reuse.dir ?? makeTempDir();
  const clock = reuse.clock ?? { now: T0 };
  const databaseFile = join(dir, 'gatehouse.db');
  const logs: string[] = [];
  let gatehouse: Gatehouse;
  try {
    gatehouse = await createGatehouse({
      databaseFile,
      allowDevSecret: true,
      now: () => clock.now,
      log: (line) => logs.push(line),
      // Sign-ups here go straight to a session (verification is an instance setting, off for these
      // suites); the verification flow has its own tests, which turn it on.
      emailVerificationRequired: false,
      ...options,
    });
  } catch (error) {
    if (!reuse.dir) rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const db = new BetterSqlite3(databaseFile, { readonly: true, fileMustExist: true });
  const count = (table: string): number => (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  const rowCounts = (): RowCounts => ({
    users: count('users'),
    sessions: count('sessions'),
    clients: count('clients'),
    audit_events: count('audit_events'),
    signing_keys: count('signing_keys'),
  });
  return {
    gatehouse,
    clock,
    dir,
    databaseFile,
    logs,
    bodies: [],
    db,
    advance(seconds) {
      clock.now += seconds * 1000;
    },
    counts: rowCounts,
    sessionStatus(sessionId) {
      return (db.prepare('SELECT status FROM sessions WHERE id = ?').get(sessionId) as { status: string } | undefined)?.status;
    },
    snapshot() {
      return {
        counts: rowCounts(),
        sessions: db.prepare('SELECT * FROM sessions ORDER BY id').all(),
        clients: db.prepare('SELECT * FROM clients ORDER BY id').all(),
      };
    },
    async close(closeOptions = {}) {
      db.close();
      await gatehouse.close();
      if (!closeOptions.keepFiles) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The instance a test file's tests share: opened before them, closed after them. The object returned
 * is filled in when the instance opens.
 */
export function instanceOfFile(options: Partial<GatehouseOptions> = {}): TestInstance {
  const t = {} as TestInstance;
  let opened: TestInstance | undefined;
  before(async () => {
    opened = await createTestInstance(options);
    Object.assign(t, opened);
  });
  after(async () => {
    await opened?.close();
  });
  return t;
}

/** A browser's cookie store for one origin: applies Set-Cookie (Max-Age=0 deletes) and sends Cookie. */
export interface CookieJar {
  get(name: string): string | undefined;
  set(name: string, value: string): void;
  delete(name: string): void;
  /** Every cookie, name and value, in the order they were first set. */
  entries(): [string, string][];
  header(): string;
  store(response: Response): void;
  /** Applies Set-Cookie lines as they came over the wire (a raw HTTP answer's `setCookies`). */
  storeLines(lines: readonly string[]): void;
  clone(): CookieJar;
}

interface CookieJarOptions {
  /**
   * Values are kept and sent exactly as they appear in Set-Cookie and Cookie (no percent-decoding or
   * encoding): for suites that send or plant cookie bytes by hand.
   */
  raw?: boolean;
}

export function createCookieJar(initial: Record<string, string> = {}, options: CookieJarOptions = {}): CookieJar {
  const values = new Map<string, string>(Object.entries(initial));
  const encode = options.raw ? (value: string) => value : encodeURIComponent;
  const decode = options.raw ? (value: string) => value : decodeURIComponent;
  const jar: CookieJar = {
    get: (name) => values.get(name),
    set: (name, value) => void values.set(name, value),
    delete: (name) => void values.delete(name),
    entries: () => [...values],
    header: () => [...values].map(([name, value]) => `${name}=${encode(value)}`).join('; '),
    store: (response) => jar.storeLines(response.headers.getSetCookie()),
    storeLines(lines) {
      for (const line of lines) {
        const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
        const eq = pair.indexOf('=');
        const name = pair.slice(0, eq);
        const value = decode(pair.slice(eq + 1));
        const expired = attributes.some((a) => /^max-age=0$/i.test(a));
        if (expired) values.delete(name);
        else values.set(name, value);
      }
    },
    clone: () => createCookieJar(Object.fromEntries(values), options),
  };
  return jar;
}

/** A jar that keeps cookie bytes exactly as they came in Set-Cookie (or were planted) and sends them so. */
export function createRawCookieJar(initial: Record<string, string> = {}): CookieJar {
  return createCookieJar(initial, { raw: true });
}

export interface SendOptions {
  method?: string;
  /** Serialised as JSON with `content-type: application/json` unless `rawBody`/`contentType` say otherwise. */
  json?: unknown;
  rawBody?: string | Uint8Array;
  /** `null` sends no content-type at all. */
  contentType?: string | null;
  jar?: CookieJar;
  /** Defaults to the request's own origin; `null` sends none. */
  origin?: string | null;
  headers?: Record<string, string>;
  /** Scheme + host of the request URL (default http://localhost:3000). */
  base?: string;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  body: unknown;
  setCookies: string[];
}

/** Calls `gatehouse.handle` in-process, like a browser on ORIGIN would; updates the jar. */
/** Anything that serves the auth API: an instance, or a standalone app's port to the service. */
export interface ServesApi {
  gatehouse: { handle(request: Request): Promise<Response> };
  bodies: string[];
}

export async function send(t: ServesApi, path: string, options: SendOptions = {}): Promise<ApiResponse> {
  const base = options.base ?? ORIGIN;
  const method = options.method ?? (options.json !== undefined || options.rawBody !== undefined ? 'POST' : 'GET');
  const headers = new Headers(options.headers);
  const origin = options.origin === undefined ? base : options.origin;
  if (origin !== null && method !== 'GET') headers.set('origin', origin);
  let body: string | Uint8Array<ArrayBuffer> | undefined;
  if (options.rawBody !== undefined) body = typeof options.rawBody === 'string' ? options.rawBody : new Uint8Array(options.rawBody);
  else if (options.json !== undefined) body = JSON.stringify(options.json);
  const contentType = options.contentType === undefined ? (body === undefined ? null : 'application/json') : options.contentType;
  if (contentType !== null) headers.set('content-type', contentType);
  if (options.jar && options.jar.header() !== '') headers.set('cookie', options.jar.header());
  const response = await t.gatehouse.handle(new Request(`${base}${path}`, { method, headers, ...(body === undefined ? {} : { body }) }));
  const text = await response.text();
  t.bodies.push(text);
  options.jar?.store(response);
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: response.status, headers: response.headers, text, body: parsed, setCookies: response.headers.getSetCookie() };
}

export function signUp(t: InstanceLike, email: string, jar = createCookieJar(), password = PASSWORD): Promise<ApiResponse> {
  return send(t, `${API}/sign-up`, { json: { email, password }, jar });
}

export function signIn(t: InstanceLike, email: string, password: string, jar = createCookieJar()): Promise<ApiResponse> {
  return send(t, `${API}/sign-in`, { json: { email, password }, jar });
}

export function refresh(t: InstanceLike, jar: CookieJar): Promise<ApiResponse> {
  return send(t, `${API}/refresh`, { method: 'POST', jar });
}

/** Authenticates a page request carrying the jar's cookies (what auth() would do). */
export function authenticate(t: InstanceLike, jar: CookieJar): Promise<RequestState> {
  return t.gatehouse.authenticate(new Request(`${ORIGIN}/dashboard`, { headers: { cookie: jar.header() } }));
}

/** Authenticates a request that carries only this session token (as the `__session` cookie). */
export function authenticateToken(t: InstanceLike, sessionToken: string): Promise<RequestState> {
  return authenticate(t, createCookieJar({ __session: sessionToken }));
}

/** The Set-Cookie line for `name`, or undefined. */
export function setCookie(response: ApiResponse, name: string): string | undefined {
  return response.setCookies.find((line) => line.startsWith(`${name}=`));
}

/** The JSON answer of an app's refresh (`/app/refresh`, `/app/client-refresh`). */
export interface AppRefreshAnswer {
  sessionToken: string;
  clientToken: string | null;
  sessionId: string;
  userId: string;
  claims: Record<string, unknown>;
}

/** Checks an app refresh's 200: no cookie, the session's new token (it verifies, to the claims answered beside it) and its `azp`. */
export async function assertAppRefreshAnswer(
  t: InstanceLike,
  res: ApiResponse,
  expected: { sessionId: string; azp: string },
): Promise<AppRefreshAnswer> {
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.setCookies, [], 'the app sets the cookies on its own origin');
  const body = res.body as AppRefreshAnswer;
  assert.equal(body.sessionId, expected.sessionId);
  assert.equal(body.claims.sid, expected.sessionId);
  assert.equal(body.claims.sub, body.userId);
  assert.equal(body.claims.azp, expected.azp, "the browser's origin, as the app saw it");
  const state = await t.gatehouse.authenticate(
    new Request(`${expected.azp}/x`, { headers: { authorization: `Bearer ${body.sessionToken}` } }),
  );
  assert.equal(state.status, 'signed-in');
  assert.deepEqual(state.status === 'signed-in' && state.claims, body.claims);
  return body;
}
