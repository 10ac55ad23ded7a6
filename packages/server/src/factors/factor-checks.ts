// The checks every factor use case shares: a second-factor code against the user's TOTP and backup codes, the freshness of sensitive operations, and the audit row.

import { GatehouseError, type RequestContext } from '@gatehouse/core';
import type { SessionRow } from '../sessions/session-store.js';
import type { Store } from '../store/types.js';
import { openText } from '../webhooks/secrets.js';
import { backupCodeHash, totpStep } from './codes.js';
import type { PasskeySettings } from './passkeys.js';
import { freshEnough, SENSITIVE, sessionFva } from './verification-age.js';

export interface FactorDeps {
  store: Store;
  masterSecret: string;
  passkeys: PasskeySettings;
  /** The issuer an authenticator app shows next to the account (the app's name). */
  totpIssuer: string;
  now: () => number;
}

/** Who is asking: the user and session of the request's own session token. */
export interface Me {
  userId: string;
  sessionId: string;
}

export const TOTP_CONTEXT = 'gatehouse:totp-secrets:v1';

export type CodeStrategy = 'totp' | 'backup_code';

/**
 * Whether `code` is a current TOTP code of the user's confirmed authenticator (each time step is
 * accepted once) or one of their unused backup codes (used up here). Nothing changes on a wrong code.
 */
export async function checkSecondFactorCode(
  deps: FactorDeps,
  tx: Store,
  userId: string,
  strategy: CodeStrategy,
  code: string,
): Promise<boolean> {
  const t = deps.now();
  if (strategy === 'backup_code') {
    if (code.length > 64) return false;
    return tx.useBackupCode(userId, backupCodeHash(deps.masterSecret, userId, code), t);
  }
  const totp = (await tx.listFactors(userId, 'totp')).find((f) => f.status === 'verified');
  if (!totp?.secret_sealed) return false;
  const step = totpStep(await openTotpSecret(deps, totp.secret_sealed), code, t);
  return step !== null && (await tx.advanceTotpStep(totp.id, step, t));
}

export async function openTotpSecret(deps: FactorDeps, sealed: string): Promise<string> {
  try {
    return await openText(sealed, deps.masterSecret, TOTP_CONTEXT);
  } catch (cause) {
    throw new GatehouseError(
      'setup_missing',
      'A TOTP secret cannot be decrypted: GATEHOUSE_SECRET differs from the one it was sealed with.',
      {
        cause,
      },
    );
  }
}

/** The caller's live session row; `unauthenticated` when it is gone or not theirs. */
export async function liveSession(tx: Store, me: Me): Promise<SessionRow> {
  const session = await tx.findSession(me.sessionId);
  if (!session || session.user_id !== me.userId || (session.status !== 'active' && session.status !== 'pending'))
    throw new GatehouseError('unauthenticated', 'You are not signed in.');
  return session;
}

/**
 * Refuses a sensitive operation (adding or removing a factor, ending other sessions, disconnecting an
 * account, and the account changes) unless the session verified within Clerk's `strict` window (10
 * minutes, second factor when the user has one), read from the session row at `t`, not from a token
 * that may be a minute old.
 * @throws GatehouseError `reverification_required` (403 with Clerk's reverification hint), `unauthenticated`
 */
export async function requireFresh(tx: Store, me: Me, t: number): Promise<SessionRow> {
  const session = await liveSession(tx, me);
  if (!freshEnough(await sessionFva(tx, session, t), SENSITIVE))
    throw new GatehouseError('reverification_required', 'Verify it is you again to make this change.');
  return session;
}

/** One audit row of a factor event. Never a code, secret or credential in `data`. */
export async function auditFactor(
  tx: Store,
  t: number,
  action: string,
  who: { actorId: string | null; userId: string; subjectId?: string | null },
  ctx: RequestContext,
  data: Record<string, unknown> = {},
): Promise<void> {
  await tx.appendAudit({
    at: t,
    action,
    actor_id: who.actorId,
    subject_id: who.subjectId ?? who.userId,
    ip: ctx.ip,
    user_agent: ctx.userAgent,
    data: JSON.stringify({ user: who.userId, ...data }),
  });
}
