// The account page: who is signed in and on which devices.
import { UserProfile } from '@gatehouse/nextjs';
import { auth } from '@gatehouse/nextjs/server';

export default async function UserPage() {
  // The page guards itself; the proxy is a convenience.
  await auth.protect();
  return (
    <>
      <h1>Your account</h1>
      <UserProfile />
    </>
  );
}
