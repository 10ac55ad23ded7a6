// In a Next.js server, before Next.js reads a request: what this server saw goes into the forwarding headers, and router headers it cannot parse are a 400.

import http from 'node:http';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import { routerHeadersParse } from './router-state.js';

const INSTALLED = Symbol.for('gatehouse.request-hook');

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
 * Installs {@link admit} on the `request` event of every http/https server in this process, once.
 * `backend()` installs it in a Next.js server (`NEXT_RUNTIME=nodejs`); open the instance from
 * instrumentation.ts (`startGatehouse()`) so it is in place before the first request.
 */
export function installRequestHook(): void {
  const holder = globalThis as { [INSTALLED]?: true };
  if (holder[INSTALLED]) return;
  holder[INSTALLED] = true;
  for (const prototype of [http.Server.prototype, https.Server.prototype] as { emit: (...args: unknown[]) => boolean }[]) {
    const emit = prototype.emit;
    prototype.emit = function emitAdmitted(this: unknown, event: unknown, ...args: unknown[]): boolean {
      if (event === 'request' && !admit(args[0] as http.IncomingMessage, args[1] as http.ServerResponse)) return true;
      return emit.call(this, event, ...args);
    };
  }
}
