// Wycheproof vectors against both signature providers and the JWS verifier (C2SP/wycheproof, Apache-2.0).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createPublicKey } from 'node:crypto';
import {
  SUPPORTED_ALGORITHMS,
  createLocalKeySet,
  decodeCompactJws,
  verifyCompactJws,
  webCryptoSignatures,
  type KeyResolver,
  type SignatureProvider,
  type VerifyingKey,
} from '@gatehouse/core';
import { nodeSignatures } from '@gatehouse/server';
import type { JWK } from 'jose';

const dir = new URL('./vectors/wycheproof/', import.meta.url);
const load = (name: string) => JSON.parse(readFileSync(new URL(name, dir), 'utf8')) as { testGroups: Group[] };

interface Case {
  tcId: number | string;
  comment: string;
  result: 'valid' | 'invalid' | 'acceptable';
  jws?: unknown;
  msg?: string;
  sig?: string;
}
interface Group {
  comment?: string;
  private?: JWK | { keys: JWK[] };
  keyJwk?: JWK;
  publicKeyJwk?: JWK;
  publicKeyPem?: string;
  tests: Case[];
}

const PRIVATE = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth'];
const publicPart = (jwk: JWK): JWK => Object.fromEntries(Object.entries(jwk).filter(([k]) => !PRIVATE.includes(k))) as JWK;
const providers: SignatureProvider[] = [webCryptoSignatures, nodeSignatures];
const allAlgorithms = new Set(SUPPORTED_ALGORITHMS);

/**
 * Valid cases that Gatehouse refuses on purpose. A key verifies only for the one algorithm its JWK
 * declares, and only when `key_ops` (if present) lists "verify": RFC 7520's examples sign PS384 with
 * a key declared PS256, ES512 with a key declared "ES521" (not a JWS algorithm name), and one gives
 * `key_ops` as the single string "sign, verify".
 */
const DELIBERATELY_REFUSED: Record<string, string> = {
  'json_web_signature_test.json:346': 'PS256 key used for PS384',
  'json_web_signature_test.json:347': 'key declared ES521 used for ES512',
  'json_web_signature_test.json:349': 'key_ops is ["sign, verify"], not ["sign", "verify"]',
  'json_web_signature_test.json:350': 'PS256 key used for PS384',
  'json_web_signature_test.json:351': 'key declared ES521 used for ES512',
};

function alg(jws: string): string | null {
  try {
    return decodeCompactJws(jws).header.alg;
  } catch {
    return null;
  }
}

async function accepts(keys: KeyResolver | null, jws: unknown): Promise<boolean> {
  if (keys === null || typeof jws !== 'string') return false;
  try {
    await verifyCompactJws(jws, { keys, algorithms: allAlgorithms });
    return true;
  } catch (error) {
    assert.equal((error as Error).name, 'TokenVerificationError', `unexpected ${String(error)}`);
    return false;
  }
}

for (const file of ['json_web_signature_test.json', 'json_web_key_test.json']) {
  describe(`Wycheproof ${file}`, () => {
    for (const provider of providers) {
      test(`every invalid case is refused and every valid case of an allowed algorithm accepted (${provider.name})`, async () => {
        let checked = 0;
        const problems: string[] = [];
        for (const group of load(file).testGroups) {
          const raw = group.private;
          const jwks = raw && 'keys' in raw ? (raw.keys as JWK[]) : raw ? [raw as JWK] : [];
          let keys: KeyResolver | null;
          try {
            keys = createLocalKeySet(jwks.map(publicPart), { signatures: provider });
          } catch {
            keys = null; // the key set itself is refused: nothing it would verify is accepted
          }
          for (const c of group.tests) {
            const ok = await accepts(keys, c.jws);
            const label = `tcId ${c.tcId} (${group.comment ?? ''}: ${c.comment})`;
            if (c.result === 'invalid' && ok) problems.push(`accepted an invalid case: ${label}`);
            if (c.result === 'valid' && typeof c.jws === 'string' && allAlgorithms.has(alg(c.jws) ?? '')) {
              const expected = !DELIBERATELY_REFUSED[`${file}:${c.tcId}`];
              if (ok !== expected) problems.push(`${ok ? 'accepted' : 'refused'} a valid case: ${label}`);
            }
            checked++;
          }
        }
        assert.deepEqual(problems, []);
        assert.ok(checked > 20);
      });
    }
  });
}

