// has(): strict AND across role, permission, feature, plan and reverification, failing closed on anything missing or malformed.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkAuthorization,
  signedInAuthObject,
  signedOutAuthObject,
  type AuthorizationSubject,
  type CheckAuthorizationParams,
  type SessionClaims,
} from '@gatehouse/core';
import { parseScopedList } from '../src/has.js';

const admin: AuthorizationSubject = {
  userId: 'user_1',
  orgId: 'org_1',
  orgRole: 'org:admin',
  orgPermissions: ['org:invoices:create', 'org:invoices:read'],
  features: { org: ['dashboard'], user: ['beta'] },
  plans: { org: ['pro'], user: ['free'] },
  factorVerificationAge: [3, -1],
};
const noOrg: AuthorizationSubject = {
  userId: 'user_1',
  features: { org: [], user: ['beta'] },
  plans: { org: [], user: ['free'] },
  factorVerificationAge: [3, -1],
};

describe('signed out', () => {
  test('every question is false for a signed-out auth object', () => {
    const auth = signedOutAuthObject('session-token-missing');
    for (const params of [
      { role: 'org:admin' },
      { permission: 'org:invoices:read' },
      { feature: 'beta' },
      { plan: 'free' },
      { reverification: 'lax' },
    ] as const) {
      assert.equal(auth.has(params as CheckAuthorizationParams), false);
    }
  });

  test('a subject without a userId is refused even with matching org data', () => {
    assert.equal(checkAuthorization({ ...admin, userId: null }, { role: 'org:admin' }), false);
    assert.equal(checkAuthorization({ ...admin, userId: '' }, { role: 'org:admin' }), false);
  });
});

describe('roles and permissions', () => {
  test("role matches with or without the 'org:' prefix", () => {
    assert.equal(checkAuthorization(admin, { role: 'org:admin' }), true);
    assert.equal(checkAuthorization(admin, { role: 'admin' }), true);
    assert.equal(checkAuthorization({ ...admin, orgRole: 'admin' }, { role: 'org:admin' }), true);
  });

  test('another role, a prefix-only or case-changed role is refused', () => {
    for (const role of ['org:member', 'member', 'org:', '', 'org:Admin', 'ADMIN', 'org:admin ']) {
      assert.equal(checkAuthorization(admin, { role }), false, JSON.stringify(role));
    }
  });

  test('repeated org: prefixes normalise to one, as in Clerk', () => {
    assert.equal(checkAuthorization(admin, { role: 'org:org:admin' }), true);
    assert.equal(checkAuthorization(admin, { permission: 'org:org:invoices:read' }), true);
  });

  test('role and permission need an active organization', () => {
    assert.equal(checkAuthorization({ ...admin, orgId: undefined }, { role: 'org:admin' }), false);
    assert.equal(checkAuthorization({ ...admin, orgId: null }, { permission: 'org:invoices:read' }), false);
    assert.equal(checkAuthorization(noOrg, { role: 'org:admin' }), false);
  });

  test('permission must be held; the org: prefix is added when missing', () => {
    assert.equal(checkAuthorization(admin, { permission: 'org:invoices:create' }), true);
    assert.equal(checkAuthorization(admin, { permission: 'invoices:create' }), true);
    assert.equal(checkAuthorization(admin, { permission: 'org:invoices:delete' }), false);
    assert.equal(checkAuthorization(admin, { permission: 'org:invoices' }), false);
    assert.equal(checkAuthorization({ ...admin, orgPermissions: undefined }, { permission: 'org:invoices:read' }), false);
  });

  test('system permissions are not implied by the admin role', () => {
    assert.equal(checkAuthorization(admin, { permission: 'org:sys_memberships:manage' }), false);
  });

  test('non-string inputs fail instead of matching', () => {
    for (const params of [
      { role: 7 },
      { role: null },
      { permission: ['org:invoices:read'] },
      { permission: null },
      { role: { toString: () => 'org:admin' } },
    ]) {
      assert.equal(checkAuthorization(admin, params as unknown as CheckAuthorizationParams), false, JSON.stringify(params));
    }
  });
});

