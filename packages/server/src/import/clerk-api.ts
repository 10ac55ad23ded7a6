// Clerk's Backend API pages saved as JSON files (users, organizations, memberships, roles), as docs/migrating-from-clerk.md's script saves them; merged with the CSV export's password digests.

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import {
  emailList,
  emptyData,
  metadata,
  optionalText,
  problemText,
  SOURCE_ID,
  CLERK_ORG_ID,
  CLERK_USER_ID,
  timestamp,
  type ImportData,
  type ImportedMembership,
  type ImportedOrganization,
  type ImportedRole,
  type ImportedUser,
} from './model.js';

type Kind = 'users' | 'organizations' | 'memberships' | 'roles';

/** Which list a saved page holds, from its file name (`users-0001.json`, `organization_memberships-0000.json`, …). */
function kindOf(file: string): Kind | null {
  if (!file.endsWith('.json')) return null;
  if (file.startsWith('organization_memberships')) return 'memberships';
  if (file.startsWith('organization_roles') || file.startsWith('roles')) return 'roles';
  if (file.startsWith('organizations')) return 'organizations';
  if (file.startsWith('users')) return 'users';
  return null;
}

const OBJECT = z.record(z.string(), z.unknown());
/** A page is the array `/users` returns, or the `{ data, total_count }` of the other lists. */
const PAGE = z.union([z.array(OBJECT), z.object({ data: z.array(OBJECT) }).loose()]);

const EMAIL_ADDRESS = z.object({
  id: z.string().optional(),
  email_address: z.string(),
  verification: z.object({ status: z.string().optional() }).loose().nullable().optional(),
});

function apiUser(o: Record<string, unknown>, origin: string): ImportedUser {
  const id = CLERK_USER_ID.parse(o.id);
  const addresses = z.array(EMAIL_ADDRESS).parse(o.email_addresses ?? []);
  const primary = addresses.find((a) => a.id !== undefined && a.id === o.primary_email_address_id) ?? addresses[0];
  const isVerified = (a: z.infer<typeof EMAIL_ADDRESS>) => a.verification?.status === 'verified';
  const emails = emailList(
    primary?.email_address ?? null,
    addresses.filter(isVerified).map((a) => a.email_address),
    addresses.filter((a) => !isVerified(a)).map((a) => a.email_address),
  );
  // Clerk's address ids (`idn_…`) are kept, so an app that stored one still finds it.
  for (const email of emails) {
    const known = addresses.find((a) => a.email_address.trim().toLowerCase() === email.address)?.id;
    if (known && /^idn_[A-Za-z0-9]{20,64}$/.test(known)) email.id = known;
  }
  return {
    origin,
    id,
    emails,
    firstName: optionalText(o.first_name),
    lastName: optionalText(o.last_name),
    username: optionalText(o.username),
    // Clerk fills image_url with a generated avatar even without an upload; keep it only when the user has one.
    imageUrl: o.has_image === false ? null : optionalText(o.image_url ?? o.profile_image_url, 2048),
    publicMetadata: metadata(o.public_metadata),
    privateMetadata: metadata(o.private_metadata),
    unsafeMetadata: metadata(o.unsafe_metadata),
    createdAt: timestamp(o.created_at),
    lastSignInAt: timestamp(o.last_sign_in_at),
    banned: o.banned === true,
    password: null,
    unknownHasher: null,
    totpSecret: null,
  };
}

function apiOrganization(o: Record<string, unknown>, origin: string): ImportedOrganization {
  const max = o.max_allowed_memberships;
  return {
    origin,
    id: CLERK_ORG_ID.parse(o.id),
    name: z.string().trim().min(1).max(256).parse(o.name),
    slug: z
      .string()
      .max(128)
      .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'slug: lowercase letters, digits and dashes')
      .parse(o.slug),
    imageUrl: o.has_image === false ? null : optionalText(o.image_url, 2048),
    publicMetadata: metadata(o.public_metadata),
    privateMetadata: metadata(o.private_metadata),
    // Clerk's 0 means "no limit".
    maxMemberships: typeof max === 'number' && max > 0 ? max : null,
    createdBy: optionalText(o.created_by, 128),
    createdAt: timestamp(o.created_at),
  };
}

