// Per-organization SSO: email domains routed to an organization's connection, verified by DNS TXT (a pluggable resolver) or by an instance admin.

import { randomBytes } from 'node:crypto';
import { resolveTxt } from 'node:dns/promises';
import { GatehouseError, type RequestContext } from '@gatehouse/core';
import type { Store } from '../store/types.js';
import type { OauthDomainRow } from './oauth-queries.js';
import type { Connection, Connections } from './connections.js';

/** Looks up a name's TXT records (each record's strings joined). Tests and offline deployments pass their own. */
export type TxtResolver = (name: string) => Promise<string[]>;

export const defaultTxtResolver: TxtResolver = async (name) => (await resolveTxt(name)).map((parts) => parts.join(''));

/** A domain as the APIs show it; `txtRecord` is what the domain's owner publishes to prove it. */
export interface SsoDomain {
  domain: string;
  connectionId: string;
  verified: boolean;
  verifiedAt: number | null;
  txtRecord: { name: string; value: string };
}

const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

function toSsoDomain(row: OauthDomainRow): SsoDomain {
  return {
    domain: row.domain,
    connectionId: row.connection_id,
    verified: row.verified_at !== null,
    verifiedAt: row.verified_at === null ? null : Number(row.verified_at),
    txtRecord: { name: `_gatehouse-verification.${row.domain}`, value: `gatehouse-verification=${row.verification_token}` },
  };
}

function domainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

export function createSsoDomains(deps: { store: Store; connections: Connections; now: () => number; resolveTxt?: TxtResolver }) {
  const { store, connections, now } = deps;
  const resolver = deps.resolveTxt ?? defaultTxtResolver;

  const audit = (tx: Store, action: string, domain: string, ctx: RequestContext | undefined, data: Record<string, unknown>) =>
    tx.appendAudit({
      at: now(),
      action,
      actor_id: null,
      subject_id: null,
      ip: ctx?.ip ?? null,
      user_agent: ctx?.userAgent ?? null,
      data: JSON.stringify({ domain, ...data }),
    });

  async function find(domain: string): Promise<OauthDomainRow> {
    const row = await store.findOauthDomain(domain.toLowerCase());
    if (!row) throw new GatehouseError('not_found', 'No such domain.');
    return row;
  }

  async function markVerified(row: OauthDomainRow, how: string, ctx?: RequestContext): Promise<SsoDomain> {
    const t = now();
    await store.transaction(async (tx) => {
      await tx.updateOauthDomain(row.domain, { verified_at: t });
      await audit(tx, 'oauth_domain.verified', row.domain, ctx, { connection: row.connection_id, how });
    });
    return toSsoDomain({ ...row, verified_at: t });
  }

  return {
    async list(connectionId?: string): Promise<SsoDomain[]> {
      return (await store.listOauthDomains(connectionId)).map(toSsoDomain);
    },

    /**
     * Routes a domain to an organization's connection (unverified until proven).
     * @throws GatehouseError `bad_request` (not a domain, not an organization's connection), `conflict` (the domain is taken)
     */
    async add(connectionId: string, domain: string, ctx?: RequestContext): Promise<SsoDomain> {
      const name = domain.trim().toLowerCase();
      if (!DOMAIN.test(name)) throw new GatehouseError('bad_request', 'Enter a domain name such as example.com.');
      const connection = await connections.get(connectionId);
      if (!connection?.organizationId) throw new GatehouseError('bad_request', "Domains belong to an organization's connection.");
      const row: OauthDomainRow = {
        domain: name,
        connection_id: connectionId,
        verification_token: randomBytes(16).toString('hex'),
        verified_at: null,
        created_at: now(),
      };
      await store.transaction(async (tx) => {
        if (await tx.findOauthDomain(name)) throw new GatehouseError('conflict', 'This domain is already routed to a connection.');
        await tx.insertOauthDomain(row);
        await audit(tx, 'oauth_domain.created', name, ctx, { connection: connectionId });
      });
      return toSsoDomain(row);
    },

    /** An instance admin vouches for the domain (offline deployments, tests). @throws GatehouseError `not_found` */
    async verifyByAdmin(domain: string, ctx?: RequestContext): Promise<SsoDomain> {
      return markVerified(await find(domain), 'admin', ctx);
    },

    /**
     * Checks the domain's TXT record through the resolver.
     * @throws GatehouseError `not_found`, `bad_request` (the record is not there yet), `service_unavailable` (DNS failed)
     */
    async verifyByDns(domain: string, ctx?: RequestContext): Promise<SsoDomain> {
      const row = await find(domain);
      const expected = toSsoDomain(row).txtRecord;
      let records: string[];
      try {
        records = await resolver(expected.name);
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === 'ENOTFOUND' || code === 'ENODATA') records = [];
        else throw new GatehouseError('service_unavailable', 'DNS could not be queried; try again later.');
      }
      if (!records.includes(expected.value))
        throw new GatehouseError('bad_request', `Publish the TXT record ${expected.name} = "${expected.value}", then try again.`);
      return markVerified(row, 'dns', ctx);
    },

    /** @throws GatehouseError `not_found` */
    async remove(domain: string, ctx?: RequestContext): Promise<void> {
      await store.transaction(async (tx) => {
        if (!(await tx.deleteOauthDomain(domain.toLowerCase()))) throw new GatehouseError('not_found', 'No such domain.');
        await audit(tx, 'oauth_domain.deleted', domain.toLowerCase(), ctx, {});
      });
    },

    /** The organization connection a verified domain routes this address to, or null. */
    async connectionForEmail(email: string): Promise<Connection | null> {
      const row = await store.findOauthDomain(domainOf(email));
      if (!row || row.verified_at === null) return null;
      const connection = await connections.get(row.connection_id);
      return connection?.organizationId ? connection : null;
    },

    /** Whether the address is in one of the connection's verified domains. */
    async coversEmail(connectionId: string, email: string): Promise<boolean> {
      const row = await store.findOauthDomain(domainOf(email));
      return row !== null && row.verified_at !== null && row.connection_id === connectionId;
    },
  };
}

export type SsoDomains = ReturnType<typeof createSsoDomains>;
