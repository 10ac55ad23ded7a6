// GATEHOUSE_DEV_INBOX: off unless set; on in development; in a production build only as the explicit
// `allow-in-production` opt-in (end-to-end tests), said loudly at start. `devInbox: true` stays refused in production.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { gatehouseOptionsFromEnv } from '@gatehouse/server';
import { API, createTestInstance, inProduction, send } from '../../../test-support/instance.js';
import { as, createOrg, member } from '../../../test-support/org-setup.js';

describe('the dev inbox switch', () => {
  test('gatehouseOptionsFromEnv: off by default; 1/true turn it on, as the production opt-in under NODE_ENV=production', () => {
    assert.equal(gatehouseOptionsFromEnv({}).devInbox, undefined);
    assert.equal(gatehouseOptionsFromEnv({ GATEHOUSE_DEV_INBOX: '0' }).devInbox, undefined);
    assert.equal(gatehouseOptionsFromEnv({ GATEHOUSE_DEV_INBOX: '1', NODE_ENV: 'development' }).devInbox, true);
    assert.equal(gatehouseOptionsFromEnv({ GATEHOUSE_DEV_INBOX: 'true' }).devInbox, true);
    assert.equal(gatehouseOptionsFromEnv({ GATEHOUSE_DEV_INBOX: '1', NODE_ENV: 'production' }).devInbox, 'allow-in-production');
  });

  test('allow-in-production: the dev mailer and GET /dev/inbox work in production, with a warning at start', async () => {
    await inProduction(async () => {
      await assert.rejects(createTestInstance({ devInbox: true }), /devInbox/);
      const t = await createTestInstance({ devInbox: 'allow-in-production' });
      try {
        assert.ok(t.logs.some((line) => /WARNING: the dev inbox is on in production/.test(line)));
        const owner = await member(t, 'owner@example.com');
        const org = await createOrg(t, owner, { name: 'Acme' });
        const invited = await as(t, owner, `/organizations/${org.id}/invitations`, { json: { email: 'guest@example.com' } });
        assert.equal(invited.status, 200);
        const inbox = await send(t, `${API}/dev/inbox`);
        assert.equal(inbox.status, 200);
        const { messages } = inbox.body as { messages: Array<{ to: string; url: string }> };
        assert.deepEqual(
          messages.map((m) => m.to),
          ['guest@example.com'],
        );
      } finally {
        await t.close();
      }
    });
  });

  test('production without the opt-in: no inbox endpoint', async () => {
    await inProduction(async () => {
      const t = await createTestInstance();
      try {
        assert.equal((await send(t, `${API}/dev/inbox`)).status, 404);
      } finally {
        await t.close();
      }
    });
  });
});
