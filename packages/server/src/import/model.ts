// What every import source yields: users, organizations, memberships and roles in one shape, and the problems found while reading them.

import { z } from 'zod';
import { ORG_ID_PATTERN, USER_ID_PATTERN } from '../store/ids.js';
import { digestProblem, isImportHasher, type ImportHasher } from './digests.js';

export type ImportSourceName = 'clerk' | 'better-auth' | 'authjs';

/** Where a record came from, for the report: `users.csv:12`, `users/page-0003.json#41`, `user table row 7`. */
export type Origin = string;

export interface ImportedEmail {
  address: string;
  verified: boolean;
  /** The source's id of the address (Clerk's `idn_…`), kept when known. */
  id?: string;
}

export interface ImportedUser {
  origin: Origin;
  /** Kept as the Gatehouse id (`user_…`). */
  id: string;
  /** Primary first. */
  emails: ImportedEmail[];
  firstName: string | null;
  lastName: string | null;
  username: string | null;
  imageUrl: string | null;
  publicMetadata: Record<string, unknown>;
  privateMetadata: Record<string, unknown>;
  unsafeMetadata: Record<string, unknown>;
  /** Milliseconds since the epoch; null: the time of the import. */
  createdAt: number | null;
  lastSignInAt: number | null;
  banned: boolean;
  password: { hasher: ImportHasher; digest: string } | null;
  /** A digest whose hasher Gatehouse does not know: the user is imported without a password and flagged for reset. */
  unknownHasher: string | null;
  totpSecret: string | null;
}

export interface ImportedOrganization {
  origin: Origin;
  id: string;
  name: string;
  slug: string;
  imageUrl: string | null;
  publicMetadata: Record<string, unknown>;
  privateMetadata: Record<string, unknown>;
  maxMemberships: number | null;
  createdBy: string | null;
  createdAt: number | null;
}

export interface ImportedMembership {
  origin: Origin;
  /** Kept when the source has one (`orgmem_…`); else derived from the pair. */
  id: string | null;
  organizationId: string;
  userId: string;
  /** `org:<key>`. */
  role: string;
  publicMetadata: Record<string, unknown>;
  createdAt: number | null;
}

export interface ImportedRole {
  origin: Origin;
  key: string;
  name: string;
  description: string | null;
  permissions: string[];
}

export interface ImportProblem {
  origin: Origin;
  /** The record's id in the source, when it could be read. */
  id?: string;
  message: string;
}

/** Everything one source yields, in the order it is written (roles before memberships, users before memberships). */
export interface ImportData {
  source: ImportSourceName;
  roles: ImportedRole[];
  users: ImportedUser[];
  organizations: ImportedOrganization[];
  memberships: ImportedMembership[];
  /** Rows that could not be read: reported and skipped. */
  problems: ImportProblem[];
}

export function emptyData(source: ImportSourceName): ImportData {
  return { source, roles: [], users: [], organizations: [], memberships: [], problems: [] };
}

// Ids kept from the source: a prefix and base62 (Clerk's KSUIDs), or the source's own id shapes (UUIDs, cuids) for the peers' tables.
export const SOURCE_ID = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_-]+$/, 'not an id');
/** Clerk's ids are kept as Gatehouse ids: they must have the shape Gatehouse accepts everywhere. */
export const CLERK_USER_ID = z.string().regex(USER_ID_PATTERN, 'not a user id (user_ and 20 to 64 letters or digits)');
export const CLERK_ORG_ID = z.string().regex(ORG_ID_PATTERN, 'not an organization id (org_ and 20 to 64 letters or digits)');
export const EMAIL = z.string().trim().toLowerCase().max(320).email();
const METADATA = z.record(z.string(), z.unknown());

/** Metadata from a JSON text or object; `{}` for empty. */
export function metadata(value: unknown): Record<string, unknown> {
  if (value === null || value === undefined || value === '') return {};
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  return METADATA.parse(parsed);
}

/** A name field: empty becomes null. */
export function optionalText(value: unknown, max = 256): string | null {
  if (value === null || value === undefined) return null;
  const text = z
    .string()
    .max(max)
    .parse(typeof value === 'number' ? String(value) : value)
    .trim();
  return text === '' ? null : text;
}

/** A time from milliseconds, seconds, an ISO text or a Date; null when absent. */
export function timestamp(value: unknown): number | null {
  if (value === null || value === undefined || value === '') return null;
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number' || /^\d+$/.test(String(value))) {
    const n = Number(value);
    // Seconds until 2286 are below 10^10; milliseconds since 1970-04 are above.
    return n < 1e10 ? n * 1000 : n;
  }
  const parsed = Date.parse(String(value));
  if (Number.isNaN(parsed)) throw new Error(`not a time: ${String(value).slice(0, 40)}`);
  return parsed;
}

/** Splits the password columns into a known digest, an unknown hasher, or nothing. */
export function passwordOf(
  hasher: string | null,
  digest: string | null,
): { password: ImportedUser['password']; unknownHasher: string | null } {
  if (!digest) return { password: null, unknownHasher: null };
  const name = (hasher ?? '').trim().toLowerCase();
  if (!isImportHasher(name)) return { password: null, unknownHasher: name === '' ? 'unnamed' : name.slice(0, 40) };
  const problem = digestProblem(name, digest);
  if (problem) throw new Error(problem);
  return { password: { hasher: name, digest }, unknownHasher: null };
}

/** Emails de-duplicated, primary first; an address both verified and unverified counts as verified. */
export function emailList(primary: string | null, verified: string[], unverified: string[]): ImportedEmail[] {
  const byAddress = new Map<string, ImportedEmail>();
  const add = (raw: string, isVerified: boolean) => {
    const address = EMAIL.parse(raw);
    const known = byAddress.get(address);
    if (known) known.verified ||= isVerified;
    else byAddress.set(address, { address, verified: isVerified });
  };
  if (primary) add(primary, verified.map((v) => v.trim().toLowerCase()).includes(primary.trim().toLowerCase()));
  for (const address of verified) add(address, true);
  for (const address of unverified) add(address, false);
  return [...byAddress.values()];
}

/** The message of a failed parse, without the value that failed (it may be a digest). */
export function problemText(error: unknown): string {
  if (error instanceof z.ZodError) return error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ');
  if (error instanceof SyntaxError) return 'not valid JSON';
  return error instanceof Error ? error.message.slice(0, 200) : 'unreadable';
}
