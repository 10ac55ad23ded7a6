// Organizations over HTTP: creating (slugs, the creator's role), reading, updating, deleting (members' tokens stale at once), validation and CSRF refusals that write nothing, no private metadata out.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import BetterSqlite3 from 'better-sqlite3';
import { slugify } from '../src/organizations/organizations.js';
import { API, authenticateToken, createTestInstance, refresh, send, type TestInstance } from '../../../test-support/instance.js';
import {
  activate,
  as,
  auditActions,
  createOrg,
  failure,
  join,
  lastAuditId,
  member,
  orgSnapshot,
  payload,
  type Member,
} from '../../../test-support/org-setup.js';

let t: TestInstance;
let alice: Member;
let bob: Member;
before(async () => {
  t = await createTestInstance();
  alice = await member(t, 'alice@example.com');
  bob = await member(t, 'bob@example.com');
});
after(async () => {
  await t.close();
});

interface OrgBody {
  organization: { id: string; name: string; slug: string; imageUrl: string | null; publicMetadata: unknown; maxMemberships: number | null };
  membership: { userId: string; role: string; permissions: string[] };
}

describe('slugs', () => {
  test('derived from the name: ASCII lowercase, digits and single hyphens', () => {
    assert.equal(slugify('Acme Corp!'), 'acme-corp');
    assert.equal(slugify('  Crème   Brûlée  & Co. '), 'creme-brulee-co');
    assert.equal(slugify('株式会社'), '');
    assert.equal(slugify(`${'a'.repeat(63)} b`), 'a'.repeat(63));
  });
});

describe('POST /organizations', () => {
  test('creates the org with a slug from its name; the creator gets the creator role; both audited', async () => {
    const since = lastAuditId(t);
    const res = await as(t, alice, '/organizations', { json: { name: '  Acme Corp  ' } });
    assert.equal(res.status, 200, res.text);
    const body = res.body as OrgBody;
    assert.match(body.organization.id, /^org_[a-z2-7]{26}$/);
    assert.deepEqual(
      { ...body.organization, id: undefined },
      {
        id: undefined,
        name: 'Acme Corp',
        slug: 'acme-corp',
        imageUrl: null,
        publicMetadata: {},
        maxMemberships: null,
        secondFactorRequired: false,
        createdAt: t.clock.now,
        updatedAt: t.clock.now,
      },
    );
    assert.equal(body.membership.userId, alice.userId);
    assert.equal(body.membership.role, 'org:admin');
    assert.ok(body.membership.permissions.includes('org:sys_memberships:manage'));
    assert.deepEqual(auditActions(t, since), ['organization.created', 'organizationMembership.created']);

    const nonAscii = await createOrg(t, alice, { name: '株式会社' });
    assert.match(nonAscii.slug, /^org-[0-9a-f]{8}$/);
  });

  test('a taken slug is 409 identifier_exists, explicit or derived, and nothing is written', async () => {
    await createOrg(t, alice, { name: 'Globex', slug: 'globex' });
    const before = orgSnapshot(t);
    for (const body of [{ name: 'Globex' }, { name: 'Other', slug: 'globex' }]) {
      const res = await as(t, bob, '/organizations', { json: body });
      assert.deepEqual(failure(res), [409, 'identifier_exists'], JSON.stringify(body));
    }
    assert.deepEqual(orgSnapshot(t), before);
  });

  test('invalid or unknown fields are 400 and nothing is written (metadata and limits are for server code only)', async () => {
    const before = orgSnapshot(t);
    const bodies: unknown[] = [
      {},
      { name: '' },
      { name: 'x'.repeat(257) },
      { name: 'Bad', slug: 'Bad_Slug' },
      { name: 'Bad', slug: '-lead' },
      { name: 'Bad', slug: 'a--b' },
      { name: 'Bad', slug: 'x'.repeat(65) },
      { name: 'Bad', imageUrl: 'javascript:alert(1)' },
      { name: 'Bad', publicMetadata: { plan: 'pro' } },
      { name: 'Bad', maxMemberships: 1000 },
      { name: 'Bad', privateMetadata: {} },
      { name: 'Line\nbreak' },
      [],
    ];
    for (const body of bodies) {
      const res = await as(t, alice, '/organizations', { json: body });
      assert.equal(res.status, 400, JSON.stringify(body));
    }
    assert.deepEqual(orgSnapshot(t), before);
  });

  test('a signed-out request is 401 and a cross-site one 403, writing nothing', async () => {
    const before = orgSnapshot(t);
    assert.deepEqual(failure(await send(t, `${API}/organizations`, { json: { name: 'Nope' } })), [401, 'unauthenticated']);
    const crossSite = await send(t, `${API}/organizations`, { json: { name: 'Nope' }, jar: alice.jar, origin: 'https://evil.example' });
    assert.deepEqual(failure(crossSite), [403, 'csrf_rejected']);
    assert.deepEqual(orgSnapshot(t), before);
  });
});

