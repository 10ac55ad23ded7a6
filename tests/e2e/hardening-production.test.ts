// Issue #15 against the example's production build (`next start`): forwarding headers a client
// wrote (item 7), cookie writes that say nothing of where they come from (item 6), server actions
// called anonymously or with arguments that are not a form (item 10), and router state headers the
// proxy cannot parse (item 11). Run `npm run build` first.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { startAppServer, type AppServer } from '../../test-support/app-server.js';
import { demoSession, DEMO_PASSWORD, type DemoSession } from '../../test-support/demo-session.js';
import { raw } from '../../test-support/raw-http.js';

const APP_DIR = join(resolve(import.meta.dirname, '..', '..'), 'apps', 'example');

let app: AppServer;
let B = '';
let alice: DemoSession;
let actions: Record<string, string> = {};

before(async () => {
  app = await startAppServer({ env: { GATEHOUSE_DEMO: '1', GATEHOUSE_RATE_LIMIT_SIGN_IN_IP: '4/600' } });
  B = app.baseUrl;
  alice = await demoSession(B, 'alice@example.com', 'acme');
  const manifest = JSON.parse(readFileSync(join(APP_DIR, '.next', 'server', 'server-reference-manifest.json'), 'utf8')) as {
    node: Record<string, { exportedName: string }>;
  };
  actions = Object.fromEntries(Object.entries(manifest.node).map(([id, a]) => [a.exportedName, id]));
});

after(async () => {
  await app?.stop();
});

