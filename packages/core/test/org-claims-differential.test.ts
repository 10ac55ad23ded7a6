// Differential test: Clerk's own claim decoder and has() against ours, over random memberships and queries.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { __experimental_JWTPayloadToAuthObjectProperties as clerkDecode } from '@clerk/shared/jwtPayloadParser';
import { createCheckAuthorization } from '@clerk/shared/authorization';
import { encodeOrgClaims, signedInAuthObject, type CheckAuthorizationParams, type SessionClaims } from '@gatehouse/core';
import { prng } from '../../../test-support/prng.js';

const SYSTEM = [
  'org:sys_profile:manage',
  'org:sys_profile:delete',
  'org:sys_memberships:read',
  'org:sys_memberships:manage',
  'org:sys_domains:read',
  'org:sys_domains:manage',
];
const FEATURES = ['projects', 'invoices', 'reports', 'data', 'billing_x', 'team-settings', 'a', 'analytics'];
const ACTIONS = ['read', 'write', 'create', 'delete', 'manage', 'export', 'x1', 'approve-all'];
const ROLES = ['org:admin', 'org:member', 'org:viewer', 'org:billing', 'admin', 'org:custom_role'];

describe('org claims: Clerk decodes our tokens to the same permissions, and has() agrees', () => {
  test('10,000 random memberships and 100,000 random queries', () => {
    const random = prng(20261126);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    let checkedQueries = 0;
    for (let i = 0; i < 10_000; i++) {
      // Some users have no active organization at all.
      const hasOrg = random() > 0.1;
      const permissions = new Set<string>();
      if (hasOrg) {
        const count = Math.floor(random() * 40);
        for (let k = 0; k < count; k++) permissions.add(`org:${pick(FEATURES)}:${pick(ACTIONS)}`);
        for (const sys of SYSTEM) if (random() < 0.3) permissions.add(sys);
      }
      const role = pick(ROLES);
      const claims = {
        sub: `user_${i}`,
        sid: `sess_${i}`,
        iss: 'urn:gatehouse:test',
        iat: 1,
        nbf: 1,
        exp: 2,
        jti: 'j',
        v: 2,
        fva: [Math.floor(random() * 30), -1],
      } as SessionClaims;
      if (hasOrg)
        Object.assign(
          claims,
          encodeOrgClaims({ id: `org_${i}`, slug: random() > 0.5 ? `slug-${i}` : null, role, permissions: [...permissions] }),
        );

      const ours = signedInAuthObject(claims, async () => null);
      const theirs = clerkDecode(claims as unknown as Parameters<typeof clerkDecode>[0]);
      assert.equal(theirs.orgId, ours.orgId, `seed row ${i}: orgId`);
      assert.equal(theirs.orgRole, ours.orgRole, `row ${i}: orgRole`);
      assert.equal(theirs.orgSlug, ours.orgSlug, `row ${i}: orgSlug`);
      if (hasOrg) {
        assert.deepEqual([...(theirs.orgPermissions ?? [])].sort(), [...(ours.orgPermissions ?? [])].sort(), `row ${i}: orgPermissions`);
        // And both equal what the membership really grants, system permissions included.
        assert.deepEqual([...(ours.orgPermissions ?? [])].sort(), [...permissions].sort(), `row ${i}: round trip`);
      } else {
        assert.equal(ours.orgPermissions, undefined);
      }

      const clerkHas = createCheckAuthorization({
        userId: claims.sub,
        orgId: theirs.orgId,
        orgRole: theirs.orgRole,
        orgPermissions: theirs.orgPermissions,
        factorVerificationAge: theirs.factorVerificationAge,
        features: (claims.fea as string | undefined) ?? '',
        plans: '',
      } as Parameters<typeof createCheckAuthorization>[0]);
      for (let q = 0; q < 10; q++) {
        const params: CheckAuthorizationParams = {};
        const shape = random();
        if (shape < 0.35)
          params.permission = random() < 0.5 && permissions.size ? pick([...permissions]) : `org:${pick(FEATURES)}:${pick(ACTIONS)}`;
        else if (shape < 0.55) params.role = random() < 0.5 ? role : pick([...ROLES, 'org:org:admin', 'member', '']);
        else if (shape < 0.7) {
          params.role = random() < 0.7 ? role : pick(ROLES);
          params.permission = permissions.size ? pick([...permissions]) : 'org:projects:read';
        } else if (shape < 0.8) params.feature = pick([...FEATURES.map((f) => `o:${f}`), ...FEATURES, 'u:beta', 'user:projects', 'team:x']);
        else if (shape < 0.9) params.reverification = pick(['strict', 'moderate', 'lax', 'strict_mfa'] as const);
        else {
          params.permission = `org:${pick(FEATURES)}:${pick(ACTIONS)}`;
          params.reverification = {
            level: pick(['first_factor', 'second_factor', 'multi_factor'] as const),
            afterMinutes: Math.floor(random() * 40),
          };
        }
        assert.equal(ours.has(params), clerkHas(params as Parameters<typeof clerkHas>[0]), `row ${i} query ${JSON.stringify(params)}`);
        checkedQueries++;
      }
    }
    assert.equal(checkedQueries, 100_000);
  });

  test('system permissions are in the token, so has() on org:sys_memberships:manage works server-side', () => {
    const claims = {
      sub: 'user_1',
      sid: 'sess_1',
      v: 2,
      ...encodeOrgClaims({
        id: 'org_1',
        slug: 'acme',
        role: 'org:admin',
        permissions: ['org:sys_memberships:manage', 'org:projects:read'],
      }),
    } as unknown as SessionClaims;
    const auth = signedInAuthObject(claims, async () => null);
    assert.equal(auth.has({ permission: 'org:sys_memberships:manage' }), true);
    assert.equal(auth.has({ permission: 'org:sys_memberships:read' }), false);
    assert.deepEqual(claims.o, { id: 'org_1', slg: 'acme', rol: 'admin', per: 'read,manage', fpm: '1,2' });
    assert.equal(claims.fea, 'o:projects,o:sys_memberships');
  });
});
