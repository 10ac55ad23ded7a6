// The account page: who is signed in and on which devices.
import { UserProfile } from '@gatehouse/nextjs';

export default function UserPage() {
  return (
    <>
      <h1>Your account</h1>
      <UserProfile />
    </>
  );
}
