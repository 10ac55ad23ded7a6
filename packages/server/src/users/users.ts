// The user as the API shows it (no password hash, no private metadata) and email normalisation.

import { GatehouseError, type EmailAddress, type RequestContext, type UserRecordFields } from '@gatehouse/core';
import { newId } from '../store/ids.js';
import { isUniqueViolation } from '../store/db-errors.js';
import type { Store } from '../store/types.js';
import type { UserRow } from './user-store.js';
import type { EmailAddressRow } from '../accounts/account-store.js';
import type { ExternalAccount } from '../oauth/accounts.js';

/** The user's public record (the fields Clerk's derived ones are made from, see `withClerkUserFields`, and more). */
export interface PublicUser extends UserRecordFields {
  publicMetadata: UserPublicMetadata;
  unsafeMetadata: UserUnsafeMetadata;
  createdAt: number;
  updatedAt: number;
  lastSignInAt: number | null;
  /** The user's connected provider accounts in Clerk's shape (present where the record is read whole: `getUser`, `currentUser()`). */
  externalAccounts?: ExternalAccount[];
}

export function toPublicUser(row: UserRow): PublicUser {
  return {
    id: row.id,
    email: row.email,
    emailVerified: row.email_verified === 1,
    firstName: row.first_name,
    lastName: row.last_name,
    imageUrl: row.image_url,
    publicMetadata: JSON.parse(row.public_metadata) as Record<string, unknown>,
    unsafeMetadata: JSON.parse(row.unsafe_metadata) as Record<string, unknown>,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    lastSignInAt: row.last_sign_in_at === null ? null : Number(row.last_sign_in_at),
  };
}

/** An address row in Clerk's shape (`emailAddresses[].verification.status`). */
export function toEmailAddress(row: EmailAddressRow): EmailAddress {
  return { id: row.id, emailAddress: row.email, verification: { status: row.verified === 1 ? 'verified' : 'unverified' } };
}

/** The public user with every email address (what `currentUser()` and the backend show). */
export async function loadPublicUser(store: Store, row: UserRow): Promise<PublicUser> {
  const addresses = await store.listEmailAddresses(row.id);
  return { ...toPublicUser(row), emailAddresses: addresses.map(toEmailAddress) };
}

/** The id of a user's first (primary at creation) address: `idn_` and the user id's random part, as derived user objects show it. */
export function primaryAddressId(userId: string): string {
  return `idn_${userId.slice('user_'.length)}`;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Inserts a new user with their primary email address row and its `user.created` audit row, inside
 * the caller's transaction. The email must already be normalised; `verified` says whether the
 * address was proved (a verified sign-up, a demo user) or not. Two creations of one address at once (two instances): the unique
 * index decides, and the loser gets the same answer as a plain duplicate.
 * @throws GatehouseError `identifier_exists`
 */
export async function insertNewUser(
  tx: Store,
  input: { email: string; passwordHash: string | null; firstName: string | null; lastName: string | null; verified?: boolean },
  ctx: RequestContext,
  at: number,
  via: 'sign_up' | 'backend',
): Promise<UserRow> {
  const exists = () => new GatehouseError('identifier_exists', 'An account with this email address already exists.');
  // Any user's address counts, not only primary ones: an address belongs to one user.
  if ((await tx.findUserByEmail(input.email)) || (await tx.findEmailAddress(input.email))) throw exists();
  const user: UserRow = {
    id: newId('user'),
    email: input.email,
    email_verified: input.verified ? 1 : 0,
    password_hash: input.passwordHash,
    first_name: input.firstName,
    last_name: input.lastName,
    image_url: null,
    public_metadata: '{}',
    private_metadata: '{}',
    unsafe_metadata: '{}',
    banned: 0,
    created_at: at,
    updated_at: at,
    last_sign_in_at: null,
  };
  const address = {
    id: primaryAddressId(user.id),
    user_id: user.id,
    email: user.email,
    verified: user.email_verified,
    created_at: at,
    updated_at: at,
  };
  const insert = async () => {
    await tx.insertUser(user);
    await tx.insertEmailAddress(address);
  };
  await insert().catch((error: unknown) => {
    throw isUniqueViolation(error) ? exists() : error;
  });
  await tx.appendAudit({
    at,
    action: 'user.created',
    actor_id: via === 'sign_up' ? user.id : null,
    subject_id: user.id,
    ip: ctx.ip,
    user_agent: ctx.userAgent,
    data: via === 'sign_up' ? '{}' : JSON.stringify({ via }),
  });
  return user;
}
