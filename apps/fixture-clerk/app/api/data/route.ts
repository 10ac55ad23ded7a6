import { auth } from '@gatehouse/nextjs/server';

export async function GET() {
  const { userId, orgId } = await auth();
  if (!userId) return Response.json({ error: 'Unauthorized' }, { status: 401 });
  return Response.json({ userId, orgId });
}

export async function POST() {
  const { userId, orgId, has } = await auth();
  if (!userId) return Response.json({ error: 'Unauthorized' }, { status: 401 });
  if (!orgId) return Response.json({ error: 'No active organization' }, { status: 403 });
  if (has({ permission: 'org:data:write' })) {
    // User can write data in this organization
    return Response.json({ written: true, orgId });
  }
  return Response.json({ error: 'Forbidden' }, { status: 403 });
}
