// The standalone service: the auth HTTP API, JWKS, discovery and a health check on a node:http server, with graceful shutdown.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { json } from '../http/respond.js';
import type { Gatehouse } from '../instance/instance.js';

/**
 * One more endpoint of the service: answers the request, or returns null to let the next route
 * (and finally the auth API) answer. Other parts (backend API, dashboard) plug in here.
 */
export type ServiceRoute = (request: Request, gatehouse: Gatehouse) => Response | null | Promise<Response | null>;

/** Where apps find the service's issuer and keys (`GET /.well-known/gatehouse.json`). */
export interface ServiceDiscovery {
  issuer: string;
  jwks_uri: string;
  api_base: string;
  /** The session-token lifetime: a verifier refuses tokens living longer (issue #15). */
  session_token_lifetime_seconds?: number;
}

export const DISCOVERY_PATH = '/.well-known/gatehouse.json';

/**
 * The service as one Request -> Response function: `GET /health`, the discovery document, the
 * extra routes in order, then the auth API (which also serves `/.well-known/jwks.json`).
 */
export function createServiceHandler(gatehouse: Gatehouse, routes: readonly ServiceRoute[] = []): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url);
    if (request.method === 'GET' || request.method === 'HEAD') {
      if (url.pathname === '/health') {
        // Redis down is degraded, not dead: the instance still serves (with the documented bound).
        const fanOut = gatehouse.fanOut;
        return json(200, { status: 'ok', redis: fanOut ? (fanOut.subscribed ? 'subscribed' : 'reconnecting') : 'off' });
      }
      if (url.pathname === DISCOVERY_PATH) {
        const discovery: ServiceDiscovery = {
          issuer: gatehouse.settings.issuer,
          jwks_uri: new URL('/.well-known/jwks.json', url).href,
          api_base: new URL(gatehouse.basePath, url).href,
          session_token_lifetime_seconds: gatehouse.settings.sessionTokenTtlSeconds,
        };
        return json(200, discovery, { 'cache-control': 'public, max-age=300' });
      }
    }
    for (const route of routes) {
      const response = await route(request, gatehouse);
      if (response) return response;
    }
    return gatehouse.handle(request);
  };
}

export interface ServiceServer {
  /** `http://host:port` it listens on. */
  url: string;
  /** Stops accepting connections, lets requests in flight finish (at most `graceMs`), then closes the rest. */
  close(graceMs?: number): Promise<void>;
}

function appendForwarded(headers: Headers, name: string, value: string): void {
  const forwarded = headers.get(name);
  headers.set(name, forwarded ? `${forwarded}, ${value}` : value);
}

function toRequest(req: IncomingMessage): Request {
  const host = req.headers.host ?? 'localhost';
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  // What this server saw goes last (the peer's address, plain http): the client address and
  // protocol are counted from there (clientAddress, GATEHOUSE_TRUSTED_PROXY_HOPS), never taken
  // from an entry the client made up.
  appendForwarded(headers, 'x-forwarded-for', req.socket.remoteAddress ?? 'unknown');
  appendForwarded(headers, 'x-forwarded-proto', 'http');
  const init: RequestInit & { duplex?: 'half' } = { method: req.method ?? 'GET', headers };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    init.body = Readable.toWeb(req) as ReadableStream<Uint8Array>;
    init.duplex = 'half';
  }
  // The request target is appended to the origin, never resolved against it: `//other.host/x` is a
  // path here, not another host.
  const target = req.url ?? '/';
  if (!target.startsWith('/')) throw new TypeError('absolute-form request targets are not served');
  if (!/^[A-Za-z0-9.:[\]-]+$/.test(host)) throw new TypeError('malformed Host header');
  return new Request(new URL(`http://${host}${target}`), init);
}

async function send(res: ServerResponse, response: Response, head: boolean): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  res.writeHead(response.status, headers);
  res.end(head ? undefined : Buffer.from(await response.arrayBuffer()));
}

/** Serves `handler` on `host:port` (port 0: a free one). */
export async function startServiceServer(
  handler: (request: Request) => Promise<Response>,
  options: { port: number; host?: string; log: (line: string) => void },
): Promise<ServiceServer> {
  const server = createServer((req, res) => {
    let request: Request;
    try {
      request = toRequest(req);
    } catch {
      res.writeHead(400, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ error: { code: 'bad_request', message: 'Malformed request.' } }));
      return;
    }
    handler(request)
      .then((response) => send(res, response, req.method === 'HEAD'))
      .catch((error: unknown) => {
        options.log(`gatehouse: unexpected error serving a request: ${error instanceof Error ? error.message : 'unknown error'}`);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ error: { code: 'internal_error', message: 'Something went wrong on the server.' } }));
      });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    async close(graceMs = 10_000) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(timer);
    },
  };
}
