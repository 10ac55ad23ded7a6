// Token strictness (issue #15, item 12): canonical base64url, a lifetime cap, a well-formed sub and an org-claims decoder that fails closed.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { signedInAuthObject, type SessionClaims } from '@gatehouse/core';
import { decodeOrgPermissions } from '../src/has.js';
import {
  T0,
  assertAccepted,
  assertRefused,
  createClock,
  createKeyFixture,
  createVerifier,
  sessionClaims,
  signToken,
} from '../../../test-support/token-fixtures.js';

const ours = await createKeyFixture();
const clock = createClock();
const verifier = createVerifier(ours, clock, { cacheSize: 0, maxTokenLifetimeSeconds: 60 });

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The same segment with the unused trailing bits of its last character set: decodes to the same bytes. */
function withTrailingBits(segment: string): string {
  const last = ALPHABET.indexOf(segment.at(-1)!);
  const unused = segment.length % 4 === 2 ? 0b1111 : 0b11;
  assert.notEqual(segment.length % 4, 0, 'the segment has no unused bits');
  return segment.slice(0, -1) + ALPHABET[last | unused];
}

describe('canonical base64url only', () => {
  test('a signature whose unused trailing bits differ is refused (it decodes to the same bytes)', async () => {
    const token = await signToken(ours.privateKey);
    const [h, p, s] = token.split('.') as [string, string, string];
    assert.deepEqual(Buffer.from(withTrailingBits(s), 'base64url'), Buffer.from(s, 'base64url'));
    await assertAccepted(verifier, token);
    await assertRefused(verifier, `${h}.${p}.${withTrailingBits(s)}`, 'token-invalid');
  });

  test('a header or payload segment with non-zero trailing bits is refused', async () => {
    // Pad the claims until the payload segment has trailing bits.
    for (let pad = 0; pad < 3; pad++) {
      const token = await signToken(ours.privateKey, sessionClaims({ jti: `jti${'x'.repeat(pad)}` }));
      const [h, p, s] = token.split('.') as [string, string, string];
      if (p.length % 4 === 0) continue;
      await assertRefused(verifier, `${h}.${withTrailingBits(p)}.${s}`, 'token-invalid');
    }
  });
});

describe('lifetime cap', () => {
  test('a token living longer than the configured lifetime plus skew is refused', async () => {
    await assertAccepted(verifier, await signToken(ours.privateKey, sessionClaims({ exp: T0 + 60 })));
    await assertAccepted(verifier, await signToken(ours.privateKey, sessionClaims({ exp: T0 + 65 })));
    await assertRefused(verifier, await signToken(ours.privateKey, sessionClaims({ exp: T0 + 66 })), 'token-invalid');
    await assertRefused(verifier, await signToken(ours.privateKey, sessionClaims({ exp: T0 + 365 * 24 * 3600 })), 'token-invalid');
  });

  test('an exp before iat is refused', async () => {
    await assertRefused(verifier, await signToken(ours.privateKey, sessionClaims({ exp: T0 - 1, iat: T0 })), 'token-invalid');
  });
});

describe('sub and sid are well-formed ids', () => {
  test('our ids and imported Clerk ids (user_ + base62) verify', async () => {
    await assertAccepted(verifier, await signToken(ours.privateKey, sessionClaims({ sub: 'user_abcdefghijklmnopqrstuvwxyz' })));
    await assertAccepted(verifier, await signToken(ours.privateKey, sessionClaims({ sub: 'user_2NNEqL2nrIRdJ194ndJqAHwEfxC' })));
  });

  test('a sub that is not a user id is refused', async () => {
    for (const sub of ['admin', 'user_', 'user_a b', 'org_abc', 'user_abc/../x', 'USER_abc', `user_${'a'.repeat(200)}`, 'user_abc\n']) {
      await assertRefused(verifier, await signToken(ours.privateKey, sessionClaims({ sub })), 'token-invalid');
    }
  });

  test('a sid that is not a session id is refused', async () => {
    for (const sid of ['sess_', 'session', 'user_abc', 'sess_a-b']) {
      await assertRefused(verifier, await signToken(ours.privateKey, sessionClaims({ sid })), 'token-invalid');
    }
  });
});

describe('organization claims fail closed', () => {
  const orgClaims = (o: Record<string, unknown>, fea = 'o:projects') => sessionClaims({ o: { id: 'org_abc', ...o }, fea });

  test('a well-formed o claim verifies and decodes', async () => {
    const claims = await assertAccepted(
      verifier,
      await signToken(ours.privateKey, orgClaims({ rol: 'admin', per: 'read,write', fpm: '3' })),
    );
    const auth = signedInAuthObject(claims as SessionClaims, async () => null);
    assert.equal(auth.orgRole, 'org:admin');
    assert.deepEqual(auth.orgPermissions, ['org:projects:read', 'org:projects:write']);
  });

  test('o.rol that is an object, an array or not of the role form is refused', async () => {
    for (const rol of [{ toString: 'admin' }, ['admin'], 'Admin', 'org:admin', 'a b', '', 'x'.repeat(61), 5]) {
      await assertRefused(verifier, await signToken(ours.privateKey, orgClaims({ rol })), 'token-invalid');
    }
  });

  test('o.fpm entries must be canonical decimals within the bits o.per implies', async () => {
    for (const fpm of ['9'.repeat(400), ' 3', '3 ', '03', '+3', '4', '1e1', '0x3', '3,1', '', '-1']) {
      await assertRefused(
        verifier,
        await signToken(ours.privateKey, orgClaims({ rol: 'member', per: 'read,write', fpm })),
        'token-invalid',
      );
    }
  });

  test('o.id, o.slg and o.per must be strings of their forms', async () => {
    await assertRefused(verifier, await signToken(ours.privateKey, sessionClaims({ o: { id: 5, rol: 'admin' } })), 'token-invalid');
    await assertRefused(verifier, await signToken(ours.privateKey, orgClaims({ rol: 'admin', slg: ['x'] })), 'token-invalid');
    await assertRefused(verifier, await signToken(ours.privateKey, orgClaims({ rol: 'admin', per: { a: 1 }, fpm: '1' })), 'token-invalid');
    await assertRefused(verifier, await signToken(ours.privateKey, sessionClaims({ o: ['org_abc'] })), 'token-invalid');
  });

  test('the decoder itself grants nothing from a malformed fpm or a role that is not a string', () => {
    const claims = (o: Record<string, unknown>) => ({ o: { id: 'org_abc', ...o }, fea: 'o:projects' }) as unknown as SessionClaims;
    assert.deepEqual(decodeOrgPermissions(claims({ per: 'read,write', fpm: '9'.repeat(400) })), []);
    assert.deepEqual(decodeOrgPermissions(claims({ per: 'read,write', fpm: ' 3' })), []);
    assert.deepEqual(decodeOrgPermissions(claims({ per: 'read,write', fpm: '3' })), ['org:projects:read', 'org:projects:write']);
    const auth = signedInAuthObject(
      { ...sessionClaims(), o: { id: 'org_abc', rol: ['admin'] } } as unknown as SessionClaims,
      async () => null,
    );
    assert.equal(auth.orgRole, undefined);
    assert.equal(auth.has({ role: 'org:admin' }), false);
    const objectRole = signedInAuthObject(
      { ...sessionClaims(), o: { id: 'org_abc', rol: {} } } as unknown as SessionClaims,
      async () => null,
    );
    assert.equal(objectRole.has({ role: 'org:admin' }), false);
  });
});
