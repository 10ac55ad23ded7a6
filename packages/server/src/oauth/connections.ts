// The sign-in connections: configured ones (environment, config file) and stored ones (dashboard, backend API), their provider clients, and their admin.

import { hkdfSync } from 'node:crypto';
import { CompactEncrypt, compactDecrypt } from 'jose';
import { GatehouseError, type RequestContext } from '@gatehouse/core';
import type { Store } from '../store/types.js';
import { ConnectionConfigSchema, PRESETS, strategyOf, type ConnectionConfig, type PresetName } from './presets.js';
import { checkProviderUrl, createProviderClient, type ProviderClient, type ProviderClientOptions } from './provider-client.js';
import type { OauthConnectionRow } from './oauth-queries.js';

/** A connection with where it comes from and, for an organization's own provider, the org and the role its members get. */
export interface Connection extends ConnectionConfig {
  source: 'configured' | 'stored';
  organizationId: string | null;
  defaultRole: string | null;
}

/** What any API shows of a connection: never the client secret. */
export interface PublicConnection {
  id: string;
  strategy: string;
  name: string;
  provider: string;
  source: 'configured' | 'stored';
  issuer: string | null;
  clientId: string;
  scopes: string[];
  hasClientSecret: boolean;
  organizationId: string | null;
  defaultRole: string | null;
}

export interface ConnectionDeps {
  store: Store;
  masterSecret: string;
  now: () => number;
  configured: readonly ConnectionConfig[];
  client: ProviderClientOptions;
}

/** How long a discovered provider's metadata is reused. */
const DISCOVERY_TTL_MS = 10 * 60 * 1000;

function sealingKey(masterSecret: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', masterSecret, 'gatehouse', 'gatehouse:oauth-client-secrets:v1', 32));
}

export function displayName(c: Pick<ConnectionConfig, 'name' | 'preset' | 'id'>): string {
  return c.name ?? (c.preset ? PRESETS[c.preset].name : c.id);
}

export function toPublicConnection(c: Connection): PublicConnection {
  return {
    id: c.id,
    strategy: c.organizationId ? 'enterprise_sso' : strategyOf(c),
    name: displayName(c),
    provider: c.preset ?? 'oidc',
    source: c.source,
    issuer: c.issuer ?? null,
    clientId: c.clientId,
    scopes: c.scopes ?? (c.preset ? PRESETS[c.preset].scopes : ['openid', 'email', 'profile']),
    hasClientSecret: Boolean(c.clientSecret),
    organizationId: c.organizationId,
    defaultRole: c.defaultRole,
  };
}

