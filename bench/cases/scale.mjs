// Case 4: scaling. (a) The per-request decision as the user base grows (1k, 100k, 1M users): the
// decision reads no database, only the verified-token cache, the revocation list and the claim
// stamps, so those are filled as that many users would fill them; the cost must stay flat.
// (b) Memory held by a full verified-token cache. (c) Revocation propagation across two instances
// over Redis (PostgreSQL + Redis, a fresh database, a channel of its own): revoke on one, time until
// the other refuses the session's token.

import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToIo } from 'node:timers/promises';
import pg from 'pg';
import { authenticateRequestNow, createSessionTokenVerifier, mintSessionToken } from '@gatehouse/core';
import { createGatehouse } from '@gatehouse/server';
import { assert, measure, summarize } from '../lib/harness.mjs';
import { PERMISSION, sessionClaims } from '../lib/fixtures.mjs';
import { label } from '../lib/format.mjs';
import { seedSql, seededClientToken, seededSessionId, seededUserId } from '../lib/seed-sql.mjs';

const out = process.argv[2];
const log = (line) => process.stderr.write(`${line}\n`);
const SIZES = (process.env.BENCH_SCALE_USERS ?? '10000,1000000,10000000').split(',').map(Number);
const TIME_MS = Number(process.env.BENCH_SCALE_MS ?? 2000);
const POOL = Number(process.env.BENCH_SCALE_TOKENS ?? 10_000);
const REVOCATIONS = Number(process.env.BENCH_REVOCATIONS ?? 200);
const POSTGRES_ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const WITH_REDIS = process.env.BENCH_POSTGRES !== '0' && process.env.BENCH_REDIS !== '0';
const SECRET = 'bench-master-secret-bench-master-secret-0123456789';
const tmp = mkdtempSync(join(tmpdir(), 'gatehouse-bench-scale-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
const results = [];
const info = { sizes: SIZES, pool: POOL, timeMs: TIME_MS };

// ---------------------------------------------------------------- (a) decision vs. users, (b) memory
const databaseFile = join(tmp, 'scale.db');
// Tokens are minted once for the whole case (minutes), so the instance accepts hour-long tokens: the
// verifier refuses a token that lives longer than the instance's token lifetime (plus skew).
const instanceOptions = { databaseFile, secret: SECRET, log: () => {}, sessionTokenTtlSeconds: 3600 };
const gatehouse = await createGatehouse(instanceOptions);
const issuer = gatehouse.settings.issuer;
const signingKey = gatehouse.keys.current().signingKey;
const mint = (i) =>
  mintSessionToken(
    {
      ...sessionClaims({ iss: issuer, azp: 'http://localhost:3000' }),
      sub: seededUserId(i),
      sid: seededSessionId(i),
      iat_ms: Date.now() - 1000,
    },
    signingKey,
  );
log(`scale: minting ${POOL.toLocaleString('en-US')} session tokens (users 0…${POOL - 1})`);
const tokens = [];
for (let i = 0; i < POOL; i++) tokens.push(await mint(i));
const requestOf = (token) => ({ headers: new Headers({ cookie: `__session=${token}; __client=client_x.y` }) });
const requests = tokens.map(requestOf);
const allowed = (state) => state.status === 'signed-in' && state.toAuth().has({ permission: PERMISSION }) === true;
// A token whose session is revoked: both rows' checks must refuse it.
const revokedIndex = 50_000_000;
const revokedRequest = requestOf(await mint(revokedIndex));
assert(allowed(await gatehouse.authenticate(revokedRequest)), 'the token is allowed before its session is revoked');

// (b) memory: a verifier of the default size filled with fresh copies of the tokens (only the cache
// holds them), each answered as a request would be (the has() inputs derived once per token too).
{
  const verifier = createSessionTokenVerifier({ keys: gatehouse.keys.resolver, issuer });
  globalThis.gc?.();
  const before = process.memoryUsage().heapUsed;
  for (const token of tokens) {
    const copy = Buffer.from(token).toString();
    const state = authenticateRequestNow(requestOf(copy), { verifier, checkSession: gatehouse.checkSession });
    assert(allowed(state), 'every pool token is allowed');
  }
  globalThis.gc?.();
  globalThis.gc?.();
  const after = process.memoryUsage().heapUsed;
  info.memory = { entries: POOL, bytes: after - before, bytesPerEntry: (after - before) / POOL, tokenBytes: tokens[0].length };
  log(
    `scale: a full cache of ${POOL} tokens holds ${((after - before) / 2 ** 20).toFixed(1)} MiB (${Math.round((after - before) / POOL)} B per token)`,
  );
  verifier.clearCache();
}

// (a) As the user base grows: one instance per size, all on the same database file (so the same
// keys verify the same tokens), measured in one interleaved run. The revocation list and the claim
// stamps of each get 1 % of its users (sessions revoked, users whose claims changed, within one
// token lifetime), never pool users; its verified-token cache holds min(users, pool) tokens.
let failures = 0;
const tasks = [];
const sized = [];
for (const users of SIZES) {
  const instance = users === SIZES[0] ? gatehouse : await createGatehouse(instanceOptions);
  sized.push(instance);
  const t = Date.now();
  const marked = Math.floor(users / 100);
  for (let k = 0; k < marked; k++) {
    instance.revocations.revoke(seededSessionId(POOL + k), t);
    instance.stamps.stampUser(seededUserId(POOL + k), t);
  }
  instance.revocations.revoke(seededSessionId(revokedIndex), t);
  const active = Math.min(users, POOL);
  for (let i = 0; i < active; i++) assert(allowed(await instance.authenticate(requests[i])), 'a pool token is allowed');
  const cold = createSessionTokenVerifier({ keys: instance.keys.resolver, issuer, cacheSize: 0 });
  let hit = 0;
  let miss = 0;
  tasks.push(
    {
      id: `scale.hit.${users}`,
      name: `decision, cache hit, ${label(users)} users`,
      notes: `gatehouse.authenticateNow → toAuth → has; ${active.toLocaleString('en-US')} tokens cached, ${marked.toLocaleString('en-US')} revoked sessions and as many stamped users`,
      async: false,
      failures: () => failures,
      fn: () => {
        hit = (hit + 7919) % active;
        if (!allowed(instance.authenticateNow(requests[hit]))) failures++;
      },
      check: () => assert(instance.authenticateNow(revokedRequest).status === 'signed-out', 'a revoked session is refused'),
    },
    {
      id: `scale.verify.${users}`,
      name: `decision, cache off, ${label(users)} users`,
      notes: 'the same with every signature verified (node:crypto) and the same revocation/stamp checks',
      async: false,
      failures: () => failures,
      fn: () => {
        miss = (miss + 7919) % active;
        if (!allowed(authenticateRequestNow(requests[miss], { verifier: cold, checkSession: instance.checkSession }))) failures++;
      },
      check: () => {
        const state = authenticateRequestNow(revokedRequest, { verifier: cold, checkSession: instance.checkSession });
        assert(state.status === 'signed-out' && state.reason === 'session-revoked', 'a revoked session is refused');
      },
    },
  );
}
log(`scale: decision at ${SIZES.map(label).join(', ')} users, interleaved`);
results.push(...(await measure(tasks, { timeMs: TIME_MS, rounds: 4, warmupMs: 200 })));
for (const instance of sized) await instance.close();

// ---------------------------------------------------------------- (c) revocation over Redis
if (WITH_REDIS) {
  const dbName = `gatehouse_bench_rev_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${dbName}`;
  const instances = [];
  try {
    // Two instances of one deployment: same database, same Redis (the channel is named after the
    // database's instance id, so it is this run's own).
    const options = { databaseUrl: url.href, redisUrl: REDIS_URL, secret: SECRET, log: () => {} };
    const a = await createGatehouse(options);
    instances.push(a);
    const b = await createGatehouse(options);
    instances.push(b);
    const signedUp = await a.sessions.signUp(
      { email: 'template@bench.example.com', password: 'correct horse battery staple' },
      {
        ip: null,
        userAgent: null,
        origin: null,
      },
    );
    const user = await a.store.findUserByEmail('template@bench.example.com');
    const { organization } = await a.organizations.createOrganization(user.id, { name: 'Template', slug: 'template' });
    const templates = {
      user,
      client: await a.store.findClient(signedUp.clientToken.split('.')[0]),
      session: await a.store.findSession(signedUp.sessionId),
      organization: await a.store.findOrganization(organization.id),
      membership: await a.store.findMembership(organization.id, user.id),
    };
    const seeder = new pg.Client({ connectionString: url.href });
    await seeder.connect();
    await seedSql({ dialect: 'postgres', exec: (sql) => seeder.query(sql), templates, users: REVOCATIONS, orgs: 10 });
    await seeder.end();
    log(`scale: revocation propagation, ${REVOCATIONS} sessions revoked on instance A, watched on instance B`);
    const ctx = { ip: null, userAgent: null, origin: 'http://localhost:3000' };
    const latencies = [];
    const writes = [];
    for (let i = 0; i < REVOCATIONS; i++) {
      const { sessionToken } = await a.sessions.refresh(seededClientToken(i), ctx);
      const request = requestOf(sessionToken);
      assert((await b.authenticate(request)).status === 'signed-in', 'instance B accepts the token before the revocation');
      const started = performance.now();
      const revoked = a.sessions.revokeSession(seededSessionId(i));
      let seenAt = null;
      const deadline = started + 10_000;
      while (performance.now() < deadline) {
        const state = b.authenticateNow(request);
        if ((state instanceof Promise ? await state : state).status === 'signed-out') {
          seenAt = performance.now();
          break;
        }
        await yieldToIo();
      }
      assert(await revoked, 'the session was live and is revoked');
      writes.push(performance.now() - started);
      assert(seenAt !== null, 'instance B refuses the revoked session within 10 s');
      latencies.push(seenAt - started);
    }
    const s = summarize(latencies);
    const w = summarize(writes);
    info.revocation = { count: REVOCATIONS, database: dbName };
    results.push({
      id: 'revocation.redis',
      name: 'revocation: revoke on A → refused on B (PostgreSQL + Redis)',
      notes: `${REVOCATIONS} sessions; from the revokeSession() call on A to B refusing the token (B polled every event-loop turn); the revoke call itself took p50 ${(w.p50Us / 1000).toFixed(1)} ms`,
      ...s,
      roundSpread: 0,
      group: 'revocation',
    });
  } finally {
    for (const instance of instances) await instance.close().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
}

writeFileSync(out, JSON.stringify({ case: 'scale', info, results, network: globalThis.__netTrapBlocked?.length ?? null }, null, 2));
log('scale: done');
