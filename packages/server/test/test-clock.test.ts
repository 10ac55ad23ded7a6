// The test clock hook (GATEHOUSE_TEST_CLOCK_FILE): off unless set, refused in production without the
// second variable, said loudly at start, and read again on every reading, so that advancing the
// offset in the file expires a session token for the service and for the verifier alike.

import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { gatehouseOptionsFromEnv } from '@gatehouse/server';
import { authenticate, createCookieJar, createTestInstance, makeTempDir, signUp } from '../../../test-support/instance.js';

const dir = makeTempDir();
const clockFile = join(dir, 'clock');
after(() => rmSync(dir, { recursive: true, force: true }));

describe('the test clock', () => {
  test('off by default: no clock of its own, and no warning', async () => {
    assert.equal(gatehouseOptionsFromEnv({ NODE_ENV: 'production' }).now, undefined);
    const t = await createTestInstance();
    try {
      assert.equal(
        t.logs.some((line) => line.includes('TEST CLOCK')),
        false,
      );
    } finally {
      await t.close();
    }
  });

  test('refused in production without GATEHOUSE_TEST_CLOCK_IN_PRODUCTION=1, and when the file holds no whole number', () => {
    writeFileSync(clockFile, '0');
    assert.throws(
      () => gatehouseOptionsFromEnv({ NODE_ENV: 'production', GATEHOUSE_TEST_CLOCK_FILE: clockFile }),
      (error: Error) => error.name === 'TypeError' && /GATEHOUSE_TEST_CLOCK_IN_PRODUCTION=1/.test(error.message),
    );
    assert.throws(
      () =>
        gatehouseOptionsFromEnv({
          NODE_ENV: 'production',
          GATEHOUSE_TEST_CLOCK_FILE: clockFile,
          GATEHOUSE_TEST_CLOCK_IN_PRODUCTION: 'yes',
        }),
      /refused in production/,
    );
    assert.throws(() => gatehouseOptionsFromEnv({ GATEHOUSE_TEST_CLOCK_FILE: join(dir, 'missing') }), /ENOENT/);
    writeFileSync(clockFile, '1.5');
    assert.throws(() => gatehouseOptionsFromEnv({ GATEHOUSE_TEST_CLOCK_FILE: clockFile }), /whole number of milliseconds/);
  });

  test('the offset is read on every reading; the instance warns once; an advanced clock expires the token for the verifier', async () => {
    writeFileSync(clockFile, '0');
    const { now } = gatehouseOptionsFromEnv({
      NODE_ENV: 'production',
      GATEHOUSE_TEST_CLOCK_FILE: clockFile,
      GATEHOUSE_TEST_CLOCK_IN_PRODUCTION: '1',
    });
    assert.ok(now);
    const hour = 3_600_000;
    writeFileSync(clockFile, String(hour));
    const before = Date.now();
    const read = now();
    assert.ok(read >= before + hour && read <= Date.now() + hour, 'the clock runs an hour ahead');

    writeFileSync(clockFile, '0');
    const t = await createTestInstance({ now, sessionTokenTtlSeconds: 60, clockSkewInMs: 5000 });
    try {
      assert.equal(t.logs.filter((line) => line.includes('TEST CLOCK ON')).length, 1);
      const jar = createCookieJar();
      assert.equal((await signUp(t, 'clock@example.com', jar)).status, 200);
      const token = jar.get('__session');
      assert.ok(token);
      const signedIn = await authenticate(t, createCookieJar({ __session: token }));
      assert.equal(signedIn.status, 'signed-in');
      // Past the token's lifetime and the skew: the same token no longer passes.
      writeFileSync(clockFile, String(66_000));
      const expired = await authenticate(t, createCookieJar({ __session: token }));
      assert.equal(expired.status, 'signed-out');
      assert.equal(expired.reason, 'session-token-expired');
    } finally {
      await t.close();
    }
  });
});