describe('reading organizations', () => {
  test("GET /organizations lists the user's memberships with org and role; by Bearer too", async () => {
    const carol = await member(t, 'carol-list@example.com');
    const first = await createOrg(t, carol, { name: 'Carol One' });
    t.advance(1);
    const second = await createOrg(t, carol, { name: 'Carol Two' });
    const res = await send(t, `${API}/organizations`, { headers: { authorization: `Bearer ${carol.jar.get('__session')}` } });
    assert.equal(res.status, 200);
    const list = (res.body as { memberships: { role: string; organization: { id: string } }[] }).memberships;
    assert.deepEqual(
      list.map((m) => [m.organization.id, m.role]),
      [
        [second.id, 'org:admin'],
        [first.id, 'org:admin'],
      ],
    );
    assert.deepEqual(failure(await send(t, `${API}/organizations`)), [401, 'unauthenticated']);
  });

  test('GET /organizations/:id by id or slug for members; never private metadata', async () => {
    const org = await createOrg(t, alice, { name: 'Secretive' });
    const writer = new BetterSqlite3(t.databaseFile);
    writer.prepare('UPDATE organizations SET private_metadata = ? WHERE id = ?').run('{"apiKey":"very-private-value"}', org.id);
    writer.close();
    for (const ref of [org.id, org.slug]) {
      const res = await as(t, alice, `/organizations/${ref}`);
      assert.equal(res.status, 200, res.text);
      assert.equal((res.body as OrgBody).organization.id, org.id);
      assert.equal((res.body as OrgBody).membership.role, 'org:admin');
      assert.ok(!res.text.includes('very-private-value') && !/private/i.test(res.text));
    }
    const list = await as(t, alice, '/organizations');
    assert.ok(!list.text.includes('very-private-value') && !/private/i.test(list.text));
  });

  test('a non-member, a missing org and a malformed id get the same 404', async () => {
    const org = await createOrg(t, alice, { name: 'Members Only' });
    const answers = await Promise.all(
      [org.id, org.slug, 'org_aaaaaaaaaaaaaaaaaaaaaaaaaa', 'no-such-org', 'NOT_AN_ID'].map((ref) => as(t, bob, `/organizations/${ref}`)),
    );
    for (const res of answers) assert.deepEqual(res.body, { error: { code: 'not_found', message: 'No such organization.' } });
  });
});

