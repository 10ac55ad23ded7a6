// Issue #16: mail configuration: GATEHOUSE_SMTP_URL / GATEHOUSE_EMAIL_FROM / GATEHOUSE_EMAIL_VERIFICATION, and a production instance that serves with verification required but no mailer refuses to start, naming the variable.

import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { gatehouseOptionsFromEnv } from '@gatehouse/server';
import { createTestInstance, inProduction, makeTempDir } from '../../../../test-support/instance.js';

describe('mail setup', () => {
  test('the environment: SMTP URL with its sender, the verification switch, the code lifetime', () => {
    const options = gatehouseOptionsFromEnv({
      GATEHOUSE_SMTP_URL: 'smtps://user:pass@mail.example:465',
      GATEHOUSE_EMAIL_FROM: 'Acme <no-reply@acme.example>',
      GATEHOUSE_EMAIL_VERIFICATION: 'off',
      GATEHOUSE_VERIFICATION_CODE_TTL: '300',
    });
    assert.deepEqual(options.smtp, { url: 'smtps://user:pass@mail.example:465', from: 'Acme <no-reply@acme.example>' });
    assert.equal(options.emailVerificationRequired, false);
    assert.equal(options.verificationCodeTtlSeconds, 300);
    assert.throws(() => gatehouseOptionsFromEnv({ GATEHOUSE_SMTP_URL: 'smtp://mail.example' }), /GATEHOUSE_EMAIL_FROM/);
    assert.throws(() => gatehouseOptionsFromEnv({ GATEHOUSE_EMAIL_VERIFICATION: 'maybe' }), /required or off/);
  });

  test('an SMTP URL of another scheme fails at start', async () => {
    await assert.rejects(createTestInstance({ smtp: { url: 'http://mail.example', from: 'a@b.example' } }), /smtp:\/\/ or smtps:\/\//);
  });

  test('production, serving, verification required, no mailer: refuses to start and names GATEHOUSE_SMTP_URL', async () => {
    const dir = makeTempDir();
    after(() => rmSync(dir, { recursive: true, force: true }));
    await inProduction(async () => {
      await assert.rejects(
        createTestInstance({ secret: 'x'.repeat(40), emailVerificationRequired: true, mail: { worker: true } }, { dir }),
        (error: { code?: string; message?: string }) => error.code === 'setup_missing' && /GATEHOUSE_SMTP_URL/.test(error.message ?? ''),
      );
      // With a mailer, or with verification off, it starts.
      const smtp = await createTestInstance(
        {
          secret: 'x'.repeat(40),
          emailVerificationRequired: true,
          mail: { worker: true },
          smtp: { url: 'smtp://127.0.0.1:1', from: 'a@b.example' },
        },
        { dir },
      );
      await smtp.close({ keepFiles: true });
      const off = await createTestInstance({ secret: 'x'.repeat(40), emailVerificationRequired: false, mail: { worker: true } }, { dir });
      await off.close();
    });
  });
});