describe('strict AND', () => {
  test('every given key must pass', () => {
    assert.equal(checkAuthorization(admin, { role: 'org:admin', permission: 'org:invoices:read' }), true);
    assert.equal(checkAuthorization(admin, { role: 'org:admin', permission: 'org:invoices:delete' }), false);
    assert.equal(checkAuthorization(admin, { role: 'org:member', permission: 'org:invoices:read' }), false);
    assert.equal(checkAuthorization(admin, { role: 'org:admin', feature: 'nope' }), false);
    assert.equal(checkAuthorization(admin, { feature: 'dashboard', plan: 'enterprise' }), false);
    assert.equal(checkAuthorization(admin, { plan: 'pro', reverification: 'strict_mfa', permission: 'org:invoices:create' }), true);
    assert.equal(checkAuthorization(admin, { plan: 'pro', reverification: { level: 'first_factor', afterMinutes: 2 } }), false);
  });

  test('no keys at all, or a non-object, is false', () => {
    assert.equal(checkAuthorization(admin, {}), false);
    assert.equal(checkAuthorization(admin, null as unknown as CheckAuthorizationParams), false);
    assert.equal(checkAuthorization(admin, 'org:admin' as unknown as CheckAuthorizationParams), false);
    assert.equal(checkAuthorization(admin, { unknown: true } as unknown as CheckAuthorizationParams), false);
  });
});

describe('features and plans', () => {
  test('unscoped names look in both org and user lists', () => {
    assert.equal(checkAuthorization(admin, { feature: 'dashboard' }), true);
    assert.equal(checkAuthorization(admin, { feature: 'beta' }), true);
    assert.equal(checkAuthorization(admin, { plan: 'free' }), true);
    assert.equal(checkAuthorization(admin, { plan: 'pro' }), true);
    assert.equal(checkAuthorization(admin, { feature: 'missing' }), false);
  });

  test('o:/org:/organization: scope only the org list', () => {
    for (const scope of ['o', 'org', 'organization']) {
      assert.equal(checkAuthorization(admin, { feature: `${scope}:dashboard` }), true, scope);
      assert.equal(checkAuthorization(admin, { feature: `${scope}:beta` }), false, scope);
      assert.equal(checkAuthorization(admin, { plan: `${scope}:pro` }), true, scope);
      assert.equal(checkAuthorization(admin, { plan: `${scope}:free` }), false, scope);
    }
  });

  test('u:/user: scope only the user list', () => {
    for (const scope of ['u', 'user']) {
      assert.equal(checkAuthorization(admin, { feature: `${scope}:beta` }), true, scope);
      assert.equal(checkAuthorization(admin, { feature: `${scope}:dashboard` }), false, scope);
      assert.equal(checkAuthorization(admin, { plan: `${scope}:free` }), true, scope);
    }
  });

  test('an unknown scope fails, and a missing claim fails', () => {
    assert.equal(checkAuthorization(admin, { feature: 'team:dashboard' }), false);
    assert.equal(checkAuthorization(admin, { feature: ':dashboard' }), false);
    assert.equal(checkAuthorization({ userId: 'user_1' }, { feature: 'beta' }), false);
    assert.equal(checkAuthorization({ userId: 'user_1' }, { plan: 'free' }), false);
  });

  test('the fea/pla claims are parsed with uo/ou counting for both scopes', () => {
    assert.deepEqual(parseScopedList('o:dashboard,u:beta,uo:x, ou:y'), { org: ['dashboard', 'x', 'y'], user: ['beta', 'x', 'y'] });
    assert.deepEqual(parseScopedList(''), { org: [], user: [] });
    assert.deepEqual(parseScopedList(undefined), { org: [], user: [] });
    assert.deepEqual(parseScopedList('org:ignored'), { org: [], user: [] });
    // An entry without a scope makes the whole claim malformed: every check against it fails.
    assert.equal(parseScopedList('o:a,noscope'), null);
    assert.equal(checkAuthorization({ userId: 'u', features: parseScopedList('o:a,noscope') }, { feature: 'a' }), false);
    const auth = signedInAuthObject(
      { sub: 'user_1', sid: 's', fea: 'uo:reports', pla: 'u:free' } as unknown as SessionClaims,
      async () => null,
    );
    assert.equal(auth.has({ feature: 'o:reports' }), true);
    assert.equal(auth.has({ feature: 'u:reports' }), true);
    assert.equal(auth.has({ plan: 'o:free' }), false);
  });
});

