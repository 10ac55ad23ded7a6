// Known bug, reported to the lead (found by tests/e2e/organizations-flow.test.ts): two claim changes
// of one user within the same second, with a refresh between them, leave the refreshed token valid.
// The first stamp makes mintIat() hand out iat = ceil(T1); the second stamp at T3 < ceil(T1) * 1000
// refuses only iat < ceil(T3) = ceil(T1), so that token (minted before the second change) passes for
// its whole lifetime: e.g. a member promoted and then removed within a second keeps the org claims,
// and a member who switches to an org (stampSession) and is demoted in the same second keeps the
// old role. The e2e test waits out that second (pastTokenSecond) until this is fixed.
// Marked todo until claim-stamps.ts gets finer than one-second resolution; remove `todo` then.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createClaimStamps } from '../src/claim-stamps.js';

test(
  'a token minted between two stamps in the same second is stale after the second one',
  { todo: 'claim stamps have one-second resolution (see the header)' },
  () => {
    const clock = { now: 10_000_100 };
    const stamps = createClaimStamps({ retainMs: 70_000, now: () => clock.now });
    stamps.stampUser('user_a', clock.now); // a role change
    clock.now += 100;
    const iat = stamps.mintIat('user_a', 'sess_a', clock.now); // the proxy refreshes with the new role
    assert.equal(stamps.isStale('user_a', 'sess_a', iat), false);
    clock.now += 300;
    stamps.stampUser('user_a', clock.now); // the member is removed
    assert.equal(stamps.isStale('user_a', 'sess_a', iat), true, 'the token minted before the removal must be refused');
  },
);

test(
  'a token minted after a session switch is stale after a role change in the same second',
  { todo: 'claim stamps have one-second resolution (see the header)' },
  () => {
    const clock = { now: 20_000_050 };
    const stamps = createClaimStamps({ retainMs: 70_000, now: () => clock.now });
    stamps.stampSession('sess_a', clock.now); // setActive({ organization })
    const iat = stamps.mintIat('user_a', 'sess_a', clock.now);
    clock.now += 200;
    stamps.stampUser('user_a', clock.now); // an admin changes the member's role
    assert.equal(stamps.isStale('user_a', 'sess_a', iat), true, 'the token with the old role must be refused');
  },
);
