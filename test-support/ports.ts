// The two implementations of the port that the SDK tests run through (issue #14): the embedded
// instance, and a standalone app's client of that same instance served over HTTP.

import { after, before } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Gatehouse, GatehouseBackend } from '@gatehouse/server';

export const MODES = ['embedded', 'standalone'] as const;
export type Mode = (typeof MODES)[number];

export interface Ports {
  get(mode: Mode): GatehouseBackend;
  close(): Promise<void>;
}

/** How the standalone app is set up: with `secretKey` (one the service accepts) it refreshes and calls the backend API with it. */
export interface PortOptions {
  secretKey?: string;
}

/** Serves `gatehouse` as a standalone service on a free port and connects an app's port to it (without a secret key unless given one). */
export async function openPorts(gatehouse: Gatehouse, options: PortOptions = {}): Promise<Ports> {
  // Loaded here, not at the top: the test files set the environment before the server package loads.
  const { createRemoteBackend, createServiceHandler, embeddedBackend, startServiceServer } = await import('@gatehouse/server');
  const server = await startServiceServer(createServiceHandler(gatehouse), { port: 0, log: () => undefined });
  const remote = await createRemoteBackend({ serviceUrl: server.url, ...options, log: () => undefined });
  const ports: Record<Mode, GatehouseBackend> = { embedded: embeddedBackend(gatehouse), standalone: remote };
  return {
    get: (mode) => ports[mode],
    async close() {
      await remote.close();
      await server.close();
    },
  };
}

/**
 * Points the process-wide instance at a fresh SQLite file in a temporary folder, with the development
 * secret and sign-up signing in at once (no address check), plus `extra` variables. Call before the
 * server package loads; returns the folder for {@link closeProcessInstance}.
 */
export function useProcessInstance(prefix: string, extra: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  Object.assign(process.env, {
    GATEHOUSE_DATABASE_FILE: join(dir, 'gatehouse.db'),
    GATEHOUSE_DEV_SECRET: '1',
    GATEHOUSE_EMAIL_VERIFICATION: 'off',
    ...extra,
  });
  return dir;
}

/** Closes the ports (if any were opened) and the process-wide instance, then removes its folder. */
export async function closeProcessInstance(dir: string, ports?: Ports): Promise<void> {
  await ports?.close();
  const { getGatehouse } = await import('@gatehouse/server');
  await (await getGatehouse()).close();
  rmSync(dir, { recursive: true, force: true });
}

/**
 * The process-wide instance (its SQLite file under `dir`) through both ports: opened before the
 * file's tests, closed after them with the instance, and `dir` removed.
 */
export function portsOfFile(dir: string, options: PortOptions = {}): () => Ports {
  let ports: Ports | undefined;
  before(async () => {
    const { getGatehouse } = await import('@gatehouse/server');
    ports = await openPorts(await getGatehouse(), options);
  });
  after(() => closeProcessInstance(dir, ports));
  return () => {
    if (!ports) throw new Error('the ports open before the tests');
    return ports;
  };
}

/** Signs up `email` through the process-wide instance's auth API: the session and client tokens its cookies carry. */
export async function processSignUp(email: string): Promise<{ session: string; client: string }> {
  // Loaded here, not at the top: the process instance's environment is set before the server package loads.
  const { createCookieJar, signUp } = await import('./instance.js');
  const { getGatehouse } = await import('@gatehouse/server');
  const jar = createCookieJar();
  const res = await signUp({ gatehouse: await getGatehouse(), bodies: [] }, email, jar);
  if (res.status !== 200) throw new Error(`sign-up answered ${res.status}`);
  const cookie = (name: string) => {
    const value = jar.get(name);
    if (value === undefined) throw new Error(`sign-up set no ${name} cookie`);
    return value;
  };
  return { session: cookie('__session'), client: cookie('__client') };
}
