// Team notes, for organization admins. The page checks the role itself: a layout's check is not
// enough, because Next.js renders the page in parallel with its layouts and streams the page's
// payload (inside the 404 response) even when the layout's check throws. See SECURITY.md.
import { auth } from '@gatehouse/nextjs/server';
import { signedInUser } from '@/lib/signed-in-user';
import { OutageNotice } from '../outage-notice';
import { addProjectFromNotes } from './actions';

export default async function TeamNotesPage() {
  await auth.protect({ role: 'org:admin' });
  const { user, unavailable } = await signedInUser();
  return (
    <>
      <h1>Team notes</h1>
      {unavailable ? <OutageNotice /> : null}
      <p data-testid="team-notes-secret">Confidential team notes for {user?.email ?? 'you'}.</p>
      <form action={addProjectFromNotes}>
        <input name="name" aria-label="Project name" />
        <button type="submit">Add a project to the active organization</button>
      </form>
    </>
  );
}
