// The admin HTTP API's settings and audit endpoints (issue #9): instance admins only (404 for anyone else), validated, audited, exported.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { API, createTestInstance, send, type TestInstance } from '../../../test-support/instance.js';
import { as, member, type Member } from '../../../test-support/org-setup.js';

describe('admin API: settings and audit', () => {
  let t: TestInstance;
  let admin: Member;
  let user: Member;
  before(async () => {
    t = await createTestInstance();
    admin = await member(t, 'admin@example.com');
    user = await member(t, 'user@example.com');
    await t.gatehouse.users.setInstanceAdmin(admin.userId, true);
  });
  after(() => t.close());

  test('signed out: 401; a signed-in non-admin: the same 404 as an unknown path, whatever the method', async () => {
    for (const path of ['/admin/settings', '/admin/audit', '/admin/audit/export']) {
      assert.equal((await send(t, `${API}${path}`)).status, 401);
      const before = t.counts();
      for (const method of ['GET', 'PATCH', 'POST']) {
        const res = await as(t, user, path, { method, ...(method === 'GET' ? {} : { json: { multiSession: true } }) });
        assert.equal(res.status, 404, `${method} ${path}`);
        assert.deepEqual(res.body, { error: { code: 'not_found', message: 'No such endpoint.' } });
      }
      assert.deepEqual(t.counts(), before);
    }
    assert.equal((await t.gatehouse.instanceSettings.get()).settings.multiSession, false);
  });

  test('an admin reads and changes the settings; the change is audited with the admin as actor', async () => {
    const read = await as(t, admin, '/admin/settings');
    assert.equal(read.status, 200);
    assert.equal((read.body as { settings: { multiSession: boolean } }).settings.multiSession, false);
    const bad = await as(t, admin, '/admin/settings', { method: 'PATCH', json: { multiSession: 'yes' } });
    assert.equal(bad.status, 400);
    const unknown = await as(t, admin, '/admin/settings', { method: 'PATCH', json: { secret: 'x' } });
    assert.equal(unknown.status, 400);
    const changed = await as(t, admin, '/admin/settings', { method: 'PATCH', json: { multiSession: true } });
    assert.equal(changed.status, 200, changed.text);
    assert.equal(t.gatehouse.settings.multiSession, true);
    const audit = await as(t, admin, '/admin/audit?action=settings.updated');
    assert.equal(audit.status, 200);
    const events = (audit.body as { events: { actorId: string; data: unknown }[] }).events;
    assert.equal(events.length, 1);
    assert.equal(events[0]?.actorId, admin.userId);
    assert.deepEqual(events[0]?.data, { changes: { multiSession: { from: false, to: true } } });
  });

  test('audit query: filters and cursor from the query string; unknown, repeated or invalid parameters are 400', async () => {
    const first = await as(t, admin, `/admin/audit?limit=1&actorId=${user.userId}`);
    assert.equal(first.status, 200);
    const page = first.body as { events: { actorId: string }[]; nextCursor: string | null };
    assert.equal(page.events.length, 1);
    assert.equal(page.events[0]?.actorId, user.userId);
    for (const query of ['limit=0', 'cursor=x', 'since=never', 'bogus=1', 'action=a&action=b']) {
      const res = await as(t, admin, `/admin/audit?${query}`);
      assert.equal(res.status, 400, query);
      assert.equal((res.body as { error: { code: string } }).error.code, 'bad_request');
    }
  });

  test('export as CSV and JSON Lines', async () => {
    const csv = await as(t, admin, '/admin/audit/export?format=csv&action=user.created');
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
    assert.match(csv.headers.get('content-disposition') ?? '', /attachment; filename="gatehouse-audit.csv"/);
    const rows = csv.text.trimEnd().split('\r\n');
    assert.equal(rows.length, 3); // header + two users
    const jsonl = await as(t, admin, '/admin/audit/export?action=user.created');
    assert.match(jsonl.headers.get('content-type') ?? '', /^application\/jsonl/);
    const lines = jsonl.text
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { action: string });
    assert.deepEqual(
      lines.map((l) => l.action),
      ['user.created', 'user.created'],
    );
    assert.equal((await as(t, admin, '/admin/audit/export?format=xml')).status, 400);
    assert.equal((await as(t, admin, '/admin/audit/export?format=csv&limit=-1')).status, 400);
  });
});
