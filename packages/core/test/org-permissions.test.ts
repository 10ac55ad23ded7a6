// decodeOrgPermissions: Clerk's v2 o.per / o.fpm / fea encoding, decoded exactly as Clerk's parser does.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { signedInAuthObject, type SessionClaims } from '@gatehouse/core';
import { decodeOrgPermissions } from '../src/has.js';

describe('decodeOrgPermissions', () => {
  test("Clerk's documented example", () => {
    const permissions = decodeOrgPermissions({
      fea: 'o:dashboard,o:teams',
      o: { id: 'org_2ghi', slg: 'acme', rol: 'admin', per: 'manage,read', fpm: '3,2' },
    });
    assert.deepEqual(permissions, ['org:dashboard:manage', 'org:dashboard:read', 'org:teams:read']);
  });

  test('the same example through the auth object drives has()', () => {
    const auth = signedInAuthObject(
      {
        sub: 'user_2abc',
        sid: 'sess_2def',
        fea: 'o:dashboard,o:teams',
        o: { id: 'org_2ghi', slg: 'acme', rol: 'admin', per: 'manage,read', fpm: '3,2' },
      } as unknown as SessionClaims,
      async () => null,
    );
    assert.equal(auth.orgRole, 'org:admin');
    assert.deepEqual(auth.orgPermissions, ['org:dashboard:manage', 'org:dashboard:read', 'org:teams:read']);
    assert.equal(auth.has({ permission: 'org:teams:read' }), true);
    assert.equal(auth.has({ permission: 'org:teams:manage' }), false);
    assert.equal(auth.has({ role: 'admin', permission: 'org:dashboard:manage' }), true);
  });

  test('user-only features are dropped before aligning fpm; uo/ou count as org features', () => {
    assert.deepEqual(decodeOrgPermissions({ fea: 'u:beta,o:dashboard', o: { id: 'org_1', per: 'manage,read', fpm: '1' } }), [
      'org:dashboard:manage',
    ]);
    assert.deepEqual(decodeOrgPermissions({ fea: 'uo:reports,u:beta,ou:teams', o: { id: 'org_1', per: 'manage,read', fpm: '2,1' } }), [
      'org:reports:read',
      'org:teams:manage',
    ]);
  });

  test('missing per or fpm gives no permissions', () => {
    assert.deepEqual(decodeOrgPermissions({ fea: 'o:dashboard', o: { id: 'org_1', per: 'read' } }), []);
    assert.deepEqual(decodeOrgPermissions({ fea: 'o:dashboard', o: { id: 'org_1', fpm: '1' } }), []);
    assert.deepEqual(decodeOrgPermissions({ fea: 'o:dashboard' }), []);
    const auth = signedInAuthObject(
      { sub: 'u', sid: 's', o: { id: 'org_1', rol: 'member' } } as unknown as SessionClaims,
      async () => null,
    );
    assert.deepEqual(auth.orgPermissions, []);
  });

  test('masks without a matching feature, and non-decimal masks, grant nothing at all (fail closed, issue #15)', () => {
    assert.deepEqual(decodeOrgPermissions({ fea: 'o:dashboard', o: { id: 'org_1', per: 'manage,read', fpm: '1,3' } }), []);
    assert.deepEqual(decodeOrgPermissions({ fea: 'o:a,o:b,o:c', o: { id: 'org_1', per: 'read', fpm: '0x1,-1,1e0' } }), []);
  });

  test('masks wider than 53 bits decode exactly (BigInt, like Clerk)', () => {
    const actions = Array.from({ length: 60 }, (_, i) => `a${i}`);
    const mask = (2n ** 59n + 1n).toString();
    assert.deepEqual(decodeOrgPermissions({ fea: 'o:big', o: { id: 'org_1', per: actions.join(','), fpm: mask } }), [
      'org:big:a0',
      'org:big:a59',
    ]);
  });

  test('bits beyond the action list make the whole claim grant nothing (fail closed, issue #15)', () => {
    assert.deepEqual(decodeOrgPermissions({ fea: 'o:x', o: { id: 'org_1', per: 'read', fpm: '7' } }), []);
    assert.deepEqual(decodeOrgPermissions({ fea: 'o:x', o: { id: 'org_1', per: 'read', fpm: '1' } }), ['org:x:read']);
  });
});
