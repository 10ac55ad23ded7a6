// @gatehouse/nextjs/handler: mounts the auth HTTP API in a catch-all route handler.
//
//   // app/api/gatehouse/[...gatehouse]/route.ts
//   export { GET, POST, HEAD, PUT, PATCH, DELETE } from '@gatehouse/nextjs/handler';

import type { GatehouseBackend } from '@gatehouse/server';
import { backend } from '../server/backend.js';
import { publicUrl } from '../server/public-url.js';

/**
 * The API's same-origin (CSRF) check compares the Origin header with `request.url`, which under
 * `next start` is Next's listen address (`http://localhost:3000`), so every sign-in from a page
 * reached as `127.0.0.1`, a LAN address or a real domain was refused with `csrf_rejected`. Hand the
 * API the URL the browser actually used (behind the configured trusted proxies, the one they forward).
 */
function withPublicUrl(request: Request, trustedProxyHops: number): Request {
  const url = publicUrl(request, trustedProxyHops);
  if (url.href === request.url) return request;
  const init: RequestInit & { duplex?: 'half' } = { method: request.method, headers: request.headers, signal: request.signal };
  if (request.body) {
    init.body = request.body;
    init.duplex = 'half';
  }
  return new Request(url, init);
}

/** The route handlers over a given service port (default: the process-wide one). */
export function createGatehouseHandler(
  injected?: GatehouseBackend,
): Record<'GET' | 'POST' | 'HEAD' | 'PATCH' | 'DELETE' | 'PUT', (request: Request) => Promise<Response>> {
  const handle = (request: Request) => handleWith(injected, request);
  return { GET: handle, POST: handle, HEAD: handle, PATCH: handle, DELETE: handle, PUT: handle };
}

async function handleWith(injected: GatehouseBackend | undefined, request: Request): Promise<Response> {
  const port = await backend(injected);
  const { trustedProxyHops } = await port.config();
  return port.handle(withPublicUrl(request, trustedProxyHops));
}

const handle = (request: Request): Promise<Response> => handleWith(undefined, request);

export const GET = handle;
export const POST = handle;
export const HEAD = handle;
/** Organization and membership changes (`PATCH`/`DELETE /organizations/...`). */
export const PATCH = handle;
export const DELETE = handle;
/** Replacing a role (`PUT /admin/roles/:key`, `PUT /v1/backend/roles/:key`). */
export const PUT = handle;
