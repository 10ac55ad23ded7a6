// Starts apps/reports-api (its built dist/main.js) as its own process on a free port. Not a test:
// the end-to-end files use it. `npm run build` (tsc -b) builds it.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort } from './app-server.js';

const MAIN = join(resolve(import.meta.dirname, '..'), 'apps', 'reports-api', 'dist', 'main.js');

export interface ReportsService {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

/** A port for the service, chosen before the app starts (the app needs REPORTS_API_URL at start). */
export async function reportsPort(): Promise<number> {
  return freePort();
}

export async function startReportsService(port: number, env: { jwksUrl: string; issuer: string }): Promise<ReportsService> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first.`);
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, REPORTS_PORT: String(port), GATEHOUSE_JWKS_URL: env.jwksUrl, GATEHOUSE_ISSUER: env.issuer },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    }
  };
  process.once('exit', () => child.kill('SIGKILL'));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`reports-api exited (${child.exitCode}):\n${output}`);
    try {
      if ((await fetch(`${url}/health`)).status === 200) return { url, output: () => output, stop };
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`reports-api did not answer within 15 s:\n${output}`);
}
