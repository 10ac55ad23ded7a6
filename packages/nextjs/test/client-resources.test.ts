// Issue #23: the client's session and user resources in Clerk's shape, against a real instance's
// auth API (temp SQLite file, a cookie jar as the browser's) reached through the app's port, embedded
// and standalone (issue #14): Dates, an always-set imageUrl, user.update / setProfileImage / reload,
// and backend metadata changes reaching `sessionClaims` after user.reload().

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createCookieJar, createTestInstance, signUp, API, ORIGIN, T0, type TestInstance } from '../../../test-support/instance.js';
import { MODES, openPorts, type Ports } from '../../../test-support/ports.js';
import { sessionResource, type ClientSession, type ResourceActions, type SessionBody } from '../src/client/resources.js';
import type { FetchLike } from '../src/client/gatehouse-fetch.js';

for (const mode of MODES)
  describe(`client resources in Clerk's shape (issue #23), ${mode}`, () => {
    let t: TestInstance;
    let ports: Ports;
    const jar = createCookieJar();
    let session: ClientSession | null = null;
    const sent: { method: string; path: string; status: number }[] = [];

    /** The browser's fetch: same-origin, with the jar's cookies and the page's Origin. */
    const fetchLike: FetchLike = async (input, init = {}) => {
      const url = new URL(String(input), ORIGIN);
      const headers = new Headers(init.headers);
      headers.set('cookie', jar.header());
      headers.set('origin', ORIGIN);
      const res = await ports.get(mode).handle(new Request(url, { method: init.method ?? 'GET', headers, body: init.body ?? null }));
      jar.store(res);
      sent.push({ method: init.method ?? 'GET', path: url.pathname, status: res.status });
      return res;
    };

    const actions: ResourceActions = {
      apiBasePath: API,
      fetch: fetchLike,
      async refreshToken() {
        const res = await fetchLike(`${API}/refresh`, { method: 'POST' });
        return res.ok ? ((await res.json()) as { jwt: string }).jwt : null;
      },
      async reload() {
        const res = await fetchLike(`${API}/session`);
        session = res.ok ? sessionResource((await res.json()) as SessionBody, () => actions) : null;
        return session;
      },
      async endSession() {},
    };

    before(async () => {
      // The app's origin is allowed, as a standalone service in front of an app on another origin needs.
      t = await createTestInstance({ sessionClaims: { metadata: '{{user.public_metadata}}' }, allowedOrigins: [ORIGIN] });
      ports = await openPorts(t.gatehouse);
      const res = await signUp(t, 'resources@example.com', jar);
      assert.equal(res.status, 200);
      await actions.reload();
    });
    after(async () => {
      await ports?.close();
      await t.close();
    });

    test("session: Clerk's id, status, lastActiveAt, expireAt as Dates, and getToken", async () => {
      assert.ok(session);
      assert.match(session.id, /^sess_/);
      assert.equal(session.id, session.sessionId);
      assert.equal(session.status, 'active');
      assert.ok(session.lastActiveAt instanceof Date && session.expireAt instanceof Date && session.createdAt instanceof Date);
      assert.equal(session.lastActiveAt.getTime(), T0);
      // The session lasts far beyond its short-lived token.
      assert.ok(session.expireAt.getTime() > session.expiresAt);
      assert.equal(session.lastActiveOrganizationId, null);
      assert.equal(session.actor, null);
      const token = await session.getToken();
      assert.equal(typeof token, 'string');
      assert.equal(token!.split('.').length, 3);
    });

    test('user: Dates, and a generated avatar as imageUrl when none was uploaded (hasImage false)', () => {
      const user = session!.user;
      assert.ok(user.createdAt instanceof Date && user.updatedAt instanceof Date);
      assert.equal(user.createdAt.getTime(), T0);
      assert.ok(user.lastSignInAt instanceof Date);
      assert.match(user.imageUrl, /^data:image\/svg\+xml,/);
      assert.match(decodeURIComponent(user.imageUrl), />R<\/text>/);
      assert.equal(user.hasImage, false);
      assert.equal(user.primaryEmailAddress?.emailAddress, 'resources@example.com');
    });

    test('user.update: names and unsafe metadata saved by the auth API and shown by the returned user', async () => {
      const updated = await session!.user.update({ firstName: 'Ada', lastName: 'Lovelace', unsafeMetadata: { theme: 'dark' } });
      assert.equal(updated.fullName, 'Ada Lovelace');
      assert.deepEqual(updated.unsafeMetadata, { theme: 'dark' });
      assert.match(decodeURIComponent(updated.imageUrl), />AL<\/text>/);
      const stored = await t.gatehouse.getUser(updated.id);
      assert.equal(stored?.firstName, 'Ada');
      assert.deepEqual(stored?.unsafeMetadata, { theme: 'dark' });
    });

    test('the user may not set public metadata or a non-https image through the auth API (400, nothing written)', async () => {
      const before = await t.gatehouse.getUser(session!.user.id);
      for (const body of [
        { publicMetadata: { role: 'admin' } },
        { imageUrl: 'javascript:alert(1)' },
        { imageUrl: 'http://img.example/a.png' },
      ]) {
        const res = await fetchLike(`${API}/me`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        assert.equal(res.status, 400, JSON.stringify(body));
      }
      assert.deepEqual(await t.gatehouse.getUser(session!.user.id), before);
      const signedOut = await ports.get(mode).handle(
        new Request(`${ORIGIN}${API}/me`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: ORIGIN },
          body: '{"firstName":"X"}',
        }),
      );
      assert.equal(signedOut.status, 401);
    });

    test('user.setProfileImage: an https URL sets it (hasImage), null removes it; a file is refused with the reason', async () => {
      const image = await session!.user.setProfileImage({ file: 'https://img.example/ada.png' });
      assert.equal(image.publicUrl, 'https://img.example/ada.png');
      assert.equal(session!.user.imageUrl, 'https://img.example/ada.png');
      assert.equal(session!.user.hasImage, true);
      await assert.rejects(session!.user.setProfileImage({ file: new Blob(['x']) }), { code: 'bad_request' });
      const removed = await session!.user.setProfileImage({ file: null });
      assert.equal(removed.publicUrl, null);
      assert.equal(session!.user.hasImage, false);
      assert.match(session!.user.imageUrl, /^data:image\/svg\+xml,/);
    });

    test('updateUserMetadata through the backend shows in sessionClaims after user.reload()', async () => {
      assert.deepEqual(session!.claims.metadata, {});
      await t.gatehouse.users.updateMetadata(session!.user.id, { publicMetadata: { role: 'admin' } });
      // Not before: the token in hand was minted earlier.
      assert.deepEqual(session!.claims.metadata, {});
      const user = await session!.user.reload();
      assert.deepEqual(user.publicMetadata, { role: 'admin' });
      assert.deepEqual(session!.claims.metadata, { role: 'admin' });
    });
  });
