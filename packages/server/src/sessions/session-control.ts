// Listing, switching and ending sessions: the session list, sign-out scopes, "sign out everywhere" and revocation, for the HTTP API and for server code.

import { GatehouseError, type RequestContext } from '@gatehouse/core';
import { describeDevice } from './device.js';
import {
  BACKEND_CONTEXT,
  endSessions,
  findPresentedClient,
  isLive,
  mintFor,
  touched,
  usableSession,
  withinLimits,
  type EndOutcome,
  type SessionDeps,
} from './session-core.js';
import { requireFresh } from '../factors/factor-checks.js';
import { createUserStanding } from './user-standing.js';
import type { ClientRow, SessionRow } from './session-store.js';
import type { Store } from '../store/types.js';

/** One of a user's sessions as the user may see it: no token hash, no client secret, no client id. */
export interface SessionSummary {
  id: string;
  status: 'active' | 'pending';
  createdAt: number;
  lastActiveAt: number;
  expireAt: number;
  ip: string | null;
  userAgent: string | null;
  /** A short label from the user agent, e.g. "Chrome on Linux". */
  device: string;
  /** Whether this is the session of the token that asked. */
  current: boolean;
}

/** What the asking browser's cookies become after some sessions ended. */
export type BrowserOutcome =
  /** Its active session is still live: cookies stay as they are. */
  | { kind: 'unchanged'; activeSessionId: string | null }
  /** Its active session ended and no other live session is left on it: clear both cookies. */
  | { kind: 'cleared' }
  /** Its active session ended and the client switched to another live one: set this session token. */
  | { kind: 'switched'; sessionId: string; userId: string; sessionToken: string };

export interface EndResult {
  ended: string[];
  browser: BrowserOutcome;
}

export interface ActivatedSession {
  sessionId: string;
  userId: string;
  sessionToken: string;
}

const NO_SUCH_SESSION = 'No such session.';

function summarize(row: SessionRow, currentSessionId: string | null): SessionSummary {
  return {
    id: row.id,
    status: row.status === 'pending' ? 'pending' : 'active',
    createdAt: Number(row.created_at),
    lastActiveAt: Number(row.last_active_at),
    expireAt: Number(row.expire_at),
    ip: row.ip,
    userAgent: row.user_agent,
    device: describeDevice(row.user_agent),
    current: row.id === currentSessionId,
  };
}

