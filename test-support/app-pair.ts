// Two production servers of the example app on one PostgreSQL database and one Redis, and requests to
// them as a browser on a server's origin (or a caller with a bearer token) sends them. Not a test: the
// scale-out end-to-end files use it.

import { REDIS_URL, createTestDatabase, type TestDatabase } from './backends.js';
import { startAppServer, type AppServer } from './app-server.js';
import type { CookieJar } from './instance.js';

export interface AppPair {
  database: TestDatabase;
  /** Seeded the demo users and organizations (GATEHOUSE_DEMO=1). */
  a: AppServer;
  /** Started on the same database afterwards. */
  b: AppServer;
  /** Stops both servers and drops the database. */
  stop(): Promise<void>;
}

/** A fresh PostgreSQL database and two servers on it sharing the machine's Redis and `secret`, each with `env`. */
export async function startAppPair(secret: string, env: Record<string, string> = {}): Promise<AppPair> {
  const database = await createTestDatabase('postgres');
  const servers: AppServer[] = [];
  const stop = async () => {
    for (const server of servers) await server.stop();
    await database.drop();
  };
  try {
    const options = { databaseUrl: database.options.databaseUrl ?? '', redisUrl: REDIS_URL, secret, env };
    servers.push(await startAppServer({ ...options, env: { ...env, GATEHOUSE_DEMO: '1' } }));
    servers.push(await startAppServer(options));
  } catch (error) {
    await stop();
    throw error;
  }
  return { database, a: servers[0]!, b: servers[1]!, stop };
}

export interface AppCall {
  /** Sends its cookies (and an Origin on writes) and takes the answer's Set-Cookie. */
  jar?: CookieJar;
  bearer?: string;
  method?: string;
  json?: unknown;
}

export interface AppAnswer {
  status: number;
  headers: Headers;
  /** The body parsed as JSON, else the text. */
  body: unknown;
  text: string;
}

/** A request to one server, redirects not followed. */
export async function callApp(server: AppServer, path: string, init: AppCall = {}): Promise<AppAnswer> {
  const method = init.method ?? (init.json === undefined ? 'GET' : 'POST');
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.jar) headers.cookie = init.jar.header();
  if (init.bearer) headers.authorization = `Bearer ${init.bearer}`;
  if (method !== 'GET' && init.jar) headers.origin = server.baseUrl;
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers,
    redirect: 'manual',
    ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
  });
  init.jar?.storeLines(res.headers.getSetCookie());
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, headers: res.headers, body, text };
}
