// How the Next.js glue reaches the identity service: the embedded instance of this process.

import type * as ServerModuleNamespace from '@gatehouse/server';
import type { Gatehouse, GatehouseBackend } from '@gatehouse/server';
import { installRequestHook } from './request-hook.js';

type ServerModule = typeof ServerModuleNamespace;
let loaded: Promise<ServerModule> | undefined;

/** The service's module, loaded once at run time as a plain Node module (never bundled). */
export function serverModule(): Promise<ServerModule> {
  loaded ??= import(/* webpackIgnore: true */ /* turbopackIgnore: true */ '@gatehouse/server');
  return loaded;
}

/**
 * The port that verifies tokens and refreshes sessions for this app: `injected` when given (tests,
 * or an app that builds its own), else the process-wide one (the embedded instance, or the
 * standalone service with GATEHOUSE_SERVICE_URL). The service is loaded as a plain Node module at
 * run time (never bundled), so the proxy, route handlers and server components of one process
 * share one database handle, one key set and one revocation set.
 */
export async function backend(injected?: GatehouseBackend): Promise<GatehouseBackend> {
  // In a Next.js server: forwarding headers end with what this server saw, malformed router headers are refused (request-hook.ts).
  if (process.env.NEXT_RUNTIME === 'nodejs') installRequestHook();
  if (injected) return injected;
  const port = await (await serverModule()).getBackend();
  (globalThis as OpenedHolder)[OPENED] = port;
  return port;
}

/**
 * {@link backend} without a promise once the process-wide port is open (every request after the
 * first): a request's auth() then waits on nothing but Next's own headers().
 */
export function backendNow(injected?: GatehouseBackend): GatehouseBackend | Promise<GatehouseBackend> {
  const port = injected ?? openedBackend();
  if (!port) return backend();
  if (process.env.NEXT_RUNTIME === 'nodejs') installRequestHook();
  return port;
}

const OPENED = Symbol.for('gatehouse.nextjs.opened-backend');
type OpenedHolder = { [OPENED]?: GatehouseBackend };

/** The process-wide port once {@link backend} has opened it (every bundle of this process sees it), else undefined. */
export function openedBackend(): GatehouseBackend | undefined {
  return (globalThis as OpenedHolder)[OPENED];
}

/** Opens the service port now (call from instrumentation.ts so start-up problems show at once). */
export async function startGatehouse(): Promise<void> {
  await backend();
}

/**
 * The embedded instance itself, for server code that administers it in-process (seeding demo data,
 * registering webhooks). @throws GatehouseError `setup_missing` in an app that uses a standalone service
 */
export async function embeddedGatehouse(): Promise<Gatehouse> {
  return (await serverModule()).getGatehouse();
}

export { PATH_HEADER, signInUrl, signUpUrl } from './settings.js';