export function createSessionControl(deps: SessionDeps) {
  const { store, now } = deps;

  /**
   * Decides the asking browser's cookies once sessions ended. `browser` is its client as read
   * before the ending; without one (no or an unknown `__client` cookie, or a Bearer caller) only
   * the session of the asking token counts.
   */
  async function settleBrowser(
    tx: Store,
    browser: ClientRow | null,
    outcome: EndOutcome,
    currentSessionId: string,
    ctx: RequestContext,
  ): Promise<BrowserOutcome> {
    if (!browser) {
      return outcome.ended.includes(currentSessionId) ? { kind: 'cleared' } : { kind: 'unchanged', activeSessionId: currentSessionId };
    }
    const active = browser.active_session_id;
    if (active === null || !outcome.ended.includes(active)) return { kind: 'unchanged', activeSessionId: active };
    const nextId = outcome.activeByClient.get(browser.id) ?? null;
    const next = nextId ? await tx.findSession(nextId) : null;
    if (!next) return { kind: 'cleared' };
    const activity = touched(deps, now());
    await tx.updateSession(next.id, activity);
    return {
      kind: 'switched',
      sessionId: next.id,
      userId: next.user_id,
      sessionToken: await mintFor(deps, { ...next, ...activity }, ctx, tx),
    };
  }

  /** Ends one session by id for server code. */
  async function endOne(
    sessionId: string,
    status: 'ended' | 'revoked',
    action: string,
    ctx: RequestContext,
    actorId: string | null = null,
  ): Promise<boolean> {
    return store.transaction(async (tx) => {
      const session = await tx.findSession(sessionId);
      if (!session) return false;
      const reason = status === 'revoked' ? 'revoked' : 'session';
      const { ended } = await endSessions(deps, tx, [session], { status, action, actorId, reason, ctx });
      return ended.length > 0;
    });
  }

  return {
    ...createUserStanding(deps),

    /**
     * The live sessions of a user on every client, most recently active first. Sessions past their
     * lifetime or inactivity limit are left out (they can no longer be refreshed).
     */
    async listUserSessions(userId: string, options: { currentSessionId?: string } = {}): Promise<SessionSummary[]> {
      const t = now();
      const rows = await store.listLiveSessionsOfUser(userId);
      return rows.filter((row) => withinLimits(row, t)).map((row) => summarize(row, options.currentSessionId ?? null));
    },

    /**
     * Ends sessions of the signed-in user: `session` ends one (`sessionId`, default the current one),
     * `everywhere` ends every live session of the user on every client. Each ended session is
     * revoked in memory at once and audited (`session.ended`). When the browser's own active session
     * ended, its client switches to another live session if it has one.
     *
     * Ending another of the user's sessions (another device, or `everywhere` while other sessions
     * are live) is sensitive: someone holding a stolen session must not lock the owner out, so the
     * current session must have verified recently (Clerk's `strict`). Signing out only itself never is.
     *
     * @throws GatehouseError `not_found` when `sessionId` is not a live session of this user,
     *   `reverification_required` (nothing is written)
     */
    async signOutSessions(
      input: {
        scope: 'session' | 'everywhere';
        sessionId?: string | undefined;
        signedIn: { userId: string; sessionId: string };
        clientToken: string | null;
      },
      ctx: RequestContext,
    ): Promise<EndResult> {
      const { userId } = input.signedIn;
      return store.transaction(async (tx) => {
        // The browser's client first: the lock order every use case keeps (see findPresentedClient).
        const browser = await findPresentedClient(deps, tx, input.clientToken, true);
        let targets: SessionRow[];
        if (input.scope === 'session') {
          const target = await tx.findSession(input.sessionId ?? input.signedIn.sessionId);
          // Someone else's session and an unknown id are the same answer: ids are not confirmed.
          if (!target || target.user_id !== userId || !isLive(target)) throw new GatehouseError('not_found', NO_SUCH_SESSION);
          targets = [target];
        } else {
          targets = await tx.listLiveSessionsOfUser(userId);
        }
        if (targets.some((target) => target.id !== input.signedIn.sessionId)) await requireFresh(tx, input.signedIn, now());
        const outcome = await endSessions(deps, tx, targets, {
          status: 'ended',
          action: 'session.ended',
          actorId: userId,
          reason: input.scope,
          ctx,
        });
        return { ended: outcome.ended, browser: await settleBrowser(tx, browser, outcome, input.signedIn.sessionId, ctx) };
      });
    },

    /**
     * Makes one of the browser's own live sessions its active one and mints its session token.
     *
     * @throws GatehouseError `client_invalid` without a valid `__client` cookie; `not_found` when the
     * session is not a live session of this browser (nothing is written)
     */
    async activateSession(clientToken: string | null, sessionId: string, ctx: RequestContext): Promise<ActivatedSession> {
      return store.transaction(async (tx) => {
        const client = await findPresentedClient(deps, tx, clientToken, true);
        if (!client) throw new GatehouseError('client_invalid', 'There is no valid client cookie; sign in again.');
        const t = now();
        const session = await tx.findSession(sessionId);
        const usable = usableSession(session, t, { clientId: client.id });
        const user = usable ? await tx.findUserById(session.user_id) : null;
        if (!session || !user || user.banned === 1) throw new GatehouseError('not_found', 'No such session on this browser.');
        const activity = touched(deps, t);
        await tx.updateSession(session.id, activity);
        await tx.updateClient(client.id, { active_session_id: session.id, updated_at: t });
        await tx.appendAudit({
          at: t,
          action: 'session.activated',
          actor_id: user.id,
          subject_id: session.id,
          ip: ctx.ip,
          user_agent: ctx.userAgent,
          data: JSON.stringify({ client: client.id, previous: client.active_session_id }),
        });
        return { sessionId: session.id, userId: user.id, sessionToken: await mintFor(deps, { ...session, ...activity }, ctx, tx) };
      });
    },

    /**
     * Ends a session from server code (status `ended`, audited as `session.ended`), revoking its
     * token at once. Returns false when there is no such live session.
     */
    endSession(sessionId: string, ctx: RequestContext = BACKEND_CONTEXT): Promise<boolean> {
      return endOne(sessionId, 'ended', 'session.ended', ctx);
    },

    /**
     * Revokes a session from server code (status `revoked`, audited as `session.revoked`), e.g. an
     * administrator ending a suspicious session (`actorId`: who, for the audit log). Returns false
     * when there is no such live session.
     */
    revokeSession(sessionId: string, ctx: RequestContext = BACKEND_CONTEXT, actorId: string | null = null): Promise<boolean> {
      return endOne(sessionId, 'revoked', 'session.revoked', ctx, actorId);
    },

    /** Signs a user out everywhere from server code: ends every live session on every client; returns their ids. */
    async endAllUserSessions(userId: string, ctx: RequestContext = BACKEND_CONTEXT): Promise<string[]> {
      return store.transaction(async (tx) => {
        const sessions = await tx.listLiveSessionsOfUser(userId);
        const outcome = await endSessions(deps, tx, sessions, {
          status: 'ended',
          action: 'session.ended',
          actorId: null,
          reason: 'everywhere',
          ctx,
        });
        return outcome.ended;
      });
    },
  };
}
