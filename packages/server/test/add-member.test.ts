// organizations.addMember: adding a member from server code, and its refusals (nothing written).

import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestInstance, type TestInstance } from '../../../test-support/instance.js';
import { createOrg, member } from '../../../test-support/org-setup.js';

describe('organizations.addMember (backend)', () => {
  const instances: TestInstance[] = [];
  after(async () => {
    for (const t of instances) await t.close();
  });

  test('adds a member with a role, audited; refusals write nothing', async () => {
    const t = await createTestInstance({ devInbox: true });
    instances.push(t);
    const owner = await member(t, 'owner@example.com');
    const joiner = await member(t, 'joiner@example.com');
    const org = await createOrg(t, owner, { name: 'Acme', slug: 'acme' });

    const added = await t.gatehouse.organizations.addMember('acme', joiner.userId, 'org:member');
    assert.equal(added.role, 'org:member');
    const row = t.db.prepare('SELECT role FROM memberships WHERE organization_id = ? AND user_id = ?').get(org.id, joiner.userId) as {
      role: string;
    };
    assert.equal(row.role, 'org:member');
    assert.equal(
      (t.db.prepare("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'organizationMembership.created'").get() as { n: number }).n,
      2,
    );

    const before = t.counts();
    await assert.rejects(t.gatehouse.organizations.addMember('acme', joiner.userId, 'org:member'), { code: 'conflict' });
    await assert.rejects(t.gatehouse.organizations.addMember('acme', owner.userId, 'org:nope'), { code: 'bad_request' });
    await assert.rejects(t.gatehouse.organizations.addMember('nope', joiner.userId, 'org:member'), { code: 'not_found' });
    await assert.rejects(t.gatehouse.organizations.addMember('acme', 'user_missing', 'org:member'), { code: 'not_found' });
    assert.deepEqual(t.counts(), before);
  });
});
