// API keys: prefixed secrets shown once and stored hashed, owned by a user or an organization; verified from memory, revoked everywhere at once.

import { GatehouseError, type AuthReason, type RequestContext, type VerifiedMachine } from '@gatehouse/core';
import { digestsEqual, hashSecret, newId, newSecret } from '../store/ids.js';
import type { RevocationList } from '../propagation/revocation.js';
import type { Roles } from '../roles/roles.js';
import { SYSTEM_PERMISSIONS } from '../roles/roles.js';
import type { Store } from '../store/types.js';
import type { ApiKeyRow } from './machine-store.js';

/** Clerk's APIKey resource; `secret` only in the answer to a create. */
export interface ApiKey {
  object: 'api_key';
  id: string;
  type: 'api_key';
  name: string;
  description: string | null;
  subject: string;
  scopes: string[];
  claims: Record<string, unknown> | null;
  revoked: boolean;
  revocationReason: string | null;
  expired: boolean;
  /** Milliseconds since the epoch, or null (never expires). */
  expiration: number | null;
  createdBy: string | null;
  lastUsedAt: number | null;
  createdAt: number;
  updatedAt: number;
  secret?: string;
}

export interface CreateApiKeyInput {
  subject: string;
  name: string;
  description?: string | null | undefined;
  scopes?: string[] | undefined;
  claims?: Record<string, unknown> | null | undefined;
  secondsUntilExpiration?: number | null | undefined;
  /** The signed-in user creating it (HTTP API); undefined for server code. */
  createdBy?: string | null | undefined;
}

export interface ApiKeyDeps {
  store: Store;
  roles: Roles;
  /** The instance's revocation list (fanned out through Redis): a revoked key id lands there too. */
  revocations: RevocationList;
  now: () => number;
  log: (line: string) => void;
  /** How often last-used times are written (default 10 s). */
  flushIntervalMs?: number;
  /** Bound of the in-memory cache of verified keys (default 10,000). */
  cacheSize?: number;
  /** Changes whenever the revocation list was rebuilt (a Redis reconnect): cached entries from before are not trusted. */
  generation?: () => number;
}

export const API_KEY_SECRET = /^ak_[A-Za-z0-9_-]{43}$/;
export const API_KEY_ID = /^ak_[a-z2-7]{26}$/;
/** Who may manage every key of an organization (others see and revoke only the keys they made). */
export const ORG_KEY_ADMIN_PERMISSION = 'org:sys_profile:manage';