const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));

/**
 * Wycheproof's ECDSA vectors carry DER signatures; JWS uses the fixed-width r||s form. Converts
 * strictly: anything that is not the one canonical DER encoding of two positive integers that fit
 * 32 bytes is refused (so BER tricks and trailing bytes stay invalid).
 */
function derToP1363(der: Uint8Array, size = 32): Uint8Array | null {
  let i = 0;
  const readLength = (): number | null => {
    const first = der[i++];
    if (first === undefined) return null;
    if (first < 0x80) return first;
    if (first !== 0x81) return null; // longer forms are never needed (and so never canonical) here
    const len = der[i++];
    return len !== undefined && len >= 0x80 ? len : null;
  };
  const readInt = (): Uint8Array | null => {
    if (der[i++] !== 0x02) return null;
    const len = readLength();
    if (len === null || len === 0 || i + len > der.length) return null;
    const bytes = der.subarray(i, i + len);
    i += len;
    if (bytes[0]! & 0x80) return null; // negative
    if (len > 1 && bytes[0] === 0 && !(bytes[1]! & 0x80)) return null; // non-minimal
    const trimmed = bytes[0] === 0 ? bytes.subarray(1) : bytes;
    return trimmed.length > size ? null : trimmed;
  };
  if (der[i++] !== 0x30) return null;
  const total = readLength();
  if (total === null || i + total !== der.length) return null;
  const r = readInt();
  const s = readInt();
  if (!r || !s || i !== der.length) return null;
  const out = new Uint8Array(size * 2);
  out.set(r, size - r.length);
  out.set(s, size * 2 - s.length);
  return out;
}

const rawSets: {
  file: string;
  alg: string;
  jwk: (g: Group & Record<string, unknown>) => JWK;
  sig: (s: Uint8Array) => Uint8Array | null;
}[] = [
  { file: 'rsa_signature_2048_sha256_test.json', alg: 'RS256', jwk: (g) => g.keyJwk as JWK, sig: (s) => s },
  {
    file: 'ecdsa_secp256r1_sha256_test.json',
    alg: 'ES256',
    jwk: (g) => createPublicKey(g.publicKeyPem as string).export({ format: 'jwk' }) as JWK,
    sig: (s) => derToP1363(s),
  },
  { file: 'ed25519_test.json', alg: 'EdDSA', jwk: (g) => g.publicKeyJwk as JWK, sig: (s) => s },
];

for (const set of rawSets) {
  describe(`Wycheproof ${set.file}`, () => {
    for (const provider of providers) {
      test(`the ${set.alg} primitive refuses every invalid case and accepts every valid one (${provider.name})`, async () => {
        const problems: string[] = [];
        let checked = 0;
        for (const group of load(set.file).testGroups as (Group & Record<string, unknown>)[]) {
          const { alg: _ignored, kid: _kid, ...jwk } = set.jwk(group);
          let key: VerifyingKey | null = null;
          let refusedKey = false;
          try {
            key = await createLocalKeySet([{ ...jwk, kid: 'k', alg: set.alg }], { signatures: provider }).getKey('k', set.alg);
          } catch {
            // Gatehouse refuses the key itself (RSA public exponents below 65537): nothing verifies.
            refusedKey = jwk.kty === 'RSA' && jwk.e !== 'AQAB';
            if (!refusedKey) throw new Error(`an unexpected key was refused in ${set.file}`);
          }
          for (const c of group.tests) {
            const signature = set.sig(hex(c.sig ?? ''));
            const ok = key !== null && signature !== null && (await key.verify(hex(c.msg ?? ''), signature));
            if (c.result === 'valid' && !ok && !refusedKey) problems.push(`refused valid tcId ${c.tcId} (${c.comment})`);
            if (c.result === 'invalid' && ok) problems.push(`accepted invalid tcId ${c.tcId} (${c.comment})`);
            checked++;
          }
        }
        assert.deepEqual(problems, []);
        assert.ok(checked > 100, `only ${checked} cases ran`);
      });
    }
  });
}
