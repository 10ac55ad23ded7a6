// The session-token public key an app configures (GATEHOUSE_JWT_KEY / `jwtKey`): PEM or JWK(S), as a key resolver (edge-safe).

import { GatehouseError, createLocalKeySet, type KeyResolver } from '@gatehouse/core';
import { exportJWK, importSPKI, type JWK } from 'jose';
import { DEFAULT_API_BASE_PATH } from './settings.js';

/**
 * A session-token key from configuration: PEM (SPKI, RS256), a JWK or a JWKS as JSON. A single PEM
 * key has no kid, so it answers for any kid (it is the only key trusted); JWKs keep their kids.
 * @throws GatehouseError `setup_missing` naming the variable when the value is not a public key
 */
export async function configuredKeys(text: string): Promise<KeyResolver> {
  const trimmed = text.trim();
  try {
    if (trimmed.startsWith('{')) {
      const parsed = JSON.parse(trimmed) as { keys?: unknown };
      return createLocalKeySet((Array.isArray(parsed.keys) ? parsed.keys : [parsed]) as JWK[]);
    }
    // Environment files often hold a PEM with literal `\n`s.
    const key = await importSPKI(trimmed.replace(/\\n/g, '\n'), 'RS256', { extractable: true });
    const only = createLocalKeySet([{ ...(await exportJWK(key)), kid: 'configured', alg: 'RS256', use: 'sig' }]);
    return { revision: 0, getKey: (_kid, alg) => only.getKey('configured', alg) };
  } catch (error) {
    throw new GatehouseError(
      'setup_missing',
      `GATEHOUSE_JWT_KEY (or the jwtKey option) is not a public key: use the PEM public key, or the JWK/JWKS JSON served at ${DEFAULT_API_BASE_PATH}/jwks (${error instanceof Error ? error.message : 'unreadable'}).`,
    );
  }
}
