// Machine identities and machine-to-machine tokens: client-credentials secrets (hashed), short-lived JWTs any service verifies with the JWKS.

import {
  GatehouseError,
  M2M_TOKEN_CATEGORY,
  RESERVED_TEMPLATE_CLAIMS,
  TokenVerificationError,
  algorithmSet,
  mintM2mToken,
  verifyCompactJwsNow,
  type AuthReason,
  type KeyResolver,
  type RequestContext,
  type SigningKey,
  type VerifiedMachine,
} from '@gatehouse/core';
import { digestsEqual, hashSecret, newId, newSecret } from '../store/ids.js';
import type { Store } from '../store/types.js';
import type { MachineRow } from './machine-store.js';

export const MACHINE_ID = /^mch_[a-z2-7]{26}$/;
export const MACHINE_SECRET = /^msk_[A-Za-z0-9_-]{43}$/;
export const DEFAULT_M2M_TTL_SECONDS = 900;
export const MAX_M2M_TTL_SECONDS = 24 * 60 * 60;
const ALGORITHMS = algorithmSet(['RS256']);

/** Clerk's Machine resource; `secretKey` only in the answers to create and rotate. */
export interface Machine {
  object: 'machine';
  id: string;
  name: string;
  /** The machines this one may call (the `aud` of its tokens). */
  scopedMachines: { id: string; name: string }[];
  defaultTokenTtl: number;
  createdAt: number;
  updatedAt: number;
  secretKey?: string;
}

/** Clerk's M2MToken resource; `token` only in the answer to createToken. */
export interface M2MToken {
  object: 'm2m_token';
  id: string;
  subject: string;
  scopes: string[];
  claims: Record<string, unknown> | null;
  revoked: false;
  revocationReason: null;
  expired: boolean;
  /** Milliseconds since the epoch. */
  expiration: number;
  createdAt: number;
  updatedAt: number;
  token?: string;
}

export interface M2mDeps {
  store: Store;
  issuer: string;
  signingKey: () => SigningKey;
  keys: KeyResolver;
  clockSkewInMs: number;
  now: () => number;
}

