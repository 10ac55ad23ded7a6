// Standalone mode end to end (issue "Scale-out"): `gatehouse serve` in its own process, the example app's production server pointed at it with GATEHOUSE_SERVICE_URL: sign in through the app, use the session, refresh through the proxy, revoke, and a graceful shutdown on SIGTERM.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REDIS_URL, eventually, serviceGate } from '../../test-support/backends.js';
import { freePort, startAppServer, type AppServer } from '../../test-support/app-server.js';
import { createRawCookieJar, type CookieJar } from '../../test-support/instance.js';

const skip = await serviceGate('Redis');
const ROOT = resolve(import.meta.dirname, '..', '..');
const CLI = join(ROOT, 'packages', 'server', 'dist', 'cli', 'main.js');
const PASSWORD = 'correct horse battery staple';

describe('gatehouse serve + an app in standalone mode', { skip }, () => {
  let dir: string;
  let service: ChildProcess;
  let serviceUrl: string;
  let output = '';
  let app: AppServer;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-standalone-'));
    const servicePort = await freePort();
    const appPort = await freePort();
    serviceUrl = `http://127.0.0.1:${servicePort}`;
    service = spawn(process.execPath, [CLI, 'serve', '--port', String(servicePort)], {
      cwd: dir,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        // Sign-up goes straight to a session here (no mailer); the verification flow has its own test.
        GATEHOUSE_EMAIL_VERIFICATION: 'off',
        GATEHOUSE_DATABASE_FILE: join(dir, 'gatehouse.db'),
        GATEHOUSE_SECRET: 'standalone-e2e-secret-0123456789-abcdefgh',
        GATEHOUSE_ALLOWED_ORIGINS: `http://127.0.0.1:${appPort}`,
        REDIS_URL,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    service.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    service.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    await eventually(
      'the service answers /health',
      async () => {
        if (service.exitCode !== null) throw new Error(`gatehouse serve exited:\n${output}`);
        return (await fetch(`${serviceUrl}/health`).catch(() => null))?.status === 200;
      },
      20_000,
    );
    app = await startAppServer({ port: appPort, env: { GATEHOUSE_SERVICE_URL: serviceUrl, REDIS_URL } });
  });
  after(async () => {
    await app?.stop();
    if (service && service.exitCode === null) service.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function call(path: string, jar: CookieJar, json?: unknown) {
    const method = json === undefined ? 'GET' : 'POST';
    const res = await fetch(`${app.baseUrl}${path}`, {
      method,
      redirect: 'manual',
      headers: {
        cookie: jar.header(),
        accept: 'application/json',
        ...(method === 'POST' ? { origin: app.baseUrl, 'content-type': 'application/json' } : {}),
      },
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
    });
    jar.storeLines(res.headers.getSetCookie());
    return { status: res.status, text: await res.text(), headers: res.headers };
  }

  test('sign up and in through the app, use, refresh through the proxy, revoke', async () => {
    const jar = createRawCookieJar();
    const signUp = await call('/api/gatehouse/sign-up', jar, { email: 'standalone@example.com', password: PASSWORD });
    assert.equal(signUp.status, 200, `${signUp.text}\n${app.output()}\n${output}`);
    assert.ok(jar.get('__session') && jar.get('__client'), "the cookies are set on the app's origin");
    assert.match(app.output(), /using the standalone service/);

    // Use: the app verifies the token with the service's JWKS.
    const me = await call('/api/me', jar);
    assert.equal(me.status, 200, me.text);
    const { userId, sessionId } = JSON.parse(me.text) as { userId: string; sessionId: string };
    assert.match(userId, /^user_/);

    // currentUser() in a server component: the page shows the user's email, fetched from the service.
    const page = await call('/dashboard', jar);
    assert.equal(page.status, 200);
    assert.match(page.text, /standalone@example\.com/);

    // Refresh: no session token, only the client cookie: the app's proxy refreshes through the service in this request.
    const token = jar.get('__session') as string;
    jar.delete('__session');
    const refreshed = await call('/api/me', jar);
    assert.equal(refreshed.status, 200, refreshed.text);
    assert.equal((JSON.parse(refreshed.text) as { sessionId: string }).sessionId, sessionId);
    assert.ok(jar.get('__session') && jar.get('__session') !== token, 'a fresh session token was set');

    // Revoke (sign out through the app): the app refuses the old token once Redis tells it, and cannot refresh it.
    const fresh = jar.get('__session') as string;
    const client = jar.get('__client') as string;
    assert.equal((await call('/api/gatehouse/sign-out', jar, {})).status, 200);
    await eventually(
      'the app refuses the revoked token',
      async () => (await call('/api/me', createRawCookieJar({ __session: fresh }))).status === 401,
    );
    assert.equal((await call('/api/me', createRawCookieJar({ __client: client }))).status, 401);
  });

  test('the service shuts down gracefully on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolveExit) => service.once('exit', (code) => resolveExit(code)));
    service.kill('SIGTERM');
    assert.equal(await exited, 0, output);
    assert.match(output, /shutting down/);
  });
});
