// No user enumeration through timing, asserted structurally (issue #10): an unknown email runs the same
// argon2id verification, at the same parameters, as a wrong password does; nothing is measured in time.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verify } from '@node-rs/argon2';
import { checkPassword, hashPassword } from '../src/users/passwords.js';

const PARAMS = /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/;

function countingVerify() {
  const calls: string[] = [];
  const fn = async (hash: string, password: string) => {
    calls.push(hash);
    return verify(hash, password);
  };
  return { calls, fn };
}

test('an unknown account (no hash) still runs exactly one full argon2id verification at the stored parameters', async () => {
  const stored = await hashPassword('the real password');
  assert.match(stored, PARAMS);

  const known = countingVerify();
  assert.equal(await checkPassword(stored, 'a wrong password', known.fn), false);
  const unknown = countingVerify();
  assert.equal(await checkPassword(null, 'a wrong password', unknown.fn), false);
  // The same password for an unknown account is refused too: the dummy hash never matches "through".
  const unknownDummy = countingVerify();
  assert.equal(await checkPassword(null, 'gatehouse-dummy-password', unknownDummy.fn), false);

  assert.equal(known.calls.length, 1);
  assert.equal(unknown.calls.length, 1, 'the dummy verification runs');
  assert.equal(unknownDummy.calls.length, 1);
  // Same algorithm and cost parameters, so the work is the same.
  assert.match(unknown.calls[0]!, PARAMS);
  assert.equal(unknown.calls[0]!.split('$').slice(0, 4).join('$'), stored.split('$').slice(0, 4).join('$'));
  // And a correct password is accepted through the same function.
  assert.equal(await checkPassword(stored, 'the real password'), true);
});
