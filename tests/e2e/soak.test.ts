// The soak (issue #10): simulated browsers on loopback against the example's production build, each
// signing in, calling protected APIs, refreshing, switching organizations and reading the active
// organization's projects, with short-lived tokens so refreshes happen all the time. Passes with zero
// 5xx, zero wrongly signed-out users and bounded memory growth of the server's process group.
//
//   GATEHOUSE_SOAK_SECONDS (default 30)   how long the load runs once the clients signed in (four sign-ins at a time)
//   GATEHOUSE_SOAK_CLIENTS (default 200)  simulated browsers
//
// Needs `npm run build` first.

import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { startAppServer, type AppServer } from '../../test-support/app-server.js';
import { raw, type RawRequest, type RawResponse } from '../../test-support/raw-http.js';
import { createRawCookieJar, type CookieJar } from '../../test-support/instance.js';

const SECONDS = Number(process.env.GATEHOUSE_SOAK_SECONDS ?? 30);
const CLIENTS = Number(process.env.GATEHOUSE_SOAK_CLIENTS ?? 200);
const TOKEN_TTL_S = 5;
const DEMO_PASSWORD = 'gatehouse-demo';
/** Demo users and the organizations each belongs to (slugs). */
const USERS = [
  { email: 'alice@example.com', orgs: ['acme'] },
  { email: 'bob@example.com', orgs: ['acme'] },
  { email: 'carol@example.com', orgs: ['acme', 'globex'] },
] as const;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** At most `n` holders at a time. */
function semaphore(n: number) {
  let free = n;
  const waiting: (() => void)[] = [];
  return {
    acquire: () => (free > 0 ? (free--, Promise.resolve()) : new Promise<void>((r) => waiting.push(r))),
    release: () => {
      const next = waiting.shift();
      if (next) next();
      else free++;
    },
  };
}
const signInSlots = semaphore(4);

