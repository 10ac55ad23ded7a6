// A Gatehouse instance on a fresh SQLite file behind a real HTTP server (the standalone shape), without building the example app.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGatehouse, type Gatehouse, type GatehouseOptions } from '@gatehouse/server';
import { startHttpServer } from './http-server.js';

export interface HandlerServer {
  gatehouse: Gatehouse;
  /** `http://127.0.0.1:<port>`. */
  baseUrl: string;
  /** Every line the instance logged. */
  output(): string;
  stop(): Promise<void>;
}

export async function startHandlerServer(options: Partial<GatehouseOptions> = {}): Promise<HandlerServer> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-e2e-'));
  const lines: string[] = [];
  const gatehouse = await createGatehouse({
    databaseFile: join(dir, 'gatehouse.db'),
    allowDevSecret: true,
    log: (line) => lines.push(line),
    // Sign-ups here go straight to a session; the verification flow has its own end-to-end test.
    emailVerificationRequired: false,
    ...options,
  });
  const http = await startHttpServer(gatehouse);
  return {
    gatehouse,
    baseUrl: http.url,
    output: () => lines.join('\n'),
    async stop() {
      await http.close();
      await gatehouse.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
