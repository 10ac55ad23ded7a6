'use server';
// A server action: callable by id from any page, so it checks the caller itself (the proxy does not
// protect public pages, and actions are POSTs to whatever page the attacker picks).
import { auth } from '@gatehouse/nextjs/server';
import { createProject } from '@/lib/projects';

export async function addProjectFromNotes(form: FormData): Promise<void> {
  const { orgId, userId } = await auth.protect({ permission: 'org:projects:write' });
  // Its argument is whatever the caller encoded (issue #15): anything but a form writes nothing.
  if (!(form instanceof FormData)) return;
  const name = String(form.get('name') ?? '').trim();
  if (!orgId || !userId || name === '' || name.length > 100) return;
  await createProject(orgId, name, userId);
}
