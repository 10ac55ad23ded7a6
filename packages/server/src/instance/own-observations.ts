// In a Next.js server: append what this server saw (peer address, protocol) to each request's forwarding headers.

import http from 'node:http';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';

const INSTALLED = Symbol.for('gatehouse.own-observations');

function append(headers: http.IncomingHttpHeaders, name: 'x-forwarded-for' | 'x-forwarded-proto', value: string): void {
  const current = headers[name];
  const joined = Array.isArray(current) ? current.join(', ') : current;
  headers[name] = joined ? `${joined}, ${value}` : value;
}

/**
 * Makes the right end of X-Forwarded-For and X-Forwarded-Proto what this process's HTTP server saw:
 * the socket's peer address and whether the connection was TLS (issue #15). Next.js sets these
 * headers only when a request has none, so without this a client that writes its own
 * X-Forwarded-For chooses the address the per-IP limits and the audit log see. Gatehouse counts
 * its trusted proxy hops from this entry (`clientAddress`, `forwardedHostAndProtocol`).
 *
 * Installed once per process, before Next.js reads the request (the `request` event of every
 * http/https server in the process); `getGatehouse()` installs it in a Next.js server
 * (`NEXT_RUNTIME=nodejs`), so open the instance from instrumentation.ts (`startGatehouse()`)
 * and it is in place before the first request.
 */
export function appendOwnObservations(): void {
  const holder = globalThis as { [INSTALLED]?: true };
  if (holder[INSTALLED]) return;
  holder[INSTALLED] = true;
  for (const prototype of [http.Server.prototype, https.Server.prototype] as { emit: (...args: unknown[]) => boolean }[]) {
    const emit = prototype.emit;
    prototype.emit = function emitWithObservations(this: unknown, event: unknown, ...args: unknown[]): boolean {
      if (event === 'request') {
        const request = args[0] as http.IncomingMessage;
        const socket = request.socket as Partial<TLSSocket>;
        append(request.headers, 'x-forwarded-for', socket.remoteAddress ?? 'unknown');
        append(request.headers, 'x-forwarded-proto', socket.encrypted ? 'https' : 'http');
      }
      return emit.call(this, event, ...args);
    };
  }
}
