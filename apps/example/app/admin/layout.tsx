// Everything under /admin needs org:admin. The proxy checks it too, but the layout (and each page)
// refuses on its own: a page never relies on the proxy having run.
import type { ReactNode } from 'react';
import { auth } from '@gatehouse/nextjs/server';

export default async function AdminLayout({ children }: { children: ReactNode }) {
  await auth.protect({ role: 'org:admin' });
  return <>{children}</>;
}
