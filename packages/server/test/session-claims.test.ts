// Custom session claims: the configuration-time cookie budget and the per-value cap at mint time.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { base64url } from 'jose';
import { createCookieJar, createTestInstance, signUp } from '../../../test-support/instance.js';
import {
  SESSION_CLAIMS_BUDGET_BYTES,
  SESSION_CLAIM_VALUE_MAX_BYTES,
  compileSessionClaims,
  renderSessionClaims,
  worstCaseClaimsBytes,
} from '../src/tokens/session-claims.js';

describe('compileSessionClaims', () => {
  test('accepts a template whose worst case fits the budget', () => {
    const template = { role: '{{user.public_metadata.role}}', email: '{{user.primary_email_address}}', uid: '{{user.id}}' };
    assert.deepEqual(compileSessionClaims(template), template);
    assert.ok(worstCaseClaimsBytes(template) <= SESSION_CLAIMS_BUDGET_BYTES);
  });

  test('refuses a template that could push the cookie past 4 KB, naming the numbers', () => {
    const many = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`m${i}`, '{{user.public_metadata}}']));
    assert.ok(worstCaseClaimsBytes(many) > SESSION_CLAIMS_BUDGET_BYTES);
    assert.throws(() => compileSessionClaims(many), new RegExp(`budget is ${SESSION_CLAIMS_BUDGET_BYTES}`));
    assert.throws(() => compileSessionClaims({ big: 'x'.repeat(SESSION_CLAIMS_BUDGET_BYTES) }), /budget/);
  });

  test('refuses overriding a default claim', () => {
    for (const name of ['sub', 'sid', 'iss', 'exp', 'o', 'v', 'azp', 'fva']) {
      assert.throws(() => compileSessionClaims({ [name]: 'x' }), /reserved/, name);
    }
  });
});

describe('renderSessionClaims', () => {
  test('a value over the per-value cap renders as null; small values pass', () => {
    const claims = renderSessionClaims(
      { bio: '{{user.public_metadata.bio}}', role: '{{user.public_metadata.role}}', line: 'bio: {{user.public_metadata.bio}}' },
      { user: { public_metadata: { bio: 'x'.repeat(SESSION_CLAIM_VALUE_MAX_BYTES + 1), role: 'editor' } } },
    );
    assert.deepEqual(claims, { bio: null, role: 'editor', line: 'bio: null' });
  });
});

describe('custom session claims in minted tokens', () => {
  test('the configured claims appear in the token; defaults keep their values', async () => {
    const t = await createTestInstance({
      sessionClaims: { email: '{{user.primary_email_address}}', plan: "{{user.public_metadata.plan || 'free'}}" },
    });
    try {
      const jar = createCookieJar();
      const res = await signUp(t, 'claims@example.com', jar);
      const claims = JSON.parse(new TextDecoder().decode(base64url.decode(jar.get('__session')!.split('.')[1]!))) as Record<
        string,
        unknown
      >;
      assert.equal(claims.email, 'claims@example.com');
      assert.equal(claims.plan, 'free');
      assert.equal(claims.sub, (res.body as { user: { id: string } }).user.id);
      assert.equal(claims.v, 2);
    } finally {
      await t.close();
    }
  });

  test('an instance configured with a template that could outgrow the cookie does not start', async () => {
    const big = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`m${i}`, '{{user.unsafe_metadata}}']));
    await assert.rejects(createTestInstance({ sessionClaims: big }), /budget is 1200/);
    await assert.rejects(createTestInstance({ sessionClaims: { sub: 'someone-else' } }), /reserved claims: sub/);
  });
});
