// Case 3: sign-in against the password-hash floor, and refresh throughput/p99 on SQLite with 10k
// users (and 1M when seeding fits the time budget), through the session service and the HTTP API.

import { Buffer } from 'node:buffer';
import { sign as cryptoSign, generateKeyPairSync, webcrypto } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verify as argon2Verify } from '@node-rs/argon2';
import { SignJWT } from 'jose';
import { createGatehouse } from '@gatehouse/server';
import { assert, measure } from '../lib/harness.mjs';
import { seedUsers } from '../lib/seed.mjs';

const out = process.argv[2];
const log = (line) => process.stderr.write(`${line}\n`);
const USERS = Number(process.env.BENCH_USERS ?? 10_000);
const MILLION = Number(process.env.BENCH_MILLION_USERS ?? 1_000_000);
const MILLION_BUDGET_MS = Number(process.env.BENCH_MILLION_BUDGET_MS ?? 120_000);
const SIGN_IN_MS = Number(process.env.BENCH_SIGN_IN_MS ?? 6000);
const REFRESH_MS = Number(process.env.BENCH_REFRESH_MS ?? 4000);
const PASSWORD = 'correct horse battery staple';
const SECRET = 'bench-master-secret-bench-master-secret-0123456789';
const tmp = mkdtempSync(join(tmpdir(), 'gatehouse-bench-sessions-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

const ctx = { ip: '127.0.0.1', userAgent: 'gatehouse-bench', origin: 'http://localhost:3000' };
const ORIGIN = 'http://localhost:3000';
const setCookieValue = (response, name) => {
  for (const c of response.headers.getSetCookie())
    if (c.startsWith(`${name}=`)) return decodeURIComponent(c.slice(name.length + 1).split(';')[0]);
  return null;
};

/** An instance on a fresh file, one real sign-up, and the rows it wrote as seeding templates. */
async function openInstance(name) {
  const databaseFile = join(tmp, `${name}.db`);
  // The rate limits stay on (their cost is part of a sign-in) but high: the same seeded users sign in many times.
  const high = { limit: 1_000_000_000, windowSeconds: 600 };
  const rateLimits = { signInIp: high, signInIdentifier: high, signUpIp: high };
  const gatehouse = await createGatehouse({ databaseFile, secret: SECRET, log: () => {}, rateLimits });
  const signedUp = await gatehouse.sessions.signUp({ email: `template-${name}@bench.example.com`, password: PASSWORD }, ctx);
  const user = await gatehouse.store.findUserByEmail(`template-${name}@bench.example.com`);
  const client = await gatehouse.store.findClient(signedUp.clientToken.split('.')[0]);
  const session = await gatehouse.store.findSession(signedUp.sessionId);
  assert(user && client && session, 'the template rows exist after a real sign-up');
  return { gatehouse, databaseFile, templates: { user, client, session } };
}

/** Refresh tasks over a list of seeded client tokens, each used once (then wrapping around). */
function refreshTasks(gatehouse, kept, label, { http = true } = {}) {
  let failures = 0;
  let next = 0;
  const take = () => {
    const entry = kept[next];
    next = (next + 1) % kept.length;
    return entry;
  };
  const tasks = [
    {
      id: `refresh.service.${label}`,
      name: `refresh (session service), ${label} users`,
      notes: 'client-token rotation + session update in one transaction + RS256 mint',
      failures: () => failures,
      maxIterations: Math.floor(kept.length / 4),
      fn: async () => {
        const entry = take();
        const result = await gatehouse.sessions.refresh(entry.clientToken, ctx);
        if (result.clientToken) entry.clientToken = result.clientToken;
        if (!result.sessionToken) failures++;
      },
      check: async () => {
        const entry = take();
        const result = await gatehouse.sessions.refresh(entry.clientToken, ctx);
        assert(result.clientToken, 'a refresh outside the grace window rotates the client token');
        entry.clientToken = result.clientToken;
        const state = await gatehouse.authenticate({ headers: new Headers({ cookie: `__session=${result.sessionToken}` }) });
        assert(state.status === 'signed-in', 'the refreshed session token authenticates');
      },
    },
  ];
  if (http) {
    tasks.push({
      id: `refresh.http.${label}`,
      name: `refresh (POST /api/gatehouse/refresh), ${label} users`,
      notes: 'the auth API route: cookie parse, refresh, Set-Cookie, JSON',
      failures: () => failures,
      maxIterations: Math.floor(kept.length / 4),
      fn: async () => {
        const entry = take();
        const response = await gatehouse.handle(
          new Request(`${ORIGIN}/api/gatehouse/refresh`, { method: 'POST', headers: { cookie: `__client=${entry.clientToken}` } }),
        );
        if (response.status !== 200) failures++;
        const rotated = setCookieValue(response, '__client');
        if (rotated) entry.clientToken = rotated;
        await response.arrayBuffer();
      },
      check: async () => {
        const entry = take();
        const response = await gatehouse.handle(
          new Request(`${ORIGIN}/api/gatehouse/refresh`, { method: 'POST', headers: { cookie: `__client=${entry.clientToken}` } }),
        );
        assert(response.status === 200, `refresh over HTTP answers 200 (got ${response.status})`);
        const rotated = setCookieValue(response, '__client');
        assert(rotated, 'refresh over HTTP sets a rotated __client cookie');
        entry.clientToken = rotated;
      },
    });
  }
  return tasks;
}

const results = [];
const info = { users: USERS, signInMs: SIGN_IN_MS, signInRounds: 3, refreshMs: REFRESH_MS, refreshRounds: 4 };

// ---------------------------------------------------------------- 10k users: sign-in and refresh
log(`sessions: seeding ${USERS.toLocaleString('en-US')} users`);
const small = await openInstance('users10k');
const seeded = seedUsers(small.databaseFile, { count: USERS, templates: small.templates, emailPrefix: 'u', log });
info.seed10k = { seconds: seeded.seconds, seeded: seeded.seeded };
const passwordHash = small.templates.user.password_hash;
info.passwordHashParams = passwordHash.split('$').slice(1, 4).join('$');
shuffle(seeded.kept);

let signInFailures = 0;
let signInNext = 0;
const signInEmail = () => seeded.kept[signInNext++ % seeded.kept.length].email;
const signInTasks = [
  {
    id: 'argon2.verify',
    name: `argon2id verify (${info.passwordHashParams})`,
    notes: '@node-rs/argon2 verify of the stored hash: the sign-in floor',
    group: 'floor',
    failures: () => signInFailures,
    maxIterations: 2000,
    fn: async () => {
      if (!(await argon2Verify(passwordHash, PASSWORD))) signInFailures++;
    },
    check: async () => assert(await argon2Verify(passwordHash, PASSWORD), 'the password verifies'),
  },
  {
    id: 'signin.service',
    name: 'sign-in (session service), 10k users',
    notes: 'user lookup + argon2id verify + client/session/audit writes + RS256 mint',
    failures: () => signInFailures,
    maxIterations: 2000,
    fn: async () => {
      const result = await small.gatehouse.sessions.signIn({ email: signInEmail(), password: PASSWORD }, ctx);
      if (!result.sessionToken) signInFailures++;
    },
    check: async () => {
      const result = await small.gatehouse.sessions.signIn({ email: signInEmail(), password: PASSWORD }, ctx);
      const state = await small.gatehouse.authenticate({ headers: new Headers({ cookie: `__session=${result.sessionToken}` }) });
      assert(state.status === 'signed-in', 'the sign-in session token authenticates');
    },
  },
  {
    id: 'signin.http',
    name: 'sign-in (POST /api/gatehouse/sign-in), 10k users',
    notes: 'the auth API route: JSON body + zod + sign-in + Set-Cookie',
    failures: () => signInFailures,
    maxIterations: 2000,
    fn: async () => {
      const response = await small.gatehouse.handle(
        new Request(`${ORIGIN}/api/gatehouse/sign-in`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: signInEmail(), password: PASSWORD }),
        }),
      );
      if (response.status !== 200) signInFailures++;
      await response.arrayBuffer();
    },
    check: async () => {
      const response = await small.gatehouse.handle(
        new Request(`${ORIGIN}/api/gatehouse/sign-in`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: signInEmail(), password: PASSWORD }),
        }),
      );
      assert(
        response.status === 200 && setCookieValue(response, '__session'),
        `sign-in over HTTP answers 200 with cookies (${response.status})`,
      );
      const wrong = await small.gatehouse.handle(
        new Request(`${ORIGIN}/api/gatehouse/sign-in`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: signInEmail(), password: 'wrong password!' }),
        }),
      );
      assert(wrong.status !== 200, 'a wrong password is refused');
    },
  },
];
log(`sessions: sign-in, ${SIGN_IN_MS} ms per task`);
results.push(...(await measure(signInTasks, { timeMs: SIGN_IN_MS, rounds: 3, warmupMs: 300, minIterations: 5 })));

