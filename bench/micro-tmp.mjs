import { authenticateRequest, authenticateRequestNow, createLocalKeySet, createSessionTokenVerifier, webCryptoSignatures } from '@gatehouse/core';
import { nodeSignatures } from '@gatehouse/server';
import { constants, createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { PERMISSION, rsaKey, sessionClaims, signSessionToken } from '/work/wt/bench/bench/lib/fixtures.mjs';
const ISSUER = 'urn:gatehouse:ins_bench';
const key = rsaKey();
const token = await signSessionToken(sessionClaims({ iss: ISSUER, azp: 'https://app.example.com' }), key);
const request = new Request('https://app.example.com/dashboard', { headers: { cookie: `__session=${token}; __client=client_aaaaaaaaaaaaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb`, accept: '*/*' } });
const checkSession = () => null;
const mk = (cacheSize) => createSessionTokenVerifier({ keys: createLocalKeySet([key.jwk], { signatures: nodeSignatures }), issuer: ISSUER, cacheSize });
const vNo = mk(0), vHit = mk(10000);
function dec(verifier) { const s = authenticateRequestNow(request, { verifier, checkSession }); return s.status === 'signed-in' && s.toAuth().has({ permission: PERMISSION }); }
const [h, p, s] = token.split('.');
const si = Buffer.from(`${h}.${p}`), sig = Buffer.from(s, 'base64url');
const ri = { key: createPublicKey({ key: key.jwk, format: 'jwk' }), padding: constants.RSA_PKCS1_PADDING };
async function run(name, fn, n) {
  for (let i = 0; i < n / 10; i++) fn();
  const t = performance.now();
  for (let i = 0; i < n; i++) if (!(fn())) throw new Error(name);
  console.log(name, (((performance.now() - t) / n) * 1000).toFixed(2), 'us');
}
const MODE = process.env.MODE; for (let r = 0; r < 3; r++) { if (MODE==="hit") { run("hit", () => dec(vHit), 1000000); continue; }
  await run('raw', () => cryptoVerify('sha256', si, ri, sig), 20000);
  await run('nocache', () => dec(vNo), 20000);
  await run('hit', () => dec(vHit), 200000);
}
