// The PostgreSQL refresh in one statement (issue #20): the statement writes a plain refresh's
// changes ahead of the decision, so whenever it writes, the decision must come to exactly those
// writes. Differential: many generated row states (client token chain, session, user, organization,
// factors, settings) are put, with the same ids and hashes, into two PostgreSQL databases and one
// SQLite database. On the first PostgreSQL database the statement runs alone; on the second the whole
// refresh runs; on SQLite (which reads first and never writes ahead) the refresh is the oracle. What
// the statement wrote, and what the PostgreSQL refresh answered and left, must be what the oracle did.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isGatehouseError } from '@gatehouse/core';
import type { GatehouseOptions } from '@gatehouse/server';
import { createTestDatabase, openInstance, serviceGate, type BackendInstance, type TestDatabase } from '../../../test-support/backends.js';
import { createCookieJar, signUp, T0 } from '../../../test-support/instance.js';
import { hashSecret } from '../src/store/ids.js';
import { sameWrites } from '../src/sessions/session-refresh.js';
import type { RefreshSpeculation } from '../src/sessions/refresh-store.js';

const postgresSkip = await serviceGate('PostgreSQL');

const high = { limit: 1_000_000_000, windowSeconds: 600 };
const rateLimits = { refreshClient: high, refreshIp: high, mintSession: high, mintIp: high, signUpIp: high };
const ctx = { ip: '127.0.0.1', userAgent: 'differential', origin: null };
const GRACE_MS = 10_000;
const LIFETIME_MS = 7 * 24 * 3600 * 1000;
/** When every generated state is refreshed (the rows' times are relative to it). */
const T = T0 + 30 * 24 * 3600 * 1000;

/** A deterministic id part: `i` in 26 letters a–j (valid id characters). */
const idPart = (i: number) =>
  String(i)
    .padStart(26, '0')
    .replace(/[0-9]/g, (d) => 'abcdefghij'[Number(d)] ?? 'a');
const secretOf = (kind: 'C' | 'P' | 'X', i: number) => `${kind}${String(i).padStart(42, '0')}`;

/** Seeded pseudo-random numbers (mulberry32): the same states on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

interface State {
  presented: 'current' | 'previous' | 'other';
  previous: 'set' | 'none';
  seen: 'old' | 'none' | 'recent';
  rotated: 'old' | 'recent';
  status: 'active' | 'pending' | 'ended';
  expire: 'future' | 'past';
  abandon: 'none' | 'future' | 'past';
  banned: 0 | 1;
  organization: 'member' | 'none' | 'not-member' | 'missing';
  orgSecondFactor: 0 | 1;
  factors: 'none' | 'totp' | 'totp-unverified' | 'passkey';
  oldRetired: boolean;
}

/** Each dimension's first value is the plain refresh's; it is picked more often, so many states are plain or one step from it. */
function generate(next: () => number): State {
  const pick = <T>(...values: T[]): T => (next() < 0.75 ? values[0]! : values[Math.floor(next() * values.length)]!);
  return {
    presented: pick('current', 'previous', 'other'),
    previous: pick('set', 'none'),
    seen: pick('old', 'none', 'recent'),
    rotated: pick('old', 'recent'),
    status: pick('active', 'pending', 'ended'),
    expire: pick('future', 'past'),
    abandon: pick('none', 'future', 'past'),
    banned: pick(0, 1),
    organization: pick('member', 'none', 'not-member', 'missing'),
    orgSecondFactor: pick(0, 1),
    factors: pick('none', 'totp', 'totp-unverified', 'passkey'),
    oldRetired: pick(false, true),
  };
}

type Row = Record<string, unknown>;

/** The rows a sign-up wrote, cloned for every state (the columns a refresh does not look at). */
async function templates(t: BackendInstance): Promise<{ user: Row; session: Row }> {
  const jar = createCookieJar();
  assert.equal((await signUp(t, `template-${t.backend}@example.com`, jar)).status, 200);
  const user = await t.inspect
    .selectFrom('users')
    .selectAll()
    .where('email', '=', `template-${t.backend}@example.com`)
    .executeTakeFirstOrThrow();
  const session = await t.inspect.selectFrom('sessions').selectAll().where('user_id', '=', user.id).executeTakeFirstOrThrow();
  return { user, session };
}

