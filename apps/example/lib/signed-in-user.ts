// The signed-in user's profile for a page, or a notice when the identity service is briefly unavailable.

import { currentUser, type User } from '@gatehouse/nextjs/server';

export interface SignedInUser {
  user: User | null;
  /** True when the profile could not be read (the database is unreachable): render from the session claims and say so. */
  unavailable: boolean;
}

/**
 * `currentUser()`, except that an outage of the database is not a 500: the page keeps rendering
 * from the session claims (which need no database) with a visible notice. Errors are told apart by
 * their `code` (`service_unavailable`), not by class.
 */
export async function signedInUser(): Promise<SignedInUser> {
  try {
    return { user: await currentUser(), unavailable: false };
  } catch (error) {
    if ((error as { code?: unknown } | null)?.code === 'service_unavailable') return { user: null, unavailable: true };
    throw error;
  }
}
