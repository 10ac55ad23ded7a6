// The sign-in flow with a provider: start (PKCE, state, nonce sealed in a cookie) and callback (one-time state, checked code exchange, account decision, session).

import * as client from 'openid-client';
import { GatehouseError, safeRedirectUrl, type RequestContext } from '@gatehouse/core';
import type { SignedInResult, SessionService } from '../sessions/sessions.js';
import type { Store } from '../store/types.js';
import { normalizeEmail } from '../users/users.js';
import { resolveAccount } from './accounts.js';
import type { Connection, Connections } from './connections.js';
import { FLOW_TTL_SECONDS, openFlow, sealFlow, type FlowState } from './flow-cookie.js';
import { OauthFlowError, isOauthFlowError, type OauthFailure } from './provider-client.js';
import { hasSecondFactorOf } from '../factors/verification-age.js';
import type { SsoDomains } from './sso.js';
import { sha256 } from '../store/ids.js';

export interface FlowDeps {
  store: Store;
  connections: Connections;
  domains: SsoDomains;
  sessions: SessionService;
  masterSecret: string;
  now: () => number;
  log: (line: string) => void;
  /** Adds the user to an org with a role unless they are a member already (enterprise SSO). */
  joinOrganization: (organizationId: string, userId: string, role: string | null, ctx: RequestContext) => Promise<void>;
}

export interface StartInput {
  strategy: string;
  /** For `enterprise_sso`: the email address whose domain names the organization's provider. */
  identifier?: string | undefined;
  redirectUrl?: string | undefined;
  redirectUrlComplete?: string | undefined;
  signInUrl?: string | undefined;
}

export type CallbackOutcome =
  | { kind: 'signed_in'; flow: FlowState; result: SignedInResult }
  | { kind: 'linked'; flow: FlowState }
  | { kind: 'failed'; flow: FlowState | null; reason: OauthFailure };

/** One-time use is recorded by a hash of the state (the state itself never reaches the database). */
function stateHash(state: string): string {
  return sha256(`gatehouse:oauth-state:${state}`, 'hex');
}

