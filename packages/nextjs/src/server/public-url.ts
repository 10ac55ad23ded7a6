// The request's URL as the browser addressed it, for same-origin checks and the `azp` claim.

/**
 * Under `next start`, Next.js builds `request.url` (and `nextUrl`'s host) from its own listen
 * address (`http://localhost:3000/...`), not from the address the browser used. This rebuilds it
 * from the host the request was sent to: `X-Forwarded-Host`, else `Host` (the same source Next.js
 * uses for its server-action Origin check), and `X-Forwarded-Proto` when it says http or https.
 * A cross-site page cannot choose these headers without a CORS preflight, so a same-origin check
 * against this URL stays a check; never use it to grant anything.
 */
export function publicUrl(request: Pick<Request, 'url' | 'headers'>): URL {
  const url = new URL(request.url);
  const first = (name: string) => request.headers.get(name)?.split(',')[0]?.trim() || null;
  const host = first('x-forwarded-host') ?? first('host');
  if (!host) return url;
  const proto = first('x-forwarded-proto');
  try {
    return new URL(
      `${url.pathname}${url.search}`,
      `${proto === 'https' || proto === 'http' ? proto : url.protocol.slice(0, -1)}://${host}`,
    );
  } catch {
    return url; // an unusable Host header: keep Next's URL (a same-origin check then fails closed)
  }
}
