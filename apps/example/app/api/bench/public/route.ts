// A public twin of /api/me for the benchmarks (bench/): the same JSON shape and headers, no auth().
// Listed as public in proxy.ts; it reveals nothing about the caller.

export const dynamic = 'force-dynamic';

const BODY = {
  isAuthenticated: false,
  userId: 'user_00000000000000000000000000',
  sessionId: 'sess_00000000000000000000000000',
  sessionClaims: {
    sub: 'user_00000000000000000000000000',
    sid: 'sess_00000000000000000000000000',
    iss: 'urn:gatehouse:ins_00000000000000000000000000',
    azp: 'http://127.0.0.1:3000',
    iat: 0,
    nbf: 0,
    exp: 0,
    jti: '00000000000000000000',
    v: 2,
    fva: [0, -1],
  },
  sessionStatus: 'active',
  orgId: null,
  orgRole: null,
  orgSlug: null,
  orgPermissions: null,
  actor: null,
  factorVerificationAge: [0, -1],
  tokenType: 'session_token',
};

export async function GET(): Promise<Response> {
  return Response.json(BODY, { headers: { 'cache-control': 'no-store' } });
}
