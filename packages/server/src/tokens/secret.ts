// The master secret that encrypts signing keys at rest: GATEHOUSE_SECRET, or a loud development file.

import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { GatehouseError } from '@gatehouse/core';
import { newSecret } from '../store/ids.js';

export const MIN_SECRET_LENGTH = 32;

export interface SecretOptions {
  /** The configured secret (GATEHOUSE_SECRET). */
  secret?: string | undefined;
  /** Where a generated development secret lives when none is configured. */
  devSecretFile: string;
  /** Whether a generated development secret may be used (never in production unless asked). */
  allowDevSecret: boolean;
  log: (line: string) => void;
}

/**
 * Returns the master secret. A configured secret must be at least 32 characters. Without one, a
 * development secret is generated once into a 0600 file and a warning is printed on every start.
 *
 * @throws GatehouseError `setup_missing` when no secret is configured and none may be generated.
 */
export function resolveMasterSecret(options: SecretOptions): string {
  if (options.secret !== undefined && options.secret !== '') {
    if (options.secret.length < MIN_SECRET_LENGTH) {
      throw new GatehouseError('setup_missing', `GATEHOUSE_SECRET must be at least ${MIN_SECRET_LENGTH} characters.`);
    }
    return options.secret;
  }
  if (!options.allowDevSecret) {
    throw new GatehouseError(
      'setup_missing',
      'GATEHOUSE_SECRET is not set. Generate one with `openssl rand -base64 48` and set it in the environment ' +
        '(or set GATEHOUSE_DEV_SECRET=1 to use a generated development secret, never in production).',
    );
  }
  let secret: string;
  if (existsSync(options.devSecretFile)) {
    secret = readFileSync(options.devSecretFile, 'utf8').trim();
  } else {
    mkdirSync(dirname(options.devSecretFile), { recursive: true });
    secret = newSecret() + newSecret();
    writeFileSync(options.devSecretFile, `${secret}\n`, { mode: 0o600 });
  }
  chmodSync(options.devSecretFile, 0o600);
  options.log(
    `WARNING: GATEHOUSE_SECRET is not set; using the generated development secret in ${options.devSecretFile}. ` +
      'Set GATEHOUSE_SECRET before deploying.',
  );
  return secret;
}
