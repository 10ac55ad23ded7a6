// gatehouseClient() (alias clerkClient): the backend API in Clerk's shape for server code, in-process (embedded) or over HTTP (standalone service).

import type { BackendClient, GatehouseBackend, PaginatedList as ServerPaginatedList } from '@gatehouse/server';
import { backend, serverModule } from './backend.js';

/** Clerk's paginated answer: a page of `data` and the `totalCount` of all matches. */
export type PaginatedList<T> = ServerPaginatedList<T>;

/** The parameters of `organizations.createOrganization` (`createdBy` is required: an org with no admin could never be managed). */
export type CreateOrganizationParams = Parameters<BackendClient['organizations']['createOrganization']>[0];

/**
 * The backend API: `users`, `sessions`, `organizations` (with memberships and invitations),
 * `roles`, `permissions`, `jwtTemplates`, `instance` (settings) and `auditLog`. Every method
 * validates its input the same way in both modes and throws `GatehouseError` with the same codes.
 */
export type GatehouseClient = BackendClient;

let remote: { key: string; client: GatehouseClient } | null = null;

/**
 * The backend API for server code.
 *
 * - Embedded (default): calls the app's own instance in-process, no HTTP hop.
 * - Standalone service: with `GATEHOUSE_SERVICE_URL` (the service's origin, e.g.
 *   `https://auth.example.com`, or its auth API base) and `GATEHOUSE_SECRET_KEY` (`gh_sk_…`), it calls the
 *   service's backend HTTP API, authenticated with the secret key.
 *
 *   const client = await gatehouseClient();
 *   const { data } = await client.sessions.getSessionList({ userId });
 *
 * @throws TypeError when `GATEHOUSE_SERVICE_URL` is set without a `GATEHOUSE_SECRET_KEY`
 */
export async function gatehouseClient(injected?: GatehouseBackend): Promise<GatehouseClient> {
  if (injected) return injected.client();
  const server = await serverModule();
  const serviceUrl = process.env.GATEHOUSE_SERVICE_URL;
  if (serviceUrl) {
    const secretKey = process.env.GATEHOUSE_SECRET_KEY ?? '';
    if (!secretKey) throw new TypeError('GATEHOUSE_SERVICE_URL is set: set GATEHOUSE_SECRET_KEY (gh_sk_…) too');
    const key = `${serviceUrl}\n${secretKey}`;
    if (remote?.key !== key) remote = { key, client: server.createBackendHttpClient({ serviceUrl, secretKey }) };
    return remote.client;
  }
  return (await backend()).client();
}

/** Clerk's name: `const client = await clerkClient()`. */
export const clerkClient = gatehouseClient;
