// Issue #18: the passkeys' relying party comes from configuration (GATEHOUSE_PASSKEY_RP_ID,
// GATEHOUSE_PASSKEY_ORIGINS, GATEHOUSE_APP_NAME); malformed values stop the start with the variable's name.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gatehouseOptionsFromEnv } from '../src/instance/embedded.js';
import { relyingParty } from '../src/factors/passkeys.js';

test('the relying party from the environment, used over the request origin', () => {
  const options = gatehouseOptionsFromEnv({
    GATEHOUSE_PASSKEY_RP_ID: 'example.com',
    GATEHOUSE_PASSKEY_ORIGINS: 'https://app.example.com, https://www.example.com',
    GATEHOUSE_APP_NAME: 'Acme',
  });
  assert.deepEqual(options.passkeys, {
    rpId: 'example.com',
    origins: ['https://app.example.com', 'https://www.example.com'],
    rpName: 'Acme',
  });
  const rp = relyingParty({ rpId: 'example.com', rpName: 'Acme', origins: ['https://app.example.com'] }, 'https://evil.example.net');
  assert.deepEqual(rp, { rpId: 'example.com', origins: ['https://app.example.com'] });
  // Unconfigured (development): the request's own host and origin.
  assert.deepEqual(relyingParty({ rpId: null, rpName: 'Gatehouse', origins: [] }, 'http://localhost:3000'), {
    rpId: 'localhost',
    origins: ['http://localhost:3000'],
  });
  assert.equal(gatehouseOptionsFromEnv({}).passkeys, undefined);
});

test('malformed values are refused, naming the variable', () => {
  for (const rpId of ['https://example.com', 'example.com:443', 'example.com/path', 'EXAMPLE..com']) {
    assert.throws(() => gatehouseOptionsFromEnv({ GATEHOUSE_PASSKEY_RP_ID: rpId }), /GATEHOUSE_PASSKEY_RP_ID/, rpId);
  }
  for (const origin of ['app.example.com', 'https://app.example.com/path', 'ftp://app.example.com']) {
    assert.throws(() => gatehouseOptionsFromEnv({ GATEHOUSE_PASSKEY_ORIGINS: origin }), /GATEHOUSE_PASSKEY_ORIGINS/, origin);
  }
});
