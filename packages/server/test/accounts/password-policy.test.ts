// Issue #16: the password policy after NIST SP 800-63B: 8..128 characters after NFKC, no composition rules, a bundled offline list of at least 100k common or breached passwords.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { breachedListSize, checkNewPassword } from '../../src/accounts/password-policy.js';

function refusal(password: string, field?: string): { code: string; field: string | undefined; message: string } {
  try {
    checkNewPassword(password, field);
  } catch (error) {
    const e = error as { code: string; field: string | undefined; message: string };
    return { code: e.code, field: e.field, message: e.message };
  }
  throw new Error(`accepted: ${password.length} characters`);
}

describe('password policy', () => {
  test('the bundled list holds at least 100k passwords that the length rule would let through', () => {
    assert.ok(breachedListSize() >= 100_000, String(breachedListSize()));
  });

  test('length counts code points after NFKC: 8 to 128', () => {
    assert.deepEqual(refusal('seven77'), { code: 'form_password_invalid', field: 'password', message: 'Use at least 8 characters.' });
    assert.equal(refusal('x'.repeat(129), 'newPassword').field, 'newPassword');
    assert.match(refusal('x'.repeat(129)).message, /at most 128/);
    // Eight astral characters are eight characters, not sixteen UTF-16 units; NFKC folds the ligature.
    assert.equal(checkNewPassword('🐢🐢🐢🐢🐢🐢🐢🐢'), '🐢🐢🐢🐢🐢🐢🐢🐢');
    assert.equal(checkNewPassword('ﬁshing rod and reel'), 'fishing rod and reel');
    assert.equal(checkNewPassword('x'.repeat(128)).length, 128);
  });

  test('no composition rules: long lower-case phrases with spaces pass; listed passwords fail in any case', () => {
    assert.equal(checkNewPassword('correct horse battery staple'), 'correct horse battery staple');
    for (const listed of ['password123', 'PASSWORD123', 'qwertyuiop', 'iloveyou1']) {
      assert.match(refusal(listed).message, /common or breached/, listed);
    }
  });
});