export function createOauthFlow(deps: FlowDeps) {
  const { store, connections, now } = deps;

  async function audit(ctx: RequestContext, action: string, subject: string | null, data: Record<string, unknown>): Promise<void> {
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

  return {
    /**
     * Starts a flow: picks the connection (by strategy, or by the email domain for `enterprise_sso`),
     * makes the PKCE verifier, state and nonce, and returns the provider URL and the sealed cookie.
     * @param origin the app's origin (redirect URI and acceptable redirects are on it)
     * @param linkUserId the signed-in user connecting a provider to their account, else null
     * @throws GatehouseError `bad_request` (unknown strategy, no SSO for that domain), `service_unavailable` (provider unreachable)
     */
    async start(
      input: StartInput,
      origin: string,
      callbackPath: string,
      linkUserId: string | null,
      allowedOrigins: readonly string[],
    ): Promise<{ url: string; cookie: string; connection: Connection }> {
      let connection: Connection | null;
      if (input.strategy === 'enterprise_sso') {
        const email = input.identifier ? normalizeEmail(input.identifier) : '';
        connection = email ? await deps.domains.connectionForEmail(email) : null;
        if (!connection) throw new GatehouseError('bad_request', 'Single sign-on is not set up for this email address.');
      } else {
        connection = await connections.byStrategy(input.strategy);
        if (!connection) throw new GatehouseError('bad_request', 'This sign-in method is not available.');
      }
      let provider;
      try {
        provider = await connections.providerClient(connection);
      } catch (error) {
        if (!isOauthFlowError(error)) throw error;
        deps.log(`gatehouse: oauth connection ${connection.id}: ${error.message}`);
        throw new GatehouseError(
          'service_unavailable',
          `${connection.name ?? connection.id} cannot be reached right now. Try again in a moment.`,
        );
      }
      const codeVerifier = client.randomPKCECodeVerifier();
      const flow: FlowState = {
        connection: connection.id,
        state: client.randomState(),
        nonce: client.randomNonce(),
        codeVerifier,
        redirectUri: `${origin}${callbackPath}`,
        redirectUrlComplete: safeRedirectUrl(input.redirectUrlComplete, origin, '/', allowedOrigins),
        redirectUrl: input.redirectUrl ? safeRedirectUrl(input.redirectUrl, origin, '', allowedOrigins) || null : null,
        signInUrl: safeRedirectUrl(input.signInUrl, origin, '/sign-in', allowedOrigins),
        intent: linkUserId ? 'link' : 'sign_in',
        userId: linkUserId,
        startedAt: now(),
      };
      const url = provider.authorizationUrl({
        redirectUri: flow.redirectUri,
        state: flow.state,
        nonce: flow.nonce,
        codeChallenge: await client.calculatePKCECodeChallenge(codeVerifier),
      });
      return { url: url.href, cookie: await sealFlow(flow, deps.masterSecret, now()), connection };
    },

    /**
     * Finishes a flow at the callback. Every failure (no or foreign cookie, state mismatch or reuse,
     * expiry, provider error or denial, a code used twice, an ID token for another audience or
     * issuer or with another nonce, a refused account decision) comes back as a reason, is audited,
     * and leaves no user, external account or session behind.
     */
    async callback(url: URL, sealed: string | null, ctx: RequestContext, clientToken: string | null): Promise<CallbackOutcome> {
      const opened = sealed ? await openFlow(sealed, deps.masterSecret, now()) : null;
      const flow = opened === 'expired' ? null : opened;
      const fail = async (reason: OauthFailure, detail: string, connection: string | null): Promise<CallbackOutcome> => {
        await audit(ctx, 'oauth.failed', connection, { reason, detail: detail.slice(0, 300), connection });
        return { kind: 'failed', flow, reason };
      };
      if (opened === 'expired') return fail('oauth_flow_expired', 'the flow cookie expired', null);
      if (!flow) return fail('oauth_state_invalid', sealed ? 'the flow cookie is not valid' : 'no flow cookie', null);
      const returned = url.searchParams.get('state');
      // Checked here and again by openid-client; the state is only consumed once it matches.
      if (returned !== flow.state) return fail('oauth_state_invalid', 'the state does not match the browser', flow.connection);
      const expiresAt = flow.startedAt + FLOW_TTL_SECONDS * 1000;
      if (!(await store.consumeOauthState(stateHash(flow.state), expiresAt, now()))) {
        return fail('oauth_state_used', 'the state was used before', flow.connection);
      }
      const connection = await connections.get(flow.connection);
      if (!connection) return fail('oauth_connection_unknown', 'the connection is gone', flow.connection);
      try {
        const provider = await connections.providerClient(connection);
        const profile = await provider.exchange(url, { state: flow.state, nonce: flow.nonce, codeVerifier: flow.codeVerifier });
        // An organization's provider speaks only for its own verified domains: anything else it asserts
        // about an address (victim@elsewhere) is not trusted for linking.
        if (connection.organizationId && profile.email && !(await deps.domains.coversEmail(connection.id, profile.email))) {
          profile.emailVerified = false;
        }
        const t = now();
        const decided = await store.transaction(async (tx) => {
          const resolution = await resolveAccount(tx, connection, profile, ctx, t, flow.intent === 'link' ? flow.userId : null);
          if (flow.intent === 'link') return { resolution, result: null };
          // A provider is one factor: a user who set up a second one (TOTP, passkey) must not skip it
          // by signing in here. Until the redirect flow can hand over to the second-factor step, such
          // a sign-in is refused (fail closed), and the transaction leaves nothing behind.
          if (await hasSecondFactorOf(tx, resolution.user.id)) {
            throw new OauthFlowError('oauth_second_factor_required', 'the user has a second factor');
          }
          return { resolution, result: await deps.sessions.startSession(tx, resolution.user, ctx, clientToken) };
        });
        await audit(ctx, 'oauth.succeeded', decided.resolution.user.id, { connection: connection.id, outcome: decided.resolution.outcome });
        if (connection.organizationId)
          await deps.joinOrganization(connection.organizationId, decided.resolution.user.id, connection.defaultRole, ctx);
        return decided.result ? { kind: 'signed_in', flow, result: decided.result } : { kind: 'linked', flow };
      } catch (error) {
        if (isOauthFlowError(error)) return fail(error.reason, error.message, connection.id);
        throw error;
      }
    },
  };
}