const auditIps = (action: string): (string | null)[] => {
  const db = new BetterSqlite3(app.databaseFile, { readonly: true });
  try {
    return (db.prepare('SELECT ip FROM audit_events WHERE action = ? ORDER BY at').all(action) as { ip: string | null }[]).map((r) => r.ip);
  } finally {
    db.close();
  }
};
const projectCount = (): number => {
  const db = new BetterSqlite3(join(app.databaseFile, '..', 'app.db'), { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM projects').get() as { n: number }).n;
  } catch {
    return 0;
  } finally {
    db.close();
  }
};

describe('item 7: a client-written X-Forwarded-For has no say without a trusted proxy', () => {
  test('the audit row records the socket address, and rotating forged addresses does not escape the per-address limit', async () => {
    const attempt = (forged: string) =>
      fetch(`${B}/api/gatehouse/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: B, 'x-forwarded-for': forged },
        body: JSON.stringify({ email: 'carol@example.com', password: 'not the password' }),
      });
    const statuses: number[] = [];
    for (let i = 1; i <= 6; i++) statuses.push((await attempt(`198.51.100.${i}`)).status);
    // 4 per address (set above), and alice's sign-in was the first from 127.0.0.1: three more are
    // answered, the rest refused although each claimed a new address.
    assert.deepEqual(statuses, [401, 401, 401, 429, 429, 429]);
    const ips = [...auditIps('sign_in.failed'), ...auditIps('rate_limit.exceeded')];
    assert.ok(ips.length >= 4, `audit rows: ${JSON.stringify(ips)}`);
    for (const ip of ips) assert.match(ip ?? '', /^(127\.0\.0\.1|::ffff:127\.0\.0\.1)$/, `recorded ${ip}`);
  });
});

describe('item 6: cookie writes with neither Origin nor Sec-Fetch-Site', () => {
  test('a route handler write and the auth API refuse them with 403 and write nothing; with Origin they work', async () => {
    const before = projectCount();
    for (const [method, target, body] of [
      ['POST', '/api/projects', '{"name":"no origin"}'],
      ['POST', '/api/gatehouse/sign-out', '{}'],
    ] as const) {
      const res = await raw(B, { method, target, headers: { cookie: alice.cookie, 'content-type': 'application/json' }, body });
      assert.equal(res.status, 403, `${method} ${target}: ${res.text.slice(0, 200)}`);
      assert.match(res.text, /csrf_rejected/);
    }
    assert.equal(projectCount(), before);
    const ok = await raw(B, {
      method: 'POST',
      target: '/api/projects',
      headers: { cookie: alice.cookie, 'content-type': 'application/json', origin: B },
      body: '{"name":"with origin"}',
    });
    assert.equal(ok.status, 201, ok.text.slice(0, 200));
  });

  test('the JSON routes take application/json only: text/plain, form and multipart bodies are 415 and write nothing', async () => {
    const before = projectCount();
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '']) {
      const res = await raw(B, {
        method: 'POST',
        target: '/api/projects',
        headers: { cookie: alice.cookie, origin: B, ...(contentType ? { 'content-type': contentType } : {}) },
        body: '{"name":"not json by type"}',
      });
      assert.equal(res.status, 415, `${contentType}: ${res.status} ${res.text.slice(0, 200)}`);
      assert.match(res.text, /unsupported_media_type/);
    }
    assert.equal(projectCount(), before);
    const typed = await raw(B, {
      method: 'POST',
      target: '/api/projects',
      headers: { cookie: alice.cookie, origin: B, 'content-type': 'application/json; charset=utf-8' },
      body: '{"name":"json by type"}',
    });
    assert.equal(typed.status, 201, typed.text.slice(0, 200));
  });

  test('the sign-in form still posts without JavaScript (the browser sends Origin)', async () => {
    const res = await raw(B, {
      method: 'POST',
      target: '/api/gatehouse/sign-in',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: B, cookie: alice.cookie },
      body: `email=bob%40example.com&password=${DEMO_PASSWORD}`,
    });
    assert.equal(res.status, 303, res.text.slice(0, 200));
  });
});

describe('item 10: server actions', () => {
  const call = (name: string, args: string, cookie?: string, target = '/dashboard') =>
    raw(B, {
      method: 'POST',
      target,
      headers: {
        'next-action': actions[name] ?? 'missing',
        'content-type': 'text/plain;charset=UTF-8',
        origin: B,
        accept: 'text/x-component',
        ...(cookie ? { cookie } : {}),
      },
      body: args,
    });

  test('arguments that are not a form are a clear error, not a 500, and write nothing', async () => {
    const before = projectCount();
    for (const [name, args] of [
      ['createProjectAction', '[{},"just a string"]'],
      ['createProjectAction', '[{},{"name":"an object"}]'],
      ['deleteProjectAction', '[{},null]'],
      ['addProjectFromNotes', '[42]'],
    ] as const) {
      const res = await call(name, args, alice.cookie);
      assert.ok(res.status < 500, `${name}(${args}): ${res.status} ${res.text.slice(0, 200)}`);
    }
    assert.equal(projectCount(), before);
    assert.doesNotMatch(app.output(), /TypeError/);
  });

  test('an anonymous call on a public page is refused without an alarming log line: no uncaught `aborted`, no error', async () => {
    // Next.js forwards an action called on a page that does not hold it to the page that does (here
    // /dashboard), streaming the body; the proxy refuses that inner request. Read to its end first,
    // it no longer aborts (before the fix: `⨯ uncaughtException: Error: aborted` for every call).
    const before = projectCount();
    const mark = app.output().length;
    for (const target of ['/', '/sign-in']) {
      for (const name of ['createProjectAction', 'addProjectFromNotes']) {
        const res = await call(name, '["x"]', undefined, target);
        assert.ok(res.status < 500, `${name} on ${target}: ${res.status}`);
        assert.doesNotMatch(res.text, /Confidential|prj_/);
      }
    }
    // The aborted inner request was logged just after the answer: a later request has seen it through.
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal((await fetch(`${B}/`)).status, 200);
    const logged = app.output().slice(mark);
    assert.doesNotMatch(logged, /aborted|uncaughtException|ECONNRESET|⨯/, logged);
    assert.equal(projectCount(), before);
  });

  test('anonymous calls are refused and write nothing', async () => {
    const before = projectCount();
    // A public page (the proxy lets it through: the action itself refuses) and a protected one.
    for (const target of ['/', '/dashboard']) {
      for (const name of ['createProjectAction', 'deleteProjectAction', 'addProjectFromNotes']) {
        for (const args of ['[{},"x"]', '["x"]']) {
          const res = await call(name, args, undefined, target);
          assert.ok(res.status < 500, `${name}(${args}) on ${target}: ${res.status}`);
        }
      }
    }
    assert.equal(projectCount(), before);
  });
});

describe('item 11: router state headers the proxy cannot parse', () => {
  test('a malformed Next-Router-State-Tree on a signed-in request is a 400, not a 500', async () => {
    for (const state of ['not json', encodeURIComponent(JSON.stringify({ children: [] })), '%E0%A4%A']) {
      const res = await raw(B, {
        target: '/dashboard',
        headers: { cookie: alice.cookie, rsc: '1', 'next-router-state-tree': state },
      });
      assert.equal(res.status, 400, `${state}: ${res.status}`);
    }
    // Control: a valid one renders.
    const valid = encodeURIComponent(JSON.stringify(['', { children: ['dashboard', { children: ['__PAGE__', {}] }] }, null, null, true]));
    const ok = await raw(B, { target: '/dashboard', headers: { cookie: alice.cookie, rsc: '1', 'next-router-state-tree': valid } });
    assert.notEqual(ok.status, 400);
    assert.ok(ok.status < 500);
  });
});
