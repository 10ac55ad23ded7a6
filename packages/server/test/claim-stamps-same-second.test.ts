// Regression (found by tests/e2e/organizations-flow.test.ts): two claim changes of one user within
// the same second, with a refresh between them, used to leave the refreshed token valid because
// stamps compared whole seconds. Tokens now carry their mint time in milliseconds.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createClaimStamps } from '../src/propagation/claim-stamps.js';

test('a token minted between two stamps in the same second is stale after the second one', () => {
  const clock = { now: 10_000_100 };
  const stamps = createClaimStamps({ retainMs: 70_000, now: () => clock.now });
  stamps.stampUser('user_a', clock.now); // a role change
  clock.now += 100;
  const minted = stamps.mintTime('user_a', 'sess_a', clock.now); // the proxy refreshes with the new role
  assert.equal(stamps.isStale('user_a', 'sess_a', minted), false);
  clock.now += 300;
  stamps.stampUser('user_a', clock.now); // the member is removed
  assert.equal(stamps.isStale('user_a', 'sess_a', minted), true, 'the token minted before the removal must be refused');
});

test('a token minted after a session switch is stale after a role change in the same second', () => {
  const clock = { now: 20_000_050 };
  const stamps = createClaimStamps({ retainMs: 70_000, now: () => clock.now });
  stamps.stampSession('sess_a', clock.now); // setActive({ organization })
  const minted = stamps.mintTime('user_a', 'sess_a', clock.now);
  clock.now += 200;
  stamps.stampUser('user_a', clock.now); // an admin changes the member's role
  assert.equal(stamps.isStale('user_a', 'sess_a', minted), true, 'the token with the old role must be refused');
});

test('a token minted in the same millisecond as a stamp is given a later mint time, so it is fresh', () => {
  const clock = { now: 30_000_000 };
  const stamps = createClaimStamps({ retainMs: 70_000, now: () => clock.now });
  const before = stamps.mintTime('user_a', 'sess_a', clock.now);
  stamps.stampUser('user_a', clock.now);
  assert.equal(stamps.isStale('user_a', 'sess_a', before), true);
  const after = stamps.mintTime('user_a', 'sess_a', clock.now);
  assert.ok(after > clock.now);
  assert.equal(stamps.isStale('user_a', 'sess_a', after), false);
});
