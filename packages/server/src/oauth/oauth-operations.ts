// The backend API's OAuth operations: users' external accounts, sign-in connections (secrets never returned) and organizations' SSO domains.

import { z } from 'zod';
import { GatehouseError } from '@gatehouse/core';
import { operation, type DeletedObject, type PaginatedList } from '../backend/operation.js';
import { toPublicConnection } from './connections.js';
import { CONNECTION_ID } from './presets.js';
import { requireRole } from '../organizations/org-access.js';

const USER_ID = z.string().regex(/^user_[a-z2-7]{26}$/, 'Not a user id');
const EXTERNAL_ACCOUNT_ID = z.string().regex(/^eac_[a-z2-7]{26}$/, 'Not an external account id');
const CONNECTION = z.string().regex(CONNECTION_ID, 'Not a connection id');
const DOMAIN = z.string().min(3).max(253);
const page = <T>(data: T[]): PaginatedList<T> => ({ data, totalCount: data.length });

/** Added to the `users` group (Clerk's names). */
export const externalAccountOperations = {
  getUserExternalAccounts: operation({
    method: 'GET',
    path: '/users/{userId}/external_accounts',
    summary: "A user's connected provider accounts",
    input: z.object({ userId: USER_ID }).strict(),
    args: (userId: string) => ({ userId }),
    run: async (gatehouse, { userId }) => page(await gatehouse.oauth.listExternalAccounts(userId)),
  }),
  deleteUserExternalAccount: operation({
    method: 'DELETE',
    path: '/users/{userId}/external_accounts/{externalAccountId}',
    summary: 'Disconnect a provider account from a user (never their last way to sign in)',
    input: z.object({ userId: USER_ID, externalAccountId: EXTERNAL_ACCOUNT_ID }).strict(),
    args: (params: { userId: string; externalAccountId: string }) => params,
    async run(gatehouse, { userId, externalAccountId }, ctx): Promise<DeletedObject> {
      await gatehouse.oauth.removeExternalAccount(userId, externalAccountId, ctx);
      return { object: 'external_account', id: externalAccountId, deleted: true };
    },
  }),
};

const ConnectionFields = z
  .object({
    id: CONNECTION,
    name: z.string().trim().min(1).max(64).optional(),
    preset: z.enum(['google', 'github', 'microsoft', 'gitlab']).optional(),
    issuer: z.url().max(2048).optional(),
    clientId: z.string().min(1).max(512),
    clientSecret: z.string().min(1).max(2048).optional(),
    scopes: z.array(z.string().min(1).max(128)).max(30).optional(),
    /** An organization's own provider (enterprise SSO): its members join with `defaultRole`. */
    organizationId: z.string().min(1).max(64).optional(),
    defaultRole: z
      .string()
      .regex(/^org:[a-z0-9_-]+$/)
      .optional(),
  })
  .strict();

export const oauthConnections = {
  list: operation({
    method: 'GET',
    path: '/oauth_connections',
    summary: 'The sign-in connections, configured and stored (never a client secret)',
    input: z.object({}).strict(),
    args: () => ({}),
    run: async (gatehouse) => page((await gatehouse.oauth.connections.list()).map(toPublicConnection)),
  }),
  save: operation({
    method: 'POST',
    path: '/oauth_connections',
    summary: "Create or replace a stored connection (an organization's own provider with organizationId); the secret is stored sealed",
    input: ConnectionFields,
    args: (params: z.input<typeof ConnectionFields>) => params,
    async run(gatehouse, { organizationId, defaultRole, ...config }, ctx) {
      let orgId: string | null = null;
      if (organizationId) {
        const org = await gatehouse.store.findOrganization(organizationId);
        if (!org) throw new GatehouseError('not_found', 'No such organization.');
        orgId = org.id;
      }
      if (defaultRole) requireRole(gatehouse.roles, defaultRole);
      return gatehouse.oauth.connections.save(config, { organizationId: orgId, defaultRole: defaultRole ?? null }, ctx);
    },
  }),
  delete: operation({
    method: 'DELETE',
    path: '/oauth_connections/{connectionId}',
    summary: 'Delete a stored connection (its domains go with it; its users keep their accounts)',
    input: z.object({ connectionId: CONNECTION }).strict(),
    args: (connectionId: string) => ({ connectionId }),
    async run(gatehouse, { connectionId }, ctx): Promise<DeletedObject> {
      await gatehouse.oauth.connections.remove(connectionId, ctx);
      return { object: 'oauth_connection', id: connectionId, deleted: true };
    },
  }),
  listDomains: operation({
    method: 'GET',
    path: '/oauth_connections/{connectionId}/domains',
    summary: "An organization connection's email domains with their verification state and TXT record",
    input: z.object({ connectionId: CONNECTION }).strict(),
    args: (connectionId: string) => ({ connectionId }),
    run: async (gatehouse, { connectionId }) => page(await gatehouse.oauth.domains.list(connectionId)),
  }),
  addDomain: operation({
    method: 'POST',
    path: '/oauth_connections/{connectionId}/domains',
    summary: "Route an email domain to an organization's connection (unverified until proven)",
    input: z.object({ connectionId: CONNECTION, domain: DOMAIN }).strict(),
    args: (params: { connectionId: string; domain: string }) => params,
    run: (gatehouse, { connectionId, domain }, ctx) => gatehouse.oauth.domains.add(connectionId, domain, ctx),
  }),
  verifyDomain: operation({
    method: 'POST',
    path: '/oauth_domains/{domain}/verify',
    summary: "Verify a domain: by its DNS TXT record, or (strategy 'admin') on the instance admin's word",
    input: z.object({ domain: DOMAIN, strategy: z.enum(['dns', 'admin']).optional() }).strict(),
    args: (params: { domain: string; strategy?: 'dns' | 'admin' }) => params,
    run: (gatehouse, { domain, strategy }, ctx) =>
      strategy === 'admin' ? gatehouse.oauth.domains.verifyByAdmin(domain, ctx) : gatehouse.oauth.domains.verifyByDns(domain, ctx),
  }),
  deleteDomain: operation({
    method: 'DELETE',
    path: '/oauth_domains/{domain}',
    summary: 'Stop routing a domain to its connection',
    input: z.object({ domain: DOMAIN }).strict(),
    args: (domain: string) => ({ domain }),
    async run(gatehouse, { domain }, ctx): Promise<DeletedObject> {
      await gatehouse.oauth.domains.remove(domain, ctx);
      return { object: 'oauth_domain', id: domain, deleted: true };
    },
  }),
};