describe('PATCH /organizations/:id', () => {
  test('changes name, slug and image; audited; permission from the database, not the token', async () => {
    const org = await createOrg(t, alice, { name: 'Renamable' });
    // Alice's token carries no org at all: the permission comes from her membership row.
    assert.equal(payload(alice.jar.get('__session') ?? '').o, undefined);
    const since = lastAuditId(t);
    t.advance(5);
    const res = await as(t, alice, `/organizations/${org.id}`, {
      method: 'PATCH',
      json: { name: 'Renamed', slug: 'renamed', imageUrl: 'https://img.example/logo.png' },
    });
    assert.equal(res.status, 200, res.text);
    const updated = (res.body as OrgBody).organization;
    assert.deepEqual([updated.name, updated.slug, updated.imageUrl], ['Renamed', 'renamed', 'https://img.example/logo.png']);
    assert.deepEqual(auditActions(t, since), ['organization.updated']);
    // Tokens carry the slug (o.slg): every member's older token is stale, the actor's too.
    assert.deepEqual(failure(await as(t, alice, '/organizations/renamed')), [401, 'unauthenticated']);
    assert.equal((await refresh(t, alice.jar)).status, 200);
    assert.equal((await as(t, alice, '/organizations/renamed')).status, 200);
    const cleared = await as(t, alice, '/organizations/renamed', { method: 'PATCH', json: { imageUrl: null } });
    assert.equal((cleared.body as OrgBody).organization.imageUrl, null);
  });

  test('a taken slug, an empty change, unknown fields and a cross-site origin are refused, writing nothing', async () => {
    const org = await createOrg(t, alice, { name: 'Patch Target' });
    await createOrg(t, alice, { name: 'Taken Slug' });
    const before = orgSnapshot(t);
    const path = `/organizations/${org.id}`;
    assert.deepEqual(failure(await as(t, alice, path, { method: 'PATCH', json: { slug: 'taken-slug' } })), [409, 'identifier_exists']);
    assert.deepEqual(failure(await as(t, alice, path, { method: 'PATCH', json: {} })), [400, 'invalid_body']);
    assert.deepEqual(failure(await as(t, alice, path, { method: 'PATCH', json: { maxMemberships: 99 } })), [400, 'invalid_body']);
    assert.deepEqual(failure(await as(t, alice, path, { method: 'PATCH', json: { publicMetadata: {} } })), [400, 'invalid_body']);
    const crossSite = await send(t, `${API}${path}`, {
      method: 'PATCH',
      json: { name: 'X' },
      jar: alice.jar,
      origin: 'https://evil.example',
    });
    assert.deepEqual(failure(crossSite), [403, 'csrf_rejected']);
    const fetchSite = await send(t, `${API}${path}`, {
      method: 'DELETE',
      jar: alice.jar,
      origin: null,
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    assert.deepEqual(failure(fetchSite), [403, 'csrf_rejected']);
    assert.deepEqual(orgSnapshot(t), before);
  });

  test('an unsupported method is 405 with Allow', async () => {
    const org = await createOrg(t, alice, { name: 'Methods' });
    const res = await as(t, alice, `/organizations/${org.id}`, { method: 'PUT', json: { name: 'x' } });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get('allow'), 'GET, PATCH, DELETE');
  });
});

describe('DELETE /organizations/:id', () => {
  test("removes org, memberships and invitations; members' older tokens are stale at once; active org cleared", async () => {
    const org = await createOrg(t, alice, { name: 'Doomed' });
    await join(t, alice, org.id, bob);
    await as(t, alice, `/organizations/${org.id}/invitations`, { json: { email: 'pending-doomed@example.com' } });
    const bobToken = await activate(t, bob, org.id);
    const aliceToken = await activate(t, alice, org.id);
    assert.equal((payload(bobToken).o as { id: string }).id, org.id);
    t.advance(1);
    const since = lastAuditId(t);
    const res = await as(t, alice, `/organizations/${org.id}`, { method: 'DELETE' });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, { deleted: true });
    assert.deepEqual(auditActions(t, since), ['organization.deleted']);
    for (const table of ['organizations', 'memberships', 'invitations']) {
      const n = (
        t.db
          .prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${table === 'organizations' ? 'id' : 'organization_id'} = ?`)
          .get(org.id) as { n: number }
      ).n;
      assert.equal(n, 0, table);
    }
    const activeRows = t.db.prepare('SELECT COUNT(*) AS n FROM sessions WHERE active_organization_id = ?').get(org.id) as { n: number };
    assert.equal(activeRows.n, 0);
    for (const token of [bobToken, aliceToken]) assert.equal((await authenticateToken(t, token)).reason, 'session-claims-stale');
    const fresh = await refresh(t, bob.jar);
    assert.equal(fresh.status, 200);
    assert.equal(payload((fresh.body as { jwt: string }).jwt).o, undefined);
    assert.equal((await authenticateToken(t, (fresh.body as { jwt: string }).jwt)).status, 'signed-in');
    assert.equal((await refresh(t, alice.jar)).status, 200);
    assert.deepEqual(failure(await as(t, alice, `/organizations/${org.id}`)), [404, 'not_found']);
  });
});
