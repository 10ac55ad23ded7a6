// The Next-Router-State-Tree header checked before Next reads it: one it cannot parse is a 400 from the proxy, not a 500 from Next.

/** Next refuses larger router state headers (about 2,000 segments). */
const MAX_STATE_LENGTH = 40_000;
const MAX_DEPTH = 64;

const isString = (value: unknown): value is string => typeof value === 'string';

/** A segment: a name, or a dynamic segment `[param, value, type(, static siblings)]`. */
function isSegment(value: unknown): boolean {
  if (isString(value)) return true;
  if (!Array.isArray(value) || value.length < 3 || value.length > 4) return false;
  const [param, key, type, siblings] = value as unknown[];
  if (!isString(param) || !isString(key) || !isString(type) || !/^(c|oc|d|ci|di)(\(\.{1,3}\)){0,2}$/.test(type)) return false;
  return siblings === undefined || siblings === null || (Array.isArray(siblings) && siblings.every(isString));
}

/**
 * The shape Next's own validator requires (Next 15 and 16): `[segment, { [slot]: state }, url?,
 * refresh?, isRootLayout?/prefetch?, …]`, every optional entry null or of its scalar kind.
 */
function isRouterState(value: unknown, depth: number): boolean {
  if (depth > MAX_DEPTH || !Array.isArray(value) || value.length < 2 || value.length > 6) return false;
  const [segment, slots, url, refresh, flag, hint] = value as unknown[];
  if (!isSegment(segment)) return false;
  if (typeof slots !== 'object' || slots === null || Array.isArray(slots)) return false;
  for (const child of Object.values(slots)) if (!isRouterState(child, depth + 1)) return false;
  const urlOk = url === undefined || url === null || isString(url) || (Array.isArray(url) && url.length === 2 && url.every(isString));
  const refreshOk =
    refresh === undefined ||
    refresh === null ||
    (isString(refresh) && /^(refetch|refresh|inside-shared-layout|metadata-only)$/.test(refresh));
  const flagOk = flag === undefined || flag === null || typeof flag === 'number' || typeof flag === 'boolean';
  return urlOk && refreshOk && flagOk && (hint === undefined || isString(hint));
}

/**
 * Whether the request's router headers are absent or parsable: `Next-Router-State-Tree` must be
 * percent-encoded JSON of the router state shape, within Next's size limit. Next answers a
 * malformed one with a 500 for signed-in requests (issue #15); the proxy answers 400 instead.
 */
export function routerHeadersParse(headers: Pick<Headers, 'get'>): boolean {
  const state = headers.get('next-router-state-tree');
  if (state === null) return true;
  // Two headers arrive joined by ", ": not a state Next accepts either.
  if (state.length > MAX_STATE_LENGTH) return false;
  try {
    return isRouterState(JSON.parse(decodeURIComponent(state)), 0);
  } catch {
    return false;
  }
}
