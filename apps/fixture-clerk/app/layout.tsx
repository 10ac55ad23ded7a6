import type { ReactNode } from 'react';
import { ClerkProvider, SignedIn, SignedOut, UserButton } from '@gatehouse/nextjs';

export const metadata = { title: 'Clerk-shaped fixture' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <ClerkProvider>
      <html lang="en">
        <body>
          <header>
            <SignedOut>
              <a href="/sign-in">Sign in</a>
            </SignedOut>
            <SignedIn>
              <UserButton />
            </SignedIn>
          </header>
          {children}
        </body>
      </html>
    </ClerkProvider>
  );
}
