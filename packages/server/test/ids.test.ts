import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { hashSecret, newId, newSecret, secureRandom, sha256 } from '../src/store/ids.js';

test('the one-shot SHA-256 gives the digests a Hash object gives (stored secret hashes and rate-limit keys stay the same)', () => {
  for (const text of ['', 'abc', 'client secret é ☃', 'x'.repeat(5000)]) {
    assert.equal(hashSecret(text), createHash('sha256').update(text).digest('hex'));
    assert.equal(sha256(text, 'base64url'), createHash('sha256').update(text).digest('base64url'));
  }
});

test('pooled random bytes: the sizes asked for, and no bytes handed out twice across refills of the pool', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 1000; i++) seen.add(newSecret());
  assert.equal(seen.size, 1000);
  for (const secret of seen) assert.match(secret, /^[A-Za-z0-9_-]{43}$/);
  // Draws that do not fit what is left of the pool, and one larger than the pool itself.
  const draws = [3000, 3000, 10, 5000, 4096, 1].map((size) => secureRandom(size));
  assert.deepEqual(
    draws.map((d) => d.length),
    [3000, 3000, 10, 5000, 4096, 1],
  );
  const chunks = draws.flatMap((d) =>
    Array.from({ length: Math.floor(d.length / 16) }, (_, i) => d.subarray(i * 16, i * 16 + 16).toString('hex')),
  );
  assert.equal(new Set(chunks).size, chunks.length);
  assert.match(newId('sess'), /^sess_[a-z2-7]{26}$/);
});
