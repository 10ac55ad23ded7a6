// API keys, machine identities and M2M tokens in-process (issue #22): shown once and stored hashed, verified from memory, revoked and expired keys refused, org keys held to the creator's permissions, M2M JWTs verifiable with the JWKS and never accepted as session tokens.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { M2M_TOKEN_CATEGORY, machineAuthObject, type VerifiedMachine } from '@gatehouse/core';
import { API, createTestInstance, send, type TestInstance } from '../../../test-support/instance.js';
import { as, createOrg, failure, join, lastAuditId, member, orgSnapshot, type Member } from '../../../test-support/org-setup.js';

let t: TestInstance;
let alice: Member;
let bob: Member;
let acme: { id: string; slug: string };
before(async () => {
  t = await createTestInstance({
    roles: {
      roles: [
        { key: 'org:admin', name: 'Admin', permissions: ['org:projects:read', 'org:projects:write'] },
        { key: 'org:viewer', name: 'Viewer', permissions: ['org:projects:read'] },
      ],
    },
  });
  alice = await member(t, 'alice@example.com');
  bob = await member(t, 'bob@example.com');
  acme = await createOrg(t, alice, { name: 'Acme', slug: 'acme' });
  await join(t, alice, acme.id, bob, 'org:viewer');
});
after(async () => {
  await t.close();
});

const keyRows = () => t.db.prepare('SELECT * FROM api_keys ORDER BY id').all() as Record<string, unknown>[];
const verified = (outcome: unknown): VerifiedMachine => {
  assert.ok(outcome && typeof outcome === 'object' && 'machine' in outcome, JSON.stringify(outcome));
  return (outcome as { machine: VerifiedMachine }).machine;
};

describe('API keys', () => {
  test('a user creates a key: the secret is shown once, only its SHA-256 is stored, and it verifies from memory', async () => {
    const res = await as(t, alice, '/api_keys', { json: { name: 'ci', scopes: ['read:things'] } });
    assert.equal(res.status, 200, res.text);
    const key = res.body as { id: string; secret: string; subject: string; scopes: string[]; object: string };
    assert.match(key.secret, /^ak_[A-Za-z0-9_-]{43}$/);
    assert.equal(key.subject, alice.userId);
    assert.equal(key.object, 'api_key');
    const row = keyRows().find((r) => r.id === key.id);
    assert.ok(row);
    assert.equal(row.secret_hash, createHash('sha256').update(key.secret).digest('hex'));
    assert.ok(!JSON.stringify(keyRows()).includes(key.secret));
    // The list never carries the secret.
    const listed = await as(t, alice, '/api_keys');
    assert.equal(listed.status, 200);
    assert.ok(!listed.text.includes(key.secret));
    assert.deepEqual(
      (listed.body as { data: { id: string }[] }).data.map((k) => k.id),
      [key.id],
    );
    // First verification reads the database; the next one is answered without a promise (no round trip).
    const first = verified(await t.gatehouse.machines.verifyNow(key.secret));
    assert.equal(first.subject, alice.userId);
    const second = t.gatehouse.machines.verifyNow(key.secret);
    assert.ok(!(second instanceof Promise), 'a known-good key is verified from memory');
    const auth = machineAuthObject(verified(second), key.secret);
    assert.equal(auth.tokenType, 'api_key');
    assert.equal(auth.userId, alice.userId);
    assert.equal(auth.orgId, null);
    // Last use is written lazily, in a batch.
    assert.equal(keyRows().find((r) => r.id === key.id)?.last_used_at, null);
    await t.gatehouse.machines.apiKeys.flush();
    assert.equal(Number(keyRows().find((r) => r.id === key.id)?.last_used_at), t.clock.now);
  });

  test('an org key carries only permissions its creator holds; has({ permission }) answers from its scopes', async () => {
    const before = { keys: keyRows(), org: orgSnapshot(t) };
    const beyond = await as(t, bob, '/api_keys', { json: { name: 'x', subject: acme.id, scopes: ['org:projects:write'] } });
    assert.deepEqual(failure(beyond), [403, 'forbidden']);
    const stranger = await member(t, 'mallory@example.com');
    const foreign = await as(t, stranger, '/api_keys', { json: { name: 'x', subject: acme.id, scopes: [] } });
    assert.deepEqual(failure(foreign), [404, 'not_found']);
    assert.deepEqual(keyRows(), before.keys);
    const res = await as(t, bob, '/api_keys', { json: { name: 'reader', subject: acme.id, scopes: ['org:projects:read'] } });
    assert.equal(res.status, 200, res.text);
    const { secret } = res.body as { secret: string };
    const auth = machineAuthObject(verified(await t.gatehouse.machines.verifyNow(secret)), secret);
    assert.equal(auth.orgId, acme.id);
    assert.equal(auth.userId, null);
    assert.equal(auth.has({ permission: 'org:projects:read' }), true);
    assert.equal(auth.has({ permission: 'org:projects:write' }), false);
    assert.equal(auth.has({ role: 'org:viewer' }), false);
  });

  test('a revoked key is refused at once; audit rows record creation and revocation', async () => {
    const since = lastAuditId(t);
    const created = await t.gatehouse.machines.apiKeys.create(
      { subject: acme.id, name: 'tmp', scopes: [] },
      { ip: null, userAgent: null, origin: null },
    );
    verified(await t.gatehouse.machines.verifyNow(created.secret));
    // Another user cannot revoke it (same answer as for a key that does not exist), and nothing changes.
    const refused = await as(t, bob, `/api_keys/${created.id}/revoke`, { method: 'POST' });
    assert.deepEqual(failure(refused), [404, 'not_found']);
    assert.equal(t.gatehouse.machines.verifyNow(created.secret) instanceof Promise, false);
    // alice created Acme (org:admin): she manages every key of it.
    const revoked = await as(t, alice, `/api_keys/${created.id}/revoke`, { json: { revocationReason: 'leaked' } });
    assert.equal(revoked.status, 200, revoked.text);
    assert.equal((revoked.body as { revoked: boolean }).revoked, true);
    assert.deepEqual(await t.gatehouse.machines.verifyNow(created.secret), { reason: 'api-key-revoked' });
    const actions = t.db.prepare('SELECT action, subject_id FROM audit_events WHERE id > ? ORDER BY id').all(since) as {
      action: string;
      subject_id: string;
    }[];
    assert.deepEqual(
      actions.map((a) => a.action),
      ['api_key.created', 'api_key.revoked'],
    );
  });

  test('an expired key is refused; unknown and malformed secrets too', async () => {
    const created = await t.gatehouse.machines.apiKeys.create(
      { subject: alice.userId, name: 'short', secondsUntilExpiration: 60 },
      { ip: null, userAgent: null, origin: null },
    );
    verified(await t.gatehouse.machines.verifyNow(created.secret));
    t.advance(61);
    assert.deepEqual(await t.gatehouse.machines.verifyNow(created.secret), { reason: 'api-key-expired' });
    assert.deepEqual(await t.gatehouse.machines.verifyNow(`ak_${'A'.repeat(43)}`), { reason: 'api-key-invalid' });
    assert.deepEqual(await t.gatehouse.machines.verifyNow('ak_short'), { reason: 'api-key-invalid' });
  });

  test('API keys cannot manage API keys: the endpoints take session tokens only', async () => {
    const created = await t.gatehouse.machines.apiKeys.create(
      { subject: alice.userId, name: 'k' },
      { ip: null, userAgent: null, origin: null },
    );
    const before = keyRows();
    const res = await send(t, `${API}/api_keys`, { json: { name: 'more' }, headers: { authorization: `Bearer ${created.secret}` } });
    assert.deepEqual(failure(res), [401, 'unauthenticated']);
    assert.deepEqual(keyRows(), before);
  });

  test('invalid input is a 400 with nothing written', async () => {
    const before = keyRows();
    for (const body of [
      {},
      { name: '' },
      { name: 'x', scopes: ['bad scope'] },
      { name: 'x', extra: 1 },
      { name: 'x', secondsUntilExpiration: 5 },
    ]) {
      const res = await as(t, alice, '/api_keys', { json: body });
      assert.equal(res.status, 400, JSON.stringify(body));
    }
    assert.deepEqual(keyRows(), before);
  });
});

