// A machine-only endpoint: M2M tokens from the instance's token endpoint; a session token (or an API key) is a 401 with the reason.
import { auth } from '@gatehouse/nextjs/server';

export async function GET(): Promise<Response> {
  const machine = await auth({ acceptsToken: 'm2m_token' });
  if (!machine.isAuthenticated || machine.tokenType !== 'm2m_token') {
    const reason = 'reason' in machine ? machine.reason : null;
    return Response.json(
      { error: { code: 'unauthenticated', message: 'Send a machine token: Authorization: Bearer <M2M token>.', reason } },
      { status: 401, headers: { 'www-authenticate': 'Bearer realm="machines"' } },
    );
  }
  return Response.json({ machineId: machine.machineId, scopes: machine.scopes }, { headers: { 'cache-control': 'no-store' } });
}
