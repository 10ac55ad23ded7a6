// Sign-up, sign-in, refresh with client-token rotation, and sign-out: the session lifecycle.

import { GatehouseError, isGatehouseError, mintSessionToken, type RequestContext, type SessionClaims } from '@gatehouse/core';
import { randomBytes } from 'node:crypto';
import { digestsEqual, hashSecret, newId, newSecret } from './ids.js';
import { checkPassword, hashPassword } from './passwords.js';
import type { ClientRow, SessionRow, Store, UserRow } from './store/types.js';
import type { InstanceKeys } from './keys.js';
import type { RevocationList } from './revocation.js';

export interface SessionSettings {
  issuer: string;
  sessionTokenTtlSeconds: number;
  maxLifetimeSeconds: number;
  inactivityTimeoutSeconds: number | null;
  clientRotationGraceSeconds: number;
}

export interface SessionDeps {
  store: Store;
  keys: () => InstanceKeys;
  settings: SessionSettings;
  revocations: RevocationList;
  now: () => number;
}

export interface PublicUser {
  id: string;
  email: string;
  emailVerified: boolean;
  firstName: string | null;
  lastName: string | null;
  imageUrl: string | null;
  publicMetadata: Record<string, unknown>;
  unsafeMetadata: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
  lastSignInAt: number | null;
}

export interface SignedInResult {
  user: PublicUser;
  sessionId: string;
  sessionToken: string;
  clientToken: string;
}

export interface RefreshResult {
  userId: string;
  sessionId: string;
  sessionToken: string;
  /** A new client token when this refresh rotated it; null inside the grace window. */
  clientToken: string | null;
}

