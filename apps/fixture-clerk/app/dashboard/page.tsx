import { auth, currentUser } from '@gatehouse/nextjs/server';
import { redirect } from 'next/navigation';
import { UserEmail } from './user-email';
import { notesOf } from '../../lib/notes';

export default async function DashboardPage() {
  const { userId } = await auth();
  if (!userId) redirect('/sign-in');
  const user = await currentUser();
  return (
    <div>
      <h1>Dashboard</h1>
      <p data-testid="user-id">{userId}</p>
      <p data-testid="first-name">{user?.firstName}</p>
      <p data-testid="email">{user?.primaryEmailAddress?.emailAddress}</p>
      <UserEmail />
      <ul>
        {notesOf(userId).map((note) => (
          <li key={note} data-testid="note">
            {note}
          </li>
        ))}
      </ul>
    </div>
  );
}