/** Puts state `i` into a database: the same ids, hashes and times everywhere. */
async function put(t: BackendInstance, template: { user: Row; session: Row }, i: number, s: State): Promise<void> {
  const [userId, clientId, sessionId, orgId] = [`user_${idPart(i)}`, `client_${idPart(i)}`, `sess_${idPart(i)}`, `org_${idPart(i)}`];
  const db = t.inspect;
  await db
    .insertInto('users')
    .values({ ...template.user, id: userId, email: `u${i}@example.com`, banned: s.banned } as never)
    .execute();
  if (s.organization !== 'none' && s.organization !== 'missing') {
    await db
      .insertInto('organizations')
      .values({
        id: orgId,
        name: `Org ${i}`,
        slug: `org-${i}`,
        created_at: T0,
        updated_at: T0,
        second_factor_required: s.orgSecondFactor,
      } as never)
      .execute();
  }
  if (s.organization === 'member') {
    await db
      .insertInto('memberships')
      .values({
        id: `orgmem_${idPart(i)}`,
        organization_id: orgId,
        user_id: userId,
        role: 'org:member',
        created_at: T0,
        updated_at: T0,
      } as never)
      .execute();
  }
  if (s.factors !== 'none') {
    const passkey = s.factors === 'passkey';
    await db
      .insertInto('user_factors')
      .values({
        id: `factor_${idPart(i)}`,
        user_id: userId,
        kind: passkey ? 'passkey' : 'totp',
        status: s.factors === 'totp-unverified' ? 'unverified' : 'verified',
        name: 'factor',
        credential_id: passkey ? `credential-${i}` : null,
        created_at: T0,
        updated_at: T0,
      } as never)
      .execute();
  }
  const ago = (what: 'old' | 'recent') => (what === 'old' ? T - 60_000 : T - 1_000);
  await db
    .insertInto('clients')
    .values({
      id: clientId,
      token_hash: hashSecret(secretOf('C', i)),
      previous_token_hash: s.previous === 'set' ? hashSecret(secretOf('P', i)) : null,
      rotated_at: ago(s.rotated),
      token_seen_at: s.seen === 'none' ? null : ago(s.seen),
      active_session_id: sessionId,
      created_at: T0,
      updated_at: T0,
    })
    .execute();
  await db
    .insertInto('sessions')
    .values({
      ...template.session,
      id: sessionId,
      client_id: clientId,
      user_id: userId,
      status: s.status,
      created_at: T0,
      updated_at: T0 + i,
      last_active_at: T0,
      expire_at: s.expire === 'future' ? T + 3_600_000 : T - 1,
      abandon_at: s.abandon === 'none' ? null : s.abandon === 'future' ? T + 60_000 : T - 1,
      ended_at: null,
      active_organization_id: s.organization === 'none' ? null : orgId,
    } as never)
    .execute();
  if (s.oldRetired) {
    await db
      .insertInto('retired_client_tokens')
      .values({ token_hash: hashSecret(`old-${i}`), client_id: clientId, retired_at: T - LIFETIME_MS - 1 })
      .execute();
  }
}

/** Numbers and numeric strings (BIGINT as the drivers give it) compared as text. */
function normalized(row: Row | undefined | null): Row | null {
  if (!row) return null;
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, value === null || value === undefined ? null : String(value)]));
}