export function toPublicUser(row: UserRow): PublicUser {
  return {
    id: row.id,
    email: row.email,
    emailVerified: row.email_verified === 1,
    firstName: row.first_name,
    lastName: row.last_name,
    imageUrl: row.image_url,
    publicMetadata: JSON.parse(row.public_metadata) as Record<string, unknown>,
    unsafeMetadata: JSON.parse(row.unsafe_metadata) as Record<string, unknown>,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    lastSignInAt: row.last_sign_in_at === null ? null : Number(row.last_sign_in_at),
  };
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Splits `client_….secret`; null when it is not of that shape. */
function parseClientToken(token: string): { id: string; secret: string } | null {
  const dot = token.indexOf('.');
  if (dot <= 0 || token.length > 256) return null;
  const id = token.slice(0, dot);
  const secret = token.slice(dot + 1);
  if (!/^client_[a-z2-7]{26}$/.test(id) || !/^[A-Za-z0-9_-]{43}$/.test(secret)) return null;
  return { id, secret };
}

export function createSessionService(deps: SessionDeps) {
  const { store, settings, now } = deps;

  async function mintFor(session: SessionRow, ctx: RequestContext): Promise<string> {
    const iat = Math.floor(now() / 1000);
    const claims: SessionClaims = {
      sub: session.user_id,
      sid: session.id,
      iss: settings.issuer,
      iat,
      nbf: iat - 5,
      exp: iat + settings.sessionTokenTtlSeconds,
      jti: randomBytes(10).toString('hex'),
      v: 2,
      fva: [Math.max(0, Math.floor((now() - Number(session.factor_verified_at)) / 60_000)), -1],
    };
    if (ctx.origin) claims.azp = ctx.origin;
    return mintSessionToken(claims, deps.keys().signingKey);
  }

  /** Creates a fresh client and session for a user who just proved who they are. */
  async function startSession(tx: Store, user: UserRow, ctx: RequestContext): Promise<SignedInResult> {
    const t = now();
    const clientId = newId('client');
    const secret = newSecret();
    const sessionId = newId('sess');
    await tx.insertClient({
      id: clientId,
      token_hash: hashSecret(secret),
      previous_token_hash: null,
      rotated_at: t,
      active_session_id: sessionId,
      created_at: t,
      updated_at: t,
    });
    const session: SessionRow = {
      id: sessionId,
      client_id: clientId,
      user_id: user.id,
      status: 'active',
      created_at: t,
      updated_at: t,
      last_active_at: t,
      expire_at: t + settings.maxLifetimeSeconds * 1000,
      abandon_at: settings.inactivityTimeoutSeconds ? t + settings.inactivityTimeoutSeconds * 1000 : null,
      ended_at: null,
      active_organization_id: null,
      factor_verified_at: t,
      ip: ctx.ip,
      user_agent: ctx.userAgent?.slice(0, 512) ?? null,
    };
    await tx.insertSession(session);
    await tx.updateUser(user.id, { last_sign_in_at: t, updated_at: t });
    await tx.appendAudit({
      at: t,
      action: 'session.created',
      actor_id: user.id,
      subject_id: sessionId,
      ip: ctx.ip,
      user_agent: ctx.userAgent,
      data: '{}',
    });
    return {
      user: toPublicUser({ ...user, last_sign_in_at: t, updated_at: t }),
      sessionId,
      sessionToken: await mintFor(session, ctx),
      clientToken: `${clientId}.${secret}`,
    };
  }

  /** Ends the live sessions of a client and remembers them as revoked for token checks. */
  async function endClient(
    tx: Store,
    client: ClientRow,
    status: 'ended' | 'revoked',
    ctx: RequestContext,
    action: string,
  ): Promise<string[]> {
    const t = now();
    const ended = await tx.endLiveSessionsOfClient(client.id, status, t);
    await tx.updateClient(client.id, { active_session_id: null, updated_at: t });
    for (const id of ended) deps.revocations.revoke(id, t);
    await tx.appendAudit({
      at: t,
      action,
      actor_id: null,
      subject_id: client.id,
      ip: ctx.ip,
      user_agent: ctx.userAgent,
      data: JSON.stringify({ sessions: ended }),
    });
    return ended;
  }

  return {
    mintFor,

    /**
     * Creates a user with email + password and signs them in on a new client.
     * @throws GatehouseError `identifier_exists`, `invalid_body`
     */
    async signUp(
      input: { email: string; password: string; firstName?: string | undefined; lastName?: string | undefined },
      ctx: RequestContext,
    ): Promise<SignedInResult> {
      const email = normalizeEmail(input.email);
      // Hash first so that an existing address costs the same time as a new one.
      const passwordHash = await hashPassword(input.password);
      return store.transaction(async (tx) => {
        if (await tx.findUserByEmail(email)) {
          throw new GatehouseError('identifier_exists', 'An account with this email address already exists.');
        }
        const t = now();
        const user: UserRow = {
          id: newId('user'),
          email,
          email_verified: 0,
          password_hash: passwordHash,
          first_name: input.firstName ?? null,
          last_name: input.lastName ?? null,
          image_url: null,
          public_metadata: '{}',
          private_metadata: '{}',
          unsafe_metadata: '{}',
          banned: 0,
          created_at: t,
          updated_at: t,
          last_sign_in_at: null,
        };
        await tx.insertUser(user);
        await tx.appendAudit({
          at: t,
          action: 'user.created',
          actor_id: user.id,
          subject_id: user.id,
          ip: ctx.ip,
          user_agent: ctx.userAgent,
          data: '{}',
        });
        return startSession(tx, user, ctx);
      });
    },

    /**
     * Checks email + password and starts a session on a brand-new client (new ids on every sign-in,
     * so a planted client cookie never becomes an authenticated one).
     * @throws GatehouseError `invalid_credentials` (same message whether or not the account exists)
     */
    async signIn(input: { email: string; password: string }, ctx: RequestContext): Promise<SignedInResult> {
      const email = normalizeEmail(input.email);
      const user = await store.findUserByEmail(email);
      const ok = await checkPassword(user?.password_hash ?? null, input.password);
      if (!user || !ok || user.banned === 1) {
        await store.appendAudit({
          at: now(),
          action: 'sign_in.failed',
          actor_id: null,
          subject_id: user?.id ?? null,
          ip: ctx.ip,
          user_agent: ctx.userAgent,
          data: '{}',
        });
        throw new GatehouseError('invalid_credentials', 'The email address or password is incorrect.');
      }
      return store.transaction((tx) => startSession(tx, user, ctx));
    },

    /**
     * Mints a new session token from a client token, rotating the client token at most once per
     * grace window. A rotated-out token inside the window is accepted (parallel requests); after it,
     * presenting it is treated as theft: every session of the client is revoked and audited.
     * @throws GatehouseError `client_invalid` (sign the browser out), `session_invalid`
     */
    async refresh(clientToken: string, ctx: RequestContext): Promise<RefreshResult> {
      const parsed = parseClientToken(clientToken);
      if (!parsed) throw new GatehouseError('client_invalid', 'The client token is not valid.');
      const presented = hashSecret(parsed.secret);
      // Failures that record what they found (theft, expiry, inactivity) are returned, not thrown, from
      // the transaction: throwing inside it would roll back the revocation, status and audit writes.
      const outcome = await store.transaction<RefreshResult | GatehouseError>(async (tx) => {
        const client = await tx.findClient(parsed.id);
        if (!client) throw new GatehouseError('client_invalid', 'The client token is not valid.');
        const t = now();
        const graceMs = settings.clientRotationGraceSeconds * 1000;
        const insideGrace = t - Number(client.rotated_at) < graceMs;
        let rotated: string | null = null;
        if (digestsEqual(presented, client.token_hash)) {
          if (!insideGrace) {
            const secret = newSecret();
            await tx.updateClient(client.id, {
              token_hash: hashSecret(secret),
              previous_token_hash: client.token_hash,
              rotated_at: t,
              updated_at: t,
            });
            rotated = `${client.id}.${secret}`;
          }
        } else if (client.previous_token_hash && digestsEqual(presented, client.previous_token_hash)) {
          if (!insideGrace) {
            await endClient(tx, client, 'revoked', ctx, 'client.token_reuse');
            return new GatehouseError('client_invalid', 'The client token is not valid.');
          }
        } else {
          throw new GatehouseError('client_invalid', 'The client token is not valid.');
        }
        const session = client.active_session_id ? await tx.findSession(client.active_session_id) : null;
        if (!session || session.status !== 'active')
          throw new GatehouseError('session_invalid', 'There is no active session on this client.');
        if (Number(session.expire_at) <= t) {
          await tx.updateSession(session.id, { status: 'expired', ended_at: t, updated_at: t });
          deps.revocations.revoke(session.id, t);
          return new GatehouseError('session_invalid', 'The session has reached its maximum lifetime.');
        }
        if (session.abandon_at !== null && Number(session.abandon_at) <= t) {
          await tx.updateSession(session.id, { status: 'abandoned', ended_at: t, updated_at: t });
          deps.revocations.revoke(session.id, t);
          return new GatehouseError('session_invalid', 'The session ended after a period of inactivity.');
        }
        const user = await tx.findUserById(session.user_id);
        if (!user || user.banned === 1) throw new GatehouseError('session_invalid', 'The user can no longer sign in.');
        const touched = {
          last_active_at: t,
          updated_at: t,
          abandon_at: settings.inactivityTimeoutSeconds ? t + settings.inactivityTimeoutSeconds * 1000 : null,
        };
        await tx.updateSession(session.id, touched);
        return {
          userId: user.id,
          sessionId: session.id,
          sessionToken: await mintFor({ ...session, ...touched }, ctx),
          clientToken: rotated,
        };
      });
      if (isGatehouseError(outcome)) throw outcome;
      return outcome;
    },

    /** Ends every live session of the client that presents this token. Unknown tokens are a no-op. */
    async signOut(clientToken: string | null, ctx: RequestContext): Promise<void> {
      const parsed = clientToken ? parseClientToken(clientToken) : null;
      if (!parsed) return;
      const presented = hashSecret(parsed.secret);
      await store.transaction(async (tx) => {
        const client = await tx.findClient(parsed.id);
        if (!client) return;
        const known =
          digestsEqual(presented, client.token_hash) ||
          (client.previous_token_hash !== null &&
            digestsEqual(presented, client.previous_token_hash) &&
            now() - Number(client.rotated_at) < settings.clientRotationGraceSeconds * 1000);
        if (known) await endClient(tx, client, 'ended', ctx, 'session.ended');
      });
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
