// GatehouseError: stable codes, the one code -> status table, name-based detection and the error body shape.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GatehouseError, STATUS_BY_CODE, isGatehouseError } from '@gatehouse/core';
import { errorBody } from '../src/responses.js';

test('a GatehouseError carries its code and the status from the table', () => {
  const error = new GatehouseError('csrf_rejected', 'nope');
  assert.equal(error.name, 'GatehouseError');
  assert.equal(error.code, 'csrf_rejected');
  assert.equal(error.status, 403);
  assert.equal(error.message, 'nope');
});

test('the status table maps the codes the API relies on', () => {
  assert.deepEqual(
    {
      malformed_url: STATUS_BY_CODE.malformed_url,
      invalid_body: STATUS_BY_CODE.invalid_body,
      payload_too_large: STATUS_BY_CODE.payload_too_large,
      unsupported_media_type: STATUS_BY_CODE.unsupported_media_type,
      invalid_credentials: STATUS_BY_CODE.invalid_credentials,
      client_invalid: STATUS_BY_CODE.client_invalid,
      csrf_rejected: STATUS_BY_CODE.csrf_rejected,
      identifier_exists: STATUS_BY_CODE.identifier_exists,
      setup_missing: STATUS_BY_CODE.setup_missing,
    },
    {
      malformed_url: 400,
      invalid_body: 400,
      payload_too_large: 413,
      unsupported_media_type: 415,
      invalid_credentials: 401,
      client_invalid: 401,
      csrf_rejected: 403,
      identifier_exists: 409,
      setup_missing: 500,
    },
  );
  for (const [code, status] of Object.entries(STATUS_BY_CODE)) {
    assert.ok(Number.isInteger(status) && status >= 400 && status <= 599, code);
  }
});

test('isGatehouseError recognises errors by name and code (a second copy of the package still counts)', () => {
  const fromOtherCopy = Object.assign(new Error('x'), { name: 'GatehouseError', code: 'forbidden' });
  assert.equal(isGatehouseError(new GatehouseError('forbidden', 'x')), true);
  assert.equal(isGatehouseError(fromOtherCopy), true);
  assert.equal(isGatehouseError(new Error('x')), false);
  assert.equal(isGatehouseError({ name: 'GatehouseError' }), false);
  assert.equal(isGatehouseError(null), false);
  assert.equal(isGatehouseError('GatehouseError'), false);
});

test('errorBody is { error: { code, message } }', () => {
  assert.deepEqual(JSON.parse(errorBody('not_found', 'No such endpoint.')), { error: { code: 'not_found', message: 'No such endpoint.' } });
});
