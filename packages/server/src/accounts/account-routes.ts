// The accounts endpoints of the auth API: sign-up attempts and their verification, the password-reset sign-in, and the signed-in user's own account changes.

import {
  GatehouseError,
  clearedCookies,
  clientCookie,
  safeRedirectUrl,
  sessionCookie,
  type CookieSettings,
  type RequestContext,
} from '@gatehouse/core';
import { z } from 'zod';
import type { Gatehouse } from '../instance/instance.js';
import type { SignedInResult } from '../sessions/sessions.js';
import { readForm, readJson, readOptionalJson } from '../http/body.js';
import { answerFormPost, isFormPost } from '../http/form-posts.js';
import { errorResponse, json, rateLimitedResponse, toErrorResponse } from '../http/respond.js';
import { presentedClientToken } from '../http/session-routes.js';
import type { AnyMethods } from '../http/org-routes.js';
import type { RouteParams } from '../http/session-routes.js';
import { normalizeEmail } from '../users/users.js';
import type { Accounts } from './accounts.js';
import type { Me } from '../factors/factor-checks.js';

const code = z.string().trim().min(1).max(32);
const password = z.string().min(1).max(1024);
const email = z
  .string()
  .max(320)
  .transform((s) => s.trim())
  .pipe(z.email({ message: 'Enter a valid email address' }));
const redirectUrl = z.string().max(2048).optional();

export const CreateSignUpBody = z
  .object({
    emailAddress: email,
    password,
    firstName: z.string().trim().max(256).optional(),
    lastName: z.string().trim().max(256).optional(),
    redirectUrl,
  })
  .strict();
export const PrepareBody = z.object({ strategy: z.literal('email_code'), redirectUrl }).strict();
export const AttemptBody = z.object({ strategy: z.literal('email_code').optional(), code }).strict();
export const CreateSignInBody = z
  .object({ strategy: z.literal('reset_password_email_code'), identifier: z.string().trim().min(1).max(320) })
  .strict();
export const FirstFactorBody = z.object({ strategy: z.literal('reset_password_email_code'), code }).strict();
export const PrepareFirstFactorBody = z.object({ strategy: z.literal('reset_password_email_code') }).strict();
export const ResetPasswordBody = z.object({ password, signOutOfOtherSessions: z.boolean().optional() }).strict();
/** The hosted page's form: the mailed code and the new password together. */
const FormResetBody = z.object({ code, password }).strict();
export const ChangePasswordBody = z
  .object({ currentPassword: z.string().max(1024).optional(), newPassword: password, signOutOfOtherSessions: z.boolean().optional() })
  .strict();
export const AddEmailBody = z.object({ emailAddress: email }).strict();
export const DeleteAccountBody = z.object({ password: z.string().max(1024).optional() }).strict();
const NoBody = z.object({}).strict();

const SIGN_UP = /^\/sign-ups\/([^/]+)(?:\/(prepare_verification|attempt_verification))?$/;
const SIGN_IN = /^\/sign-ins\/([^/]+)\/(prepare_first_factor|attempt_first_factor|reset_password)$/;
const ADDRESS = /^\/me\/email-addresses\/([^/]+)(?:\/(prepare_verification|attempt_verification|set_primary))?$/;

function withSession(body: Record<string, unknown>, result: SignedInResult | null, cookies: CookieSettings): Response {
  const headers = new Headers();
  if (result) {
    headers.append('set-cookie', clientCookie(result.clientToken, cookies));
    headers.append('set-cookie', sessionCookie(result.sessionToken, cookies));
  }
  return json(200, result ? { ...body, user: result.user, sessionId: result.sessionId } : body, headers);
}

/**
 * The hosted "Forgot password?" page's last step (plain HTML): the mailed code and the new password
 * in one post; a 303 on, signed in, or back to the page with ?error=.
 */
