// The auth API's session endpoints: the session list, switching the active session, and sign-out in its three scopes.

import {
  CLIENT_COOKIE,
  clearedCookies,
  parseCookieHeader,
  sessionCookie,
  singleCookie,
  type CookieSettings,
  type RequestContext,
  type SessionClaims,
} from '@gatehouse/core';
import { z } from 'zod';
import type { Gatehouse } from '../instance/instance.js';
import type { EndResult } from '../sessions/session-control.js';
import { readJson, readOptionalJson } from './body.js';
import { errorResponse, json } from './respond.js';

export interface RouteParams {
  /** The `:id` of `/sessions/:id/…`, as sent (not yet validated). */
  sessionId?: string;
}

export type Route = (request: Request, ctx: RequestContext, cookies: CookieSettings, params: RouteParams) => Promise<Response>;
export type Methods = Partial<Record<'GET' | 'POST', Route>>;

const SESSION_ID = /^sess_[a-z2-7]{26}$/;
const SESSION_PATH = /^\/sessions\/([^/]+)\/(activate|end)$/;

export const SignOutBody = z
  .object({
    scope: z.enum(['client', 'session', 'everywhere']).optional(),
    sessionId: z.string().max(64).regex(SESSION_ID, 'Not a session id').optional(),
  })
  .strict()
  .refine((body) => body.sessionId === undefined || body.scope === undefined || body.scope === 'session', {
    message: 'sessionId goes only with scope "session"',
    path: ['sessionId'],
  });

const ORGANIZATION_REF = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_-]+$/, 'Not an organization id or slug');
export const ActiveOrganizationBody = z.object({ organization: ORGANIZATION_REF.nullable() }).strict();
export const TokenBody = z
  .object({
    organizationId: ORGANIZATION_REF.optional(),
    template: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_-]+$/, 'Not a template name')
      .optional(),
  })
  .strict()
  .refine((b) => !(b.organizationId && b.template), { message: 'Ask for a template or an organization, not both' });

