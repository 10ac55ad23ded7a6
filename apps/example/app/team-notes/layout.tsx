// The team-notes section, for organization admins. The proxy only requires a session, so for a
// signed-in member the checks here and in the page are the guards. The layout's check alone would
// not be enough (see page.tsx); it stays so that every page added under it starts out refused.
import type { ReactNode } from 'react';
import { auth } from '@gatehouse/nextjs/server';

export default async function TeamNotesLayout({ children }: { children: ReactNode }) {
  await auth.protect({ role: 'org:admin' });
  return <section>{children}</section>;
}