function resetByForm(
  request: Request,
  accounts: Accounts,
  id: string,
  stop: Response | null,
  ctx: RequestContext,
  cookies: CookieSettings,
): Promise<Response> {
  return answerFormPost(request, FormResetBody, '/', async (body) => {
    if (stop) return stop;
    await accounts.passwordReset.attemptFirstFactor(id, body.code, ctx);
    const done = await accounts.passwordReset.resetPassword(id, { password: body.password }, ctx, presentedClientToken(request));
    // A second factor still to give: the password is changed; the sign-in page finishes it.
    if (!done.signedIn) throw new GatehouseError('conflict', 'The password is changed; sign in with it to give the second factor.');
    return withSession({ signIn: done.signIn }, done.signedIn, cookies);
  });
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A small HTML page (the verification link's landing page): the link is confirmed by a button, so a mail scanner that opens links spends nothing. */
function page(title: string, body: string, status = 200): Response {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title></head><body style="font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem"><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
  return new Response(html, {
    status,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    },
  });
}

type Limiter = (request: Request, ctx: RequestContext, identifier: string | null) => Promise<Response | null>;

/** The verification link's routes: GET shows one button (a mail scanner that opens links spends nothing), POST verifies and signs this browser in. */
function linkRoutes(gatehouse: Gatehouse, accounts: Accounts, limited: Limiter): AnyMethods {
  return {
    GET: async (request) => {
      const url = new URL(request.url);
      const token = url.searchParams.get('token') ?? '';
      const back = url.searchParams.get('redirect_url') ?? '';
      return page(
        'Verify your email address',
        `<form method="post"><input type="hidden" name="token" value="${escapeHtml(token)}"><input type="hidden" name="redirect_url" value="${escapeHtml(back)}"><button type="submit">Verify email address</button></form>`,
      );
    },
    POST: async (request, ctx, cookies) => {
      const form = await readForm(request);
      const target = safeRedirectUrl(form.get('redirect_url'), new URL(request.url).origin, '/');
      const stop = await limited(request, ctx, null);
      if (stop) return page('Too many attempts', '<p>Try again later.</p>', 429);
      try {
        const done = await accounts.signUps.verifyLink(form.get('token') ?? '', ctx, presentedClientToken(request));
        const headers = new Headers({ location: target, 'cache-control': 'no-store' });
        headers.append('set-cookie', clientCookie(done.signedIn.clientToken, cookies));
        headers.append('set-cookie', sessionCookie(done.signedIn.sessionToken, cookies));
        return new Response(null, { status: 303, headers });
      } catch (error) {
        const response = toErrorResponse(error, gatehouse.log);
        const message = ((await response.json()) as { error: { message: string } }).error.message;
        return page('This link does not work', `<p>${escapeHtml(message)}</p>`, response.status);
      }
    },
  };
}

export function createAccountRoutes(gatehouse: Gatehouse, accounts: Accounts) {
  const limits = gatehouse.rateLimits;

  /** Per IP and per address, before any work: a refused attempt costs no hash and writes nothing. */
  const limited: Limiter = async (request, ctx, identifier) => {
    const ip = limits.clientIp(request.headers);
    const checks = [
      { name: 'verifyIp' as const, key: ip },
      ...(identifier ? [{ name: 'verifyIdentifier' as const, key: identifier }] : []),
    ];
    return rateLimitedResponse(await limits.attempt(checks, { ip, userAgent: ctx.userAgent }));
  };

  /** The signed-in user (never an impersonating admin: account changes are the user's own). */
  async function me(request: Request): Promise<{ userId: string; sessionId: string } | Response> {
    const state = await gatehouse.authenticate(request);
    if (state.status !== 'signed-in') return errorResponse('unauthenticated', 'You are not signed in.');
    if (state.claims.act) return errorResponse('forbidden', 'Account changes cannot be made while signed in as another user.');
    return { userId: state.claims.sub, sessionId: state.claims.sid };
  }

  const signUpRoutes = (id: string, action: string | undefined): AnyMethods => {
    if (!action) return { GET: async () => json(200, { signUp: await accounts.signUps.get(id) }) };
    if (action === 'prepare_verification')
      return {
        POST: async (request, ctx) => {
          const body = await readJson(request, PrepareBody);
          const stop = await limited(request, ctx, await accounts.signUps.emailOf(id));
          if (stop) return stop;
          return json(200, { signUp: await accounts.signUps.prepareVerification(id, ctx, body.redirectUrl ?? null) });
        },
      };
    return {
      POST: async (request, ctx, cookies) => {
        const attempt = async (body: z.infer<typeof AttemptBody>) => {
          const stop = await limited(request, ctx, await accounts.signUps.emailOf(id));
          if (stop) return stop;
          const done = await accounts.signUps.attemptVerification(id, body.code, ctx, presentedClientToken(request));
          return withSession({ signUp: done.signUp }, done.signedIn, cookies);
        };
        // The hosted sign-up page's code form (plain HTML): a 303 on, signed in, or back with ?error=.
        if (isFormPost(request)) return answerFormPost(request, AttemptBody, '/', attempt);
        return attempt(await readJson(request, AttemptBody));
      },
    };
  };

  const signInRoutes = (id: string, action: string): AnyMethods => ({
    POST: async (request, ctx, cookies) => {
      const stop = await limited(request, ctx, await accounts.passwordReset.identifierOf(id));
      if (action === 'prepare_first_factor') {
        await readJson(request, PrepareFirstFactorBody);
        return stop ?? json(200, { signIn: await accounts.passwordReset.prepare(id) });
      }
      if (action === 'attempt_first_factor') {
        const body = await readJson(request, FirstFactorBody);
        return stop ?? json(200, { signIn: await accounts.passwordReset.attemptFirstFactor(id, body.code, ctx) });
      }
      if (isFormPost(request)) return resetByForm(request, accounts, id, stop, ctx, cookies);
      const body = await readJson(request, ResetPasswordBody);
      if (stop) return stop;
      const done = await accounts.passwordReset.resetPassword(id, body, ctx, presentedClientToken(request));
      return withSession({ signIn: done.signIn }, done.signedIn, cookies);
    },
  });

  const addressRoutes = (id: string, action: string | undefined): AnyMethods => {
    const run =
      (answer: (userId: string, request: Request, ctx: RequestContext, session: Me) => Promise<Response>) =>
      async (request: Request, ctx: RequestContext) => {
        const who = await me(request);
        if (who instanceof Response) return who;
        return answer(who.userId, request, ctx, who);
      };
    if (!action)
      return {
        DELETE: run(async (userId, request, ctx, session) => {
          await readOptionalJson(request, NoBody);
          await accounts.changes.removeEmailAddress(userId, id, ctx, session);
          return json(200, { deleted: true, id });
        }),
      };
    if (action === 'set_primary')
      return {
        POST: run(async (userId, request, ctx, session) => {
          await readOptionalJson(request, NoBody);
          await accounts.changes.setPrimaryEmailAddress(userId, id, ctx, session);
          return json(200, { user: await gatehouse.getUser(userId) });
        }),
      };
    if (action === 'prepare_verification')
      return {
        POST: run(async (userId, request, ctx) => {
          await readOptionalJson(request, NoBody);
          return (
            (await limited(request, ctx, userId)) ??
            json(200, { emailAddress: await accounts.changes.prepareEmailVerification(userId, id) })
          );
        }),
      };
    return {
      POST: run(async (userId, request, ctx) => {
        const body = await readJson(request, AttemptBody);
        const stop = await limited(request, ctx, userId);
        return stop ?? json(200, { emailAddress: await accounts.changes.attemptEmailVerification(userId, id, body.code, ctx) });
      }),
    };
  };

  const routes: Record<string, AnyMethods> = {
    /** signUp.create(): with verification required, the attempt; `prepare: true` (the prebuilt form) also sends the code. */
    '/sign-ups': {
      POST: async (request, ctx, cookies) => {
        const body = await readJson(request, CreateSignUpBody);
        const ip = limits.clientIp(request.headers);
        const stop = rateLimitedResponse(
          await limits.attempt(
            [
              { name: 'signUpIp', key: ip },
              { name: 'verifyIdentifier', key: normalizeEmail(body.emailAddress) },
            ],
            { ip, userAgent: ctx.userAgent },
          ),
        );
        if (stop) return stop;
        const input = { email: body.emailAddress, password: body.password, firstName: body.firstName, lastName: body.lastName };
        if (!accounts.verificationRequired()) {
          // Verification off (an instance setting): Clerk's shape with the attempt already complete.
          const result = await gatehouse.sessions.signUp(input, ctx, presentedClientToken(request));
          return withSession({ signUp: accounts.completedWithoutVerification(result) }, result, cookies);
        }
        return json(200, { signUp: await accounts.signUps.create({ ...input, redirectUrl: body.redirectUrl }, ctx, { prepare: false }) });
      },
    },
    /** The verification link: a page with one button, then a form post that signs this browser in. */
    '/sign-ups/verify': linkRoutes(gatehouse, accounts, limited),
    /** signIn.create({ strategy: 'reset_password_email_code', identifier }). */
    '/sign-ins': {
      POST: async (request, ctx) => {
        const create = async (body: z.infer<typeof CreateSignInBody>) => {
          const stop = await limited(request, ctx, normalizeEmail(body.identifier));
          return stop ?? json(200, { signIn: await accounts.passwordReset.create(body.identifier, ctx) });
        };
        // The hosted "Forgot password?" page (plain HTML): back to the page with the attempt, to ask for the code.
        if (isFormPost(request))
          return answerFormPost(request, CreateSignInBody, '/', create, async (res) => ({
            reset_attempt: ((await res.json()) as { signIn: { id: string } }).signIn.id,
          }));
        return create(await readJson(request, CreateSignInBody));
      },
    },
    '/me/password': {
      POST: async (request, ctx) => {
        const body = await readJson(request, ChangePasswordBody);
        const who = await me(request);
        if (who instanceof Response) return who;
        const stop = await limited(request, ctx, who.userId);
        return stop ?? json(200, await accounts.changes.changePassword(who.userId, who.sessionId, body, ctx));
      },
    },
    '/me/email-addresses': {
      POST: async (request, ctx) => {
        const body = await readJson(request, AddEmailBody);
        const who = await me(request);
        if (who instanceof Response) return who;
        const stop = await limited(request, ctx, who.userId);
        return stop ?? json(200, { emailAddress: await accounts.changes.addEmailAddress(who.userId, body.emailAddress, ctx) });
      },
    },
    '/me/delete': {
      POST: async (request, ctx, cookies) => {
        const body = await readJson(request, DeleteAccountBody);
        const who = await me(request);
        if (who instanceof Response) return who;
        const stop = await limited(request, ctx, who.userId);
        if (stop) return stop;
        await accounts.changes.deleteAccount(who.userId, body, ctx, who);
        const headers = new Headers();
        for (const c of clearedCookies(cookies)) headers.append('set-cookie', c);
        return json(200, { deleted: true }, headers);
      },
    },
  };

  return {
    routes,
    match(path: string): { methods: AnyMethods; params: RouteParams } | null {
      let m = SIGN_UP.exec(path);
      if (m && m[1] !== 'verify') return { methods: signUpRoutes(m[1] ?? '', m[2]), params: {} };
      m = SIGN_IN.exec(path);
      if (m) return { methods: signInRoutes(m[1] ?? '', m[2] ?? ''), params: {} };
      m = ADDRESS.exec(path);
      if (m) return { methods: addressRoutes(m[1] ?? '', m[2]), params: {} };
      return null;
    },
  };
}
