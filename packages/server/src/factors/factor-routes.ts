// The auth API's factor endpoints: the second step of sign-in, passkey sign-in, reverification, and the user's own factors.

import { parseCookieHeader, serializeCookie, sessionCookie, singleCookie, type CookieSettings, type RequestContext } from '@gatehouse/core';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { z } from 'zod';
import type { Gatehouse } from '../instance/instance.js';
import type { NeedsSecondFactor, SignedInResult } from '../sessions/sessions.js';
import { readJson, readOptionalJson } from '../http/body.js';
import { errorResponse, json, rateLimitedResponse } from '../http/respond.js';
import { presentedClientToken, type Route, type RouteParams } from '../http/session-routes.js';
import type { AnyMethods } from '../http/org-routes.js';
import { CHALLENGE_TTL_MS } from './challenges.js';
import type { Me } from './factor-checks.js';

/** The HttpOnly cookie that carries a sign-in waiting for its second factor (only its hash is stored). */
export const SIGN_IN_ATTEMPT_COOKIE = '__gh_sign_in';

const b64url = z
  .string()
  .max(16_384)
  .regex(/^[A-Za-z0-9_-]*$/, 'Not base64url');
const credentialId = b64url.min(1).max(1400);
const extensions = z.record(z.string(), z.unknown()).refine((r) => Object.keys(r).length <= 16, 'Too many extension results');
const attachment = z.enum(['platform', 'cross-platform']).optional();
const code = z.string().trim().min(1).max(64);
const challengeId = z.string().min(1).max(128);

/** What every PublicKeyCredential JSON carries besides its `response`. */
const credential = {
  id: credentialId,
  rawId: credentialId,
  type: z.literal('public-key'),
  authenticatorAttachment: attachment,
  clientExtensionResults: extensions,
};
const RegistrationResponse = z
  .object({
    ...credential,
    response: z
      .object({
        clientDataJSON: b64url,
        attestationObject: b64url,
        authenticatorData: b64url.optional(),
        transports: z.array(z.string().max(32)).max(8).optional(),
        publicKeyAlgorithm: z.number().int().optional(),
        publicKey: b64url.optional(),
      })
      .strict(),
  })
  .strict();
const AuthenticationResponse = z
  .object({
    ...credential,
    response: z.object({ clientDataJSON: b64url, authenticatorData: b64url, signature: b64url, userHandle: b64url.optional() }).strict(),
  })
  .strict();

const CodeAttempt = z.object({ strategy: z.enum(['totp', 'backup_code']), code }).strict();
const PasskeyAttempt = z.object({ strategy: z.literal('passkey'), challengeId, response: AuthenticationResponse }).strict();
export const SecondFactorBody = z.discriminatedUnion('strategy', [CodeAttempt, PasskeyAttempt]);
export const ReverifyBody = z.discriminatedUnion('strategy', [
  CodeAttempt,
  PasskeyAttempt,
  z.object({ strategy: z.literal('password'), password: z.string().min(1).max(1024) }).strict(),
]);
export const PasskeySignInBody = z.object({ challengeId, response: AuthenticationResponse }).strict();
export const ConfirmTotpBody = z.object({ code }).strict();
export const RegisterPasskeyBody = z
  .object({ challengeId, response: RegistrationResponse, name: z.string().trim().max(128).optional() })
  .strict();
export const RenamePasskeyBody = z.object({ name: z.string().trim().min(1).max(128) }).strict();
const NoBody = z.object({}).strict();
const PASSKEY_ID = /^pk_[a-z2-7]{26}$/;

type SignedIn = (result: SignedInResult, cookies: CookieSettings, extra?: Headers) => Response;

/** The origin a WebAuthn answer must come from: the browser's Origin header, else this request's own. */
const originOf = (request: Request) => request.headers.get('origin') ?? new URL(request.url).origin;

