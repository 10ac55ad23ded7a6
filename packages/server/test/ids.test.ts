import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { hashSecret, sha256 } from '../src/store/ids.js';

test('the one-shot SHA-256 gives the digests a Hash object gives (stored secret hashes and rate-limit keys stay the same)', () => {
  for (const text of ['', 'abc', 'client secret é ☃', 'x'.repeat(5000)]) {
    assert.equal(hashSecret(text), createHash('sha256').update(text).digest('hex'));
    assert.equal(sha256(text, 'base64url'), createHash('sha256').update(text).digest('base64url'));
  }
});
