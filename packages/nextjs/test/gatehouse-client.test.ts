// gatehouseClient() / clerkClient() and getDevInbox() against a real embedded instance on a temp
// SQLite file: each method does what its Clerk namesake does, and misses are not_found. The methods
// run through both ports (issue #14): the embedded instance, and a standalone app with the secret key
// calling that same instance served over HTTP.

import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { MODES, portsOfFile, useProcessInstance } from '../../../test-support/ports.js';

// The key the standalone app presents to the backend API (`gh_sk_` and 256 random bits).
const SECRET_KEY = `gh_sk_${randomBytes(32).toString('base64url')}`;
// Sign-ups here go straight to a session; the verification flow has its own tests.
const dir = useProcessInstance('gatehouse-client-', { GATEHOUSE_DEV_INBOX: '1', GATEHOUSE_SECRET_KEY: SECRET_KEY });

const { getGatehouse } = await import('@gatehouse/server');
const { gatehouseClient, clerkClient, getDevInbox } = await import('@gatehouse/nextjs/server');

const ORIGIN = 'http://localhost:3000';
const ports = portsOfFile(dir, { secretKey: SECRET_KEY });
/** The embedded client, to tell it from the HTTP one. */
const clients: { embedded?: unknown } = {};

async function signUp(email: string): Promise<{ userId: string; sessionId: string; cookie: string }> {
  const gatehouse = await getGatehouse();
  const res = await gatehouse.handle(
    new Request(`${ORIGIN}/api/gatehouse/sign-up`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: ORIGIN, 'user-agent': 'curl/8.5.0' },
      body: JSON.stringify({ email, password: 'correct horse battery staple' }),
    }),
  );
  assert.equal(res.status, 200);
  const body = (await res.json()) as { user: { id: string }; sessionId: string };
  const cookie = res.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ');
  return { userId: body.user.id, sessionId: body.sessionId, cookie };
}

