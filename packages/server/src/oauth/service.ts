// The OAuth feature wired once per instance: connections, SSO domains, the flow, and users' external accounts.

import { GatehouseError, type RequestContext } from '@gatehouse/core';
import type { Store } from '../store/types.js';
import type { SessionService } from '../sessions/sessions.js';
import type { OrganizationService } from '../organizations/organizations.js';
import type { Roles } from '../roles/roles.js';
import { createConnections, type Connection } from './connections.js';
import { createSsoDomains, type TxtResolver } from './sso.js';
import { createOauthFlow } from './flow.js';
import { removeExternalAccount, toExternalAccount, type ExternalAccount } from './accounts.js';
import type { ConnectionConfig } from './presets.js';

export interface OauthOptions {
  /** Connections from the environment (`GATEHOUSE_OAUTH_<ID>_*`) or the config file; read-only at run time. */
  connections?: ConnectionConfig[];
  /** Seconds each request to a provider may take (default 10): a slow provider ends the flow with a clear message. */
  timeoutSeconds?: number;
  /** Resolves DNS TXT records for SSO domain verification (default: node:dns). */
  resolveTxt?: TxtResolver;
}

export interface OauthDeps {
  store: Store;
  masterSecret: string;
  now: () => number;
  log: (line: string) => void;
  sessions: SessionService;
  organizations: OrganizationService;
  roles: Roles;
}

export function createOauthService(deps: OauthDeps, options: OauthOptions = {}) {
  const { store, now } = deps;
  const connections = createConnections({
    store,
    masterSecret: deps.masterSecret,
    now,
    configured: options.connections ?? [],
    client: { timeoutSeconds: options.timeoutSeconds ?? 10 },
  });
  const domains = createSsoDomains({ store, connections, now, ...(options.resolveTxt ? { resolveTxt: options.resolveTxt } : {}) });
  const flow = createOauthFlow({
    store,
    connections,
    domains,
    sessions: deps.sessions,
    masterSecret: deps.masterSecret,
    now,
    log: deps.log,
    async joinOrganization(organizationId, userId, role, ctx) {
      try {
        await deps.organizations.addMember(organizationId, userId, role ?? deps.roles.defaultRole, ctx);
      } catch (error) {
        // Already a member keeps their role; a full organization is logged, the sign-in stands.
        const code = (error as { code?: string }).code;
        if (code !== 'conflict') throw error;
      }
    },
  });

  async function byId(): Promise<Map<string, Connection>> {
    return new Map((await connections.list()).map((c) => [c.id, c]));
  }

  return {
    connections,
    domains,
    flow,
    /** A user's external accounts in Clerk's shape, oldest first. */
    async listExternalAccounts(userId: string): Promise<ExternalAccount[]> {
      const rows = await store.listExternalAccounts(userId);
      if (rows.length === 0) return [];
      const known = await byId();
      return rows.map((row) => toExternalAccount(row, known.get(row.provider) ?? null));
    },
    /**
     * Disconnects a provider from a user (never their last way to sign in). Server code passes the
     * user's id; the user themself passes their session, which must have verified recently.
     * @throws GatehouseError `not_found`, `conflict`, `reverification_required`
     */
    async removeExternalAccount(
      who: string | { userId: string; sessionId: string },
      accountId: string,
      ctx: RequestContext,
    ): Promise<void> {
      if (!/^eac_[a-z2-7]{26}$/.test(accountId)) throw new GatehouseError('not_found', 'No such external account.');
      const [userId, session] = typeof who === 'string' ? [who, null] : [who.userId, who];
      await removeExternalAccount(store, userId, accountId, ctx, now(), session);
    },
  };
}

export type OauthService = ReturnType<typeof createOauthService>;