/** What refreshing state `i` left in a database: the client (its new token as "rotated"), the session, the client's retired tokens. */
async function leftBy(t: BackendInstance, i: number, old: string): Promise<Row> {
  const clientId = `client_${idPart(i)}`;
  const client = await t.inspect.selectFrom('clients').selectAll().where('id', '=', clientId).executeTakeFirst();
  const session = await t.inspect
    .selectFrom('sessions')
    .selectAll()
    .where('id', '=', `sess_${idPart(i)}`)
    .executeTakeFirst();
  const retired = await t.inspect
    .selectFrom('retired_client_tokens')
    .select(['token_hash', 'retired_at'])
    .where('client_id', '=', clientId)
    .orderBy('token_hash')
    .execute();
  const audit = await t.inspect.selectFrom('audit_events').select('action').where('subject_id', '=', clientId).orderBy('action').execute();
  const c = normalized(client);
  if (c && c.token_hash !== old) c.token_hash = 'rotated';
  return { client: c, session: normalized(session), retired: retired.map((r) => normalized(r)), audit: audit.map((a) => a.action) };
}

/** The refresh's answer, without what is random or the instance's own (the token's id and issuer, the new secret). */
async function refreshed(t: BackendInstance, token: string): Promise<unknown> {
  try {
    const result = await t.gatehouse.sessions.refresh(token, ctx);
    const { jti: _jti, iss: _iss, ...claims } = result.claims as unknown as Row;
    return { ok: true, sessionId: result.sessionId, userId: result.userId, rotated: result.clientToken !== null, claims };
  } catch (error) {
    if (isGatehouseError(error)) return { code: error.code };
    return { error: String(error) };
  }
}

