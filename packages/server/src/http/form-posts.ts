// Sign-in and sign-up as plain HTML form posts (before the page's scripts run): fields from the body only, answered with a 303 redirect.

import { isGatehouseError, safeRedirectUrl } from '@gatehouse/core';
import type { z } from 'zod';
import { readForm } from './body.js';

/** Whether the request is an HTML form post (the prebuilt forms submitted without JavaScript). */
export function isFormPost(request: Request): boolean {
  return /^application\/x-www-form-urlencoded\s*(;|$)/i.test(request.headers.get('content-type') ?? '');
}

/** Fields of the form that steer the answer, not the credentials. */
const NAVIGATION_FIELDS = new Set(['redirect_url', 'return_to']);

interface Navigation {
  /** Where to go after success: a same-origin path (or `/`). */
  redirectUrl: string;
  /** The form's own page, where a failure returns to: a same-origin path. */
  returnTo: string;
}

/**
 * Answers a form post: reads its fields from the body, never from the URL's query string
 * (credentials there end up in address bars, history and server logs; issue #15), validates them
 * with `schema` and runs `answer` (the JSON endpoint's own logic). Success: its cookies and a 303
 * to the form's `redirect_url` (same-origin only). Failure: a 303 back to the form's page with
 * `?error=<code>`, no cookie changed, nothing that was typed in the URL.
 */
export async function answerFormPost<T extends z.ZodType>(
  request: Request,
  schema: T,
  fallbackReturnTo: string,
  answer: (body: z.infer<T>) => Promise<Response>,
  /** A success that is not finished yet (a sign-up waiting for its code): the query to go back to the form with, else null. */
  pendingStep?: (response: Response) => Promise<Record<string, string> | null>,
): Promise<Response> {
  const origin = new URL(request.url).origin;
  let navigation: Navigation = { redirectUrl: '/', returnTo: fallbackReturnTo };
  try {
    const form = await readForm(request);
    navigation = {
      redirectUrl: safeRedirectUrl(form.get('redirect_url'), origin, '/'),
      returnTo: safeRedirectUrl(form.get('return_to'), origin, fallbackReturnTo),
    };
    const fields: Record<string, string> = {};
    for (const [name, value] of form) if (!NAVIGATION_FIELDS.has(name)) fields[name] = value;
    const parsed = schema.safeParse(fields);
    if (!parsed.success) return redirect(navigation, 'invalid_body');
    const response = await answer(parsed.data);
    if (!response.ok) return redirect(navigation, await errorCodeOf(response));
    const pending = pendingStep ? await pendingStep(response) : null;
    if (pending) return back(navigation, pending);
    return redirect(navigation, null, response.headers.getSetCookie());
  } catch (error) {
    return redirect(navigation, isGatehouseError(error) ? error.code : 'internal_error');
  }
}

async function errorCodeOf(response: Response): Promise<string> {
  const body = (await response.json().catch(() => null)) as { error?: { code?: unknown } } | null;
  return typeof body?.error?.code === 'string' ? body.error.code : 'internal_error';
}

/** A 303 back to the form's page with these query parameters (and the redirect_url it keeps). */
function back(navigation: Navigation, query: Record<string, string>): Response {
  const url = new URL(navigation.returnTo, 'http://form.invalid');
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  if (navigation.redirectUrl !== '/') url.searchParams.set('redirect_url', navigation.redirectUrl);
  return new Response(null, { status: 303, headers: { 'cache-control': 'no-store', location: `${url.pathname}${url.search}` } });
}

function redirect(navigation: Navigation, errorCode: string | null, cookies: string[] = []): Response {
  const headers = new Headers({ 'cache-control': 'no-store' });
  for (const cookie of cookies) headers.append('set-cookie', cookie);
  if (errorCode === null) {
    headers.set('location', navigation.redirectUrl);
  } else {
    const back = new URL(navigation.returnTo, 'http://form.invalid');
    back.searchParams.set('error', errorCode);
    if (navigation.redirectUrl !== '/') back.searchParams.set('redirect_url', navigation.redirectUrl);
    headers.set('location', `${back.pathname}${back.search}`);
  }
  return new Response(null, { status: 303, headers });
}
