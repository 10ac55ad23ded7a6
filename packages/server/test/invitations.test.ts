// Invitations: create (token hashed at rest, mailed, never in a response), accept as the invited address, expiry, reuse, revocation, wrong email, limits and duplicates refused with nothing written; mailers and the dev inbox.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { MailMessage } from '../src/mail/mailer.js';
import { API, createTestInstance, refresh, send, type TestInstance } from '../../../test-support/instance.js';
import { parseMetrics } from '../../../test-support/metrics-scrape.js';
import {
  as,
  auditActions,
  createOrg,
  failure,
  inboxToken,
  join,
  lastAuditId,
  member,
  orgSnapshot,
  type Member,
} from '../../../test-support/org-setup.js';

const DAY = 24 * 60 * 60;

let t: TestInstance;
let admin: Member;
let org: { id: string; slug: string };
before(async () => {
  // Sessions outlive the 7-day invitation expiry, so the same users can try after it.
  t = await createTestInstance({ devInbox: true, maxLifetimeSeconds: 30 * DAY });
  admin = await member(t, 'inviter@example.com');
  org = await createOrg(t, admin, { name: 'Inviting' });
});
after(async () => {
  await t.close();
});

interface Invitation {
  id: string;
  organizationId: string;
  emailAddress: string;
  role: string;
  status: string;
  expiresAt: number;
}
const invite = (email: string, role?: string, ref = org.id) =>
  as(t, admin, `/organizations/${ref}/invitations`, { json: role ? { email, role } : { email } });
const invitationOf = (res: { body: unknown }) => (res.body as { invitation: Invitation }).invitation;
const accept = (who: Member, token: string) => as(t, who, '/invitations/accept', { json: { token } });

describe('the invitation lifecycle', () => {
  test('create: default role, 7-day expiry, audited; the token is mailed, stored only as its SHA-256, never in a response', async () => {
    const since = lastAuditId(t);
    const bodiesBefore = t.bodies.length;
    const res = await invite('  Bob@Example.COM ');
    assert.equal(res.status, 200, res.text);
    const invitation = invitationOf(res);
    assert.match(invitation.id, /^orginv_[a-z2-7]{26}$/);
    assert.deepEqual(
      [invitation.emailAddress, invitation.role, invitation.status, invitation.expiresAt],
      ['bob@example.com', 'org:member', 'pending', t.clock.now + 7 * DAY * 1000],
    );
    assert.deepEqual(auditActions(t, since), ['organizationInvitation.created']);

    const token = inboxToken(t, 'bob@example.com');
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    const message = t.gatehouse.organizations.devInbox()[0];
    assert.match(message?.url ?? '', /^http:\/\/localhost:3000\/accept-invitation\?invitation_token=/);
    assert.match(message?.subject ?? '', /Inviting/);
    const row = t.db.prepare('SELECT * FROM invitations WHERE id = ?').get(invitation.id) as Record<string, unknown>;
    assert.equal(row.token_hash, createHash('sha256').update(token).digest('hex'));
    assert.ok(!JSON.stringify(t.db.prepare('SELECT * FROM invitations').all()).includes(token));
    assert.ok(!JSON.stringify(t.db.prepare('SELECT * FROM audit_events').all()).includes(token));
    for (const body of t.bodies.slice(bodiesBefore)) {
      assert.ok(!body.includes(token) && !body.includes(String(row.token_hash)) && !/token/i.test(body));
    }
    // Only the dev mailer's own line carries the link.
    assert.deepEqual(
      t.logs.filter((line) => line.includes(token)).map((line) => line.startsWith('gatehouse dev mailer:')),
      [true],
    );

    const listed = await as(t, admin, `/organizations/${org.id}/invitations`);
    assert.deepEqual(
      (listed.body as { invitations: Invitation[] }).invitations.map((i) => i.id),
      [invitation.id],
    );
    assert.ok(!/token/i.test(listed.text));
  });

  test('accept: the invited user becomes a member with the invited role, in one transaction with the invitation used up', async () => {
    const token = inboxToken(t, 'bob@example.com');
    const bob = await member(t, 'bob@example.com');
    const since = lastAuditId(t);
    const res = await accept(bob, token);
    assert.equal(res.status, 200, res.text);
    const body = res.body as { organization: { id: string }; membership: { userId: string; role: string } };
    assert.equal(body.organization.id, org.id);
    assert.deepEqual([body.membership.userId, body.membership.role], [bob.userId, 'org:member']);
    assert.deepEqual(auditActions(t, since), ['organizationInvitation.accepted', 'organizationMembership.created']);
    const status = t.db.prepare('SELECT status FROM invitations WHERE email = ?').get('bob@example.com') as { status: string };
    assert.equal(status.status, 'accepted');
    assert.equal((await as(t, bob, `/organizations/${org.id}`)).status, 200);
    assert.deepEqual((await as(t, admin, `/organizations/${org.id}/invitations`)).body, { invitations: [] });

    // Used once: a second accept is refused, whoever tries.
    const before = orgSnapshot(t);
    const again = await accept(bob, token);
    assert.deepEqual(failure(again), [400, 'bad_request']);
    assert.match((again.body as { error: { message: string } }).error.message, /already been used/);
    assert.deepEqual(orgSnapshot(t), before);
  });

  test('an invitation with a role gives that role; inviting an existing member or a pending address again is 409', async () => {
    const res = await invite('carol@example.com', 'org:admin');
    assert.equal(invitationOf(res).role, 'org:admin');
    const before = orgSnapshot(t);
    assert.deepEqual(failure(await invite('CAROL@example.com')), [409, 'identifier_exists']);
    assert.deepEqual(failure(await invite('bob@example.com')), [409, 'identifier_exists']);
    assert.deepEqual(failure(await invite('inviter@example.com')), [409, 'identifier_exists']);
    assert.deepEqual(orgSnapshot(t), before);
    const carol = await member(t, 'carol@example.com');
    const accepted = await accept(carol, inboxToken(t, 'carol@example.com'));
    assert.equal((accepted.body as { membership: { role: string } }).membership.role, 'org:admin');
  });
});

