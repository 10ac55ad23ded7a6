// Clerk's standalone backend helpers on Node: verifyToken and createClerkClient, over the process's Gatehouse port.

import { TokenVerificationError, type SessionClaims } from '@gatehouse/core';
import type { GatehouseBackend } from '@gatehouse/server';
import { backend } from './backend.js';
import { gatehouseClient, type GatehouseClient } from './gatehouse-client.js';
import { verifyWith, type VerifyTokenOptions } from './verify-token.js';

export type { VerifyTokenOptions } from './verify-token.js';

/** The instance's own check (keys, issuer, revocation, its authorized parties), as a Bearer token would get. */
async function instanceVerify(token: string, injected: GatehouseBackend | undefined): Promise<SessionClaims> {
  const port = await backend(injected);
  const state = await port.authenticate({ headers: new Headers({ authorization: `Bearer ${token}` }) });
  if (state.status !== 'signed-in') throw new TokenVerificationError(state.reason);
  return state.claims;
}

/**
 * Verifies a session token (e.g. one sent to another service) and resolves to its claims; rejects
 * with a `TokenVerificationError` carrying the reason. Without `jwtKey` / `jwksUrl` the app's own
 * instance checks it (revoked sessions included): the process-wide port, or `backend` when given.
 */
export function verifyToken(token: string, options: VerifyTokenOptions & { backend?: GatehouseBackend } = {}): Promise<SessionClaims> {
  const { backend: injected, ...rest } = options;
  return verifyWith((t) => instanceVerify(t, injected), token, rest);
}

/** Clerk's `createClerkClient` options: accepted so existing calls compile; the client is the app's configured one. */
export interface ClerkClientOptions {
  secretKey?: string;
  publishableKey?: string;
  apiUrl?: string;
  apiVersion?: string;
  jwtKey?: string;
  domain?: string;
  isSatellite?: boolean;
  proxyUrl?: string;
  audience?: string | string[];
  telemetry?: { disabled?: boolean; debug?: boolean; samplingRate?: number };
  /** Gatehouse's own: the port to call instead of the process-wide one (as `gatehouseMiddleware` and `auth()` take). */
  backend?: GatehouseBackend;
}

/**
 * Clerk's synchronous factory: the same backend API as `await clerkClient()` (embedded, or the
 * standalone service named by `GATEHOUSE_SERVICE_URL`), opened on the first call. Clerk's secret key
 * and API URL name Clerk's hosted service, so they do not choose the client here.
 */
export function createClerkClient(options: ClerkClientOptions = {}): GatehouseClient {
  const groups = new Map<string, unknown>();
  return new Proxy({} as GatehouseClient, {
    get(_target, group) {
      if (typeof group !== 'string') return undefined;
      let methods = groups.get(group);
      if (!methods) {
        methods = new Proxy(
          {},
          {
            get: (_t, name) =>
              typeof name !== 'string'
                ? undefined
                : async (...args: unknown[]) => {
                    const client = (await gatehouseClient(options.backend)) as unknown as Record<
                      string,
                      Record<string, unknown> | undefined
                    >;
                    const method = client[group]?.[name];
                    if (typeof method !== 'function') throw new TypeError(`clerkClient.${group}.${name} is not a Gatehouse backend method`);
                    return (method as (...a: unknown[]) => unknown)(...args);
                  },
          },
        );
        groups.set(group, methods);
      }
      return methods;
    },
  });
}
