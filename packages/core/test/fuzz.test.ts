// Property-based fuzzing (fast-check, seeded) of what parses attacker input: the route matcher and
// path normaliser, cookie parsing, the org claims codec, the shortcode engine and authenticateRequest.
// CI runs a bounded number of cases; GATEHOUSE_FUZZ_RUNS raises it, GATEHOUSE_FUZZ_SEED changes the seed.

import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  SESSION_COOKIE,
  authenticateRequest,
  cookieValues,
  createPathMatcher,
  encodeOrgClaims,
  isGatehouseError,
  normalizePathname,
  parseCookieHeader,
  renderClaimsTemplate,
  serializeCookie,
  signedInAuthObject,
  singleCookie,
  singleCookieIn,
  type SessionClaims,
  type SessionTokenVerifier,
} from '@gatehouse/core';
import { decodeOrgPermissions } from '../src/has.js';
import { findSessionToken } from '../src/authenticate-request.js';
import {
  createClock,
  createKeyFixture,
  createVerifier,
  requestWith,
  sessionClaims,
  signToken,
  type KeyFixture,
} from '../../../test-support/token-fixtures.js';

const RUNS = Number(process.env.GATEHOUSE_FUZZ_RUNS ?? 300);
const SEED = Number(process.env.GATEHOUSE_FUZZ_SEED ?? 20261126);
const params = { numRuns: RUNS, seed: SEED } as const;
/** Async properties verify RSA signatures: fewer runs in CI. */
const asyncParams = { numRuns: Math.max(50, Math.floor(RUNS / 3)), seed: SEED } as const;

/** What the server's URL parser makes of a raw request target (origin + target, so `//x` stays a path). */
const pathOf = (target: string): string => new URL(`http://localhost:3000${target}`).pathname;
const anyText = fc.string({ unit: 'binary', maxLength: 200 });

describe('route matcher and path normaliser', () => {
  const isAdmin = createPathMatcher('/admin(.*)');
  const isDashboard = createPathMatcher('/dashboard/:path*');

  test('any input: a string without repeated slashes, or malformed_url (400); never another error', () => {
    fc.assert(
      fc.property(anyText, (raw) => {
        try {
          const out = normalizePathname(raw);
          assert.ok(!out.includes('//'));
        } catch (error) {
          assert.ok(isGatehouseError(error) && error.code === 'malformed_url', String(error));
        }
      }),
      params,
    );
  });

  /** A spelling of /admin + suffix that a server resolves to the same route: percent-encoding, case, extra slashes, trailing slash. */
  const adminSpelling = fc
    .record({
      suffix: fc.stringMatching(/^(\/[a-z0-9_-]{0,8}){0,3}$/),
      encode: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
      upper: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
      leadingSlashes: fc.integer({ min: 1, max: 4 }),
      trailing: fc.boolean(),
      dotSegment: fc.boolean(),
    })
    .map(({ suffix, encode, upper, leadingSlashes, trailing, dotSegment }) => {
      const letters = [...'admin'].map((c, i) => {
        const ch = upper[i] ? c.toUpperCase() : c;
        return encode[i] ? `%${ch.charCodeAt(0).toString(16).padStart(2, '0')}` : ch;
      });
      const prefix = dotSegment ? '/x/..' : '';
      return `${prefix}${'/'.repeat(leadingSlashes)}${letters.join('')}${suffix}${trailing ? '/' : ''}`;
    });

  test('every encoded, cased, slashed or dot-segment spelling of /admin(.*) is matched', () => {
    fc.assert(
      fc.property(adminSpelling, (target) => assert.equal(isAdmin(pathOf(target)), true, target)),
      params,
    );
  });

  test('paths under /dashboard in any spelling match /dashboard/:path*; /dashboardX never does', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9]{1,6}$/), fc.boolean(), (tail, upper) => {
        const base = upper ? '/DASHBOARD' : '/%64ashboard';
        assert.equal(isDashboard(pathOf(`${base}/${tail}`)), true);
        assert.equal(isDashboard(pathOf(`//${base.slice(1)}`)), true);
        assert.equal(isDashboard(pathOf(`/dashboard${tail}`)), false);
      }),
      params,
    );
  });

  test('the matcher answers true, false or throws malformed_url for any path; nothing else', () => {
    fc.assert(
      fc.property(anyText, (raw) => {
        try {
          assert.equal(typeof isAdmin(raw), 'boolean');
        } catch (error) {
          assert.ok(isGatehouseError(error) && error.code === 'malformed_url');
        }
      }),
      params,
    );
  });
});