describe('gatehouseClient()', () => {
  let owner: { userId: string; sessionId: string; cookie: string };

  before(async () => {
    owner = await signUp('owner@example.com');
  });

  test('clerkClient is the same function, and the client is made once per instance', async () => {
    assert.equal(clerkClient, gatehouseClient);
    assert.equal(await gatehouseClient(), await clerkClient());
    clients.embedded = await gatehouseClient();
  });

  test('getDevInbox(): the dev mailer messages when GATEHOUSE_DEV_INBOX=1, through both ports', async () => {
    assert.deepEqual(await getDevInbox(), []);
    const gatehouse = await getGatehouse();
    const { organization } = await gatehouse.organizations.createOrganization(owner.userId, { name: 'Hooli' });
    await gatehouse.organizations.invitations.create(
      owner.userId,
      organization.id,
      { email: 'guest@example.com' },
      {
        ip: null,
        userAgent: null,
        origin: ORIGIN,
      },
    );
    // The process-wide port, then each port given as `backend`: the same one message.
    for (const port of [undefined, ports().get('embedded'), ports().get('standalone')]) {
      const inbox = await getDevInbox({ backend: port });
      assert.equal(inbox?.length, 1);
      assert.equal(inbox?.[0]?.to, 'guest@example.com');
      assert.match(inbox?.[0]?.url ?? '', /^http:\/\/localhost:3000\/accept-invitation\?invitation_token=[A-Za-z0-9_-]{43}$/);
    }
  });

  for (const mode of MODES) {
    describe(mode, () => {
      test('users.getUser: the public record; an unknown id is not_found', async () => {
        const client = await gatehouseClient(ports().get(mode));
        const user = await client.users.getUser(owner.userId);
        assert.equal(user.email, 'owner@example.com');
        assert.equal('passwordHash' in user || 'password_hash' in user, false);
        await assert.rejects(client.users.getUser('user_aaaaaaaaaaaaaaaaaaaaaaaaaa'), { name: 'GatehouseError', code: 'not_found' });
      });

      test('organizations: create for a user, get by id and by slug, list members', async () => {
        const client = await gatehouseClient(ports().get(mode));
        await assert.rejects(client.organizations.createOrganization({ name: 'No owner' } as never), { code: 'bad_request' });
        const org = await client.organizations.createOrganization({
          name: `Initech ${mode}`,
          createdBy: owner.userId,
          maxAllowedMemberships: 5,
        });
        assert.equal(org.slug, `initech-${mode}`);
        assert.equal(org.maxMemberships, 5);
        assert.deepEqual(await client.organizations.getOrganization({ organizationId: org.id }), org);
        assert.deepEqual(await client.organizations.getOrganization({ slug: `initech-${mode}` }), org);
        await assert.rejects(client.organizations.getOrganization({ slug: 'nope' }), { code: 'not_found' });
        await assert.rejects(client.organizations.createOrganization({ name: `Initech ${mode}`, createdBy: owner.userId }), {
          code: 'identifier_exists',
        });

        const members = await client.organizations.getOrganizationMembershipList({ organizationId: org.id });
        assert.equal(members.totalCount, 1);
        const [member] = members.data;
        assert.equal(member?.userId, owner.userId);
        assert.equal(member?.role, 'org:admin');
        assert.ok(member?.permissions.includes('org:sys_memberships:manage'));
        assert.equal(member?.publicUserData.identifier, 'owner@example.com');
        // The same shape the member-facing service returns.
        const gatehouse = await getGatehouse();
        assert.deepEqual(members.data, await gatehouse.organizations.listMembers(owner.userId, org.id));
        await assert.rejects(client.organizations.getOrganizationMembershipList({ organizationId: 'org_aaaaaaaaaaaaaaaaaaaaaaaaaa' }), {
          code: 'not_found',
        });
      });

      test('sessions: the list, then revokeSession ends it at once; a second revoke is not_found', async () => {
        const client = await gatehouseClient(ports().get(mode));
        const second = await signUp(`revoked-${mode}@example.com`);
        const list = await client.sessions.getSessionList({ userId: second.userId });
        assert.equal(list.totalCount, 1);
        assert.equal(list.data[0]?.id, second.sessionId);
        assert.equal(list.data[0]?.device, 'curl');

        assert.deepEqual(await client.sessions.revokeSession(second.sessionId), { id: second.sessionId, status: 'revoked' });
        assert.deepEqual((await client.sessions.getSessionList({ userId: second.userId })).data, []);
        const gatehouse = await getGatehouse();
        const state = await gatehouse.authenticate({ headers: new Headers({ cookie: second.cookie }) });
        assert.equal(state.status, 'signed-out', 'the revoked session token stops working at once');
        await assert.rejects(client.sessions.revokeSession(second.sessionId), { code: 'not_found' });
      });

      test('webhooks: create shows the secret once, list and update, the delivery log, delete; bad URLs refused', async () => {
        const client = await gatehouseClient(ports().get(mode));
        await assert.rejects(client.webhooks.createEndpoint({ url: 'ftp://hooks.example.com' }), { code: 'bad_request' });
        const { endpoint, secret } = await client.webhooks.createEndpoint({
          url: `https://hooks.example.com/in-${mode}`,
          eventTypes: ['user.created'],
        });
        assert.match(secret, /^whsec_/);
        assert.equal(JSON.stringify(await client.webhooks.listEndpoints()).includes(secret), false);
        assert.equal((await client.webhooks.updateEndpoint(endpoint.id, { enabled: false })).enabled, false);
        assert.deepEqual(await client.webhooks.listDeliveries({ endpointId: endpoint.id }), { data: [], totalCount: 0 });
        assert.deepEqual(await client.webhooks.deleteEndpoint(endpoint.id), { object: 'webhook_endpoint', id: endpoint.id, deleted: true });
        await assert.rejects(client.webhooks.getEndpoint(endpoint.id), { code: 'not_found' });
        await assert.rejects(client.webhooks.resendDelivery('whd_nothing'), { code: 'bad_request' });
      });
    });
  }

  test('with GATEHOUSE_SERVICE_URL and GATEHOUSE_SECRET_KEY it calls a standalone service over HTTP', async () => {
    const { createGatehouse, generateSecretKey } = await import('@gatehouse/server');
    const { startHttpServer } = await import('../../../test-support/http-server.js');
    const key = generateSecretKey();
    const service = await createGatehouse({
      databaseFile: join(dir, 'service.db'),
      allowDevSecret: true,
      secretKeys: [key],
      log: () => undefined,
    });
    const server = await startHttpServer(service);
    try {
      const created = await service.users.create({ email: 'remote@example.com' });
      process.env.GATEHOUSE_SERVICE_URL = `${server.url}/api/gatehouse`;
      process.env.GATEHOUSE_SECRET_KEY = key;
      const remote = await gatehouseClient();
      assert.notEqual(remote, clients.embedded);
      assert.equal((await remote.users.getUser(created.id)).email, 'remote@example.com');
      // Webhook endpoints over HTTP too: the secret comes back once, the service holds the endpoint.
      const { secret } = await remote.webhooks.createEndpoint({ url: 'https://hooks.example.com/remote' });
      assert.match(secret, /^whsec_/);
      assert.equal((await service.webhooks.listEndpoints()).length, 1);
      // The embedded instance does not have this user: the call went to the service.
      assert.equal(await (await getGatehouse()).users.find(created.id), null);
      process.env.GATEHOUSE_SECRET_KEY = generateSecretKey();
      await assert.rejects((await gatehouseClient()).users.getUser(created.id), { name: 'GatehouseError', code: 'unauthenticated' });
      delete process.env.GATEHOUSE_SECRET_KEY;
      await assert.rejects(gatehouseClient(), /set GATEHOUSE_SECRET_KEY/);
    } finally {
      delete process.env.GATEHOUSE_SERVICE_URL;
      delete process.env.GATEHOUSE_SECRET_KEY;
      await server.close();
      await service.close();
    }
    assert.equal(await gatehouseClient(), clients.embedded);
  });
});
