// The reports service: a plain node:http server that trusts nothing but a `reports` JWT-template
// token it verifies itself against the Gatehouse app's public JWKS (signature, issuer, audience,
// expiry), then answers with the reports of the organization named in the token. Other services
// call it with machine-to-machine tokens (client-credentials grant), verified the same way.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';

export interface ReportsServiceOptions {
  /** The app's key set, e.g. http://127.0.0.1:3000/.well-known/jwks.json. */
  jwksUrl: string | URL;
  /** The `iss` the tokens must carry (the app's `urn:gatehouse:ins_…`); unset accepts any issuer. */
  issuer?: string;
  /** The `aud` the tokens must carry (the `reports` template sets it). */
  audience: string;
  /** Allowed clock difference for exp/nbf/iat, in seconds. */
  clockToleranceSeconds?: number;
  /** Browser origins allowed to call the service (CORS, bearer tokens only). */
  allowedOrigins?: readonly string[];
  /** The key set (tests may pass a local one); by default fetched from jwksUrl and cached by jose. */
  keys?: JWTVerifyGetKey;
  /**
   * This service's machine id (`mch_…`): M2M tokens must name it in `aud` (the caller's machine may
   * call this one). Unset: M2M tokens are refused.
   */
  machineId?: string;
}

/** Header `cat` of a Gatehouse (and Clerk) machine-to-machine token. */
const M2M_CATEGORY = 'cl_B7d4PD333AAA';

interface Report {
  id: string;
  title: string;
  value: number;
}

// The service's own data, keyed by organization slug. An organization it has no data for gets an
// empty list; a token can only ever reach the rows of the organization it names.
const REPORTS: Record<string, Report[]> = {
  acme: [
    { id: 'acme-launches', title: 'Rocket skate launches this quarter', value: 42 },
    { id: 'acme-incidents', title: 'Coyote incidents', value: 7 },
  ],
  globex: [{ id: 'globex-hammocks', title: 'Hammocks installed', value: 1200 }],
};

type Answer = { status: number; body: unknown; headers?: Record<string, string> };

const refuse = (status: number, code: string, message: string, headers?: Record<string, string>): Answer => ({
  status,
  body: { error: { code, message } },
  ...(headers ? { headers } : {}),
});

function bearer(req: IncomingMessage): string | null {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer ([A-Za-z0-9_\-.]+)$/.exec(header);
  return match ? match[1]! : null;
}

/** Decides the answer to one request. */
async function answer(req: IncomingMessage, options: ReportsServiceOptions, keys: JWTVerifyGetKey): Promise<Answer> {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/health') return { status: 200, body: { ok: true } };
  if (path !== '/reports') return refuse(404, 'not_found', 'No such route.');
  if (req.method !== 'GET') return refuse(405, 'method_not_allowed', 'Use GET.', { allow: 'GET, OPTIONS' });
  const token = bearer(req);
  const challenge = { 'www-authenticate': 'Bearer realm="reports"' };
  if (!token) return refuse(401, 'unauthenticated', 'Send a reports token: Authorization: Bearer <token>.', challenge);
  let claims: JWTPayload;
  // The unverified header only picks which checks to run; the category is checked again after the signature.
  let machine: boolean;
  try {
    machine = decodeProtectedHeader(token).cat === M2M_CATEGORY;
  } catch {
    return refuse(401, 'invalid_token', 'The reports token is invalid or expired.', { 'www-authenticate': 'Bearer error="invalid_token"' });
  }
  if (machine && !options.machineId) return refuse(401, 'invalid_token', 'This service does not accept machine tokens.');
  try {
    let header: { cat?: unknown } & Record<string, unknown>;
    ({ payload: claims, protectedHeader: header } = await jwtVerify(token, keys, {
      // Asymmetric algorithms only: an HMAC token "signed" with a public key must never pass.
      algorithms: ['RS256', 'ES256', 'EdDSA'],
      audience: machine ? (options.machineId ?? '') : options.audience,
      ...(options.issuer ? { issuer: options.issuer } : {}),
      clockTolerance: options.clockToleranceSeconds ?? 5,
      requiredClaims: ['sub', 'exp', 'iat'],
    }));
    if ((header.cat === M2M_CATEGORY) !== machine) throw Object.assign(new Error('category'), { code: 'ERR_JWT_CLAIM_VALIDATION_FAILED' });
  } catch (error) {
    // The key set could not be fetched (the app is down): refused too, but say it is not the token.
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_JWKS_TIMEOUT' || typeof code !== 'string' || !code.startsWith('ERR_J'))
      return refuse(503, 'keys_unavailable', "The app's public keys could not be fetched; try again.");
    // Why a token failed stays in this process: the caller learns only that it was refused.
    return refuse(401, 'invalid_token', 'The reports token is invalid or expired.', { 'www-authenticate': 'Bearer error="invalid_token"' });
  }
  if (machine) {
    // A machine sees every organization's totals, never a user's view of one.
    const organizations = Object.entries(REPORTS).map(([slug, reports]) => ({ organization: slug, reports: reports.length }));
    return { status: 200, body: { machine: claims.sub, organizations } };
  }
  const org = typeof claims.org === 'string' && claims.org !== '' ? claims.org : null;
  const slug = typeof claims.org_slug === 'string' ? claims.org_slug : null;
  if (!org || !slug)
    return refuse(403, 'organization_required', 'The token names no organization: activate one before asking for reports.');
  return {
    status: 200,
    body: {
      organization: slug,
      organizationId: org,
      role: typeof claims.role === 'string' ? claims.role : null,
      reports: REPORTS[slug] ?? [],
    },
  };
}

/** The service as a node:http server (not listening yet). */
export function createReportsServer(options: ReportsServiceOptions): Server {
  const keys = options.keys ?? createRemoteJWKSet(new URL(options.jwksUrl));
  const origins = new Set(options.allowedOrigins ?? []);
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const origin = req.headers.origin;
    const cors: Record<string, string> =
      origin && origins.has(origin)
        ? { 'access-control-allow-origin': origin, 'access-control-expose-headers': 'www-authenticate', vary: 'Origin' }
        : {};
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        ...cors,
        ...(cors['access-control-allow-origin']
          ? { 'access-control-allow-headers': 'authorization', 'access-control-allow-methods': 'GET' }
          : {}),
      });
      res.end();
      return;
    }
    answer(req, options, keys)
      .catch(() => refuse(500, 'internal_error', 'The reports service failed.'))
      .then(({ status, body, headers }) => {
        res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...cors, ...headers });
        res.end(JSON.stringify(body));
      });
    req.resume();
  });
}
