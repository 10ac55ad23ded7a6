// Store cases for the writes that set a session's status outside refresh (the organization switch,
// the start of an impersonation): a revocation that holds the session while they run is waited for
// and seen, never overwritten with `active`.

import assert from 'node:assert/strict';
import { isGatehouseError } from '@gatehouse/core';
import type { BackendInstance } from '../../../test-support/backends.js';
import { createOrg, member } from '../../../test-support/org-setup.js';
import { waitsForLock } from './refresh-swap-cases.js';
import type { StoreCase } from './store-cases.js';

const CONTEXT = { ip: null, userAgent: null, origin: null };

/** Runs `action` while another transaction holds `sessionId` revoked and uncommitted; then commits it. */
async function whileRevoking<T>(
  t: BackendInstance,
  sessionId: string,
  action: () => Promise<T>,
): Promise<{ outcome: Promise<T>; waited: boolean }> {
  let outcome: Promise<T> | undefined;
  let waited = false;
  await t.inspect.transaction().execute(async (trx) => {
    // A writer that does not take the client row first: only the session's own lock stops a stale write.
    await trx.updateTable('sessions').set({ status: 'revoked' }).where('id', '=', sessionId).execute();
    outcome = action();
    outcome.catch(() => undefined); // settled below, after the commit
    waited = await waitsForLock(t, '%"sessions"%');
  });
  if (!outcome) throw new Error('the action never started');
  return { outcome, waited };
}

async function notFound(promise: Promise<unknown>): Promise<void> {
  await assert.rejects(promise, (error: unknown) => isGatehouseError(error) && error.code === 'not_found');
}

export const sessionLockCases: StoreCase[] = [
  {
    name: 'an organization switch waits for a revocation holding the session, then refuses (the session stays revoked)',
    backends: ['postgres'],
    async run(open) {
      const t = await open();
      const owner = await member(t, `${t.backend}-switch-lock@example.com`);
      const org = await createOrg(t, owner, { name: 'Lock Co' });
      const writesBefore = await t.inspect.selectFrom('audit_events').select('id').where('subject_id', '=', owner.sessionId).execute();
      const { outcome, waited } = await whileRevoking(t, owner.sessionId, () =>
        t.gatehouse.sessions.setActiveOrganization({ userId: owner.userId, sessionId: owner.sessionId }, org.id, CONTEXT),
      );
      assert.ok(waited, 'the switch waits for the lock on the session');
      await notFound(outcome);
      assert.equal(await t.sessionStatus(owner.sessionId), 'revoked');
      const writesAfter = await t.inspect.selectFrom('audit_events').select('id').where('subject_id', '=', owner.sessionId).execute();
      assert.equal(writesAfter.length, writesBefore.length, 'no organization_changed audit row for a refused switch');
    },
  },
  {
    name: "an impersonation waits for a revocation holding the admin's session, then refuses (nothing is started)",
    backends: ['postgres'],
    async run(open) {
      const t = await open();
      const admin = await member(t, `${t.backend}-imp-lock-admin@example.com`);
      const target = await member(t, `${t.backend}-imp-lock-target@example.com`);
      await t.gatehouse.users.setInstanceAdmin(admin.userId, true);
      const sessionsBefore = await t.inspect.selectFrom('sessions').select('id').where('user_id', '=', target.userId).execute();
      const { outcome, waited } = await whileRevoking(t, admin.sessionId, () =>
        t.gatehouse.impersonation.start(admin.userId, admin.sessionId, target.userId, CONTEXT),
      );
      assert.ok(waited, "the start waits for the lock on the admin's session");
      await notFound(outcome);
      assert.equal(await t.sessionStatus(admin.sessionId), 'revoked');
      const sessionsAfter = await t.inspect.selectFrom('sessions').select('id').where('user_id', '=', target.userId).execute();
      assert.equal(sessionsAfter.length, sessionsBefore.length, 'no impersonation session was written');
    },
  },
  {
    name: 'an organization switch on a live session goes through (with the locks taken)',
    async run(open) {
      const t = await open();
      const owner = await member(t, `${t.backend}-switch-live@example.com`);
      const org = await createOrg(t, owner, { name: 'Live Co' });
      const result = await t.gatehouse.sessions.setActiveOrganization({ userId: owner.userId, sessionId: owner.sessionId }, null, CONTEXT);
      assert.equal(result.organizationId, null);
      const switched = await t.gatehouse.sessions.setActiveOrganization(
        { userId: owner.userId, sessionId: owner.sessionId },
        org.id,
        CONTEXT,
      );
      assert.equal(switched.organizationId, org.id);
      const row = await t.inspect
        .selectFrom('sessions')
        .select(['status', 'active_organization_id'])
        .where('id', '=', owner.sessionId)
        .executeTakeFirstOrThrow();
      assert.deepEqual(row, { status: 'active', active_organization_id: org.id });
    },
  },
];
