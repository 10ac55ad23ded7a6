// The metrics on a port of their own (issue #21): `gatehouse serve` with GATEHOUSE_METRICS_PORT answers GET /metrics there without a key, nothing else, while the service's own port keeps the keyed route; a bad port stops the start.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSecretKey } from '@gatehouse/server';
import { eventually } from '../../../test-support/backends.js';
import { PASSWORD } from '../../../test-support/instance.js';
import { parseMetrics } from '../../../test-support/metrics-scrape.js';
import { freePort } from '../../../test-support/app-server.js';

const MAIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const KEY = generateSecretKey();

function environment(dir: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    GATEHOUSE_DATABASE_FILE: join(dir, 'gatehouse.db'),
    GATEHOUSE_SECRET: 'metrics-port-test-secret-0123456789-abcdef',
    GATEHOUSE_SECRET_KEY: KEY,
    // No mailer here: production with verification required would refuse to start (tested elsewhere).
    GATEHOUSE_EMAIL_VERIFICATION: 'off',
    ...extra,
  };
}

describe('gatehouse serve with GATEHOUSE_METRICS_PORT', () => {
  let dir: string;
  let service: ChildProcess;
  let output = '';
  let serviceUrl: string;
  let metricsUrl: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-metrics-port-'));
    const [port, metricsPort] = [await freePort(), await freePort()];
    serviceUrl = `http://127.0.0.1:${port}`;
    metricsUrl = `http://127.0.0.1:${metricsPort}`;
    service = spawn(process.execPath, [MAIN, 'serve', '--port', String(port)], {
      cwd: dir,
      env: environment(dir, { GATEHOUSE_METRICS_PORT: String(metricsPort) }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    service.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    service.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    await eventually(
      'the metrics port answers',
      async () => {
        if (service.exitCode !== null) throw new Error(`gatehouse serve exited:\n${output}`);
        return (await fetch(`${metricsUrl}/metrics`).catch(() => null))?.status === 200;
      },
      20_000,
    );
  });
  after(async () => {
    if (service && service.exitCode === null) {
      const gone = new Promise((resolve) => service.once('exit', resolve));
      service.kill('SIGTERM');
      await gone;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const scrapePort = async () => {
    const res = await fetch(`${metricsUrl}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    return parseMetrics(await res.text());
  };

  test('GET /metrics on the port needs no key and counts what the service did', async () => {
    assert.match(output, new RegExp(`metrics on ${metricsUrl.replace(/[.]/g, '\\.')}/metrics`));
    const before = await scrapePort();
    assert.equal(before.get('gatehouse_database_up'), 1);
    const signUp = await fetch(`${serviceUrl}/api/gatehouse/sign-up`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: serviceUrl },
      body: JSON.stringify({ email: 'metrics-port@example.com', password: PASSWORD }),
    });
    assert.equal(signUp.status, 200, await signUp.text());
    const wrong = await fetch(`${serviceUrl}/api/gatehouse/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: serviceUrl },
      body: JSON.stringify({ email: 'metrics-port@example.com', password: 'not the password' }),
    });
    assert.equal(wrong.status, 401);
    const now = await scrapePort();
    const delta = (name: string) => (now.get(name) ?? 0) - (before.get(name) ?? 0);
    assert.equal(delta('gatehouse_sign_ups_total{outcome="success"}'), 1);
    assert.equal(delta('gatehouse_sign_ins_total{outcome="invalid_credentials"}'), 1);
    // The keyed route on the service's port is the same registry.
    const keyed = await fetch(`${serviceUrl}/api/gatehouse/metrics`, { headers: { authorization: `Bearer ${KEY}` } });
    assert.equal(keyed.status, 200);
    assert.equal(
      parseMetrics(await keyed.text()).get('gatehouse_sign_ups_total{outcome="success"}'),
      now.get('gatehouse_sign_ups_total{outcome="success"}'),
    );
    assert.equal((await fetch(`${serviceUrl}/api/gatehouse/metrics`)).status, 401, 'the service port still wants the key');
  });

  test('the port serves only GET and HEAD /metrics: the auth API, the dashboard and other methods are 404 there', async () => {
    const head = await fetch(`${metricsUrl}/metrics`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
    assert.equal((await fetch(`${metricsUrl}/metrics?x=1`)).status, 200, 'a query string is ignored');
    for (const [method, path] of [
      ['POST', '/metrics'],
      ['DELETE', '/metrics'],
      ['GET', '/'],
      ['GET', '/metrics/extra'],
      ['GET', '/api/gatehouse/metrics'],
      ['GET', '/api/gatehouse/dashboard'],
      ['GET', '/health'],
      ['GET', '/.well-known/jwks.json'],
    ] as const) {
      const res = await fetch(`${metricsUrl}${path}`, { method });
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.equal(await res.text(), 'Not found\n');
    }
    const signIn = await fetch(`${metricsUrl}/api/gatehouse/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'metrics-port@example.com', password: PASSWORD }),
    });
    assert.equal(signIn.status, 404);
    assert.equal(signIn.headers.getSetCookie().length, 0);
  });

  test('a GATEHOUSE_METRICS_PORT that is not a port number stops the start with a message', () => {
    const bad = mkdtempSync(join(tmpdir(), 'gatehouse-metrics-port-'));
    try {
      const run = spawnSync(process.execPath, [MAIN, 'serve', '--port', '0'], {
        cwd: bad,
        env: environment(bad, { GATEHOUSE_METRICS_PORT: 'nine' }),
        encoding: 'utf8',
        timeout: 30_000,
      });
      assert.notEqual(run.status, 0);
      assert.match(run.stderr, /GATEHOUSE_METRICS_PORT must be a port number \(0-65535\)/);
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });
});
