// getAuth(req): Clerk's request-based auth helper (Pages Router API routes, route handlers with a NextRequest), answered synchronously.

import { GatehouseError, type AuthObject, type RequestState } from '@gatehouse/core';
import { authObjectFor } from './auth-state.js';
import type { GatehouseBackend } from '@gatehouse/server';
import { openedBackend } from './backend.js';

/** A request as Pages Router API routes (Node's IncomingMessage) or route handlers (Request, NextRequest) have it. */
export type GetAuthRequest = { headers: Headers } | { headers: Record<string, string | string[] | undefined> };

export interface GetAuthOptions {
  /** A pending session (a task such as choose-organization is open) counts as signed out (default true). */
  treatPendingAsSignedOut?: boolean;
  /** Clerk's option; Gatehouse keeps its keys itself, so it is accepted and ignored. */
  secretKey?: string;
  /** Gatehouse's own: the port to ask instead of the process-wide one (as `auth()` takes). */
  backend?: GatehouseBackend;
}

function headersOf(req: GetAuthRequest): Headers {
  if (req.headers instanceof Headers) return req.headers;
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    // Node joins repeated Cookie headers with '; ', the others with ', '.
    headers.set(name, Array.isArray(value) ? value.join(name.toLowerCase() === 'cookie' ? '; ' : ', ') : value);
  }
  return headers;
}

function notReady(why: string): never {
  throw new GatehouseError(
    'setup_missing',
    `getAuth(req) answers synchronously, and ${why}. Open Gatehouse when the server starts: in instrumentation.ts, \`export async function register() { if (process.env.NEXT_RUNTIME === 'nodejs') await (await import('@gatehouse/nextjs/server')).startGatehouse(); }\`, or use \`await auth()\`, which waits.`,
  );
}

/**
 * The auth state of `req`, from the request's own session cookie or bearer token (never from a
 * header set upstream), as Clerk's `getAuth(req)` gives it: synchronously, with `userId`,
 * `orgId`, `orgRole`, `has()`, `getToken()` ... The token is verified by this process's
 * Gatehouse instance, which the middleware (or `startGatehouse()` in instrumentation.ts) opens.
 * @throws GatehouseError `setup_missing` when Gatehouse is not open in this process yet, or
 *   when it cannot answer without waiting (a standalone service that has not answered the app's
 *   key-set fetches, made every 5 minutes, for longer than a set is trusted; `await auth()` waits)
 */
export function getAuth(req: GetAuthRequest, options: GetAuthOptions = {}): AuthObject {
  const port = options.backend ?? openedBackend();
  if (!port) return notReady('Gatehouse is not open in this process yet');
  const headers = headersOf(req);
  const state: RequestState | Promise<RequestState> = port.authenticate({ headers });
  if (state instanceof Promise) {
    // Nobody awaits it: a rejection would be unhandled.
    state.catch(() => undefined);
    return notReady("this app's standalone Gatehouse service must fetch its keys again first");
  }
  return authObjectFor(state, port, headers, options);
}
