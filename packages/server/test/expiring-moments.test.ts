// Revocations and claim stamps expire per entry: a lookup never walks the list, an expired entry
// answers as absent at once, and writes reclaim old entries so memory stays bounded.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createClaimStamps } from '../src/propagation/claim-stamps.js';
import { createExpiringMoments } from '../src/propagation/expiring-moments.js';
import { createRevocationList } from '../src/propagation/revocation.js';

test('a revocation holds for exactly its retention, then the session is no longer listed', () => {
  const clock = { now: 1_000_000 };
  const list = createRevocationList({ retainMs: 60_000, now: () => clock.now });
  list.revoke('sess_a', clock.now);
  assert.equal(list.isRevoked('sess_a'), true);
  assert.equal(list.isRevoked('sess_b'), false);
  clock.now += 60_000;
  assert.equal(list.isRevoked('sess_a'), true, 'still within the retention');
  clock.now += 1;
  assert.equal(list.isRevoked('sess_a'), false, 'forgotten one millisecond after the retention');
});

test('a later revocation of the same session is not shortened by an earlier one arriving after it', () => {
  const clock = { now: 2_000_000 };
  const list = createRevocationList({ retainMs: 60_000, now: () => clock.now });
  list.revoke('sess_a', clock.now);
  list.revoke('sess_a', clock.now - 50_000); // a delayed event from another instance
  clock.now += 30_000;
  assert.equal(list.isRevoked('sess_a'), true);
});

test('a claim stamp stops refusing tokens once it has expired', () => {
  const clock = { now: 3_000_000 };
  const stamps = createClaimStamps({ retainMs: 60_000, now: () => clock.now });
  stamps.stampUser('user_a', clock.now);
  assert.equal(stamps.isStale('user_a', 'sess_a', clock.now - 1), true);
  clock.now += 60_001;
  assert.equal(stamps.isStale('user_a', 'sess_a', clock.now - 60_002), false);
  assert.equal(stamps.mintTime('user_a', 'sess_a', clock.now), clock.now);
});

test('writes reclaim expired entries: the map stays within about twice its live entries', () => {
  const clock = { now: 4_000_000 };
  const moments = createExpiringMoments({ retainMs: 1_000, now: () => clock.now });
  // 100 new entries per millisecond-step of 10 ms: about 10,000 live at any time.
  for (let step = 0; step < 1_000; step++) {
    for (let i = 0; i < 100; i++) moments.raise(`id_${step}_${i}`, clock.now);
    clock.now += 10;
  }
  assert.ok(moments.size() <= 2 * 10_100, `held ${moments.size()} entries`);
  assert.ok(moments.size() >= 10_000, 'live entries are kept');
  assert.equal(moments.get('id_999_0'), clock.now - 10);
  assert.equal(moments.get('id_0_0'), 0);
});

test('a lookup of an absent id does not read the clock', () => {
  let reads = 0;
  const moments = createExpiringMoments({
    retainMs: 1_000,
    now: () => {
      reads += 1;
      return 5_000_000;
    },
  });
  moments.raise('sess_a', 5_000_000);
  reads = 0;
  assert.equal(moments.get('sess_b'), 0);
  assert.equal(reads, 0);
  assert.equal(moments.get('sess_a'), 5_000_000);
  assert.equal(reads, 1);
});

test('the lists version moves with every revocation or stamp that could refuse a token, and only then', () => {
  const clock = { now: 6_000_000 };
  const revocations = createRevocationList({ retainMs: 60_000, now: () => clock.now });
  const stamps = createClaimStamps({ retainMs: 60_000, now: () => clock.now });
  const before = revocations.version() + stamps.version();
  revocations.revoke('sess_a', clock.now);
  const revoked = revocations.version() + stamps.version();
  assert.ok(revoked > before, 'a revocation moves it');
  revocations.revoke('sess_a', clock.now - 1); // earlier than the one held: refuses nothing new
  assert.equal(revocations.version() + stamps.version(), revoked);
  stamps.stampUser('user_a', clock.now);
  const stampedUser = revocations.version() + stamps.version();
  assert.ok(stampedUser > revoked, 'a user stamp moves it');
  stamps.stampSession('sess_b', clock.now);
  assert.ok(revocations.version() + stamps.version() > stampedUser, 'a session stamp moves it');
  // Expiry only turns answers back to null and leaves the version where it is.
  const settled = revocations.version() + stamps.version();
  clock.now += 60_001;
  assert.equal(revocations.isRevoked('sess_a'), false);
  assert.equal(revocations.version() + stamps.version(), settled);
});
