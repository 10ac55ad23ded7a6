// The audit log (issue #9): security events are written with who/what/when/IP/user agent, found by actor, action, target, organization and time, paged by cursor, exported as JSON Lines and injection-safe CSV.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { csvCell, type AuditEvent } from '../src/audit/audit.js';
import {
  API,
  PASSWORD,
  createCookieJar,
  createTestInstance,
  refresh,
  send,
  signIn,
  type TestInstance,
} from '../../../test-support/instance.js';
import { as, createOrg, join, member, type Member } from '../../../test-support/org-setup.js';

async function collect(gen: AsyncGenerator<string>): Promise<string> {
  let out = '';
  for await (const chunk of gen) out += chunk;
  return out;
}

describe('audit log', () => {
  let t: TestInstance;
  let alice: Member;
  let bob: Member;
  let org: { id: string };
  before(async () => {
    t = await createTestInstance();
    alice = await member(t, 'alice@example.com');
    bob = await member(t, 'bob@example.com');
    org = await createOrg(t, alice, { name: 'Acme' });
    await join(t, alice, org.id, bob);
  });
  after(() => t.close());

  test('a failed sign-in is recorded with the IP and user agent of the request', async () => {
    const res = await send(t, `${API}/sign-in`, {
      json: { email: 'alice@example.com', password: 'wrong password!' },
      // The leftmost entry is the client's own writing; this server's entry point appended the last.
      headers: { 'user-agent': '=HYPERLINK("http://evil")', 'x-forwarded-for': '198.51.100.66, 203.0.113.9' },
    });
    assert.equal(res.status, 401);
    const { events } = await t.gatehouse.audit.query({ action: 'sign_in.failed' });
    assert.equal(events.length, 1);
    assert.equal(events[0]?.targetId, alice.userId);
    assert.equal(events[0]?.ip, '203.0.113.9');
    assert.equal(events[0]?.userAgent, '=HYPERLINK("http://evil")');
    assert.ok(events[0]?.at);
  });

  test('filters: actor, exact action, action family, target, organization, time range', async () => {
    const all = (await t.gatehouse.audit.query({ limit: 1000 })).events;
    assert.ok(all.length >= 6);
    // Newest first, ids decreasing.
    assert.deepEqual(
      all.map((e) => Number(e.id)),
      all.map((e) => Number(e.id)).sort((a, b) => b - a),
    );
    const byAlice = (await t.gatehouse.audit.query({ actorId: alice.userId })).events;
    assert.ok(byAlice.length > 0 && byAlice.every((e) => e.actorId === alice.userId));
    const family = (await t.gatehouse.audit.query({ action: 'organization' + 'Membership.' })).events;
    assert.ok(family.length >= 2 && family.every((e) => e.action.startsWith('organizationMembership.')));
    const exact = (await t.gatehouse.audit.query({ action: 'organization.created' })).events;
    assert.equal(exact.length, 1);
    assert.equal(exact[0]?.targetId, org.id);
    const inOrg = (await t.gatehouse.audit.query({ organizationId: org.id })).events;
    assert.deepEqual(
      new Set(inOrg.map((e) => e.action)),
      new Set([
        'organization.created',
        'organizationMembership.created',
        'organizationInvitation.created',
        'organizationInvitation.accepted',
      ]),
    );
    const target = (await t.gatehouse.audit.query({ targetId: bob.sessionId })).events;
    assert.deepEqual(
      target.map((e) => e.action),
      ['session.created'],
    );
    // The LIKE wildcard `_` in an action family matches only itself.
    assert.equal((await t.gatehouse.audit.query({ action: 'sign_in.' })).events.length, 1);
    assert.equal((await t.gatehouse.audit.query({ action: 'signXin.' })).events.length, 0);
    t.advance(3600);
    await signIn(t, 'bob@example.com', PASSWORD, createCookieJar());
    const later = (await t.gatehouse.audit.query({ since: t.clock.now })).events;
    assert.ok(later.length >= 1 && later.every((e) => e.at >= t.clock.now));
    const iso = (await t.gatehouse.audit.query({ until: new Date(t.clock.now).toISOString() })).events;
    assert.ok(iso.every((e) => e.at < t.clock.now));
    assert.equal(iso.length + later.length, (await t.gatehouse.audit.query({ limit: 1000 })).events.length);
  });

  test('cursor pagination visits every event once', async () => {
    const all = (await t.gatehouse.audit.query({ limit: 1000 })).events;
    const seen: AuditEvent[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 100; i++) {
      const page = await t.gatehouse.audit.query({ limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.events);
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    assert.deepEqual(
      seen.map((e) => e.id),
      all.map((e) => e.id),
    );
  });

  test('invalid filters are a bad_request', async () => {
    for (const filter of [
      { limit: 0 },
      { limit: 1001 },
      { cursor: 'abc' },
      { cursor: '0' },
      { since: 'yesterday' },
      { action: "x' or 1=1" },
      { actorId: 'a b' },
      { unknown: 1 },
    ]) {
      await assert.rejects(t.gatehouse.audit.query(filter as never), { code: 'bad_request' }, JSON.stringify(filter));
    }
  });

  test('export: JSON Lines, one event per line', async () => {
    const all = (await t.gatehouse.audit.query({ limit: 1000 })).events;
    const text = await collect(t.gatehouse.audit.export({}, 'jsonl'));
    const lines = text.trimEnd().split('\n');
    assert.equal(lines.length, all.length);
    assert.deepEqual(JSON.parse(lines[0] ?? ''), all[0]);
  });

  test('export: CSV is quoted and formula-safe', async () => {
    const text = await collect(t.gatehouse.audit.export({ action: 'sign_in.failed' }, 'csv'));
    const lines = text.trimEnd().split('\r\n');
    assert.equal(lines[0], '"id","at","action","actorId","targetId","organizationId","ip","userAgent","data"');
    assert.equal(lines.length, 2);
    // The attacker's user agent starts with `=`: prefixed with ' so a spreadsheet shows it as text.
    assert.ok(lines[1]?.includes(`"'=HYPERLINK(""http://evil"")"`), lines[1]);
    for (const [value, cell] of [
      ['+1', `"'+1"`],
      ['-2', `"'-2"`],
      ['@SUM(A1)', `"'@SUM(A1)"`],
      ['\tx', `"'\tx"`],
      ['plain', '"plain"'],
      [null, '""'],
      [{ a: '"' }, '"{""a"":""\\""""}"'],
    ] as const) {
      assert.equal(csvCell(value), cell);
    }
  });

  test('the events an operator needs are written', async () => {
    const ctx = { ip: '198.51.100.7', userAgent: 'ops-test', origin: null };
    await t.gatehouse.keys.rotate();
    await t.gatehouse.sessions.revokeSession(bob.sessionId, ctx);
    assert.equal((await refresh(t, alice.jar)).status, 200);
    const promoted = await as(t, alice, `/organizations/${org.id}/memberships/${bob.userId}`, {
      method: 'PATCH',
      json: { role: 'org:admin' },
    });
    assert.equal(promoted.status, 200, promoted.text);
    await t.gatehouse.sessions.banUser(bob.userId);
    const actions = new Set((await t.gatehouse.audit.query({ limit: 1000 })).events.map((e) => e.action));
    for (const action of [
      'user.created',
      'session.created',
      'sign_in.failed',
      'session.revoked',
      'keys.rotated',
      'organizationMembership.updated',
      'user.banned',
    ]) {
      assert.ok(actions.has(action), action);
    }
    const revoked = (await t.gatehouse.audit.query({ action: 'session.revoked', targetId: bob.sessionId })).events[0];
    assert.equal(revoked?.ip, '198.51.100.7');
    assert.equal(revoked?.userAgent, 'ops-test');
  });
});

describe('the recorded IP behind several proxies (trustedProxyHops: 2)', () => {
  let t: TestInstance;
  before(async () => {
    t = await createTestInstance({ trustedProxyHops: 2 });
  });
  after(() => t.close());

  test('audit rows and the session list take the entry the outer trusted proxy appended, never a client-written one', async () => {
    const jar = createCookieJar();
    // Client-written, then what the outer proxy saw (the client), what the inner proxy saw (the
    // outer one), and what this server saw (the inner one), which its entry point appends.
    const xff = '198.51.100.66, 203.0.113.20, 10.0.0.2, 10.0.0.3';
    const res = await send(t, `${API}/sign-up`, {
      json: { email: 'hops@example.com', password: PASSWORD },
      jar,
      headers: { 'x-forwarded-for': xff },
    });
    assert.equal(res.status, 200, res.text);
    const { events } = await t.gatehouse.audit.query({ action: 'session.created' });
    assert.deepEqual(
      events.map((e) => e.ip),
      ['203.0.113.20'],
    );
    const listed = await send(t, `${API}/sessions`, { jar, headers: { 'x-forwarded-for': xff } });
    assert.equal(listed.status, 200, listed.text);
    assert.deepEqual(
      (listed.body as { sessions: { ip: string | null }[] }).sessions.map((s) => s.ip),
      ['203.0.113.20'],
    );
    // The same rule as the per-IP rate limits: one function decides both.
    assert.equal(t.gatehouse.rateLimits.clientIp(new Headers({ 'x-forwarded-for': xff })), '203.0.113.20');
  });
});
