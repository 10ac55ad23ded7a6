// Case 6: before vs after. The decision (cache off and cache hit), refresh and sign-in of an earlier
// revision (BENCH_BASE, default feccd85: the code before the second performance round of issue #20) and of this checkout,
// in one process and one interleaved task list, beside the floors (raw RS256 verify and sign,
// argon2id verify). The earlier revision is built in bench/.exp (lib/base-build.mjs); when it cannot
// be built or loaded, the case writes the reason and no rows instead of failing the bench.

import { Buffer } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { constants, createPublicKey, sign as cryptoSign, verify as cryptoVerify, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verify as argon2Verify } from '@node-rs/argon2';
import { baseBuild, checkoutRoot } from '../lib/base-build.mjs';
import { checkRefreshed, clientTokens, ctx, PASSWORD, refresher, sqliteDataSet } from '../lib/data-sets.mjs';
import { PERMISSION, refusedTokens, rsaKey, sessionChecks, sessionClaims, signSessionToken } from '../lib/fixtures.mjs';
import { label } from '../lib/format.mjs';
import { assert, measure } from '../lib/harness.mjs';

const out = process.argv[2];
const log = (line) => process.stderr.write(`${line}\n`);
const BASE = process.env.BENCH_BASE || 'feccd85';
const timeMs = Number(process.env.BENCH_COMPARE_MS ?? 4000);
const rounds = Number(process.env.BENCH_COMPARE_ROUNDS ?? 8);
const USERS = Number(process.env.BENCH_COMPARE_USERS ?? 20_000);
const ORGS = Number(process.env.BENCH_ORGS ?? 100_000);
const TOLERANCE = Number(process.env.BENCH_COMPARE_TOLERANCE ?? 0.05);
const tmp = mkdtempSync(join(tmpdir(), 'gatehouse-bench-compare-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
const git = (args) => spawnSync('git', args, { cwd: checkoutRoot, encoding: 'utf8' }).stdout.trim();
const head = git(['rev-parse', '--short', 'HEAD']);
const dirty = git(['status', '--porcelain', '--', 'packages']) !== '';
const info = {
  base: BASE,
  head: `${head}${dirty ? ' with uncommitted changes in packages/' : ''}`,
  users: USERS,
  orgs: ORGS,
  timeMs,
  rounds,
};
info.tolerance = TOLERANCE;
const write = (extra) =>
  writeFileSync(out, JSON.stringify({ case: 'compare', info, ...extra, network: globalThis.__netTrapBlocked?.length ?? null }, null, 2));

// ---------------------------------------------------------------- the two versions
/** The packages of one version and the way this case calls them. */
async function loadVersion(id, { coreUrl, serverUrl, revocationUrl }) {
  const core = await import(coreUrl);
  const server = await import(serverUrl);
  // The earlier server did not export its revocation list; it is the same function in its own file.
  const createRevocationList = server.createRevocationList ?? (await import(revocationUrl)).createRevocationList;
  for (const [name, value] of Object.entries({
    authenticateRequestNow: core.authenticateRequestNow,
    createLocalKeySet: core.createLocalKeySet,
    createSessionTokenVerifier: core.createSessionTokenVerifier,
    nodeSignatures: server.nodeSignatures,
    createGatehouse: server.createGatehouse,
    createClaimStamps: server.createClaimStamps,
    createRevocationList,
  })) {
    assert(value, `${id}: ${name} is available`);
  }
  return { id, core, server, createRevocationList, createClaimStamps: server.createClaimStamps };
}

let before;
try {
  const built = baseBuild({ root: checkoutRoot, rev: BASE, log });
  info.baseCommit = built.commit.slice(0, 12);
  info.baseBuild = built.cached ? 'cached in bench/.exp' : `built in ${built.seconds.toFixed(0)} s`;
  before = await loadVersion('before', {
    coreUrl: built.url('core'),
    serverUrl: built.url('server'),
    revocationUrl: built.url('server', 'revocation.js'),
  });
} catch (error) {
  info.skipped = `the base revision ${BASE} could not be built or loaded: ${error.message}`;
  log(`compare: ${info.skipped}`);
  write({ results: [] });
  process.exit(0);
}
const after = await loadVersion('after', { coreUrl: '@gatehouse/core', serverUrl: '@gatehouse/server' });

// ---------------------------------------------------------------- tasks per version
const ISSUER = 'urn:gatehouse:ins_bench';
const key = rsaKey();
const token = await signSessionToken(sessionClaims({ iss: ISSUER, azp: 'https://app.example.com' }), key);
const CLIENT = `client_${'a'.repeat(26)}.${'b'.repeat(43)}`;
const requestWith = (jwt) =>
  new Request('https://app.example.com/dashboard', { headers: { cookie: `__session=${jwt}; __client=${CLIENT}`, accept: '*/*' } });
const request = requestWith(token);
let failures = 0;
const failed = () => failures;

/** The decision rows of one version: request → authenticateRequestNow → toAuth() → has(), cache off and cache hit. */
async function decisionTasks(v) {
  const { checkSession, stampedAt } = sessionChecks(v);
  const keys = v.core.createLocalKeySet([key.jwk], { signatures: v.server.nodeSignatures });
  const verifiers = {
    nocache: v.core.createSessionTokenVerifier({ keys, issuer: ISSUER, cacheSize: 0 }),
    cache: v.core.createSessionTokenVerifier({ keys, issuer: ISSUER }),
  };
  const decide = (verifier, req) => {
    const state = v.core.authenticateRequestNow(req, { verifier, checkSession });
    if (state instanceof Promise) throw new Error(`${v.id}: the Node path should answer synchronously`);
    return state;
  };
  const allowed = (verifier) => {
    const state = decide(verifier, request);
    return state.status === 'signed-in' && state.toAuth().has({ permission: PERMISSION }) === true;
  };
  for (const [jwt, reason] of await refusedTokens({ token, key, issuer: ISSUER, stampedAt })) {
    for (const [name, verifier] of Object.entries(verifiers)) {
      for (let i = 0; i < 2; i++) {
        const state = decide(verifier, requestWith(jwt));
        assert(
          state.status === 'signed-out' && (reason === null || state.reason === reason),
          `${v.id} ${name} refuses a token (${reason ?? 'tampered'})`,
        );
      }
    }
  }
  const task = (kind, name, notes) => ({
    id: `${v.id}.decision.${kind}`,
    name: `${name}, ${v.id}`,
    group: `decision.${kind}`,
    async: false,
    failures: failed,
    notes,
    fn: () => {
      if (!allowed(verifiers[kind])) failures++;
    },
    check: () => assert(allowed(verifiers[kind]), `${v.id}: the ${kind} decision is "signed in and allowed"`),
  });
  return [
    task(
      'nocache',
      'decision: request → toAuth → has, cache off',
      'authenticateRequestNow + toAuth() + has(), nodeSignatures, cacheSize 0',
    ),
    task('cache', 'decision: same token again (cache hit)', 'default cache; revocation and claim-stamp checks (10,000 each) still run'),
  ];
}

/** The sign-in and refresh rows of one version, on its own SQLite data set (its own migrations). */
async function sessionTasks(v) {
  const set = await sqliteDataSet({
    createGatehouse: v.server.createGatehouse,
    users: USERS,
    orgs: ORGS,
    tmp,
    name: `compare-${v.id}`,
    log,
    ...(v.id === 'before' ? { schema: [`base ${info.baseCommit}`] } : {}),
  });
  const { gatehouse } = set;
  const refreshOnce = refresher(gatehouse, clientTokens(USERS));
  const signInOrder = clientTokens(USERS);
  const signIn = () => gatehouse.sessions.signIn({ email: `u${signInOrder.take().i}@bench.example.com`, password: PASSWORD }, ctx);
  const wrong = await gatehouse.sessions.signIn({ email: 'u1@bench.example.com', password: 'wrong password!' }, ctx).then(
    () => 'accepted',
    (error) => error.code,
  );
  assert(wrong === 'invalid_credentials', `${v.id}: a wrong password is refused (${wrong})`);
  return {
    gatehouse,
    passwordHash: set.passwordHash,
    tasks: [
      {
        id: `${v.id}.refresh`,
        name: `refresh (session service, SQLite, ${label(USERS)} users), ${v.id}`,
        group: 'refresh',
        failures: failed,
        // Warm-up, every round and the checks together present each user at most once.
        maxIterations: Math.floor(USERS / (rounds + 3)),
        notes: 'rotates the client token of a user not refreshed before; the rate limits the version counts on refresh are part of it',
        fn: async () => {
          const result = await refreshOnce();
          if (!result.sessionToken || !result.clientToken) failures++;
        },
        check: async () => checkRefreshed(gatehouse, await refreshOnce()),
      },
      {
        id: `${v.id}.signin`,
        name: `sign-in (session service, SQLite, ${label(USERS)} users), ${v.id}`,
        group: 'signin',
        failures: failed,
        maxIterations: 2000,
        notes: 'user lookup + argon2id verify + client/session/audit writes + RS256 mint',
        fn: async () => {
          if (!(await signIn()).sessionToken) failures++;
        },
        check: async () => {
          const result = await signIn();
          const state = await gatehouse.authenticate({ headers: new Headers({ cookie: `__session=${result.sessionToken}` }) });
          assert(state.status === 'signed-in', `${v.id}: the sign-in session token authenticates`);
        },
      },
    ],
  };
}

// ---------------------------------------------------------------- floors
const [h64, p64, s64] = token.split('.');
const signingInput = Buffer.from(`${h64}.${p64}`);
const signature = Buffer.from(s64, 'base64url');
const rsaInput = { key: createPublicKey({ key: key.jwk, format: 'jwk' }), padding: constants.RSA_PKCS1_PADDING };
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

const sides = [];
for (const v of [before, after]) {
  try {
    sides.push({ v, decision: await decisionTasks(v), sessions: await sessionTasks(v) });
  } catch (error) {
    if (v !== before) throw error;
    info.skipped = `the base revision ${BASE} built but could not be measured: ${error.message}`;
    log(`compare: ${info.skipped}`);
    write({ results: [] });
    process.exit(0);
  }
}
const hashParams = (hash) => hash.split('$').slice(1, 4).join('$');
info.hashParams = { before: hashParams(sides[0].sessions.passwordHash), after: hashParams(sides[1].sessions.passwordHash) };
const passwordHash = sides[1].sessions.passwordHash;
const floors = [
  {
    id: 'floor.verify',
    name: 'node:crypto verify RS256 (raw, inputs pre-split)',
    group: 'floor',
    async: false,
    failures: failed,
    notes: 'the decision floor',
    fn: () => {
      if (!cryptoVerify('sha256', signingInput, rsaInput, signature)) failures++;
    },
  },
  {
    id: 'floor.sign',
    name: 'node:crypto sign RS256 (RSA-2048)',
    group: 'floor',
    async: false,
    notes: 'the refresh floor: the signature a refresh must produce',
    fn: () => cryptoSign('sha256', signingInput, privateKey),
  },
  {
    id: 'floor.argon2',
    name: `argon2id verify (${info.hashParams.after})`,
    group: 'floor',
    failures: failed,
    maxIterations: 2000,
    notes: 'the sign-in floor: @node-rs/argon2 verify of the stored hash',
    fn: async () => {
      if (!(await argon2Verify(passwordHash, PASSWORD))) failures++;
    },
  },
];
// Before and after side by side, floors first: one interleaved list.
const tasks = [...floors];
for (const kind of [0, 1]) for (const side of sides) tasks.push(side.decision[kind]);
for (const kind of [0, 1]) for (const side of sides) tasks.push(side.sessions.tasks[kind]);

log(`compare: ${BASE} (${info.baseCommit}) vs ${info.head}; ${tasks.length} tasks, ${timeMs} ms each in ${rounds} interleaved rounds`);
const results = await measure(tasks, { timeMs, rounds, warmupMs: 300, minIterations: 5 });
for (const side of sides) await side.sessions.gatehouse.close();
write({ results });
log('compare: done');
