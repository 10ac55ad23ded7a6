// The Location of a middleware redirect: on the origin the browser used, which Next 15 loses for loopback addresses.

/** An IPv4 loopback address (127.0.0.0/8) with an optional port, as a Host header carries it. */
const LOOPBACK_V4 = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?::(\d{1,5}))?$/;
const LOOPBACK_V6 = /^\[::1\](?::(\d{1,5}))?$/;

/**
 * The loopback address of `host` spelled so that Next 15's URL normalisation (which turns every
 * `127.x.x.x` and `[::1]` into `localhost`) leaves it alone, while every URL parser reads the same
 * address: `127.0.0.1` as `127.1`, `[::1]` as `[0:0:0:0:0:0:0:1]`. Null when `host` is no loopback address.
 */
function loopbackSpelling(host: string): { hostname: string; port: string } | null {
  const v4 = LOOPBACK_V4.exec(host);
  if (v4) {
    const [b, c, d] = [Number(v4[1]), Number(v4[2]), Number(v4[3])];
    if (b > 255 || c > 255 || d > 255) return null;
    return { hostname: `127.${b * 65536 + c * 256 + d}`, port: v4[4] ?? '' };
  }
  const v6 = LOOPBACK_V6.exec(host);
  return v6 ? { hostname: '[0:0:0:0:0:0:0:1]', port: v6[1] ?? '' } : null;
}

/**
 * Where a middleware redirect to `target` (a path, or an absolute URL elsewhere) points. Built on
 * Next's own view of the request (`nextUrl`): a forged Host or forwarding header never chooses the
 * origin. One exception, for `next start -H 127.0.0.1` (or `::1`) on Next 15: Next names that
 * origin `localhost`, a host the browser did not use (its host-only cookies stay behind). When
 * Next says `localhost` and the request's Host is a loopback address on the same port, the
 * redirect goes to that loopback address; Next then sends it as a relative Location. A Host
 * header can only choose among loopback addresses of the same port this way, never another host.
 */
export function redirectLocation(target: string, nextUrl: URL, hostHeader: string | null): string {
  const url = new URL(target, nextUrl);
  if (url.origin !== nextUrl.origin || nextUrl.hostname !== 'localhost' || !hostHeader) return url.href;
  const loopback = loopbackSpelling(hostHeader.trim().toLowerCase());
  if (!loopback || loopback.port !== nextUrl.port) return url.href;
  return `${url.protocol}//${loopback.hostname}${loopback.port ? `:${loopback.port}` : ''}${url.pathname}${url.search}${url.hash}`;
}