export function createConnections(deps: ConnectionDeps) {
  const { store, masterSecret, now } = deps;
  const configured = new Map(
    deps.configured.map((c) => [c.id, { ...c, source: 'configured' as const, organizationId: null, defaultRole: null }]),
  );
  const clients = new Map<string, { at: number; fingerprint: string; client: Promise<ProviderClient> }>();

  async function fromRow(row: OauthConnectionRow): Promise<Connection> {
    let clientSecret: string | undefined;
    if (row.client_secret_sealed) {
      try {
        clientSecret = new TextDecoder().decode((await compactDecrypt(row.client_secret_sealed, sealingKey(masterSecret))).plaintext);
      } catch (cause) {
        throw new GatehouseError(
          'setup_missing',
          'A connection secret cannot be decrypted: GATEHOUSE_SECRET differs from the one it was stored with.',
          {
            cause,
          },
        );
      }
    }
    return {
      id: row.id,
      name: row.name,
      preset: (row.preset ?? undefined) as PresetName | undefined,
      issuer: row.issuer ?? undefined,
      clientId: row.client_id,
      clientSecret,
      scopes: row.scopes ? row.scopes.split(' ') : undefined,
      source: 'stored',
      organizationId: row.organization_id,
      defaultRole: row.default_role,
    };
  }

  async function list(): Promise<Connection[]> {
    const stored = await Promise.all((await store.listOauthConnections()).filter((r) => !configured.has(r.id)).map(fromRow));
    return [...configured.values(), ...stored];
  }

  async function get(id: string): Promise<Connection | null> {
    const own = configured.get(id);
    if (own) return own;
    const row = (await store.listOauthConnections()).find((r) => r.id === id);
    return row ? fromRow(row) : null;
  }

  return {
    list,
    get,
    /** The connection whose strategy this is (`oauth_google`, `oauth_custom_<id>`); org connections are reached through their domains only. */
    async byStrategy(strategy: string): Promise<Connection | null> {
      return (await list()).find((c) => !c.organizationId && strategyOf(c) === strategy) ?? null;
    },

    /**
     * The provider client of a connection, discovered once and reused for a while; a failed
     * discovery is not kept (the next flow tries again).
     */
    providerClient(connection: Connection): Promise<ProviderClient> {
      const fingerprint = JSON.stringify([
        connection.issuer,
        connection.preset,
        connection.clientId,
        connection.clientSecret,
        connection.scopes,
        connection.baseUrl,
      ]);
      const cached = clients.get(connection.id);
      if (cached && cached.fingerprint === fingerprint && now() - cached.at < DISCOVERY_TTL_MS) return cached.client;
      const client = createProviderClient(connection, deps.client);
      clients.set(connection.id, { at: now(), fingerprint, client });
      client.catch(() => clients.delete(connection.id));
      return client;
    },

    /**
     * Creates or replaces a stored connection (an org's connection names the org and the role its
     * members get). The secret is sealed; leaving it out keeps the stored one.
     * @throws GatehouseError `bad_request` (invalid, or an http issuer off loopback), `conflict` (a configured id)
     */
    async save(
      input: unknown,
      extra: { organizationId?: string | null; defaultRole?: string | null } = {},
      ctx?: RequestContext,
    ): Promise<PublicConnection> {
      const parsed = ConnectionConfigSchema.safeParse(input);
      if (!parsed.success) {
        const detail = parsed.error.issues.map((i) => `${i.path.join('.') || 'connection'}: ${i.message}`).join('; ');
        throw new GatehouseError('bad_request', `The connection is invalid (${detail}).`);
      }
      const config = parsed.data;
      if (configured.has(config.id))
        throw new GatehouseError('conflict', 'This connection is configured by the environment or the config file; change it there.');
      try {
        if (config.issuer) checkProviderUrl(config.issuer, 'The issuer');
      } catch (error) {
        throw new GatehouseError('bad_request', (error as Error).message);
      }
      if (config.baseUrl) throw new GatehouseError('bad_request', 'baseUrl is for configured connections only.');
      const t = now();
      const previous = (await store.listOauthConnections()).find((r) => r.id === config.id);
      const sealed = config.clientSecret
        ? await new CompactEncrypt(new TextEncoder().encode(config.clientSecret))
            .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
            .encrypt(sealingKey(masterSecret))
        : (previous?.client_secret_sealed ?? null);
      const organizationId = extra.organizationId ?? previous?.organization_id ?? null;
      const defaultRole = extra.defaultRole ?? previous?.default_role ?? null;
      await store.transaction(async (tx) => {
        await tx.saveOauthConnection({
          id: config.id,
          name: displayName(config),
          preset: config.preset ?? null,
          issuer: config.issuer ?? null,
          client_id: config.clientId,
          client_secret_sealed: sealed,
          scopes: (config.scopes ?? []).join(' '),
          organization_id: organizationId,
          default_role: defaultRole,
          created_at: previous?.created_at ?? t,
          updated_at: t,
        });
        await tx.appendAudit({
          at: t,
          action: previous ? 'oauth_connection.updated' : 'oauth_connection.created',
          actor_id: null,
          subject_id: config.id,
          ip: ctx?.ip ?? null,
          user_agent: ctx?.userAgent ?? null,
          // Never the secret: only whether one is set.
          data: JSON.stringify({ organization: organizationId, issuer: config.issuer ?? null, preset: config.preset ?? null }),
        });
      });
      clients.delete(config.id);
      const saved = await get(config.id);
      return toPublicConnection(saved as Connection);
    },

    /** @throws GatehouseError `not_found`, `conflict` (a configured connection) */
    async remove(id: string, ctx?: RequestContext): Promise<void> {
      if (configured.has(id))
        throw new GatehouseError('conflict', 'This connection is configured by the environment or the config file; remove it there.');
      await store.transaction(async (tx) => {
        if (!(await tx.deleteOauthConnection(id))) throw new GatehouseError('not_found', 'No such connection.');
        await tx.appendAudit({
          at: now(),
          action: 'oauth_connection.deleted',
          actor_id: null,
          subject_id: id,
          ip: ctx?.ip ?? null,
          user_agent: ctx?.userAgent ?? null,
          data: '{}',
        });
      });
      clients.delete(id);
    },
  };
}

export type Connections = ReturnType<typeof createConnections>;