describe('refused accepts write nothing', () => {
  test('another email address: 403, and the invitation still works for its owner', async () => {
    assert.equal((await invite('dave@example.com')).status, 200);
    const token = inboxToken(t, 'dave@example.com');
    const mallory = await member(t, 'mallory@example.com');
    const before = orgSnapshot(t);
    const res = await accept(mallory, token);
    assert.deepEqual(failure(res), [403, 'forbidden']);
    assert.match((res.body as { error: { message: string } }).error.message, /another email address/);
    assert.deepEqual(orgSnapshot(t), before);
    const dave = await member(t, 'Dave@Example.com');
    assert.equal((await accept(dave, token)).status, 200);
  });

  test('expired (fake clock): 400, and it drops out of the pending list', async () => {
    const created = invitationOf(await invite('erin@example.com'));
    const token = inboxToken(t, 'erin@example.com');
    const erin = await member(t, 'erin@example.com');
    t.advance(7 * DAY - 1);
    // Session tokens live a minute: refresh both browsers after the jump.
    for (const who of [admin, erin]) assert.equal((await refresh(t, who.jar)).status, 200);
    const listed = (await as(t, admin, `/organizations/${org.id}/invitations`)).body as { invitations: Invitation[] };
    assert.ok(listed.invitations.some((i) => i.id === created.id));
    t.advance(1);
    const before = orgSnapshot(t);
    const res = await accept(erin, token);
    assert.deepEqual(failure(res), [400, 'bad_request']);
    assert.match((res.body as { error: { message: string } }).error.message, /expired/);
    assert.deepEqual(orgSnapshot(t), before);
    const after = (await as(t, admin, `/organizations/${org.id}/invitations`)).body as { invitations: Invitation[] };
    assert.ok(!after.invitations.some((i) => i.id === created.id));
    // An expired invitation does not block a new one to the same address.
    assert.equal((await invite('erin@example.com')).status, 200);
  });

  test('revoked: the revoke is audited; accepting is 400; revoking again is 409; another org cannot revoke it', async () => {
    const created = invitationOf(await invite('frank@example.com'));
    const token = inboxToken(t, 'frank@example.com');
    const frank = await member(t, 'frank@example.com');
    const otherOrg = await createOrg(t, admin, { name: 'Elsewhere' });
    const before = orgSnapshot(t);
    const wrongOrg = await as(t, admin, `/organizations/${otherOrg.id}/invitations/${created.id}/revoke`, { method: 'POST' });
    assert.deepEqual(failure(wrongOrg), [404, 'not_found']);
    assert.deepEqual(orgSnapshot(t), before);

    const since = lastAuditId(t);
    const revoked = await as(t, admin, `/organizations/${org.id}/invitations/${created.id}/revoke`, { method: 'POST' });
    assert.equal(revoked.status, 200, revoked.text);
    assert.equal(invitationOf(revoked).status, 'revoked');
    assert.deepEqual(auditActions(t, since), ['organizationInvitation.revoked']);

    const afterRevoke = orgSnapshot(t);
    const res = await accept(frank, token);
    assert.deepEqual(failure(res), [400, 'bad_request']);
    assert.match((res.body as { error: { message: string } }).error.message, /revoked/);
    assert.deepEqual(failure(await as(t, admin, `/organizations/${org.id}/invitations/${created.id}/revoke`, { method: 'POST' })), [
      409,
      'conflict',
    ]);
    assert.deepEqual(orgSnapshot(t), afterRevoke);
  });

  test('an unknown or malformed token: 400; no body field but token: 400; signed out: 401', async () => {
    const grace = await member(t, 'grace@example.com');
    const before = orgSnapshot(t);
    for (const token of ['A'.repeat(43), 'short', 'x'.repeat(128)])
      assert.deepEqual(failure(await accept(grace, token)), [400, 'bad_request']);
    assert.deepEqual(failure(await as(t, grace, '/invitations/accept', { json: { token: 'A'.repeat(43), role: 'org:admin' } })), [
      400,
      'invalid_body',
    ]);
    assert.deepEqual(failure(await send(t, `${API}/invitations/accept`, { json: { token: 'A'.repeat(43) } })), [401, 'unauthenticated']);
    assert.deepEqual(orgSnapshot(t), before);
  });
});

