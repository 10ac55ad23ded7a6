'use client';
// useAPIKeys: the API keys of the signed-in user, or of the active organization, with create and revoke.

import { useCallback } from 'react';
import type { ApiKey } from '@gatehouse/server';
import { callApi } from './gatehouse-fetch.js';
import { useGatehouse } from './provider.js';
import { useResource, type Resource } from './use-resource.js';

export type { ApiKey } from '@gatehouse/server';

export interface CreateAPIKeyParams {
  name: string;
  description?: string;
  /** For an organization's key: permissions you hold in it (e.g. `org:projects:read`). */
  scopes?: string[];
  /** Null or left out: the key never expires. */
  secondsUntilExpiration?: number | null;
}

export interface UseAPIKeysParams {
  /** `user_…` or `org_…`; default: the active organization, else the user. */
  subject?: string;
}

export interface UseAPIKeysReturn extends Resource<ApiKey[]> {
  /** The owner the keys are listed and created for. */
  subject: string | null;
  /**
   * Creates a key; the answer is the only place its secret ever appears.
   * @throws GatehouseError `forbidden` (scopes beyond your permissions), `bad_request`
   */
  create: (params: CreateAPIKeyParams) => Promise<ApiKey & { secret: string }>;
  /** Revokes a key: every instance refuses it within a second. @throws GatehouseError `not_found` */
  revoke: (apiKeyId: string, revocationReason?: string) => Promise<void>;
}

export function useAPIKeys(params: UseAPIKeysParams = {}): UseAPIKeysReturn {
  const { session, apiBasePath, fetch } = useGatehouse();
  const subject = params.subject ?? session?.claims.o?.id ?? session?.user.id ?? null;
  const keys = useResource(subject ? `api-keys:${subject}` : null, async () => {
    const url = `${apiBasePath}/api_keys?subject=${encodeURIComponent(subject ?? '')}`;
    return (await callApi<{ data: ApiKey[] }>(fetch, url)).data;
  });
  const { revalidate } = keys;
  const create = useCallback(
    async (input: CreateAPIKeyParams) => {
      const created = await callApi<ApiKey & { secret: string }>(fetch, `${apiBasePath}/api_keys`, {
        method: 'POST',
        body: { ...input, ...(subject ? { subject } : {}) },
      });
      await revalidate();
      return created;
    },
    [fetch, apiBasePath, subject, revalidate],
  );
  const revoke = useCallback(
    async (apiKeyId: string, revocationReason?: string) => {
      await callApi(fetch, `${apiBasePath}/api_keys/${encodeURIComponent(apiKeyId)}/revoke`, {
        method: 'POST',
        body: revocationReason ? { revocationReason } : {},
      });
      await revalidate();
    },
    [fetch, apiBasePath, revalidate],
  );
  return { ...keys, subject, create, revoke };
}