describe('cookie parsing', () => {
  test('any Cookie or Authorization header: parsing and token lookup never throw', () => {
    fc.assert(
      fc.property(anyText, anyText, (cookie, authorization) => {
        const cookies = parseCookieHeader(cookie);
        for (const [name, values] of cookies) {
          assert.ok(name.length > 0 && values.length > 0);
          singleCookie(cookies, name);
        }
        const headers = new Headers();
        // Headers refuses some bytes outright (like a server would); skip those.
        try {
          headers.set('cookie', cookie);
          headers.set('authorization', authorization);
        } catch {
          return;
        }
        findSessionToken(headers);
      }),
      params,
    );
  });

  test('cookieValues and singleCookieIn read any header exactly as parseCookieHeader does', () => {
    const pieces = fc.constantFrom(
      '__session',
      '__session ',
      ' __session',
      '__sess',
      'x__session',
      '=',
      ';',
      '; ',
      ' ',
      '"',
      '%41',
      '%',
      'a',
      '\t',
      '\u00a0',
    );
    const header = fc.oneof(
      anyText,
      fc.array(pieces, { maxLength: 24 }).map((parts) => parts.join('')),
    );
    fc.assert(
      fc.property(header, (cookie) => {
        assert.deepEqual(cookieValues(cookie, SESSION_COOKIE), parseCookieHeader(cookie).get(SESSION_COOKIE) ?? []);
        assert.deepEqual(singleCookieIn(cookie, SESSION_COOKIE), singleCookie(parseCookieHeader(cookie), SESSION_COOKIE));
      }),
      params,
    );
  });

  test('serialize -> parse round-trips any value', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 100 }), (value) => {
        const line = serializeCookie('__session', value, { httpOnly: true });
        const pair = line.split(';')[0]!;
        assert.deepEqual(parseCookieHeader(pair).get('__session'), [value]);
      }),
      params,
    );
  });

  test('a name sent twice with different values is ambiguous, never one of them', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/), fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/), (a, b) => {
        fc.pre(a !== b);
        assert.deepEqual(singleCookie(parseCookieHeader(`__session=${a}; x=1; __session=${b}`), '__session'), { ambiguous: true });
      }),
      params,
    );
  });
});

describe('org claims codec', () => {
  const permission = fc
    .tuple(fc.stringMatching(/^[a-z][a-z0-9_-]{0,10}$/), fc.stringMatching(/^[a-z][a-z0-9_-]{0,10}$/))
    .map(([feature, action]) => `org:${feature}:${action}`);

  test('encode -> decode gives back exactly the permission set; has() agrees for each', () => {
    fc.assert(
      fc.property(fc.uniqueArray(permission, { maxLength: 40 }), fc.constantFrom('org:admin', 'admin', 'org:viewer'), (perms, role) => {
        const { o, fea } = encodeOrgClaims({ id: 'org_x', slug: 'x', role, permissions: perms });
        const claims = { ...sessionClaims(), o, ...(fea ? { fea } : {}) } as unknown as SessionClaims;
        assert.deepEqual(decodeOrgPermissions(claims).sort(), [...perms].sort());
        const auth = signedInAuthObject(claims, async () => null);
        for (const p of perms) assert.equal(auth.has({ permission: p }), true, p);
        assert.equal(auth.has({ permission: 'org:never:granted' }), perms.includes('org:never:granted'));
        assert.equal(o.rol, role.replace(/^org:/, ''));
      }),
      params,
    );
  });

  test('decoding arbitrary (attacker-shaped) o/fea claims never throws and yields well-formed permissions only', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), fc.string({ maxLength: 60 }), fc.string({ maxLength: 60 }), (per, fpm, fea) => {
        const claims = { o: { id: 'org_x', rol: 'admin', per, fpm }, fea } as unknown as SessionClaims;
        for (const p of decodeOrgPermissions(claims)) assert.match(p, /^org:[^,]*:[^,]*$/);
      }),
      params,
    );
  });
});