describe('membership limit', () => {
  test('enforced on accept (409 conflict, nothing written), and new invitations are refused once full', async () => {
    const owner = await member(t, 'limited-owner@example.com');
    const limited = await t.gatehouse.organizations.createOrganization(owner.userId, { name: 'Limited', maxMemberships: 2 });
    const orgId = limited.organization.id;
    for (const email of ['limit-a@example.com', 'limit-b@example.com']) {
      assert.equal((await as(t, owner, `/organizations/${orgId}/invitations`, { json: { email } })).status, 200);
    }
    const a = await member(t, 'limit-a@example.com');
    const b = await member(t, 'limit-b@example.com');
    assert.equal((await accept(a, inboxToken(t, 'limit-a@example.com'))).status, 200);
    const before = orgSnapshot(t);
    const full = await accept(b, inboxToken(t, 'limit-b@example.com'));
    assert.deepEqual(failure(full), [409, 'conflict']);
    assert.match((full.body as { error: { message: string } }).error.message, /membership limit/);
    assert.deepEqual(failure(await as(t, owner, `/organizations/${orgId}/invitations`, { json: { email: 'limit-c@example.com' } })), [
      409,
      'conflict',
    ]);
    assert.deepEqual(orgSnapshot(t), before);
    // Room again after someone leaves.
    assert.equal((await as(t, a, `/organizations/${orgId}/leave`, { method: 'POST' })).status, 200);
    assert.equal((await accept(b, inboxToken(t, 'limit-b@example.com'))).status, 200);
  });
});

