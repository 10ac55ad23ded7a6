// Issue #19: every imported digest format verifies the right password and refuses a wrong one, damaged digests never throw, and passwords.ts re-hashes them.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { hash as argon2Hash } from '@node-rs/argon2';
import { digestProblem, encodeImportedDigest, verifyImportedDigest, type ImportHasher } from '../src/import/digests.js';
import { checkPassword, hashPassword, needsRehash } from '../src/users/passwords.js';

// Vectors made outside Gatehouse: Python's hashlib (pbkdf2, sha256, md5), better-auth 1.7's
// hashPassword (scrypt), and the firebase-scrypt crate's documented example (Firebase's scrypt).
const VECTORS: { hasher: ImportHasher; digest: string; password: string }[] = [
  {
    hasher: 'pbkdf2_sha256_django',
    digest: 'pbkdf2_sha256$1000$saltsalt1234$y739IDamiviOC3SJm5avxzPyxOS/aR9rUumYakMDmcQ=',
    password: 'hunter2-django',
  },
  {
    hasher: 'pbkdf2_sha256',
    digest: 'pbkdf2_sha256$1000$CQgHBgUEAwI=$ORSfpEBHt3jADUE2r+/809FtFM3jdkDBlqsEWqjQT5A=',
    password: 'hunter2-256',
  },
  {
    hasher: 'pbkdf2_sha512',
    digest: 'pbkdf2_sha512$1000$AQIDBAUGBwg=$UrjC7Q+rMDbTBLmRmqgUZpvbDzQ4ru/SobG5etPoDJfSX5XmdZNkqdqa6lEVpH1pHu/+IbysZsuu3N0GswiWYA==',
    password: 'hunter2-512',
  },
  { hasher: 'pbkdf2_sha1', digest: 'pbkdf2_sha1$1000$NaCl42$317ff05fc5f0e6954e0b0c54049a85720e0844f5', password: 'hunter2-sha1' },
  { hasher: 'sha256', digest: '38574db6e5d6d6312c40c948e4e8631dba94f7c12633230e6e4ba42eb5dd9a04', password: 'hunter2-sha' },
  { hasher: 'md5', digest: '6eb9f735eec136b34cdc1715d6c7da57', password: 'hunter2-md5' },
  {
    hasher: 'scrypt_better_auth',
    digest:
      '78e1953a1003071778d23f07c0850f73:5c708d099c1a46635657ef6d872e81a92c169223f39fd7f573b3d4bcea5df9f6c3280e6c31d36fe888c17ed3a9cc2b9caef77a65ffca86ec616c244ea82aa7da',
    password: 'pw-1234567',
  },
  {
    hasher: 'scrypt_firebase',
    digest:
      'lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ==$42xEC+ixf3L2lw==$jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==$Bw==$8$14',
    password: 'user1password',
  },
];

describe('imported password digests (issue #19)', () => {
  test('fixed vectors: the right password verifies, a wrong one does not', async () => {
    for (const v of VECTORS) {
      assert.equal(digestProblem(v.hasher, v.digest), null, v.hasher);
      const stored = encodeImportedDigest(v.hasher, v.digest);
      assert.equal(await verifyImportedDigest(stored, v.password), true, `${v.hasher}: right password`);
      assert.equal(await verifyImportedDigest(stored, `${v.password}x`), false, `${v.hasher}: wrong password`);
      assert.equal(await checkPassword(stored, v.password), true, `${v.hasher}: through checkPassword`);
      assert.equal(needsRehash(stored), true);
    }
  });

  test('bcrypt ($2a$, $2b$, $2y$), Django bcrypt_sha256, argon2i and argon2id', async () => {
    const b = await bcrypt.hash('bcrypt-pass', 10);
    const django = `bcrypt_sha256$${await bcrypt.hash(createHash('sha256').update('django-pass').digest('hex'), 10)}`;
    const cases: [ImportHasher, string, string][] = [
      ['bcrypt', b, 'bcrypt-pass'],
      ['bcrypt', b.replace(/^\$2[ab]\$/, '$2y$'), 'bcrypt-pass'],
      ['bcrypt_sha256_django', django, 'django-pass'],
      ['argon2i', await argon2Hash('argon-i', { algorithm: 1 }), 'argon-i'],
      ['argon2id', await argon2Hash('argon-id', { algorithm: 2, memoryCost: 4096, timeCost: 3 }), 'argon-id'],
    ];
    for (const [hasher, digest, password] of cases) {
      assert.equal(digestProblem(hasher, digest), null, hasher);
      const stored = encodeImportedDigest(hasher, digest);
      assert.equal(await verifyImportedDigest(stored, password), true, hasher);
      assert.equal(await verifyImportedDigest(stored, 'nope'), false, hasher);
    }
  });

  test('damaged digests and out-of-bounds parameters are refused at import and never throw at sign-in', async () => {
    assert.match(digestProblem('bcrypt', '$2a$10$short') ?? '', /not in the bcrypt format/);
    assert.match(digestProblem('pbkdf2_sha256', 'pbkdf2_sha256$99999999$AA==$AA==') ?? '', /iterations/);
    assert.match(digestProblem('scrypt_firebase', 'AA==$AA==$AA==$AA==$8$30') ?? '', /out of bounds/);
    for (const stored of [
      '$import$',
      '$import$bcrypt',
      '$import$nope$abc',
      '$import$md5$zz',
      encodeImportedDigest('bcrypt', '$2a$10$short'),
    ])
      assert.equal(await verifyImportedDigest(stored, 'x'), false, stored);
  });

  test("today's argon2id hashes need no re-hash; other parameters do", async () => {
    assert.equal(needsRehash(await hashPassword('a-password')), false);
    assert.equal(needsRehash(await argon2Hash('a-password', { algorithm: 2, memoryCost: 4096, timeCost: 3 })), true);
  });
});
