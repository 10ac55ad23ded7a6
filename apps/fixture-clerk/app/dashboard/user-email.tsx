'use client';

import { useUser } from '@gatehouse/nextjs';

export function UserEmail() {
  const { isLoaded, user } = useUser();
  if (!isLoaded) return null;
  return <p data-testid="client-email">{user?.primaryEmailAddress?.emailAddress}</p>;
}
