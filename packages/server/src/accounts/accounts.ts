// The accounts capability of an instance, wired once: sign-up verification, password reset and account changes over one mail outbox.

import type { RequestContext } from '@gatehouse/core';
import type { SessionDeps } from '../sessions/session-core.js';
import { endSessions } from '../sessions/session-core.js';
import type { SessionService, SignedInResult } from '../sessions/sessions.js';
import type { Store } from '../store/types.js';
import { createAccountChanges } from './account-changes.js';
import { createPasswordReset } from './password-reset.js';
import { createSignUps, type SignUpResource } from './sign-ups.js';
import type { MailedCodeDeps } from './verification.js';

export interface AccountsDeps extends MailedCodeDeps {
  basePath: string;
  signInPath: string;
  sessions: SessionService;
  sessionDeps: SessionDeps;
  /** Instance settings, read at use time. */
  verificationRequired: () => boolean;
  signOutOnReset: () => boolean;
}

export function createAccounts(deps: AccountsDeps) {
  const { sessions } = deps;
  const startSession = (tx: Store, user: Parameters<SessionService['startSession']>[1], ctx: RequestContext, token: string | null) =>
    sessions.startSession(tx, user, ctx, token);
  const endUserSessions = async (tx: Store, userId: string, ctx: RequestContext, reason: string, keep?: string) => {
    const live = (await tx.listLiveSessionsOfUser(userId)).filter((s) => s.id !== keep);
    const outcome = await endSessions(deps.sessionDeps, tx, live, {
      status: 'revoked',
      action: 'session.revoked',
      actorId: userId,
      reason,
      ctx,
    });
    return outcome.ended;
  };
  const common = {
    store: deps.store,
    masterSecret: deps.masterSecret,
    now: deps.now,
    outbox: deps.outbox,
    appName: deps.appName,
    codeTtlMs: deps.codeTtlMs,
  };
  return {
    signUps: createSignUps({ ...common, basePath: deps.basePath, signInPath: deps.signInPath, startSession }),
    passwordReset: createPasswordReset({ ...common, signOutOnReset: deps.signOutOnReset, startSession, endUserSessions }),
    changes: createAccountChanges({
      ...common,
      endUserSessions,
      deleteUser: (userId, ctx, actorId) => sessions.deleteUser(userId, ctx, actorId),
    }),
    verificationRequired: deps.verificationRequired,
    /** The SignUp resource of a sign-up that needed no verification (the instance setting is off). */
    completedWithoutVerification(result: SignedInResult): SignUpResource {
      return {
        id: `sua_${result.sessionId.slice('sess_'.length)}`,
        object: 'sign_up_attempt',
        status: 'complete',
        emailAddress: result.user.email,
        firstName: result.user.firstName,
        lastName: result.user.lastName,
        requiredFields: ['email_address', 'password'],
        missingFields: [],
        unverifiedFields: [],
        verifications: { emailAddress: { status: 'unverified', strategy: 'email_code', expireAt: null } },
        createdUserId: result.user.id,
        createdSessionId: result.sessionId,
      };
    },
  };
}

export type Accounts = ReturnType<typeof createAccounts>;