describe('machines and M2M tokens', () => {
  test('the client-credentials endpoint issues a JWT that verifies with the JWKS and is never a session token', async () => {
    const ctx = { ip: null, userAgent: null, origin: null };
    const reports = await t.gatehouse.machines.m2m.create({ name: 'reports' }, ctx);
    const worker = await t.gatehouse.machines.m2m.create({ name: 'worker', scopedMachines: [reports.id] }, ctx);
    assert.match(worker.secretKey, /^msk_/);
    assert.ok(!JSON.stringify(t.db.prepare('SELECT * FROM machines').all()).includes(worker.secretKey));
    const res = await send(t, `${API}/m2m/token`, {
      rawBody: new URLSearchParams({ grant_type: 'client_credentials', client_id: worker.id, client_secret: worker.secretKey }).toString(),
      contentType: 'application/x-www-form-urlencoded',
      origin: null,
    });
    assert.equal(res.status, 200, res.text);
    const body = res.body as { access_token: string; token_type: string; expires_in: number; scope: string };
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.expires_in, 900);
    assert.equal(body.scope, reports.id);
    const { payload, protectedHeader } = await jwtVerify(body.access_token, createLocalJWKSet(t.gatehouse.jwks()), {
      audience: reports.id,
      currentDate: new Date(t.clock.now),
    });
    assert.equal(protectedHeader.cat, M2M_TOKEN_CATEGORY);
    assert.equal(payload.sub, worker.id);
    const state = await t.gatehouse.authenticate(
      new Request('http://localhost/x', { headers: { authorization: `Bearer ${body.access_token}` } }),
    );
    assert.equal(state.status, 'signed-out');
    assert.equal(state.reason, 'token-type-mismatch');
    const machine = verified(await t.gatehouse.machines.verifyNow(body.access_token));
    assert.equal(machine.tokenType, 'm2m_token');
    assert.equal(machineAuthObject(machine, body.access_token).machineId, worker.id);
    const checked = await t.gatehouse.machines.m2m.verify(body.access_token);
    assert.equal(checked.subject, worker.id);
    t.advance(901 + 5);
    assert.deepEqual(await t.gatehouse.machines.verifyNow(body.access_token), { reason: 'm2m-token-expired' });
  });

  test('a wrong machine secret is 401, the same for an unknown machine; a wrong grant is 400; nothing is written', async () => {
    const audit = lastAuditId(t);
    for (const secret of [`msk_${'B'.repeat(43)}`, 'nope']) {
      const res = await send(t, `${API}/m2m/token`, { json: { grant_type: 'client_credentials', client_secret: secret }, origin: null });
      assert.deepEqual(failure(res), [401, 'invalid_credentials']);
    }
    const wrongGrant = await send(t, `${API}/m2m/token`, { json: { grant_type: 'password' }, origin: null });
    assert.equal(wrongGrant.status, 400);
    assert.equal(lastAuditId(t), audit);
  });
});
