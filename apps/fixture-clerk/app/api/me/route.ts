import { auth, clerkClient } from '@gatehouse/nextjs/server';

export async function GET() {
  const { userId } = await auth.protect();
  const client = await clerkClient();
  const user = await client.users.getUser(userId);
  return Response.json({ id: user.id, firstName: user.firstName });
}
