'use server';
// The dashboard's server actions. Each checks the session and the permission itself: a server
// action is a POST endpoint anyone can call, whatever the page rendered. Signed out: 401; signed
// in without the permission: 403 (auth.protect answers server actions with a status).

import { revalidatePath } from 'next/cache';
import { auth, reverificationError } from '@gatehouse/nextjs/server';
import { createProject, deleteProject } from '@/lib/projects';

export interface ActionState {
  error?: string;
}

/** What a server action answers a session that must verify again (Clerk's shape; useReverification understands it). */
export type ReverificationState = ReturnType<typeof reverificationError>;

const NO_ORG = 'No organization is active: choose one in the organization switcher first.';
// A server action is a POST endpoint: its arguments are whatever the caller encoded, not
// necessarily the form this page renders (issue #15). Anything but FormData is refused plainly.
const NOT_A_FORM = 'Send the form: this action takes form data.';

export async function createProjectAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const { orgId } = await auth.protect();
  if (!orgId) return { error: NO_ORG };
  // Who may act is decided first (401/403), whatever the arguments; then what they sent.
  const { userId } = await auth.protect({ permission: 'org:projects:write' });
  if (!(form instanceof FormData)) return { error: NOT_A_FORM };
  const name = String(form.get('name') ?? '').trim();
  if (name === '' || name.length > 100) return { error: 'A project name has 1 to 100 characters.' };
  await createProject(orgId, name, userId!);
  revalidatePath('/dashboard');
  return {};
}

/** The form's action without scripts; with them the page deletes through the route handler and useReverification. */
export async function deleteProjectAction(
  _prev: ActionState | ReverificationState,
  form: FormData,
): Promise<ActionState | ReverificationState> {
  const { orgId } = await auth.protect();
  if (!orgId) return { error: NO_ORG };
  const { has } = await auth.protect({ role: 'org:admin' });
  if (!(form instanceof FormData)) return { error: NOT_A_FORM };
  if (!has({ reverification: 'moderate' })) return reverificationError('moderate');
  // Scoped to the active organization: another organization's project id deletes nothing.
  if (!(await deleteProject(orgId, String(form.get('id') ?? '')))) return { error: 'No such project in this organization.' };
  revalidatePath('/dashboard');
  return {};
}
