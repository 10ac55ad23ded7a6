// The machines feature as the instance exposes it: API keys, machine identities and M2M tokens, and one verifier for any machine token.

import { tokenTypeOf, type AuthReason, type KeyResolver, type SigningKey, type VerifiedMachine } from '@gatehouse/core';
import type { RevocationList } from '../propagation/revocation.js';
import type { Roles } from '../roles/roles.js';
import type { Store } from '../store/types.js';
import { createApiKeys, type ApiKeys } from './api-keys.js';
import { createM2m, type M2m } from './m2m.js';

export type MachineVerification = { machine: VerifiedMachine } | { reason: AuthReason };

export interface Machines {
  readonly apiKeys: ApiKeys;
  readonly m2m: M2m;
  /**
   * Verifies a machine token of any kind (API key, M2M JWT): answered without a promise when it can
   * be (a key verified in the last minute, an M2M JWT on Node). OAuth access tokens are not issued
   * by this instance and are refused.
   */
  verifyNow(token: string): MachineVerification | Promise<MachineVerification>;
  stop(): Promise<void>;
}

export interface MachinesDeps {
  store: Store;
  roles: Roles;
  revocations: RevocationList;
  issuer: string;
  signingKey: () => SigningKey;
  keys: KeyResolver;
  clockSkewInMs: number;
  now: () => number;
  log: (line: string) => void;
  generation?: () => number;
}

export function createMachines(deps: MachinesDeps): Machines {
  const apiKeys = createApiKeys(deps);
  const m2m = createM2m(deps);
  return {
    apiKeys,
    m2m,
    verifyNow(token) {
      const type = tokenTypeOf(token);
      if (type === 'api_key') return apiKeys.verifyNow(token);
      if (type === 'm2m_token') return m2m.verifyNow(token);
      return { reason: type === 'oauth_token' ? 'oauth-token-invalid' : 'token-type-mismatch' };
    },
    stop: () => apiKeys.stop(),
  };
}