/** Resident memory of every process in the server's process group (next start and anything it spawned), in bytes. */
function groupRss(pgid: number): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces): state ppid pgrp ...
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== pgid) continue;
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${entry}/status`, 'utf8'));
      if (rss) total += Number(rss[1]) * 1024;
    } catch {
      // the process ended while we looked
    }
  }
  return total;
}

let app: AppServer;
before(async () => {
  app = await startAppServer({ sessionTokenTtlSeconds: TOKEN_TTL_S, env: { GATEHOUSE_DEMO: '1' } });
});
after(() => app?.stop());

test(
  `soak: ${CLIENTS} clients for ${SECONDS} s: no 5xx, nobody wrongly signed out, memory bounded`,
  { timeout: (SECONDS + 240) * 1000 },
  async () => {
    const B = app.baseUrl;
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    let requests = 0;
    const send = async (req: RawRequest): Promise<RawResponse> => {
      const res = await raw(B, req);
      requests++;
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status >= 500) failures.push(`${req.method ?? 'GET'} ${req.target}: ${res.status} ${res.text.slice(0, 200)}`);
      return res;
    };
    const post = (jar: CookieJar, target: string, body: unknown) =>
      send({
        method: 'POST',
        target,
        headers: { 'content-type': 'application/json', origin: B, cookie: jar.header() },
        body: JSON.stringify(body),
      });
    /**
     * The auth API does not refresh in place (the proxy leaves its own endpoints alone): like the
     * browser SDK, a 401 there means "refresh, then retry once". A second 401 is a wrong sign-out.
     */
    const apiCall = async (jar: CookieJar, target: string, body: unknown): Promise<RawResponse> => {
      const first = await post(jar, target, body);
      if (first.status !== 401) return first;
      const refreshed = await post(jar, '/api/gatehouse/refresh', {});
      jar.storeLines(refreshed.setCookies);
      return refreshed.status === 200 ? post(jar, target, body) : first;
    };

    // Organization ids by slug, from a first sign-in.
    const probe = createRawCookieJar();
    probe.storeLines((await post(probe, '/api/gatehouse/sign-in', { email: 'carol@example.com', password: DEMO_PASSWORD })).setCookies);
    const list = (await send({ target: '/api/gatehouse/organizations', headers: { cookie: probe.header() } })).json as {
      memberships: { organization: { id: string; slug: string } }[];
    };
    const orgIds = new Map(list.memberships.map((m) => [m.organization.slug, m.organization.id]));

    let stopAt = Number.POSITIVE_INFINITY;
    let signedIn = 0;
    const client = async (i: number) => {
      const user = USERS[i % USERS.length]!;
      const jar = createRawCookieJar();
      // Sign-ins (argon2id, 19 MiB each) arrive a few at a time, as real traffic would: 200 at once on a
      // shared 2-core machine would only measure the queue.
      await signInSlots.acquire();
      let signIn: RawResponse;
      try {
        signIn = await post(jar, '/api/gatehouse/sign-in', { email: user.email, password: DEMO_PASSWORD });
      } finally {
        signInSlots.release();
      }
      if (signIn.status !== 200) {
        failures.push(`sign-in ${user.email}: ${signIn.status}`);
        return;
      }
      jar.storeLines(signIn.setCookies);
      const userId = (signIn.json as { user: { id: string } }).user.id;
      signedIn++;
      let activeOrg: string | null = null;
      for (let step = 0; Date.now() < stopAt; step++) {
        await sleep(300 + Math.random() * 700);
        const action = step % 10;
        if (action === 3 || (action === 7 && user.orgs.length > 1)) {
          const slug = user.orgs[Math.floor(Math.random() * user.orgs.length)]!;
          const res = await apiCall(jar, '/api/gatehouse/sessions/active-organization', { organization: orgIds.get(slug) });
          if (res.status !== 200) failures.push(`${user.email} switch to ${slug}: ${res.status} ${res.text.slice(0, 120)}`);
          jar.storeLines(res.setCookies);
          activeOrg = orgIds.get(slug) ?? null;
        } else if (action === 5) {
          const res = await post(jar, '/api/gatehouse/refresh', {});
          if (res.status !== 200) failures.push(`${user.email} refresh: ${res.status} ${res.text.slice(0, 120)}`);
          jar.storeLines(res.setCookies);
        } else if (action % 2 === 0 && activeOrg) {
          const res = await send({ target: '/api/projects', headers: { cookie: jar.header(), accept: 'application/json' } });
          jar.storeLines(res.setCookies);
          const org = (res.json as { organizationId?: string } | undefined)?.organizationId;
          if (res.status !== 200 || org !== activeOrg) failures.push(`${user.email} projects: ${res.status}, org ${org} != ${activeOrg}`);
        } else {
          // Expired tokens are refreshed in place by the proxy: never a 401 for a signed-in browser.
          const res = await send({ target: '/api/me', headers: { cookie: jar.header(), accept: 'application/json' } });
          jar.storeLines(res.setCookies);
          const me = res.json as { userId?: string; orgId?: string | null } | undefined;
          if (res.status !== 200 || me?.userId !== userId) failures.push(`${user.email} /api/me: ${res.status} ${res.text.slice(0, 120)}`);
        }
      }
    };

    const rss: number[] = [];
    const sampler = setInterval(() => rss.push(groupRss(app.pid)), 1000);
    const started = Date.now();
    const running = Array.from({ length: CLIENTS }, (_, i) =>
      client(i).catch((error: unknown) => {
        failures.push(`client ${i}: ${error instanceof Error ? error.message : String(error)}`);
      }),
    );
    // The clock starts once everyone is signed in (or 120 s have passed).
    while (signedIn + failures.length < CLIENTS && Date.now() - started < 120_000) await sleep(200);
    const loadStart = rss.length;
    stopAt = Date.now() + SECONDS * 1000;
    await Promise.all(running);
    clearInterval(sampler);

    const load = rss.slice(loadStart).filter((v) => v > 0);
    const third = Math.max(1, Math.floor(load.length / 3));
    const early = [...load.slice(0, third)].sort((a, b) => a - b);
    const earlyMedian = early[Math.floor(early.length / 2)] ?? 0;
    const lateMax = Math.max(...load.slice(-third));
    const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;
    console.log(
      `soak: ${CLIENTS} clients, ${requests} requests in ${((Date.now() - started) / 1000).toFixed(0)} s; statuses ${JSON.stringify(Object.fromEntries(statuses))}; server RSS early median ${mb(earlyMedian)}, late max ${mb(lateMax)}`,
    );
    assert.deepEqual(failures.slice(0, 10), [], `${failures.length} failures`);
    assert.equal(signedIn, CLIENTS);
    assert.ok(![...statuses.keys()].some((s) => s >= 500), 'no 5xx');
    assert.ok(load.length >= 3, 'memory was sampled');
    // Bounded: the last third of the run stays within 1.5x the first third's median (plus slack for GC timing).
    assert.ok(lateMax <= earlyMedian * 1.5 + 64 * 1024 * 1024, `server memory grew from ${mb(earlyMedian)} to ${mb(lateMax)}`);
  },
);