// The refresh floor: one RS256 signature (what every refresh must mint), raw and through jose.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingInput = Buffer.from('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0');
const joseKey = await webcrypto.subtle.importKey(
  'pkcs8',
  privateKey.export({ type: 'pkcs8', format: 'der' }),
  { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  false,
  ['sign'],
);
const signTasks = [
  {
    id: 'rs256.sign.raw',
    name: 'node:crypto sign RS256 (RSA-2048)',
    notes: 'synchronous; the signature a refresh must produce',
    group: 'floor',
    async: false,
    fn: () => cryptoSign('sha256', signingInput, privateKey),
  },
  {
    id: 'rs256.sign.jose',
    name: 'jose SignJWT RS256 (WebCrypto key)',
    notes: 'how Gatehouse mints (jose + crypto.subtle)',
    group: 'floor',
    fn: () => new SignJWT({ sub: 'user' }).setProtectedHeader({ alg: 'RS256' }).sign(joseKey),
  },
];
log(`sessions: refresh with ${USERS.toLocaleString('en-US')} users, ${REFRESH_MS} ms per task`);
results.push(
  ...(await measure([...signTasks, ...refreshTasks(small.gatehouse, seeded.kept, '10k')], {
    timeMs: REFRESH_MS,
    rounds: 4,
    warmupMs: 300,
  })),
);
info.db10kBytes = statSync(small.databaseFile).size;
await small.gatehouse.close();

// ---------------------------------------------------------------- 1M users (only if seeding fits)
if (MILLION > 0) {
  log(`sessions: seeding ${MILLION.toLocaleString('en-US')} users (budget ${MILLION_BUDGET_MS / 1000} s)`);
  const big = await openInstance('users1m');
  const seededBig = seedUsers(big.databaseFile, {
    count: MILLION,
    templates: big.templates,
    emailPrefix: 'm',
    keepEvery: Math.max(1, Math.floor(MILLION / 20_000)),
    budgetMs: MILLION_BUDGET_MS,
    batch: 50_000,
    log,
  });
  info.seed1m = { seconds: seededBig.seconds, seeded: seededBig.seeded, completed: seededBig.completed };
  if (seededBig.completed) {
    info.db1mBytes = statSync(big.databaseFile).size;
    shuffle(seededBig.kept);
    log(`sessions: refresh with ${MILLION.toLocaleString('en-US')} users`);
    results.push(
      ...(await measure(refreshTasks(big.gatehouse, seededBig.kept, '1M', { http: false }), {
        timeMs: REFRESH_MS,
        rounds: 4,
        warmupMs: 300,
      })),
    );
  } else {
    info.seed1m.reason = `seeding ${MILLION.toLocaleString('en-US')} users was projected to take over ${MILLION_BUDGET_MS / 1000} s`;
  }
  await big.gatehouse.close();
} else {
  info.seed1m = { completed: false, reason: 'turned off (BENCH_MILLION_USERS=0)' };
}

function shuffle(list) {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [list[i], list[j]] = [list[j], list[i]];
  }
}

writeFileSync(out, JSON.stringify({ case: 'sessions', info, results, network: globalThis.__netTrapBlocked?.length ?? null }, null, 2));
log('sessions: done');
