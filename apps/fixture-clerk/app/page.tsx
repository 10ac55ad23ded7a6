import { InviteMembersButton, SignedIn, SignedOut, SignInButton } from '@gatehouse/nextjs';

export default function Home() {
  return (
    <>
      <h1>Public home</h1>
      <SignedOut>
        <SignInButton mode="modal">
          <button type="button">Sign in here</button>
        </SignInButton>
      </SignedOut>
      <SignedIn>
        <InviteMembersButton />
      </SignedIn>
    </>
  );
}
