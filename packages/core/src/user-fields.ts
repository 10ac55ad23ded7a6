// The fields a Clerk app reads on a user object (primaryEmailAddress, emailAddresses, fullName, …), derived from Gatehouse's user record.

/** A user's email address in Clerk's shape. */
export interface EmailAddress {
  readonly id: string;
  readonly emailAddress: string;
  readonly verification: { readonly status: 'verified' | 'unverified' };
}

/** What the derived fields are made from: the public fields of a Gatehouse user. */
export interface UserRecordFields {
  id: string;
  email: string;
  emailVerified: boolean;
  firstName: string | null;
  lastName: string | null;
  imageUrl: string | null;
  /** All of the user's addresses when the record was loaded with them; else only the primary one is derived. */
  emailAddresses?: readonly EmailAddress[] | undefined;
}

/** Read-only fields with Clerk's names, so `user.primaryEmailAddress?.emailAddress` works unchanged. */
export interface ClerkUserFields {
  /** The primary address's id (`idn_…`). */
  readonly primaryEmailAddressId: string | null;
  readonly primaryEmailAddress: EmailAddress | null;
  /** Every address of the user, the primary one included. */
  readonly emailAddresses: readonly EmailAddress[];
  /** First and last name joined by a space; null when both are empty. */
  readonly fullName: string | null;
  /** Gatehouse identifies users by email: always null. */
  readonly username: string | null;
  readonly hasImage: boolean;
}

/** The user with Clerk's derived fields added (a new object; the Gatehouse fields stay as they are). */
export function withClerkUserFields<T extends UserRecordFields>(user: T): T & ClerkUserFields {
  // A record without its address list derives the primary one: its id is `idn_` and the user id's
  // random part, which is also the id the primary address row of such a user has.
  const derived: EmailAddress = Object.freeze({
    id: `idn_${user.id.startsWith('user_') ? user.id.slice('user_'.length) : user.id}`,
    emailAddress: user.email,
    verification: Object.freeze({ status: user.emailVerified ? 'verified' : 'unverified' } as const),
  });
  const addresses = user.emailAddresses?.length
    ? Object.freeze(user.emailAddresses.map((a) => Object.freeze({ ...a, verification: Object.freeze({ ...a.verification }) })))
    : Object.freeze([derived]);
  const address = addresses.find((a) => a.emailAddress === user.email) ?? derived;
  const fullName = [user.firstName, user.lastName].filter(Boolean).join(' ').trim();
  return {
    ...user,
    primaryEmailAddressId: address.id,
    primaryEmailAddress: address,
    emailAddresses: addresses,
    fullName: fullName || null,
    username: null,
    hasImage: Boolean(user.imageUrl),
  };
}
