// A real HTTP server on a free local port in front of an instance's Request -> Response handler, for tests that cross the network.

import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Gatehouse } from '@gatehouse/server';

export interface TestHttpServer {
  url: string;
  close(): Promise<void>;
}

async function toRequest(req: IncomingMessage, origin: string): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
  return new Request(new URL(req.url ?? '/', origin), { method: req.method ?? 'GET', headers, ...(body ? { body } : {}) });
}

/** Serves `gatehouse.handle` over HTTP on 127.0.0.1 (a free port). */
export async function startHttpServer(gatehouse: Gatehouse): Promise<TestHttpServer> {
  let origin = '';
  const server = createServer((req, res) => {
    toRequest(req, origin)
      .then((request) => gatehouse.handle(request))
      .then(async (response) => {
        // Every Set-Cookie line: a plain object of the headers would keep only the last one.
        const headers: Record<string, string | string[]> = Object.fromEntries(response.headers);
        if (response.headers.has('set-cookie')) headers['set-cookie'] = response.headers.getSetCookie();
        res.writeHead(response.status, headers);
        res.end(Buffer.from(await response.arrayBuffer()));
      })
      .catch(() => {
        res.writeHead(500).end();
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
