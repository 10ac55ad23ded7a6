// Case 1: the per-request auth decision (session cookie -> signed-in auth object -> has({ permission }))
// for Gatehouse (Node and edge signature providers, cache hit and miss), the crypto floor and the peers.

import { Buffer } from 'node:buffer';
import { constants, createPublicKey, verify as cryptoVerify, webcrypto } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importJWK, jwtVerify } from 'jose';
import {
  authenticateRequest,
  authenticateRequestNow,
  createLocalKeySet,
  createSessionTokenVerifier,
  webCryptoSignatures,
} from '@gatehouse/core';
import { createClaimStamps, createRevocationList, nodeSignatures } from '@gatehouse/server';
import { assert, measure } from '../lib/harness.mjs';
import { PERMISSION, refusedTokens, rsaKey, sessionChecks, sessionClaims, signSessionToken } from '../lib/fixtures.mjs';

const out = process.argv[2];
const timeMs = Number(process.env.BENCH_DECISION_MS ?? 4000);
const rounds = Number(process.env.BENCH_DECISION_ROUNDS ?? 8);
const log = (line) => process.stderr.write(`${line}\n`);
const tmp = mkdtempSync(join(tmpdir(), 'gatehouse-bench-decision-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

let failures = 0;
const fail = () => void failures++;

// ---------------------------------------------------------------- Gatehouse
const ISSUER = 'urn:gatehouse:ins_bench';
const key = rsaKey();
const claims = sessionClaims({ iss: ISSUER, azp: 'https://app.example.com' });
const token = await signSessionToken(claims, key);
const CLIENT = `client_${'a'.repeat(26)}.${'b'.repeat(43)}`;
const gatehouseRequest = (jwt) =>
  new Request('https://app.example.com/dashboard', { headers: { cookie: `__session=${jwt}; __client=${CLIENT}`, accept: '*/*' } });
const request = gatehouseRequest(token);
// The instance's own per-request checks, each list holding 10,000 other sessions and users, with the
// lists' version as the instance passes it (cached claims that passed under it skip the lookups).
const { checkSession, sessionChecksVersion, stampedAt, revoke, stampUser } = sessionChecks({ createRevocationList, createClaimStamps });
const checks = { checkSession, sessionChecksVersion };

function gatehouseVerifier(signatures, cacheSize) {
  const keys = createLocalKeySet([key.jwk], { signatures });
  return createSessionTokenVerifier({ keys, issuer: ISSUER, ...(cacheSize === undefined ? {} : { cacheSize }) });
}
const verifiers = {
  nodeNoCache: gatehouseVerifier(nodeSignatures, 0),
  nodeCache: gatehouseVerifier(nodeSignatures),
  nodeMiss: gatehouseVerifier(nodeSignatures, 1000),
  edgeNoCache: gatehouseVerifier(webCryptoSignatures, 0),
  edgeCache: gatehouseVerifier(webCryptoSignatures),
};

async function gatehouseDecision(verifier, req) {
  const state = await authenticateRequest(req, { verifier, ...checks });
  return state.status === 'signed-in' && state.toAuth().has({ permission: PERMISSION }) === true;
}
/** The Node hot path: authenticateRequestNow answers without a promise (local key, node:crypto, or a cache hit). */
function gatehouseDecisionNow(verifier, req) {
  const state = authenticateRequestNow(req, { verifier, ...checks });
  if (state instanceof Promise) throw new Error('the Node path should answer synchronously');
  return state.status === 'signed-in' && state.toAuth().has({ permission: PERMISSION }) === true;
}

// 2,000 distinct tokens cycling through a 1,000-entry cache: every lookup misses and evicts.
log('decision: minting 2,000 distinct tokens for the cache-miss row');
const missRequests = [];
for (let i = 0; i < 2000; i++) missRequests.push(gatehouseRequest(await signSessionToken(sessionClaims({ iss: ISSUER }), key)));
let missIndex = 0;

// ---------------------------------------------------------------- floor
const [h64, p64, s64] = token.split('.');
const signingInput = Buffer.from(`${h64}.${p64}`);
const signature = Buffer.from(s64, 'base64url');
const rsaInput = { key: createPublicKey({ key: key.jwk, format: 'jwk' }), padding: constants.RSA_PKCS1_PADDING };
function handRolledVerify(jwt) {
  const dot1 = jwt.indexOf('.');
  const dot2 = jwt.indexOf('.', dot1 + 1);
  const ok = cryptoVerify('sha256', Buffer.from(jwt.slice(0, dot2)), rsaInput, Buffer.from(jwt.slice(dot2 + 1), 'base64url'));
  if (!ok) return null;
  const payload = JSON.parse(Buffer.from(jwt.slice(dot1 + 1, dot2), 'base64url').toString());
  const now = Date.now() / 1000;
  return payload.exp > now && payload.nbf <= now + 5 ? payload : null;
}
const joseKey = await importJWK(key.jwk, 'RS256');
const subtleKey = await webcrypto.subtle.importKey('jwk', key.jwk, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify']);

// ---------------------------------------------------------------- Clerk (offline: jwtKey, pk_live)
const { createClerkClient } = await import('@clerk/backend');
const clerkKey = rsaKey('ins_clerk_bench');
const publishableKey = `pk_live_${Buffer.from('clerk.example.com$').toString('base64')}`;
const secretKey = 'sk_live_benchmarkbenchmarkbenchmarkbenchmark';
const clerk = createClerkClient({ publishableKey, secretKey, jwtKey: clerkKey.pem, telemetry: { disabled: true } });
const clerkClaims = sessionClaims({ iss: 'https://clerk.example.com', azp: 'https://example.com' });
const clerkToken = await signSessionToken(clerkClaims, clerkKey);
const clerkRequest = new Request('https://example.com/dashboard', {
  headers: { cookie: `__session=${clerkToken}; __client_uat=${clerkClaims.iat}`, accept: '*/*', 'sec-fetch-dest': 'empty' },
});
const clerkOptions = { publishableKey, secretKey, jwtKey: clerkKey.pem };
async function clerkDecision() {
  const state = await clerk.authenticateRequest(clerkRequest, clerkOptions);
  return state.status === 'signed-in' && state.toAuth().has({ permission: PERMISSION }) === true;
}

// ---------------------------------------------------------------- Better Auth (SQLite file, WAL)
const { betterAuth } = await import('better-auth');
const { getMigrations } = await import('better-auth/db/migration');
const { default: Database } = await import('better-sqlite3');
async function betterAuthInstance(cookieCache) {
  const database = new Database(join(tmp, `better-auth-${cookieCache ? 'cache' : 'nocache'}.db`));
  database.pragma('journal_mode = WAL');
  const options = {
    database,
    secret: 'bench-secret-bench-secret-bench-secret-0123456789',
    baseURL: 'http://localhost:3000',
    emailAndPassword: { enabled: true },
    session: { cookieCache: { enabled: cookieCache, maxAge: 4 * 3600 } },
    telemetry: { enabled: false },
    logger: { disabled: true },
  };
  const auth = betterAuth(options);
  const { runMigrations } = await getMigrations(auth.options);
  await runMigrations();
  const response = await auth.api.signUpEmail({
    body: { email: 'ada@example.com', password: 'correct horse battery staple', name: 'Ada' },
    asResponse: true,
  });
  assert(response.ok, `better-auth sign-up answered ${response.status}`);
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const headers = new Headers({ cookie });
  const session = await auth.api.getSession({ headers });
  assert(session?.user?.email === 'ada@example.com', 'better-auth getSession returns the user');
  if (cookieCache) assert(cookie.includes('session_data='), 'better-auth cookie cache cookie is set');
  return { auth, headers, database };
}
const baCache = await betterAuthInstance(true);
const baNoCache = await betterAuthInstance(false);
// Cache ON must not read the database: drop the session row and the cached cookie must still answer.
async function betterAuthDecision({ auth, headers }) {
  const session = await auth.api.getSession({ headers });
  return session?.user?.id !== undefined;
}

// ---------------------------------------------------------------- Auth.js (JWT session strategy)
const { encode, getToken } = await import('@auth/core/jwt');
const AUTH_SECRET = 'bench-secret-bench-secret-bench-secret-0123456789';
const authjsToken = await encode({
  token: { sub: claims.sub, name: 'Ada Lovelace', email: 'ada@example.com', picture: null, orgId: claims.o.id, orgRole: 'admin' },
  secret: AUTH_SECRET,
  salt: 'authjs.session-token',
});
const authjsRequest = new Request('http://localhost:3000/dashboard', { headers: { cookie: `authjs.session-token=${authjsToken}` } });
async function authjsDecision() {
  const jwt = await getToken({ req: authjsRequest, secret: AUTH_SECRET, secureCookie: false });
  return jwt?.sub === claims.sub;
}

// ---------------------------------------------------------------- tasks
const T = (id, name, fn, extra = {}) => ({ id, name, fn, failures: () => failures, ...extra });
const tasks = [
  T(
    'floor.raw',
    'node:crypto verify RS256 (raw, inputs pre-split)',
    () => {
      if (!cryptoVerify('sha256', signingInput, rsaInput, signature)) fail();
    },
    { async: false, group: 'floor', notes: 'synchronous; the signature check alone' },
  ),
  T(
    'floor.handrolled',
    'hand-rolled JWT verify RS256 (split, b64, verify, JSON, exp)',
    () => {
      if (!handRolledVerify(token)) fail();
    },
    { async: false, group: 'floor', notes: 'synchronous; what a minimal verifier costs' },
  ),
  T(
    'floor.jose',
    'jose jwtVerify RS256, CryptoKey imported once',
    async () => {
      const { payload } = await jwtVerify(token, joseKey, { algorithms: ['RS256'] });
      if (payload.sub !== claims.sub) fail();
    },
    { group: 'floor', notes: 'WebCrypto (libuv threadpool job)' },
  ),
  T(
    'floor.subtle',
    'crypto.subtle.verify RS256, key imported once',
    async () => {
      if (!(await webcrypto.subtle.verify('RSASSA-PKCS1-v1_5', subtleKey, signature, signingInput))) fail();
    },
    { group: 'floor', notes: 'WebCrypto signature check alone' },
  ),
  T(
    'gh.node.nocache',
    'Gatehouse Node: request → toAuth → has, cache off',
    () => {
      if (!gatehouseDecisionNow(verifiers.nodeNoCache, request)) fail();
    },
    {
      async: false,
      group: 'gatehouse',
      notes:
        'authenticateRequestNow + toAuth() + has(); nodeSignatures: KeyObject built once, synchronous verify; cacheSize 0: every call verifies',
    },
  ),
  T(
    'gh.node.nocache.async',
    'Gatehouse Node, awaited: await authenticateRequest → toAuth → has, cache off',
    async () => {
      if (!(await gatehouseDecision(verifiers.nodeNoCache, request))) fail();
    },
    { group: 'gatehouse', notes: 'the same through the promise API (what an async caller pays on top)' },
  ),
  T(
    'gh.node.miss',
    'Gatehouse Node: new token every call (cache misses)',
    () => {
      const req = missRequests[missIndex];
      missIndex = (missIndex + 1) % missRequests.length;
      if (!gatehouseDecisionNow(verifiers.nodeMiss, req)) fail();
    },
    { async: false, group: 'gatehouse', notes: '2,000 distinct tokens through a 1,000-entry cache: verify + insert + evict every call' },
  ),
  T(
    'gh.node.cache',
    'Gatehouse Node: same token again (cache hit)',
    () => {
      if (!gatehouseDecisionNow(verifiers.nodeCache, request)) fail();
    },
    {
      async: false,
      group: 'gatehouse',
      notes:
        'default cache (10,000 entries), no promise; exp/nbf/iat checked on every call; revocation and claim-stamp checks (10,000 revoked sessions, 10,000 stamped users and sessions) applied as the instance applies them: skipped while the lists have not changed since the cached claims passed them',
    },
  ),
  T(
    'gh.edge.nocache',
    'Gatehouse edge: request → toAuth → has, cache off',
    async () => {
      if (!(await gatehouseDecision(verifiers.edgeNoCache, request))) fail();
    },
    { group: 'gatehouse', notes: 'webCryptoSignatures (crypto.subtle); cacheSize 0: every call verifies' },
  ),
  T(
    'gh.edge.cache',
    'Gatehouse edge: same token again (cache hit)',
    async () => {
      if (!(await gatehouseDecision(verifiers.edgeCache, request))) fail();
    },
    { group: 'gatehouse', notes: 'webCryptoSignatures; cache hit' },
  ),
  T(
    'clerk',
    'Clerk: authenticateRequest → toAuth → has',
    async () => {
      if (!(await clerkDecision())) fail();
    },
    { group: 'peer', notes: '@clerk/backend, pk_live key, __session + __client_uat cookies, offline via jwtKey' },
  ),
  T(
    'ba.cache',
    'Better Auth getSession, cookie cache ON',
    async () => {
      if (!(await betterAuthDecision(baCache))) fail();
    },
    { group: 'peer', notes: 'no DB query; no permission check (Better Auth has none built in)' },
  ),
  T(
    'ba.nocache',
    'Better Auth getSession, cookie cache OFF (SQLite file, WAL)',
    async () => {
      if (!(await betterAuthDecision(baNoCache))) fail();
    },
    { group: 'peer', notes: 'session + user read from SQLite every call' },
  ),
  T(
    'authjs',
    'Auth.js getToken (cookie parse + JWE decode)',
    async () => {
      if (!(await authjsDecision())) fail();
    },
    { group: 'peer', notes: '@auth/core/jwt; no permission model' },
  ),
];
// Checks run before and after each task is timed: the decision must be "signed in and allowed".
for (const task of tasks) {
  const fn = task.fn;
  task.check = async () => {
    const before = failures;
    await fn();
    assert(failures === before, `${task.name} gives the expected decision`);
  };
}

// The negative controls: a tampered token, a token of a revoked session and one minted before its
// user's claims changed must be refused on every Gatehouse path (twice: the cache must not let them in).
const refusedEverywhere = async (jwt, reason) => {
  const req = gatehouseRequest(jwt);
  for (const [name, v] of Object.entries(verifiers)) {
    for (let i = 0; i < 2; i++) {
      const state = await authenticateRequest(req, { verifier: v, ...checks });
      const now = await authenticateRequestNow(req, { verifier: v, ...checks });
      for (const s of [state, now]) {
        assert(
          s.status === 'signed-out' && (reason === null || s.reason === reason),
          `Gatehouse ${name} refuses a token (${reason ?? 'tampered'})`,
        );
      }
    }
  }
};
for (const [jwt, reason] of await refusedTokens({ token, key, issuer: ISSUER, stampedAt })) await refusedEverywhere(jwt, reason);
// Revoked and stamped after their tokens were cached and their checks passed: the version moves,
// so the cached claims are checked again and refused.
const laterRevoked = sessionClaims({ iss: ISSUER });
const laterStamped = { ...sessionClaims({ iss: ISSUER }), sub: 'user_stampedAfterCaching' };
const changedLater = [
  [await signSessionToken(laterRevoked, key), () => revoke(laterRevoked.sid), 'session-revoked'],
  [await signSessionToken(laterStamped, key), () => stampUser(laterStamped.sub), 'session-claims-stale'],
];
for (const [jwt] of changedLater) {
  for (const [name, v] of Object.entries(verifiers)) {
    for (let i = 0; i < 2; i++) {
      const state = await authenticateRequest(gatehouseRequest(jwt), { verifier: v, ...checks });
      assert(state.status === 'signed-in', `Gatehouse ${name} accepts a token before its session changes`);
    }
  }
}
for (const [jwt, change, reason] of changedLater) {
  change();
  await refusedEverywhere(jwt, reason);
}

// BENCH_TASKS=<regex> times only the matching task ids (for investigating one row; the report needs all).
const selected = process.env.BENCH_TASKS ? tasks.filter((t) => new RegExp(process.env.BENCH_TASKS).test(t.id)) : tasks;
log(`decision: ${selected.length} tasks, ${timeMs} ms each in ${rounds} interleaved rounds`);
const results = await measure(selected, { timeMs, rounds, warmupMs: 500 });
for (const r of results) r.group = tasks.find((t) => t.id === r.id).group;
writeFileSync(
  out,
  JSON.stringify({ case: 'decision', timeMs, rounds, results, network: globalThis.__netTrapBlocked?.length ?? null }, null, 2),
);
log('decision: done');
