// A real HTTP server hosting a Gatehouse instance's handler (node:http), on a free port with a fresh SQLite file: the standalone shape, without building the example app.

import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGatehouse, type Gatehouse, type GatehouseOptions } from '@gatehouse/server';

export interface HandlerServer {
  gatehouse: Gatehouse;
  /** `http://127.0.0.1:<port>`. */
  baseUrl: string;
  port: number;
  databaseFile: string;
  /** Every line the instance logged. */
  output(): string;
  stop(): Promise<void>;
}

async function toRequest(req: IncomingMessage, port: number): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const method = req.method ?? 'GET';
  const body = method === 'GET' || method === 'HEAD' ? undefined : Buffer.concat(chunks);
  return new Request(`http://${req.headers.host ?? `localhost:${port}`}${req.url ?? '/'}`, { method, headers, ...(body ? { body } : {}) });
}

/** Serves `gatehouse.handle` for every request; anything else is the handler's own 404. */
export async function startHandlerServer(options: Partial<GatehouseOptions> = {}): Promise<HandlerServer> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-e2e-'));
  const databaseFile = join(dir, 'gatehouse.db');
  const lines: string[] = [];
  const gatehouse = await createGatehouse({ databaseFile, allowDevSecret: true, log: (line) => lines.push(line), ...options });
  let port = 0;
  const server: Server = createServer((req, res) => {
    void (async () => {
      try {
        const response = await gatehouse.handle(await toRequest(req, port));
        res.statusCode = response.status;
        response.headers.forEach((value, name) => {
          if (name !== 'set-cookie') res.setHeader(name, value);
        });
        const cookies = response.headers.getSetCookie();
        if (cookies.length) res.setHeader('set-cookie', cookies);
        res.end(Buffer.from(await response.arrayBuffer()));
      } catch (error) {
        lines.push(`server: ${error instanceof Error ? error.message : String(error)}`);
        res.statusCode = 500;
        res.end();
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
  return {
    gatehouse,
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    databaseFile,
    output: () => lines.join('\n'),
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await gatehouse.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