describe('refresh in one statement on PostgreSQL: differential against the decision on SQLite', { skip: postgresSkip }, () => {
  const databases: Partial<Record<'direct' | 'refresh' | 'oracle', TestDatabase>> = {};
  before(async () => {
    databases.direct = await createTestDatabase('postgres');
    databases.refresh = await createTestDatabase('postgres');
    databases.oracle = await createTestDatabase('sqlite');
  });
  after(async () => {
    for (const database of Object.values(databases)) await database?.drop();
  });

  test('whenever the statement writes, the decision makes exactly those writes, and the refresh answers and leaves what the oracle does', async () => {
    let i = 0;
    let wrote = 0;
    let states = 0;
    const outcomes = new Set<string>();
    const next = random(20);
    const settings: Array<Partial<GatehouseOptions>> = [
      {},
      { organizationsRequired: true },
      { secondFactorRequired: true, inactivityTimeoutSeconds: 3600 },
      { organizationsRequired: true, secondFactorRequired: true, inactivityTimeoutSeconds: 600 },
    ];
    let template: { user: Row; session: Row } | undefined;
    for (const options of settings) {
      const clock = { now: T0 };
      const opened: BackendInstance[] = [];
      try {
        const open = async (database: TestDatabase) => {
          const t = await openInstance(database, { ...options, rateLimits, clientRotationGraceSeconds: GRACE_MS / 1000 }, clock);
          opened.push(t);
          return t;
        };
        const [direct, viaRefresh, oracle] = [await open(databases.direct!), await open(databases.refresh!), await open(databases.oracle!)];
        template ??= await templates(oracle);
        for (let n = 0; n < 60; n += 1, i += 1) {
          const state = generate(next);
          clock.now = T;
          for (const t of [direct, viaRefresh, oracle]) await put(t, template, i, state);
          const secret = secretOf(state.presented === 'current' ? 'C' : state.presented === 'previous' ? 'P' : 'X', i);
          const token = `client_${idPart(i)}.${secret}`;
          const old = hashSecret(secretOf('C', i));
          const label = `state ${i} ${JSON.stringify(state)} ${JSON.stringify(options)}`;

          // The statement alone, with the inputs the refresh computes (the rotated token's hash fixed here).
          const speculation: RefreshSpeculation = {
            presented: hashSecret(secret),
            at: T,
            rotatedTokenHash: 'f'.repeat(64),
            graceMs: GRACE_MS,
            abandonAt: options.inactivityTimeoutSeconds ? T + options.inactivityTimeoutSeconds * 1000 : null,
            pruneBefore: T - LIFETIME_MS,
            organizationsRequired: options.organizationsRequired ?? false,
            secondFactorRequired: options.secondFactorRequired ?? false,
          };
          const writing = direct.gatehouse.store.readClientRefreshRowsWriting;
          assert.ok(writing, 'PostgreSQL reads and writes in one statement');
          const read = await writing(`client_${idPart(i)}`, speculation);
          assert.ok(read, label);

          const expected = await refreshed(oracle, token);
          const answered = await refreshed(viaRefresh, token);
          assert.deepEqual(answered, expected, `the PostgreSQL refresh answers as the oracle: ${label}`);
          const oracleRows = await leftBy(oracle, i, old);
          assert.deepEqual(await leftBy(viaRefresh, i, old), oracleRows, `the PostgreSQL refresh leaves what the oracle does: ${label}`);

          states += 1;
          if (read.written) {
            wrote += 1;
            assert.equal((expected as { ok?: boolean }).ok, true, `the statement wrote only where the refresh succeeds: ${label}`);
            const client = normalized(read.written.client)!;
            if (client.token_hash !== old) client.token_hash = 'rotated';
            outcomes.add(
              state.presented === 'previous'
                ? 'predecessor'
                : client.token_hash === 'rotated'
                  ? 'rotated'
                  : client.token_seen_at === String(T)
                    ? 'first seen'
                    : 'unchanged',
            );
            assert.deepEqual(client, oracleRows.client, `the statement wrote the client the decision writes: ${label}`);
            assert.deepEqual(normalized(read.written.session), oracleRows.session, `and the session: ${label}`);
            const retiredNow = (oracleRows.retired as Row[]).filter((r) => r.retired_at === String(T)).map((r) => r.token_hash);
            assert.deepEqual(read.written.retired === null ? [] : [read.written.retired], retiredNow, `and the retirement: ${label}`);
          }
        }
      } finally {
        for (const t of opened) await t.close();
      }
    }
    // Not vacuous: the statement wrote for many states and declined many others.
    assert.ok(wrote >= states / 8, `the statement wrote for ${wrote} of ${states} states`);
    assert.ok(states - wrote >= states / 4, `and declined ${states - wrote} of ${states}`);
    assert.deepEqual([...outcomes].sort(), ['first seen', 'predecessor', 'rotated', 'unchanged'], 'for every outcome of the client token');
  });

  test('a decision that differs from what was written is caught (the refresh then fails closed)', () => {
    const client = {
      id: 'client_x',
      token_hash: 'a',
      previous_token_hash: null,
      rotated_at: 1,
      token_seen_at: null,
      active_session_id: 's',
      created_at: 1,
      updated_at: 1,
    };
    const session = { id: 's', status: 'active', updated_at: 1, last_active_at: 1, abandon_at: null } as never;
    const deps = { settings: { maxLifetimeSeconds: 10 } } as never;
    const held = {
      client: { id: 'client_x', changes: { token_hash: 'b', previous_token_hash: 'a', rotated_at: 5, token_seen_at: null, updated_at: 5 } },
      session: { id: 's', changes: { last_active_at: 5, updated_at: 5, abandon_at: null } },
    };
    const written = {
      client: { ...client, ...held.client.changes },
      session: { ...(session as object), ...held.session.changes } as never,
      retired: null,
    };
    assert.equal(sameWrites(client, session, held, written, 5, deps), true);
    assert.equal(
      sameWrites(
        client,
        session,
        { ...held, session: { id: 's', changes: { ...held.session.changes, abandon_at: 9 } } } as never,
        written,
        5,
        deps,
      ),
      false,
    );
    assert.equal(sameWrites(client, session, { session: held.session }, written, 5, deps), false);
    assert.equal(sameWrites(client, session, held, { ...written, retired: 'a' }, 5, deps), false);
    assert.equal(
      sameWrites(
        client,
        session,
        { ...held, retire: { clientId: 'client_x', tokenHash: 'a', at: 5, pruneBefore: 5 - 10_000 } },
        { ...written, retired: 'a' },
        5,
        deps,
      ),
      true,
    );
  });
});
