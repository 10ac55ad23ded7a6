// In a Next.js server, before Next.js reads a request: what this server saw goes into the forwarding headers, router headers it cannot parse are a 400, and the request gets its scope.

import { AsyncLocalStorage } from 'node:async_hooks';
import http from 'node:http';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { routerHeadersParse } from './router-state.js';
import { INTERNAL_HEADER, REQUEST_HEADER } from './settings.js';

const INSTALLED = Symbol.for('gatehouse.request-hook');
const SCOPES = Symbol.for('gatehouse.request-scopes');

/** What the proxy leaves for auth() beside one request: the path it passed the request on for. */
interface RequestScope {
  /** The request's number, also in its REQUEST_HEADER: a scope serves only the request that carries it. */
  readonly id: string;
  path: string | null;
}

/** One store for every bundle of this process (the proxy and the app are bundled apart). */
function scopes(): AsyncLocalStorage<RequestScope> {
  const holder = globalThis as { [SCOPES]?: AsyncLocalStorage<RequestScope> };
  return (holder[SCOPES] ??= new AsyncLocalStorage<RequestScope>());
}

/** The scope of the request whose headers these are, if the request hook opened one for it. */
function scopeOf(headers: Pick<Headers, 'get'>): RequestScope | undefined {
  const scope = scopes().getStore();
  return scope && scope.id === headers.get(REQUEST_HEADER) ? scope : undefined;
}

/** The proxy: records that it passes this request on, for `path`. False when no scope is open for it. */
export function markPassedOn(headers: Pick<Headers, 'get'>, path: string): boolean {
  const scope = scopeOf(headers);
  if (!scope) return false;
  scope.path = path;
  return true;
}

/** The path the proxy passed this request on for (recorded in its scope), or null. */
export function passedOnPath(headers: Pick<Headers, 'get'>): string | null {
  return scopeOf(headers)?.path ?? null;
}

function append(headers: http.IncomingHttpHeaders, name: 'x-forwarded-for' | 'x-forwarded-proto', value: string): void {
  const current = headers[name];
  const joined = Array.isArray(current) ? current.join(', ') : current;
  headers[name] = joined ? `${joined}, ${value}` : value;
}

/** One request, before Next.js: false when it has been answered here. */
function admit(request: http.IncomingMessage, response: http.ServerResponse): boolean {
  const socket = request.socket as Partial<TLSSocket>;
  // The right end of the chains is what this server saw (issue #15, item 7): Next.js sets these
  // headers only when a request has none, so a client-written X-Forwarded-For would otherwise
  // choose the address the per-IP limits and the audit log see. Trusted hops count from here.
  append(request.headers, 'x-forwarded-for', socket.remoteAddress ?? 'unknown');
  append(request.headers, 'x-forwarded-proto', socket.encrypted ? 'https' : 'http');
  // Internal-looking headers a client sent never reach the proxy or the app (the proxy drops them
  // too where no hook ran); REQUEST_HEADER among them, set below to this request's own number.
  for (const name of Object.keys(request.headers)) if (INTERNAL_HEADER.test(name)) delete request.headers[name];
  // Next.js removes its router headers from the request the proxy sees, then answers a malformed
  // Next-Router-State-Tree with a 500 for signed-in requests (item 11): refused here instead.
  const state = request.headers['next-router-state-tree'];
  if (state !== undefined && !routerHeadersParse({ get: () => (Array.isArray(state) ? state.join(', ') : state) })) {
    request.resume();
    response.writeHead(400, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    response.end(JSON.stringify({ error: { code: 'bad_request', message: 'The Next-Router-State-Tree header is not valid.' } }));
    return false;
  }
  return true;
}

/**
 * Installs {@link admit} on the `request` event of every http/https server in this process, once,
 * and runs each admitted request in its own scope, numbered in REQUEST_HEADER.
 * `backend()` installs it in a Next.js server (`NEXT_RUNTIME=nodejs`); open the instance from
 * instrumentation.ts (`startGatehouse()`) so it is in place before the first request.
 */
export function installRequestHook(): void {
  const holder = globalThis as { [INSTALLED]?: true };
  if (holder[INSTALLED]) return;
  holder[INSTALLED] = true;
  const store = scopes();
  let sequence = 0;
  for (const prototype of [http.Server.prototype, https.Server.prototype] as { emit: (...args: unknown[]) => boolean }[]) {
    const emit = prototype.emit;
    prototype.emit = function emitAdmitted(this: unknown, event: unknown, ...args: unknown[]): boolean {
      if (event !== 'request') return emit.call(this, event, ...args);
      const request = args[0] as http.IncomingMessage;
      if (!admit(request, args[1] as http.ServerResponse)) return true;
      const scope: RequestScope = { id: String(++sequence), path: null };
      request.headers[REQUEST_HEADER] = scope.id;
      return store.run(scope, () => emit.call(this, event, ...args));
    };
  }
}
