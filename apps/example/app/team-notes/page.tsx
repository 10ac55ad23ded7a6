// Team notes, for organization admins. The page checks the role itself: a layout's check is not
// enough, because Next.js renders the page in parallel with its layouts and streams the page's
// payload (inside the 404 response) even when the layout's check throws. See SECURITY.md.
import { auth, currentUser } from '@gatehouse/nextjs/server';
import { addProjectFromNotes } from './actions';

export default async function TeamNotesPage() {
  await auth.protect({ role: 'org:admin' });
  const user = await currentUser();
  return (
    <>
      <h1>Team notes</h1>
      <p data-testid="team-notes-secret">Confidential team notes for {user?.email ?? 'nobody'}.</p>
      <form action={addProjectFromNotes}>
        <input name="name" aria-label="Project name" />
        <button type="submit">Add a project to the active organization</button>
      </form>
    </>
  );
}
