import { auth } from '@gatehouse/nextjs/server';

export default async function AdminPage() {
  await auth.protect({ role: 'org:admin' });
  return <h1>Admin</h1>;
}