describe('reverification', () => {
  const withFva = (fva: [number, number] | null): AuthorizationSubject => ({ userId: 'user_1', factorVerificationAge: fva });

  test('presets with only a first factor enrolled fall back to it', () => {
    const s = withFva([3, -1]);
    assert.equal(checkAuthorization(s, { reverification: 'strict_mfa' }), true);
    assert.equal(checkAuthorization(s, { reverification: 'strict' }), true);
    assert.equal(checkAuthorization(withFva([30, -1]), { reverification: 'strict' }), false);
    assert.equal(checkAuthorization(withFva([30, -1]), { reverification: 'moderate' }), true);
    assert.equal(checkAuthorization(withFva([1439, -1]), { reverification: 'lax' }), true);
    assert.equal(checkAuthorization(withFva([1440, -1]), { reverification: 'lax' }), false);
  });

  test('second_factor uses the second factor when enrolled; multi_factor needs both fresh', () => {
    const s = withFva([3, 20]);
    assert.equal(checkAuthorization(s, { reverification: 'strict' }), false);
    assert.equal(checkAuthorization(s, { reverification: 'moderate' }), true);
    assert.equal(checkAuthorization(s, { reverification: 'strict_mfa' }), false);
    assert.equal(checkAuthorization(withFva([3, 5]), { reverification: 'strict_mfa' }), true);
    assert.equal(checkAuthorization(withFva([20, 5]), { reverification: 'strict_mfa' }), false);
  });

  test('custom levels, the fresh boundary (afterMinutes > age) and invalid configs', () => {
    const s = withFva([10, -1]);
    assert.equal(checkAuthorization(s, { reverification: { level: 'first_factor', afterMinutes: 11 } }), true);
    assert.equal(checkAuthorization(s, { reverification: { level: 'first_factor', afterMinutes: 10 } }), false);
    assert.equal(checkAuthorization(s, { reverification: { level: 'first_factor', afterMinutes: 0 } }), false);
    assert.equal(checkAuthorization(s, { reverification: { level: 'first_factor', afterMinutes: -5 } }), false);
    assert.equal(checkAuthorization(s, { reverification: { level: 'first_factor', afterMinutes: Number.NaN } }), false);
    assert.equal(checkAuthorization(s, { reverification: { level: 'third_factor', afterMinutes: 60 } as never }), false);
    assert.equal(checkAuthorization(s, { reverification: 'paranoid' as never }), false);
  });

  test('no fva, or no factor enrolled, fails', () => {
    assert.equal(checkAuthorization(withFva(null), { reverification: 'lax' }), false);
    assert.equal(checkAuthorization(withFva([-1, -1]), { reverification: 'lax' }), false);
    assert.equal(checkAuthorization(withFva([-1, -1]), { reverification: { level: 'first_factor', afterMinutes: 99999 } }), false);
  });

  test('the auth object reads fva from the claims', () => {
    const fresh = signedInAuthObject({ sub: 'user_1', sid: 's', fva: [2, -1] } as unknown as SessionClaims, async () => null);
    const stale = signedInAuthObject({ sub: 'user_1', sid: 's', fva: [120, -1] } as unknown as SessionClaims, async () => null);
    const none = signedInAuthObject({ sub: 'user_1', sid: 's' } as unknown as SessionClaims, async () => null);
    assert.equal(fresh.has({ reverification: 'strict' }), true);
    assert.equal(stale.has({ reverification: 'strict' }), false);
    assert.equal(none.has({ reverification: 'lax' }), false);
  });
});
