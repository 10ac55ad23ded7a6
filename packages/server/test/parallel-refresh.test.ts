// Concurrent refreshes of one client (a page firing many requests) all succeed and never sign the user out.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  authenticate,
  createCookieJar,
  createTestInstance,
  refresh,
  setCookie,
  signUp,
  type TestInstance,
} from '../../../test-support/instance.js';

let t: TestInstance;
before(async () => {
  t = await createTestInstance();
});
after(async () => {
  await t.close();
});

test('20 parallel refreshes with the same client cookie all succeed; exactly one rotates; the user stays signed in', async () => {
  const jar = createCookieJar();
  const signedUp = await signUp(t, 'burst@example.com', jar);
  assert.equal(signedUp.status, 200);
  const sessionId = (signedUp.body as { sessionId: string }).sessionId;
  t.advance(30); // past the grace window: the first refresh to run rotates the token

  // Every request carries the same (soon rotated-out) cookie, as a browser's parallel fetches do.
  const tabs = Array.from({ length: 20 }, () => jar.clone());
  const responses = await Promise.all(tabs.map((tab) => refresh(t, tab)));
  assert.deepEqual(
    responses.map((r) => r.status),
    Array(20).fill(200),
  );
  const rotations = responses.filter((r) => setCookie(r, '__client') !== undefined);
  assert.equal(rotations.length, 1, 'the client token rotates once per grace window');
  for (const response of responses) assert.equal((response.body as { sessionId: string }).sessionId, sessionId);

  // The browser ends up with the rotated client cookie and a fresh session cookie.
  const winner = tabs[responses.indexOf(rotations[0] as (typeof responses)[number])];
  assert.ok(winner);
  const browser = winner.clone();

  assert.equal(t.sessionStatus(sessionId), 'active');
  assert.deepEqual(t.db.prepare("SELECT COUNT(*) AS n FROM audit_events WHERE action = 'client.token_reuse'").get(), { n: 0 });
  const state = await authenticate(t, browser);
  assert.equal(state.status, 'signed-in');
  assert.equal(state.claims?.sid, sessionId);

  // Later refreshes with the rotated cookie keep working.
  t.advance(30);
  const later = await refresh(t, browser);
  assert.equal(later.status, 200);
  assert.equal((await authenticate(t, browser)).status, 'signed-in');
});