describe('mailers and the dev inbox', () => {
  test('GET /dev/inbox lists the dev mailer messages when enabled, and is 404 when not', async () => {
    const res = await send(t, `${API}/dev/inbox`);
    assert.equal(res.status, 200);
    const messages = (res.body as { messages: (MailMessage & { sentAt: number })[] }).messages;
    assert.ok(messages.some((m) => m.to === 'bob@example.com' && m.url?.includes('invitation_token=')));

    const plain = await createTestInstance();
    try {
      assert.deepEqual(failure(await send(plain, `${API}/dev/inbox`)), [404, 'not_found']);
    } finally {
      await plain.close();
    }
  });

  test('a configured mailer gets the message (absolute invitation URL, custom TTL); the dev inbox stays empty', async () => {
    const sent: MailMessage[] = [];
    const custom = await createTestInstance({
      mailer: { send: async (message) => void sent.push(message) },
      invitationUrl: 'https://app.example/join?from=mail',
      invitationTtlSeconds: 60,
    });
    try {
      const owner = await member(custom, 'custom-owner@example.com');
      const customOrg = await createOrg(custom, owner, { name: 'Custom Mail' });
      const res = await as(custom, owner, `/organizations/${customOrg.id}/invitations`, { json: { email: 'someone@example.com' } });
      assert.equal(res.status, 200, res.text);
      assert.equal(invitationOf(res).expiresAt, custom.clock.now + 60_000);
      assert.equal(sent.length, 1);
      assert.equal(sent[0]?.to, 'someone@example.com');
      assert.match(sent[0]?.url ?? '', /^https:\/\/app\.example\/join\?from=mail&invitation_token=[A-Za-z0-9_-]{43}$/);
      assert.ok(sent[0]?.text.includes(sent[0].url ?? 'no url'));
      assert.deepEqual(custom.gatehouse.organizations.devInbox(), []);
      assert.ok(!custom.logs.some((line) => line.includes(sent[0]?.url ?? '-')));
    } finally {
      await custom.close();
    }
  });

  test('SMTP down (issue #16): the invitation is made, its mail waits in the outbox and goes once the mailer is back', async () => {
    let fail = true;
    const sent: MailMessage[] = [];
    const flaky = await createTestInstance({
      mailer: {
        send: async (message) => {
          if (fail) throw new Error('smtp down');
          sent.push(message);
        },
      },
    });
    try {
      const owner = await member(flaky, 'flaky-owner@example.com');
      const flakyOrg = await createOrg(flaky, owner, { name: 'Flaky' });
      const res = await as(flaky, owner, `/organizations/${flakyOrg.id}/invitations`, { json: { email: 'retry@example.com' } });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(flaky.db.prepare('SELECT status FROM invitations').all(), [{ status: 'pending' }]);
      const queued = () =>
        flaky.db
          .prepare("SELECT kind, to_address, status, attempts, last_error, link FROM mail_outbox WHERE kind = 'invitation'")
          .all() as {
          status: string;
          attempts: number;
          last_error: string | null;
          link: string;
        }[];
      assert.equal(queued().length, 1);
      assert.equal(queued()[0]?.status, 'pending');
      assert.equal(queued()[0]?.attempts, 1);
      assert.equal(queued()[0]?.last_error, 'smtp down');
      // The refused send is counted for the operator (issue #21).
      const mailFailures = async () => parseMetrics((await flaky.gatehouse.metrics.render()).body).get('gatehouse_mail_failures_total');
      assert.equal(await mailFailures(), 1);
      // The same address again is the pending invitation, not a second one.
      assert.deepEqual(
        failure(await as(flaky, owner, `/organizations/${flakyOrg.id}/invitations`, { json: { email: 'retry@example.com' } })),
        [409, 'identifier_exists'],
      );
      fail = false;
      flaky.advance(60);
      assert.equal(await flaky.gatehouse.mail.deliverDue(), 1);
      assert.equal(sent.length, 1);
      assert.equal(sent[0]?.to, 'retry@example.com');
      assert.match(sent[0]?.url ?? '', /invitation_token=[A-Za-z0-9_-]{43}$/);
      // Sent: the row keeps no link or body (the token is a bearer secret).
      assert.deepEqual(
        queued().map((r) => [r.status, r.link]),
        [['sent', '']],
      );
      assert.equal(await flaky.gatehouse.mail.deliverDue(), 0);
      assert.equal(await mailFailures(), 1, 'a send that works is no failure');
    } finally {
      await flaky.close();
    }
  });

  test('production without a mailer: invitations refuse with setup_missing and no link is ever logged; devInbox is refused', async () => {
    const previous = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await assert.rejects(createTestInstance({ devInbox: true }), /devInbox/);
      const prod = await createTestInstance();
      try {
        const owner = await member(prod, 'prod-owner@example.com');
        const prodOrg = await createOrg(prod, owner, { name: 'Prod' });
        const res = await as(prod, owner, `/organizations/${prodOrg.id}/invitations`, { json: { email: 'nobody@example.com' } });
        assert.deepEqual(failure(res), [500, 'setup_missing']);
        assert.match((res.body as { error: { message: string } }).error.message, /mailer/);
        assert.ok(!prod.logs.some((line) => /invitation_token|dev mailer/.test(line)));
        assert.deepEqual(prod.gatehouse.organizations.devInbox(), []);
        const pending = prod.db.prepare("SELECT COUNT(*) AS n FROM invitations WHERE status = 'pending'").get() as { n: number };
        assert.equal(pending.n, 0);
      } finally {
        await prod.close();
      }
    } finally {
      if (previous === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = previous;
    }
  });
});

describe('who may invite', () => {
  test('a role above the inviter’s own is 403 and nothing is written', async () => {
    const scoped = await createTestInstance({
      roles: { roles: [{ key: 'org:manager', name: 'Manager', permissions: ['org:sys_memberships:manage', 'org:sys_memberships:read'] }] },
    });
    try {
      const owner = await member(scoped, 'scoped-owner@example.com');
      const mgr = await member(scoped, 'who-manager@example.com');
      const scopedOrg = await createOrg(scoped, owner, { name: 'Scoped' });
      await join(scoped, owner, scopedOrg.id, mgr, 'org:manager');
      const before = orgSnapshot(scoped);
      const res = await as(scoped, mgr, `/organizations/${scopedOrg.id}/invitations`, {
        json: { email: 'up@example.com', role: 'org:admin' },
      });
      assert.deepEqual(failure(res), [403, 'forbidden']);
      assert.deepEqual(orgSnapshot(scoped), before);
      assert.equal(
        (await as(scoped, mgr, `/organizations/${scopedOrg.id}/invitations`, { json: { email: 'peer@example.com', role: 'org:manager' } }))
          .status,
        200,
      );
    } finally {
      await scoped.close();
    }
  });
});
