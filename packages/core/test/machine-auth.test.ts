// Machine tokens in requests (issue #22): telling token kinds apart by shape, acceptsToken narrowing as Clerk does it, and machine auth objects' has().

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  M2M_TOKEN_CATEGORY,
  SESSION_TOKEN_CATEGORY,
  acceptsTokenType,
  checkAcceptsToken,
  machineAuthObject,
  narrowAuthObject,
  signedOutAuthObject,
  tokenTypeOf,
  unauthenticatedMachineObject,
} from '@gatehouse/core';

const jwtWith = (header: Record<string, unknown>) => `${Buffer.from(JSON.stringify(header)).toString('base64url')}.e30.sig`;
const apiKey = machineAuthObject(
  { tokenType: 'api_key', id: 'ak_x', subject: 'org_acme', scopes: ['org:projects:read'], name: 'ci', claims: null, expiration: null },
  'ak_secret',
);

describe('machine tokens', () => {
  test('tokenTypeOf routes by shape only', () => {
    assert.equal(tokenTypeOf(`ak_${'a'.repeat(43)}`), 'api_key');
    assert.equal(tokenTypeOf('mt_abc'), 'm2m_token');
    assert.equal(tokenTypeOf('oat_abc'), 'oauth_token');
    assert.equal(tokenTypeOf(jwtWith({ alg: 'RS256', cat: M2M_TOKEN_CATEGORY })), 'm2m_token');
    assert.equal(tokenTypeOf(jwtWith({ alg: 'RS256', typ: 'at+jwt' })), 'oauth_token');
    assert.equal(tokenTypeOf(jwtWith({ alg: 'RS256', cat: SESSION_TOKEN_CATEGORY })), 'session_token');
    assert.equal(tokenTypeOf('%%%.e30.x'), 'session_token');
  });

  test('acceptsToken: default session only, a type, a list, any; misuse is a TypeError', () => {
    assert.equal(acceptsTokenType(undefined, 'session_token'), true);
    assert.equal(acceptsTokenType(undefined, 'api_key'), false);
    assert.equal(acceptsTokenType('api_key', 'api_key'), true);
    assert.equal(acceptsTokenType(['session_token', 'api_key'], 'm2m_token'), false);
    assert.equal(acceptsTokenType('any', 'oauth_token'), true);
    assert.throws(() => checkAcceptsToken('machine_token'), TypeError);
    assert.throws(() => checkAcceptsToken([]), TypeError);
    assert.deepEqual(checkAcceptsToken(['api_key']), ['api_key']);
  });

  test('narrowing: a machine token on a session route is signed out (never a userId), a session on a machine route is unauthenticated', () => {
    const onSessionRoute = narrowAuthObject(apiKey, undefined, (reason) => signedOutAuthObject(reason));
    assert.equal(onSessionRoute.isAuthenticated, false);
    assert.equal(onSessionRoute.tokenType, 'session_token');
    assert.equal((onSessionRoute as { userId: unknown }).userId, null);
    const session = signedOutAuthObject('session-token-missing');
    const onMachineRoute = narrowAuthObject(session, 'm2m_token', (reason) => signedOutAuthObject(reason));
    assert.equal(onMachineRoute.tokenType, 'm2m_token');
    assert.equal(onMachineRoute.isAuthenticated, false);
    const listed = narrowAuthObject(apiKey, ['session_token', 'm2m_token'], (reason) => signedOutAuthObject(reason));
    assert.equal(listed.tokenType, null);
    assert.equal(
      narrowAuthObject(apiKey, 'any', (reason) => signedOutAuthObject(reason)),
      apiKey,
    );
    assert.equal(unauthenticatedMachineObject('api_key', null).has({ permission: 'org:projects:read' }), false);
  });

  test("an org key's has() answers permissions from its scopes, never roles", async () => {
    assert.equal(apiKey.orgId, 'org_acme');
    assert.equal(apiKey.userId, null);
    assert.equal(apiKey.has({ permission: 'org:projects:read' }), true);
    assert.equal(apiKey.has({ permission: 'org:projects:write' }), false);
    assert.equal(apiKey.has({ role: 'org:admin' }), false);
    assert.equal(await apiKey.getToken(), 'ak_secret');
  });
});