const PROFILE_NAME = z.string().max(256).nullable();
/** `user.update()` / `user.setProfileImage()` from the browser: what a user may change on their own record (never public or private metadata). */
export const ProfileBody = z
  .object({
    firstName: PROFILE_NAME.optional(),
    lastName: PROFILE_NAME.optional(),
    imageUrl: z
      .url({ protocol: /^https$/, message: 'Use an https URL' })
      .max(2048)
      .nullable()
      .optional(),
    unsafeMetadata: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

/** `/sessions/:id/activate` and `/sessions/:id/end` take no body; an empty object is tolerated. */
const NoBody = z.object({}).strict();

/** The `__client` cookie the browser sent, or null (also when it sent two different ones). */
export function presentedClientToken(request: Request): string | null {
  const value = singleCookie(parseCookieHeader(request.headers.get('cookie')), CLIENT_COOKIE);
  return typeof value === 'string' ? value : null;
}

/**
 * Who is asking, from the request's own session token (cookie or Bearer); null when signed out,
 * and null when the token's `sub` is not the user of its `sid` (issue #15, item 12: only a leaked
 * key or a signer bug mints one; verification is stateless, so the check is made where the
 * session is read anyway).
 */
export async function signedInAs(
  gatehouse: Gatehouse,
  request: Request,
): Promise<{ userId: string; sessionId: string; viaCookie: boolean; claims: SessionClaims } | null> {
  const state = await gatehouse.authenticate(request);
  if (state.status !== 'signed-in') return null;
  const session = await gatehouse.store.findSession(state.claims.sid);
  if (session?.user_id !== state.claims.sub) return null;
  return { userId: state.claims.sub, sessionId: state.claims.sid, viaCookie: state.tokenSource === 'cookie', claims: state.claims };
}

export function createSessionRoutes(gatehouse: Gatehouse) {
  const unauthenticated = () => errorResponse('unauthenticated', 'You are not signed in.');
  const noSuchSession = () => errorResponse('not_found', 'No such session.');

  /** The answer to an ending: cookies change only when the browser's own active session ended. */
  function ended(result: EndResult, cookies: CookieSettings): Response {
    const headers = new Headers();
    const { browser } = result;
    if (browser.kind === 'cleared') for (const c of clearedCookies(cookies)) headers.append('set-cookie', c);
    if (browser.kind === 'switched') headers.append('set-cookie', sessionCookie(browser.sessionToken, cookies));
    const activeSessionId = browser.kind === 'switched' ? browser.sessionId : browser.kind === 'unchanged' ? browser.activeSessionId : null;
    return json(200, { signedOut: browser.kind === 'cleared', ended: result.ended, activeSessionId }, headers);
  }

  async function endOne(request: Request, ctx: RequestContext, cookies: CookieSettings, params: RouteParams): Promise<Response> {
    await readOptionalJson(request, NoBody);
    const id = params.sessionId ?? '';
    if (!SESSION_ID.test(id)) return noSuchSession();
    const me = await signedInAs(gatehouse, request);
    if (!me) return unauthenticated();
    const input = { scope: 'session' as const, sessionId: id, signedIn: me, clientToken: presentedClientToken(request) };
    return ended(await gatehouse.sessions.signOutSessions(input, ctx), cookies);
  }

  async function activate(request: Request, ctx: RequestContext, cookies: CookieSettings, params: RouteParams): Promise<Response> {
    await readOptionalJson(request, NoBody);
    const id = params.sessionId ?? '';
    if (!SESSION_ID.test(id)) return noSuchSession();
    const result = await gatehouse.sessions.activateSession(presentedClientToken(request), id, ctx);
    const headers = new Headers({ 'set-cookie': sessionCookie(result.sessionToken, cookies) });
    return json(200, { jwt: result.sessionToken, sessionId: result.sessionId, userId: result.userId }, headers);
  }

  const routes: Record<string, Methods> = {
    /** setActive({ organization }): an org id or slug the user belongs to, or null for the personal account. */
    '/sessions/active-organization': {
      POST: async (request, ctx, cookies) => {
        const body = await readJson(request, ActiveOrganizationBody);
        const me = await signedInAs(gatehouse, request);
        if (!me) return unauthenticated();
        const result = await gatehouse.sessions.setActiveOrganization(me, body.organization, ctx);
        const headers = new Headers();
        if (me.viaCookie) headers.append('set-cookie', sessionCookie(result.sessionToken, cookies));
        return json(200, { jwt: result.sessionToken, sessionId: result.sessionId, organizationId: result.organizationId }, headers);
      },
    },
    /** The signed-in user's own profile: names, image URL and unsafe metadata; answers with the public record. */
    '/me': {
      POST: async (request, ctx) => {
        const body = await readJson(request, ProfileBody);
        const me = await signedInAs(gatehouse, request);
        if (!me) return unauthenticated();
        await gatehouse.users.update(me.userId, body, ctx);
        return json(200, { user: await gatehouse.getUser(me.userId) });
      },
    },
    /** getToken() from the browser: a JWT-template token, or a session token for another of the user's orgs. */
    '/tokens': {
      POST: async (request, ctx) => {
        const body = (await readOptionalJson(request, TokenBody)) ?? {};
        const me = await signedInAs(gatehouse, request);
        if (!me) return unauthenticated();
        if (body.template) return json(200, { jwt: await gatehouse.templates.mint(body.template, me, ctx) });
        if (!body.organizationId)
          return errorResponse('bad_request', 'Use POST /refresh for this session; pass organizationId or template.');
        return json(200, { jwt: await gatehouse.sessions.mintForOrganization(me, body.organizationId, ctx) });
      },
    },
    '/sessions': {
      GET: async (request) => {
        const me = await signedInAs(gatehouse, request);
        if (!me) return unauthenticated();
        return json(200, { sessions: await gatehouse.sessions.listUserSessions(me.userId, { currentSessionId: me.sessionId }) });
      },
    },
    '/sign-out': {
      /**
       * No body: end every session of this browser's client (clears both cookies; works signed out).
       * `{ scope: 'client' }` is the same; `session` and `everywhere` need a valid session token.
       */
      POST: async (request, ctx, cookies) => {
        const body = await readOptionalJson(request, SignOutBody);
        const scope = body?.scope ?? (body?.sessionId ? 'session' : 'client');
        if (scope === 'client') {
          const endedIds = await gatehouse.sessions.signOut(presentedClientToken(request), ctx);
          const headers = new Headers();
          for (const c of clearedCookies(cookies)) headers.append('set-cookie', c);
          return json(200, body === undefined ? { signedOut: true } : { signedOut: true, ended: endedIds, activeSessionId: null }, headers);
        }
        const me = await signedInAs(gatehouse, request);
        if (!me) return unauthenticated();
        const input = { scope, sessionId: body?.sessionId, signedIn: me, clientToken: presentedClientToken(request) };
        return ended(await gatehouse.sessions.signOutSessions(input, ctx), cookies);
      },
    },
  };

  return {
    routes,
    /** The methods and params for `/sessions/:id/activate` and `/sessions/:id/end`; null for other paths. */
    match(path: string): { methods: Methods; params: RouteParams } | null {
      const found = SESSION_PATH.exec(path);
      if (!found?.[1]) return null;
      return { methods: found[2] === 'activate' ? { POST: activate } : { POST: endOne }, params: { sessionId: found[1] } };
    },
  };
}
