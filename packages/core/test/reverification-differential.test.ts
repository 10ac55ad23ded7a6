// Differential test (issue #18): has({ reverification }) against Clerk's own check on random fva values and configs.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createCheckAuthorization } from '@clerk/shared/authorization';
import { checkAuthorization, type CheckAuthorizationParams } from '@gatehouse/core';
import { prng } from '../../../test-support/prng.js';

const PRESETS = ['strict_mfa', 'strict', 'moderate', 'lax'] as const;
const LEVELS = ['first_factor', 'second_factor', 'multi_factor'] as const;
/** Ages around every preset's boundary (10, 60, 1440 minutes), plus "not enrolled" (-1). */
const AGES = [-1, 0, 1, 5, 9, 10, 11, 30, 59, 60, 61, 600, 1439, 1440, 1441, 100_000];

describe('has({ reverification }) agrees with @clerk/shared on random fva values', () => {
  test('50,000 random (fva, reverification) pairs, presets and { level, afterMinutes }', () => {
    const random = prng(20261207);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const age = () => (random() < 0.7 ? pick(AGES) : Math.floor(random() * 2000) - 1);
    let agreedTrue = 0;
    for (let i = 0; i < 50_000; i++) {
      const fva: [number, number] | null = random() < 0.03 ? null : [age(), age()];
      const reverification: CheckAuthorizationParams['reverification'] =
        random() < 0.5 ? pick(PRESETS) : { level: pick(LEVELS), afterMinutes: 1 + Math.floor(random() * 1500) };
      const clerkHas = createCheckAuthorization({
        userId: 'user_1',
        orgId: undefined,
        orgRole: undefined,
        orgPermissions: undefined,
        factorVerificationAge: fva,
        features: '',
        plans: '',
      });
      const theirs = clerkHas({ reverification } as Parameters<typeof clerkHas>[0]);
      const ours = checkAuthorization({ userId: 'user_1', factorVerificationAge: fva }, { reverification });
      assert.equal(ours, theirs, `case ${i}: fva ${JSON.stringify(fva)} reverification ${JSON.stringify(reverification)}`);
      if (ours) agreedTrue++;
    }
    // Both outcomes are exercised, not just the refusals.
    assert.ok(agreedTrue > 5_000, `only ${agreedTrue} passing cases`);
  });

  test('signed out is always false, whatever fva says', () => {
    const clerkHas = createCheckAuthorization({
      userId: null,
      orgId: undefined,
      orgRole: undefined,
      orgPermissions: undefined,
      factorVerificationAge: [0, 0],
      features: '',
      plans: '',
    });
    assert.equal(clerkHas({ reverification: 'lax' }), false);
    assert.equal(checkAuthorization({ userId: null, factorVerificationAge: [0, 0] }, { reverification: 'lax' }), false);
  });
});