function toMachine(row: MachineRow, all: ReadonlyMap<string, MachineRow>): Machine {
  const scoped = (JSON.parse(row.scopes) as string[]).map((id) => ({ id, name: all.get(id)?.name ?? id }));
  return {
    object: 'machine',
    id: row.id,
    name: row.name,
    scopedMachines: scoped,
    defaultTokenTtl: row.default_token_ttl,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

type Verified = { machine: VerifiedMachine } | { reason: AuthReason };

/** Verifies an M2M token by its signature, category, issuer and times (no database read). */
function verifyM2mTokenNow(deps: M2mDeps, token: string): Verified | Promise<Verified> {
  let jws;
  try {
    jws = verifyCompactJwsNow(token, { keys: deps.keys, algorithms: ALGORITHMS });
  } catch {
    return { reason: 'm2m-token-invalid' };
  }
  const settle = (decoded: Awaited<typeof jws>): Verified => {
    // The category is read only after the signature verified: an unsigned header proves nothing.
    if (decoded.header.cat !== M2M_TOKEN_CATEGORY) return { reason: 'm2m-token-invalid' };
    let claims: Record<string, unknown>;
    try {
      claims = JSON.parse(new TextDecoder().decode(decoded.payload)) as Record<string, unknown>;
    } catch {
      return { reason: 'm2m-token-invalid' };
    }
    const t = deps.now();
    const { sub, jti, exp, nbf, iss, scopes } = claims;
    if (typeof sub !== 'string' || !MACHINE_ID.test(sub) || typeof jti !== 'string' || iss !== deps.issuer)
      return { reason: 'm2m-token-invalid' };
    if (typeof exp !== 'number' || typeof nbf !== 'number' || !Array.isArray(scopes)) return { reason: 'm2m-token-invalid' };
    if (exp * 1000 <= t - deps.clockSkewInMs) return { reason: 'm2m-token-expired' };
    if (nbf * 1000 > t + deps.clockSkewInMs) return { reason: 'm2m-token-invalid' };
    const custom = Object.fromEntries(Object.entries(claims).filter(([k]) => !RESERVED.has(k)));
    return {
      machine: {
        tokenType: 'm2m_token',
        id: jti,
        subject: sub,
        scopes: scopes.filter((s): s is string => typeof s === 'string'),
        name: null,
        claims: Object.keys(custom).length > 0 ? custom : null,
        expiration: exp,
      },
    };
  };
  return jws instanceof Promise ? jws.then(settle, () => ({ reason: 'm2m-token-invalid' }) as Verified) : settle(jws);
}

export function createM2m(deps: M2mDeps) {
  const { store, now } = deps;

  async function byId(): Promise<Map<string, MachineRow>> {
    return new Map((await store.listMachines()).map((m) => [m.id, m]));
  }
  async function checkScopes(scopes: readonly string[], self?: string): Promise<string[]> {
    const unique = [...new Set(scopes)];
    const all = await byId();
    const unknown = unique.filter((id) => id === self || !all.has(id));
    if (unknown.length > 0)
      throw new GatehouseError('bad_request', `Not another machine of this instance: ${unknown.slice(0, 3).join(', ')}.`);
    return unique;
  }
  async function audit(action: string, subject: string, ctx: RequestContext, data: Record<string, unknown> = {}): Promise<void> {
    await store.appendAudit({
      at: now(),
      action,
      actor_id: null,
      subject_id: subject,
      ip: ctx.ip,
      user_agent: ctx.userAgent,
      data: JSON.stringify(data),
    });
  }
  async function machineOf(id: string): Promise<MachineRow> {
    const row = MACHINE_ID.test(id) ? await store.findMachine(id) : null;
    if (!row) throw new GatehouseError('not_found', 'No such machine.');
    return row;
  }

  /** Verifies a machine's own secret; null for a wrong one (same answer for an unknown machine). */
  async function authenticateMachine(secret: string, machineId?: string): Promise<MachineRow | null> {
    if (!MACHINE_SECRET.test(secret)) return null;
    const hash = hashSecret(secret);
    const found = await store.findMachineBySecretHash(hash);
    const row = found && digestsEqual(hash, found.secret_hash) ? found : null;
    if (!row || (machineId !== undefined && row.id !== machineId)) return null;
    return row;
  }

  return {
    /** @throws GatehouseError `bad_request` (a scoped machine that does not exist) */
    async create(
      input: { name: string; scopedMachines?: string[] | undefined; defaultTokenTtl?: number | undefined },
      ctx: RequestContext,
    ): Promise<Machine & { secretKey: string }> {
      const scopes = await checkScopes(input.scopedMachines ?? []);
      const t = now();
      const secretKey = `msk_${newSecret()}`;
      const row: MachineRow = {
        id: newId('mch'),
        name: input.name,
        secret_hash: hashSecret(secretKey),
        scopes: JSON.stringify(scopes),
        default_token_ttl: input.defaultTokenTtl ?? DEFAULT_M2M_TTL_SECONDS,
        created_at: t,
        updated_at: t,
      };
      await store.insertMachine(row);
      await audit('machine.created', row.id, ctx, { scopes });
      return { ...toMachine(row, await byId()), secretKey };
    },
    async list(): Promise<Machine[]> {
      const all = await byId();
      return [...all.values()].map((row) => toMachine(row, all));
    },
    /** @throws GatehouseError `not_found` */
    async get(id: string): Promise<Machine> {
      return toMachine(await machineOf(id), await byId());
    },
    /** Changes the name, the token lifetime or the machines it may call. @throws GatehouseError `not_found`, `bad_request` */
    async update(
      id: string,
      changes: { name?: string | undefined; scopedMachines?: string[] | undefined; defaultTokenTtl?: number | undefined },
      ctx: RequestContext,
    ): Promise<Machine> {
      const row = await machineOf(id);
      const set: Partial<MachineRow> = { updated_at: now() };
      if (changes.name !== undefined) set.name = changes.name;
      if (changes.defaultTokenTtl !== undefined) set.default_token_ttl = changes.defaultTokenTtl;
      if (changes.scopedMachines !== undefined) set.scopes = JSON.stringify(await checkScopes(changes.scopedMachines, row.id));
      await store.updateMachine(row.id, set);
      await audit('machine.updated', row.id, ctx, { fields: Object.keys(changes) });
      return toMachine({ ...row, ...set }, await byId());
    },
    /** Tokens it already holds live out their (short) lifetime. @throws GatehouseError `not_found` */
    async delete(id: string, ctx: RequestContext): Promise<void> {
      const row = await machineOf(id);
      await store.deleteMachine(row.id);
      await audit('machine.deleted', row.id, ctx);
    },
    /** A new secret; the old one stops working at once. @throws GatehouseError `not_found` */
    async rotateSecretKey(id: string, ctx: RequestContext): Promise<{ id: string; secretKey: string }> {
      const row = await machineOf(id);
      const secretKey = `msk_${newSecret()}`;
      await store.updateMachine(row.id, { secret_hash: hashSecret(secretKey), updated_at: now() });
      await audit('machine.secret_rotated', row.id, ctx);
      return { id: row.id, secretKey };
    },

    /**
     * Issues a token to the machine holding `machineSecretKey` (the client-credentials grant).
     * @throws GatehouseError `invalid_credentials` (one answer for every wrong secret), `bad_request`
     */
    async createToken(
      input: {
        machineSecretKey: string;
        machineId?: string | undefined;
        secondsUntilExpiration?: number | null | undefined;
        claims?: Record<string, unknown> | null | undefined;
      },
      ctx: RequestContext,
    ): Promise<M2MToken & { token: string }> {
      const machine = await authenticateMachine(input.machineSecretKey, input.machineId);
      if (!machine) throw new GatehouseError('invalid_credentials', 'The machine credentials are not valid.');
      const custom = input.claims ?? {};
      const reserved = Object.keys(custom).filter((k) => RESERVED.has(k));
      if (reserved.length > 0) throw new GatehouseError('bad_request', `Claims cannot set ${reserved.slice(0, 3).join(', ')}.`);
      const ttl = input.secondsUntilExpiration ?? machine.default_token_ttl;
      const t = now();
      const iat = Math.floor(t / 1000);
      const scopes = JSON.parse(machine.scopes) as string[];
      const id = newId('mt');
      const claims = { ...custom, iss: deps.issuer, sub: machine.id, aud: scopes, scopes, jti: id, iat, nbf: iat - 5, exp: iat + ttl };
      const token = await mintM2mToken(claims, deps.signingKey());
      await audit('m2m_token.created', machine.id, ctx, { token: id, expiresIn: ttl });
      const hasClaims = Object.keys(custom).length > 0;
      return {
        object: 'm2m_token',
        id,
        subject: machine.id,
        scopes,
        claims: hasClaims ? custom : null,
        revoked: false,
        revocationReason: null,
        expired: false,
        expiration: (iat + ttl) * 1000,
        createdAt: t,
        updatedAt: t,
        token,
      };
    },

    /** Verifies an M2M JWT locally (signature, category, issuer, lifetime): no database read. */
    verifyNow: (token: string) => verifyM2mTokenNow(deps, token),

    /** {@link verifyNow} as Clerk's M2MToken. @throws GatehouseError `unauthenticated` */
    async verify(token: string): Promise<M2MToken> {
      const outcome = await verifyM2mTokenNow(deps, token);
      if ('reason' in outcome) throw new GatehouseError('unauthenticated', new TokenVerificationError(outcome.reason).message);
      const { machine } = outcome;
      const t = now();
      return {
        object: 'm2m_token',
        id: machine.id,
        subject: machine.subject,
        scopes: machine.scopes,
        claims: machine.claims,
        revoked: false,
        revocationReason: null,
        expired: false,
        expiration: (machine.expiration ?? 0) * 1000,
        createdAt: t,
        updatedAt: t,
      };
    },
  };
}

const RESERVED = new Set([...RESERVED_TEMPLATE_CLAIMS, 'aud', 'scopes', 'act', 'sid']);

export type M2m = ReturnType<typeof createM2m>;
