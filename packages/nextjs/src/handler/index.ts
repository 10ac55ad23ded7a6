// @gatehouse/nextjs/handler: mounts the auth HTTP API in a catch-all route handler.
//
//   // app/api/gatehouse/[...gatehouse]/route.ts
//   export { GET, POST } from '@gatehouse/nextjs/handler';

import { backend } from '../server/backend.js';

/**
 * Under `next start`, Next.js gives route handlers a `request.url` built from its own listen
 * address (`http://localhost:3000/...`), not from the address the browser used. The API's
 * same-origin (CSRF) check compares the Origin header with that URL, so every sign-in from a page
 * reached as `127.0.0.1`, a LAN address or a real domain was refused with `csrf_rejected`.
 * Rebuild the URL from the host the request was sent to (`X-Forwarded-Host`, else `Host`; the same
 * source Next.js uses for its server-action Origin check): a cross-site page cannot choose either
 * without a CORS preflight, so the check stays a check.
 */
function withPublicUrl(request: Request): Request {
  const first = (name: string) => request.headers.get(name)?.split(',')[0]?.trim() || null;
  const host = first('x-forwarded-host') ?? first('host');
  if (!host) return request;
  const url = new URL(request.url);
  const proto = first('x-forwarded-proto');
  let publicUrl: URL;
  try {
    publicUrl = new URL(
      `${url.pathname}${url.search}`,
      `${proto === 'https' || proto === 'http' ? proto : url.protocol.slice(0, -1)}://${host}`,
    );
  } catch {
    return request; // an unusable Host header: keep Next's URL (the check then fails closed)
  }
  if (publicUrl.href === url.href) return request;
  const init: RequestInit & { duplex?: 'half' } = { method: request.method, headers: request.headers, signal: request.signal };
  if (request.body) {
    init.body = request.body;
    init.duplex = 'half';
  }
  return new Request(publicUrl, init);
}

async function handle(request: Request): Promise<Response> {
  return (await backend()).handle(withPublicUrl(request));
}

export const GET = handle;
export const POST = handle;
export const HEAD = handle;