describe('shortcode engine', () => {
  const shortcodePath = fc.constantFrom(
    'user.id',
    'user.unsafe_metadata',
    'user.public_metadata.role',
    'user.__proto__',
    'user.constructor',
    'org.role',
    'org_membership.permissions',
    'nope.x',
  );
  const templateString = fc
    .array(
      fc.oneof(
        fc.string({ maxLength: 12 }),
        shortcodePath.map((p) => `{{${p}}}`),
      ),
      { maxLength: 5 },
    )
    .map((parts) => parts.join(''));

  test('any template and context renders without throwing; nothing is read off the prototype', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 8 }), templateString, { maxKeys: 6 }), fc.jsonValue(), (template, metadata) => {
        const out = renderClaimsTemplate(template, {
          user: { id: 'user_1', unsafe_metadata: metadata, public_metadata: { role: 'viewer' } },
          org: { role: 'org:member' },
        });
        assert.deepEqual(Object.keys(out).sort(), Object.keys(template).sort());
        assert.ok(!JSON.stringify(out).includes('function'), 'no prototype member rendered');
      }),
      params,
    );
  });

  test('user-writable values are data: a shortcode inside unsafe metadata is never evaluated', () => {
    fc.assert(
      fc.property(shortcodePath, fc.string({ maxLength: 10 }), (path, pad) => {
        const planted = `${pad}{{${path}}}`;
        const out = renderClaimsTemplate(
          { meta: '{{user.unsafe_metadata}}', text: 'x {{user.unsafe_metadata}}' },
          { user: { id: 'user_secret_id', unsafe_metadata: planted } },
        );
        assert.equal(out.meta, planted);
        assert.equal(out.text, `x ${planted}`);
      }),
      params,
    );
  });
});

describe('authenticateRequest on attacker bytes', () => {
  let fixture: KeyFixture;
  let verifier: SessionTokenVerifier;
  let minted: string;
  before(async () => {
    fixture = await createKeyFixture();
    verifier = createVerifier(fixture, createClock());
    minted = await signToken(fixture.privateKey);
    assert.equal((await authenticateRequest(requestWith({ cookie: `__session=${minted}` }), { verifier })).status, 'signed-in');
  });

  test('random bytes as cookie or Bearer: signed out, never a throw', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 600 }), fc.boolean(), async (junk, asBearer) => {
        const value = asBearer ? `Bearer ${junk}` : `__session=${junk}`;
        let headers: Headers;
        try {
          headers = new Headers({ [asBearer ? 'authorization' : 'cookie']: value });
        } catch {
          return;
        }
        const state = await authenticateRequest({ headers }, { verifier });
        assert.equal(state.status, 'signed-out');
        assert.equal(state.toAuth().has({ role: 'org:admin' }), false);
      }),
      asyncParams,
    );
  });

  test('random JWT-shaped tokens (base64url of random JSON): signed out', async () => {
    const segment = fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v)).toString('base64url'));
    await fc.assert(
      fc.asyncProperty(segment, segment, fc.base64String({ maxLength: 64 }), async (h, p, s) => {
        const token = `${h}.${p}.${s.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')}`;
        const state = await authenticateRequest(requestWith({ authorization: `Bearer ${token}` }), { verifier });
        assert.equal(state.status, 'signed-out');
      }),
      asyncParams,
    );
  });

  test('a minted token with any character changed, inserted or removed is refused (or decodes to the very same signed bytes)', async () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.constantFrom(...alphabet), fc.constantFrom('replace', 'insert', 'delete'), async (at, ch, op) => {
        const i = at % minted.length;
        const mutated =
          op === 'replace'
            ? minted.slice(0, i) + ch + minted.slice(i + 1)
            : op === 'insert'
              ? minted.slice(0, i) + ch + minted.slice(i)
              : minted.slice(0, i) + minted.slice(i + 1);
        if (mutated === minted) return;
        const state = await authenticateRequest(requestWith({ cookie: `__session=${mutated}` }), { verifier });
        if (state.status === 'signed-in') {
          // The only tolerated acceptance: the header and payload segments are byte-identical and the
          // signature decodes to the same bytes (base64url's unused low bits in the last character).
          const [h, p, s] = mutated.split('.');
          const [h0, p0, s0] = minted.split('.');
          assert.equal(`${h}.${p}`, `${h0}.${p0}`, `accepted a token with changed signed content: ${op} at ${i}`);
          assert.deepEqual(Buffer.from(s!, 'base64url'), Buffer.from(s0!, 'base64url'));
        }
      }),
      asyncParams,
    );
  });
});
