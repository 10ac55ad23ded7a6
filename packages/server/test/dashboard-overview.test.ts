// The dashboard's overview (issue #21): users, live sessions, organizations, and sign-ins, failures and new users per
// UTC day, counted by the store on SQLite and PostgreSQL; the page shows the same numbers as its charts and tables.

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import {
  createTestDatabase,
  openInstance,
  serviceGate,
  type BackendInstance,
  type BackendName,
  type TestDatabase,
} from '../../../test-support/backends.js';
import { API, PASSWORD, send, signIn } from '../../../test-support/instance.js';
import { member } from '../../../test-support/org-setup.js';

const postgresSkip = await serviceGate('PostgreSQL');
const DAY_MS = 86_400_000;

for (const backend of ['sqlite', 'postgres'] as BackendName[]) {
  describe(`dashboard overview on ${backend}`, { skip: backend === 'postgres' ? postgresSkip : false }, () => {
    let database: TestDatabase | undefined;
    const opened: BackendInstance[] = [];
    before(async () => {
      database = await createTestDatabase(backend);
    });
    afterEach(async () => {
      for (const t of opened.splice(0)) await t.close();
    });
    after(async () => {
      await database?.drop();
    });

    test('counts per day match the actions; the page shows them; a non-admin gets nothing', async () => {
      if (!database) throw new Error('no database');
      const t = await openInstance(database);
      opened.push(t);
      const admin = await member(t, 'overview-admin@example.com');
      await t.gatehouse.users.setInstanceAdmin(admin.userId, true);
      const bob = await member(t, 'overview-bob@example.com');
      // The next day: one more sign-in of bob, two refused passwords.
      t.advance(86_400);
      assert.equal((await signIn(t, bob.email, PASSWORD)).status, 200);
      assert.equal((await signIn(t, bob.email, 'not-the-password-1')).status, 401);
      assert.equal((await signIn(t, bob.email, 'not-the-password-2')).status, 401);

      const day0 = Math.floor((t.clock.now - DAY_MS) / DAY_MS);
      const counts = await t.gatehouse.store.countAuditEventsByDay(['session.created', 'sign_in.failed', 'user.created'], day0 * DAY_MS);
      const of = (action: string, day: number) => counts.find((c) => c.action === action && c.day === day)?.count ?? 0;
      assert.equal(of('user.created', day0), 2);
      assert.equal(of('session.created', day0), 2, 'the two sign-ups started sessions');
      assert.equal(of('session.created', day0 + 1), 1);
      assert.equal(of('sign_in.failed', day0 + 1), 2);
      assert.equal(of('sign_in.failed', day0), 0);
      // Nothing before `since`.
      assert.deepEqual(await t.gatehouse.store.countAuditEventsByDay(['user.created'], (day0 + 1) * DAY_MS), []);
      assert.equal(await t.gatehouse.store.countLiveSessions(t.clock.now), 3);
      assert.equal(await t.gatehouse.store.countLiveSessions(t.clock.now + 400 * DAY_MS), 0, 'expired sessions are not live');

      const audit = (await t.counts()).audit_events;
      const page = await send(t, `${API}/dashboard/overview`, { jar: admin.jar });
      assert.equal(page.status, 200);
      assert.match(page.text, /<dt>Users<\/dt>\s*<dd>2<\/dd>/);
      assert.match(page.text, /<dt>Active sessions<\/dt>\s*<dd>3<\/dd>/);
      assert.match(page.text, /<dt>Failed sign-ins, last 14 days<\/dt>\s*<dd>2<\/dd>/);
      assert.equal((page.text.match(/<svg [^>]*role="img"/g) ?? []).length, 2);
      const today = new Date(t.clock.now).toISOString().slice(5, 10);
      assert.match(
        page.text,
        new RegExp(`<td>${today}</td>\\s*<td>1</td>\\s*<td>2</td>`),
        'the numbers table: 1 sign-in, 2 failures today',
      );
      const root = await send(t, `${API}/dashboard`, { jar: admin.jar });
      assert.equal(root.status, 303);
      assert.equal(root.headers.get('location'), `${API}/dashboard/overview`);

      const refused = await send(t, `${API}/dashboard/overview`, { jar: bob.jar });
      assert.equal(refused.status, 404);
      assert.doesNotMatch(refused.text, /Active sessions/);
      assert.equal((await t.counts()).audit_events, audit, 'viewing writes nothing');
    });
  });
}