const ROLE_KEY = z
  .string()
  .max(80)
  .regex(/^org:[a-z0-9_-]+$/, 'role: org:<name>');

function apiMembership(o: Record<string, unknown>, origin: string): ImportedMembership {
  const organization = z.object({ id: CLERK_ORG_ID }).loose().parse(o.organization);
  const user = z.object({ user_id: CLERK_USER_ID }).loose().parse(o.public_user_data);
  return {
    origin,
    id: o.id === undefined ? null : SOURCE_ID.parse(o.id),
    organizationId: organization.id,
    userId: user.user_id,
    role: ROLE_KEY.parse(o.role),
    publicMetadata: metadata(o.public_metadata),
    createdAt: timestamp(o.created_at),
  };
}

function apiRole(o: Record<string, unknown>, origin: string): ImportedRole {
  const permissions = z.array(z.union([z.string(), z.object({ key: z.string() }).loose()])).parse(o.permissions ?? []);
  return {
    origin,
    key: ROLE_KEY.parse(o.key),
    name: z.string().trim().min(1).max(256).parse(o.name),
    description: optionalText(o.description, 1024),
    permissions: permissions.map((p) => (typeof p === 'string' ? p : p.key)),
  };
}

const READERS = { users: apiUser, organizations: apiOrganization, memberships: apiMembership, roles: apiRole } as const;

/**
 * Reads every saved page in `dir`. A file that is not JSON of the expected shape, or an object in
 * it that cannot be read, is a problem (`users-0001.json#12`: the 12th object) and is skipped.
 */
export async function readClerkApiPages(dir: string): Promise<ImportData> {
  const data = emptyData('clerk');
  const files = (await readdir(dir)).filter((f) => kindOf(f) !== null).sort();
  if (files.length === 0) throw new Error(`${dir} holds no saved Clerk pages (users-*.json, organizations-*.json, …)`);
  for (const file of files) {
    const kind = kindOf(file) as Kind;
    let objects: Record<string, unknown>[];
    try {
      const page = PAGE.parse(JSON.parse(await readFile(join(dir, file), 'utf8')));
      objects = Array.isArray(page) ? page : page.data;
    } catch (error) {
      data.problems.push({ origin: file, message: problemText(error) });
      continue;
    }
    for (const [index, object] of objects.entries()) {
      const origin = `${file}#${index + 1}`;
      try {
        const read = READERS[kind](object, origin);
        if (kind === 'users') data.users.push(read as ImportedUser);
        else if (kind === 'organizations') data.organizations.push(read as ImportedOrganization);
        else if (kind === 'memberships') data.memberships.push(read as ImportedMembership);
        else data.roles.push(read as ImportedRole);
      } catch (error) {
        const id = typeof object.id === 'string' ? { id: object.id.slice(0, 64) } : {};
        data.problems.push({ origin, ...id, message: problemText(error) });
      }
    }
  }
  return data;
}

/**
 * The API pages with the CSV export's password digests and TOTP secrets joined in by user id
 * (the Backend API never returns digests). Users only in the CSV are kept as the CSV has them.
 */
export function mergeClerkSources(api: ImportData | null, csv: ImportData | null): ImportData {
  if (!api) return csv ?? emptyData('clerk');
  if (!csv) return api;
  const fromCsv = new Map(csv.users.map((u) => [u.id, u]));
  const users = api.users.map((u) => {
    const row = fromCsv.get(u.id);
    if (!row) return u;
    fromCsv.delete(u.id);
    // The export's addresses the API objects lack (an unverified one, say) are added after the API's.
    const extra = row.emails.filter((e) => !u.emails.some((a) => a.address === e.address));
    return { ...u, emails: [...u.emails, ...extra], password: row.password, unknownHasher: row.unknownHasher, totpSecret: row.totpSecret };
  });
  return { ...api, users: [...users, ...fromCsv.values()], problems: [...csv.problems, ...api.problems] };
}