export function createFactorRoutes(gatehouse: Gatehouse, signedIn: SignedIn) {
  const factors = gatehouse.factors;
  const base = gatehouse.basePath.replace(/\/+$/, '') || '/';

  const attemptCookie = (value: string, cookies: CookieSettings, maxAge: number) =>
    serializeCookie(SIGN_IN_ATTEMPT_COOKIE, value, { httpOnly: true, secure: cookies.secure, sameSite: 'Lax', path: base, maxAge });
  const presentedAttempt = (request: Request) => {
    const value = singleCookie(parseCookieHeader(request.headers.get('cookie')), SIGN_IN_ATTEMPT_COOKIE);
    return typeof value === 'string' ? value : null;
  };

  /** Counts the request against the rules made from its client IP; the 429 when one is exceeded, else null. */
  async function limitedBy(
    request: Request,
    ctx: RequestContext,
    rules: (ip: string | null) => Parameters<Gatehouse['rateLimits']['attempt']>[0],
  ): Promise<Response | null> {
    const ip = gatehouse.rateLimits.clientIp(request.headers);
    return rateLimitedResponse(await gatehouse.rateLimits.attempt(rules(ip), { ip, userAgent: ctx.userAgent }));
  }

  /** Code endpoints count against the verification limits, per IP and per user (or sign-in attempt). */
  const limited = (request: Request, ctx: RequestContext, identifier: string) =>
    limitedBy(request, ctx, (ip) => [
      { name: 'verifyIp', key: ip },
      { name: 'verifyIdentifier', key: identifier },
    ]);

  /**
   * Opening a passkey ceremony before anyone is signed in (the sign-in page asks for one on every
   * visit, for passkey autofill) writes a challenge row: counted per IP so a script cannot fill the
   * table.
   */
  const ceremonyLimited = (request: Request, ctx: RequestContext) => limitedBy(request, ctx, (ip) => [{ name: 'ceremonyIp', key: ip }]);

  /** Wraps a route for the signed-in user (cookie or Bearer); 401 otherwise. */
  function me(
    route: (request: Request, me: Me & { viaCookie: boolean }, ctx: RequestContext, cookies: CookieSettings) => Promise<Response>,
  ): Route {
    return async (request, ctx, cookies) => {
      const state = await gatehouse.authenticate(request);
      if (state.status !== 'signed-in') return errorResponse('unauthenticated', 'You are not signed in.');
      return route(
        request,
        { userId: state.claims.sub, sessionId: state.claims.sid, viaCookie: state.tokenSource === 'cookie' },
        ctx,
        cookies,
      );
    };
  }

  const routes: Record<string, AnyMethods> = {
    '/sign-in/second-factor': {
      /** signIn.attemptSecondFactor({ strategy, code }) for the sign-in in the attempt cookie. */
      POST: async (request, ctx, cookies) => {
        const body = await readJson(request, SecondFactorBody);
        const attempt = presentedAttempt(request);
        const blocked = await limited(request, ctx, `second-factor:${attempt ?? 'none'}`);
        if (blocked) return blocked;
        const input = body.strategy === 'passkey' ? { ...body, response: body.response as AuthenticationResponseJSON } : body;
        try {
          const result = await factors.attemptSecondFactor(attempt, input, ctx, presentedClientToken(request), originOf(request));
          return signedIn(result, cookies, new Headers({ 'set-cookie': attemptCookie('', cookies, 0) }));
        } catch (error) {
          // An attempt that is over (expired, locked out) clears its cookie; a wrong code keeps it.
          if ((error as { code?: string }).code === 'session_invalid') {
            const response = errorResponse('session_invalid', (error as Error).message);
            response.headers.append('set-cookie', attemptCookie('', cookies, 0));
            return response;
          }
          throw error;
        }
      },
    },
    '/sign-in/second-factor/passkey-options': {
      POST: async (request, ctx) => {
        await readOptionalJson(request, NoBody);
        const blocked = await ceremonyLimited(request, ctx);
        if (blocked) return blocked;
        return json(200, await factors.secondFactorPasskeyOptions(presentedAttempt(request), originOf(request)));
      },
    },
    '/sign-in/passkey/options': {
      POST: async (request, ctx) => {
        await readOptionalJson(request, NoBody);
        const blocked = await ceremonyLimited(request, ctx);
        if (blocked) return blocked;
        return json(200, await factors.passkeySignInOptions(originOf(request)));
      },
    },
    '/sign-in/passkey': {
      POST: async (request, ctx, cookies) => {
        const body = await readJson(request, PasskeySignInBody);
        const blocked = await limited(request, ctx, `passkey:${body.response.id}`);
        if (blocked) return blocked;
        const input = { challengeId: body.challengeId, response: body.response as AuthenticationResponseJSON };
        return signedIn(await factors.signInWithPasskey(input, ctx, presentedClientToken(request), originOf(request)), cookies);
      },
    },
    '/reverify': {
      /** Proves a factor again; the new session token's `fva` says so. */
      POST: me(async (request, who, ctx, cookies) => {
        const body = await readJson(request, ReverifyBody);
        const blocked = await limited(request, ctx, `reverify:${who.userId}`);
        if (blocked) return blocked;
        const input = body.strategy === 'passkey' ? { ...body, response: body.response as AuthenticationResponseJSON } : body;
        const { sessionToken } = await factors.reverify(who, input, ctx, originOf(request));
        const headers = new Headers();
        if (who.viaCookie) headers.append('set-cookie', sessionCookie(sessionToken, cookies));
        return json(200, { jwt: sessionToken }, headers);
      }),
    },
    '/reverify/passkey-options': {
      POST: me(async (request, who) => {
        await readOptionalJson(request, NoBody);
        return json(200, await factors.reverifyPasskeyOptions(who, originOf(request)));
      }),
    },
    '/me/factors': {
      GET: me(async (_request, who) => json(200, await factors.list(who.userId))),
    },
    '/me/factors/totp': {
      /** Starts enrolment: the secret, its otpauth:// URI and a QR code (PNG data URL). */
      POST: me(async (request, who, ctx) => {
        await readOptionalJson(request, NoBody);
        return json(200, await factors.startTotp(who, ctx));
      }),
      DELETE: me(async (request, who, ctx) => {
        await readOptionalJson(request, NoBody);
        await factors.removeTotp(who, ctx);
        return json(200, { deleted: true });
      }),
    },
    '/me/factors/totp/confirm': {
      POST: me(async (request, who, ctx) => {
        const body = await readJson(request, ConfirmTotpBody);
        const blocked = await limited(request, ctx, `totp:${who.userId}`);
        if (blocked) return blocked;
        return json(200, await factors.confirmTotp(who, body.code, ctx));
      }),
    },
    '/me/factors/backup-codes': {
      POST: me(async (request, who, ctx) => {
        await readOptionalJson(request, NoBody);
        return json(200, { backupCodes: await factors.regenerateBackupCodes(who, ctx) });
      }),
    },
    '/me/factors/passkeys/options': {
      POST: me(async (request, who) => {
        await readOptionalJson(request, NoBody);
        return json(200, await factors.passkeyRegistrationOptions(who, originOf(request)));
      }),
    },
    '/me/factors/passkeys': {
      POST: me(async (request, who, ctx) => {
        const body = await readJson(request, RegisterPasskeyBody);
        const input = { challengeId: body.challengeId, response: body.response as RegistrationResponseJSON, name: body.name };
        return json(200, { passkey: await factors.registerPasskey(who, input, originOf(request), ctx) });
      }),
    },
  };

  function passkey(id: string): AnyMethods {
    const noSuchPasskey = () => errorResponse('not_found', 'No such passkey.');
    return {
      PATCH: me(async (request, who, ctx) => {
        const body = await readJson(request, RenamePasskeyBody);
        if (!PASSKEY_ID.test(id)) return noSuchPasskey();
        await factors.renamePasskey(who, id, body.name, ctx);
        return json(200, { id, name: body.name });
      }),
      DELETE: me(async (request, who, ctx) => {
        await readOptionalJson(request, NoBody);
        if (!PASSKEY_ID.test(id)) return noSuchPasskey();
        await factors.removePasskey(who, id, ctx);
        return json(200, { deleted: true });
      }),
    };
  }

  return {
    /** The answer to a password that was right for a user with a second factor: the attempt cookie, no session yet. */
    needsSecondFactor(result: NeedsSecondFactor, cookies: CookieSettings): Response {
      const headers = new Headers({ 'set-cookie': attemptCookie(result.attemptSecret, cookies, CHALLENGE_TTL_MS.second_factor / 1000) });
      return json(200, { status: 'needs_second_factor', supportedSecondFactors: result.supportedSecondFactors }, headers);
    },
    match(path: string): { methods: AnyMethods; params: RouteParams } | null {
      if (Object.hasOwn(routes, path)) return { methods: routes[path] ?? {}, params: {} };
      const found = /^\/me\/factors\/passkeys\/([^/]+)$/.exec(path);
      return found && found[1] !== 'options' ? { methods: passkey(found[1] ?? ''), params: {} } : null;
    },
  };
}
