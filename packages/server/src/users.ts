// The user as the API shows it (no password hash, no private metadata) and email normalisation.

import type { UserRow } from './store/types.js';

export interface PublicUser {
  id: string;
  email: string;
  emailVerified: boolean;
  firstName: string | null;
  lastName: string | null;
  imageUrl: string | null;
  publicMetadata: Record<string, unknown>;
  unsafeMetadata: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
  lastSignInAt: number | null;
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

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
