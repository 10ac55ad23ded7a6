// Issue #23: @gatehouse/nextjs/errors, Clerk's error classes and checks (`@clerk/nextjs/errors`), for the errors
// Gatehouse's client raises; checks go by shape, so an error made by another copy of the package counts.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GatehouseError } from '@gatehouse/core';
import {
  ClerkAPIResponseError,
  ClerkOfflineError,
  ClerkRuntimeError,
  EmailLinkErrorCodeStatus,
  isClerkAPIResponseError,
  isClerkRuntimeError,
  isEmailLinkError,
  isKnownError,
  isMetamaskError,
  isReverificationCancelledError,
} from '@gatehouse/nextjs/errors';

describe('@gatehouse/nextjs/errors (issue #23)', () => {
  test("ClerkAPIResponseError: Clerk's fields from the API's error; isClerkAPIResponseError and instanceof go by shape", () => {
    const error = new ClerkAPIResponseError('That email and password do not match.', {
      status: 401,
      data: [{ code: 'invalid_credentials', message: 'That email and password do not match.', meta: { param_name: 'password' } }],
    });
    assert.equal(error.status, 401);
    assert.deepEqual(error.errors, [
      {
        code: 'invalid_credentials',
        message: 'That email and password do not match.',
        longMessage: 'That email and password do not match.',
        meta: { paramName: 'password' },
      },
    ]);
    assert.equal(isClerkAPIResponseError(error), true);
    // Made by another bundle's copy: the same shape, another class.
    const foreign = Object.assign(new Error('x'), {
      clerkError: true,
      status: 422,
      errors: [{ code: 'form_code_incorrect', message: 'x' }],
    });
    assert.equal(isClerkAPIResponseError(foreign), true);
    // eslint-disable-next-line no-restricted-syntax -- Clerk apps use instanceof; that it goes by shape is what is tested
    assert.equal(foreign instanceof ClerkAPIResponseError, true);
    for (const other of [new Error('x'), new GatehouseError('forbidden', 'No.'), null, 'string', { clerkError: true, status: 400 }]) {
      assert.equal(isClerkAPIResponseError(other), false, String(other));
      // eslint-disable-next-line no-restricted-syntax -- Clerk apps use instanceof; that it goes by shape is what is tested
      assert.equal(other instanceof ClerkAPIResponseError, false);
    }
  });

  test('runtime errors: Clerk-shaped ones and GatehouseErrors; offline; reverification cancelled', () => {
    const cancelled = new ClerkRuntimeError('The verification was cancelled.', { code: 'reverification_cancelled' });
    assert.equal(isClerkRuntimeError(cancelled), true);
    assert.equal(isReverificationCancelledError(cancelled), true);
    assert.equal(isClerkRuntimeError(new GatehouseError('setup_missing', 'Mount the handler.')), true);
    // eslint-disable-next-line no-restricted-syntax -- Clerk apps use instanceof; that it goes by shape is what is tested
    assert.equal(new GatehouseError('not_found', 'No.') instanceof ClerkRuntimeError, true);
    assert.equal(isClerkRuntimeError(new Error('plain')), false);
    const offline = new ClerkOfflineError('Offline.');
    assert.equal(offline.code, 'clerk_offline');
    assert.equal(ClerkOfflineError.is(offline), true);
    // eslint-disable-next-line no-restricted-syntax -- Clerk apps use instanceof; that it goes by shape is what is tested
    assert.equal(offline instanceof ClerkRuntimeError, true);
    assert.equal(ClerkOfflineError.is(cancelled), false);
    assert.equal(isReverificationCancelledError(new Error('x')), false);
  });

  test('known errors; wallet and email-link checks as Clerk has them', () => {
    const api = new ClerkAPIResponseError('x', { status: 0, data: [{ code: 'network_error', message: 'x' }] });
    const wallet = Object.assign(new Error('User rejected the request.'), { code: 4001 });
    assert.equal(isMetamaskError(wallet), true);
    assert.equal(isMetamaskError(Object.assign(new Error('x'), { code: 4000 })), false);
    for (const known of [api, wallet, new GatehouseError('rate_limited', 'Slow down.')]) assert.equal(isKnownError(known), true);
    assert.equal(isKnownError(new TypeError('x')), false);
    assert.equal(isEmailLinkError(Object.assign(new Error('x'), { name: 'EmailLinkError', code: 'expired' })), true);
    assert.equal(isEmailLinkError(new Error('x')), false);
    assert.equal(EmailLinkErrorCodeStatus.Expired, 'expired');
  });
});