export function toApiKey(row: ApiKeyRow, t: number): ApiKey {
  return {
    object: 'api_key',
    id: row.id,
    type: 'api_key',
    name: row.name,
    description: row.description,
    subject: row.subject,
    scopes: JSON.parse(row.scopes) as string[],
    claims: row.claims === null ? null : (JSON.parse(row.claims) as Record<string, unknown>),
    revoked: row.revoked === 1,
    revocationReason: row.revocation_reason,
    expired: row.expires_at !== null && Number(row.expires_at) <= t,
    expiration: row.expires_at === null ? null : Number(row.expires_at),
    createdBy: row.created_by,
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

type Verified = { machine: VerifiedMachine } | { reason: AuthReason };

/** Refuses a key whose owner does not exist, or whose scopes go beyond what its creator or organization may grant. */
async function checkOwner(deps: ApiKeyDeps, input: CreateApiKeyInput, scopes: string[]): Promise<void> {
  const { store } = deps;
  const { subject } = input;
  if (subject.startsWith('user_')) {
    if (!(await store.findUserById(subject))) throw new GatehouseError('not_found', 'No such user.');
    if (input.createdBy && input.createdBy !== subject) throw new GatehouseError('forbidden', 'You can only create keys for yourself.');
    return;
  }
  const org = subject.startsWith('org_') ? await store.findOrganization(subject) : null;
  if (!org) throw new GatehouseError('not_found', 'No such organization.');
  // A key of an organization carries some of the organization's permissions, never more: the
  // creator's own (a member cannot mint a key stronger than themselves), or, from server code,
  // permissions the instance's roles define.
  let allowed: readonly string[];
  if (input.createdBy) {
    const member = await store.findMembership(org.id, input.createdBy);
    if (!member) throw new GatehouseError('not_found', 'No such organization.');
    allowed = deps.roles.permissionsOf(member.role);
  } else {
    allowed = [...deps.roles.list.flatMap((r) => r.permissions), ...SYSTEM_PERMISSIONS];
  }
  const beyond = scopes.filter((s) => !allowed.includes(s));
  if (beyond.length > 0)
    throw new GatehouseError(
      'forbidden',
      `A key of this organization cannot carry ${beyond.slice(0, 3).join(', ')}: not among its permissions.`,
    );
}

/** Whether `userId` may see and revoke the key (server code: userId undefined, always). */
async function mayManage(deps: ApiKeyDeps, row: ApiKeyRow, userId: string | undefined): Promise<boolean> {
  const { store } = deps;
  if (userId === undefined || row.created_by === userId || row.subject === userId) return true;
  if (!row.subject.startsWith('org_')) return false;
  const member = await store.findMembership(row.subject, userId);
  return member !== null && deps.roles.permissionsOf(member.role).includes(ORG_KEY_ADMIN_PERMISSION);
}

export function createApiKeys(deps: ApiKeyDeps) {
  const { store, now } = deps;
  const cacheSize = deps.cacheSize ?? 10_000;
  // An entry is trusted for less time than a revocation is remembered: a key revoked on another
  // instance is either still on the revocation list or its entry has already been dropped.
  const cacheTtlMs = Math.max(1000, Math.min(60_000, deps.revocations.retainMs - 1000));
  // secret hash → row (null: no such key; safe to remember, as a new key's secret never hashes to an old miss)
  const cache = new Map<string, { row: ApiKeyRow | null; at: number; generation: number }>();
  const generation = deps.generation ?? (() => 0);
  const uses = new Map<string, number>();

  const flush = async () => {
    if (uses.size === 0) return;
    const batch = new Map(uses);
    uses.clear();
    try {
      await store.touchApiKeys(batch);
    } catch (error) {
      deps.log(`gatehouse: could not record API key use (${error instanceof Error ? error.message : 'unknown error'})`);
    }
  };
  const timer = setInterval(() => void flush(), deps.flushIntervalMs ?? 10_000);
  timer.unref();

  function lookup(hash: string, t: number): { row: ApiKeyRow | null } | Promise<{ row: ApiKeyRow | null }> {
    const hit = cache.get(hash);
    if (hit && t - hit.at < cacheTtlMs && hit.generation === generation()) return hit;
    const current = generation();
    return store.findApiKeyBySecretHash(hash).then((row) => {
      if (!cache.delete(hash) && cache.size >= cacheSize) cache.delete(cache.keys().next().value as string);
      const entry = { row, at: t, generation: current };
      cache.set(hash, entry);
      return entry;
    });
  }

  function decide(hash: string, entry: { row: ApiKeyRow | null }, t: number): Verified {
    const row = entry.row;
    if (!row || !digestsEqual(hash, row.secret_hash)) return { reason: 'api-key-invalid' };
    if (row.revoked === 1 || deps.revocations.isRevoked(row.id)) {
      cache.delete(hash);
      return { reason: 'api-key-revoked' };
    }
    if (row.expires_at !== null && Number(row.expires_at) <= t) return { reason: 'api-key-expired' };
    uses.set(row.id, t);
    const key = toApiKey(row, t);
    return {
      machine: {
        tokenType: 'api_key',
        id: key.id,
        subject: key.subject,
        scopes: key.scopes,
        name: key.name,
        claims: key.claims,
        expiration: key.expiration === null ? null : Math.floor(key.expiration / 1000),
      },
    };
  }

  return {
    /**
     * Verifies a presented secret. A key seen in the last minute is answered from memory (no
     * database round trip, no promise); revocations reach that memory through the revocation list.
     */
    verifyNow(secret: string): Verified | Promise<Verified> {
      if (!API_KEY_SECRET.test(secret)) return { reason: 'api-key-invalid' };
      const hash = hashSecret(secret);
      const t = now();
      const entry = lookup(hash, t);
      return entry instanceof Promise ? entry.then((e) => decide(hash, e, t)) : decide(hash, entry, t);
    },

    /**
     * Creates a key; the answer holds its secret, this once.
     * @throws GatehouseError `not_found` (owner), `forbidden` (scopes beyond the org's permissions, another user's key), `bad_request`
     */
    async create(input: CreateApiKeyInput, ctx: RequestContext): Promise<ApiKey & { secret: string }> {
      const scopes = [...new Set(input.scopes ?? [])];
      await checkOwner(deps, input, scopes);
      const t = now();
      const secret = `ak_${newSecret()}`;
      const row: ApiKeyRow = {
        id: newId('ak'),
        secret_hash: hashSecret(secret),
        name: input.name,
        description: input.description ?? null,
        subject: input.subject,
        scopes: JSON.stringify(scopes),
        claims: input.claims ? JSON.stringify(input.claims) : null,
        created_by: input.createdBy ?? null,
        expires_at: input.secondsUntilExpiration ? t + input.secondsUntilExpiration * 1000 : null,
        revoked: 0,
        revocation_reason: null,
        last_used_at: null,
        created_at: t,
        updated_at: t,
      };
      await store.transaction(async (tx) => {
        await tx.insertApiKey(row);
        await tx.appendAudit({
          at: t,
          action: 'api_key.created',
          actor_id: input.createdBy ?? null,
          subject_id: row.id,
          ip: ctx.ip,
          user_agent: ctx.userAgent,
          data: JSON.stringify({ owner: row.subject, scopes, ...(row.subject.startsWith('org_') ? { organization: row.subject } : {}) }),
        });
      });
      return { ...toApiKey(row, t), secret };
    },

    /** Keys of a subject, newest first; a user sees their own and, as an org's key admin, all of its keys. */
    async list(
      filter: { subject?: string; includeInvalid?: boolean; limit?: number; offset?: number },
      userId?: string,
    ): Promise<ApiKey[]> {
      const rows = await store.listApiKeys({
        ...(filter.subject === undefined ? {} : { subject: filter.subject }),
        includeRevoked: filter.includeInvalid ?? false,
        limit: filter.limit ?? 100,
        offset: filter.offset ?? 0,
      });
      const t = now();
      const visible: ApiKey[] = [];
      for (const row of rows) if (await mayManage(deps, row, userId)) visible.push(toApiKey(row, t));
      return visible;
    },

    /** @throws GatehouseError `not_found` (also for a key the user may not manage) */
    async get(id: string, userId?: string): Promise<ApiKey> {
      const row = API_KEY_ID.test(id) ? await store.findApiKey(id) : null;
      if (!row || !(await mayManage(deps, row, userId))) throw new GatehouseError('not_found', 'No such API key.');
      return toApiKey(row, now());
    },

    /**
     * Revokes a key: refused on this instance at once, and on every other one as soon as the
     * revocation list's fan-out delivers (Redis pub/sub).
     * @throws GatehouseError `not_found`
     */
    async revoke(
      id: string,
      options: { reason?: string | null | undefined; userId?: string | undefined; ctx: RequestContext },
    ): Promise<ApiKey> {
      const row = API_KEY_ID.test(id) ? await store.findApiKey(id) : null;
      if (!row || !(await mayManage(deps, row, options.userId))) throw new GatehouseError('not_found', 'No such API key.');
      const t = now();
      const changed = await store.transaction(async (tx) => {
        const done = await tx.revokeApiKey(row.id, options.reason ?? null, t);
        if (done) {
          await tx.appendAudit({
            at: t,
            action: 'api_key.revoked',
            actor_id: options.userId ?? null,
            subject_id: row.id,
            ip: options.ctx.ip,
            user_agent: options.ctx.userAgent,
            data: JSON.stringify({ owner: row.subject, ...(row.subject.startsWith('org_') ? { organization: row.subject } : {}) }),
          });
        }
        return done;
      });
      deps.revocations.revoke(row.id, t);
      cache.delete(row.secret_hash);
      const fresh = changed ? { ...row, revoked: 1, revocation_reason: options.reason ?? null, updated_at: t } : row;
      return toApiKey(fresh, t);
    },

    /** Forgets every cached verification (after a gap in the revocation fan-out). */
    clearCache(): void {
      cache.clear();
    },
    /** Writes the pending last-used times now. */
    flush,
    async stop(): Promise<void> {
      clearInterval(timer);
      await flush();
    },
  };
}

export type ApiKeys = ReturnType<typeof createApiKeys>;
