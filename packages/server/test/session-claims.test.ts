// Custom session claims: the configuration-time cookie budget and the per-value cap at mint time.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  SESSION_CLAIMS_BUDGET_BYTES,
  SESSION_CLAIM_VALUE_MAX_BYTES,
  compileSessionClaims,
  renderSessionClaims,
  worstCaseClaimsBytes,
} from '../src/session-claims.js';

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
