// Better Auth's own tables (user, account, organization, member) read from its SQLite file or PostgreSQL: users with their scrypt digests, organizations and memberships.

import { emailList, emptyData, metadata, optionalText, problemText, timestamp, type ImportData, type ImportedUser } from './model.js';
import { digestProblem } from './digests.js';
import { allRows, hasTable, peerId, readSourceDatabase, type SourceDb } from './source-db.js';

type Row = Record<string, unknown>;

/** A column by Better Auth's default (camelCase) name or its snake_case mapping. */
function col(row: Row, camel: string): unknown {
  return row[camel] ?? row[camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)];
}

function truthy(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 't' || value === 'true';
}

/** Better Auth keeps one `name`; Gatehouse first and last: split at the first space. */
export function splitName(name: string | null): { firstName: string | null; lastName: string | null } {
  if (!name) return { firstName: null, lastName: null };
  const cut = name.indexOf(' ');
  return cut < 0 ? { firstName: name, lastName: null } : { firstName: name.slice(0, cut), lastName: name.slice(cut + 1).trim() || null };
}

/** Better Auth's organization roles: owner and admin manage the organization (org:admin), member is org:member; others keep their name. */
export function betterAuthRole(role: unknown): string {
  const roles = String(role ?? 'member')
    .split(',')
    .map((r) => r.trim().toLowerCase())
    .filter(Boolean);
  if (roles.includes('owner') || roles.includes('admin')) return 'org:admin';
  const first = roles.find((r) => r !== 'member');
  return first ? `org:${first}` : 'org:member';
}

async function read(db: SourceDb): Promise<ImportData> {
  const data = emptyData('better-auth');
  if (!(await hasTable(db, 'user'))) throw new Error('no Better Auth "user" table in this database');
  const passwords = new Map<string, string>();
  if (await hasTable(db, 'account'))
    for (const a of await allRows(db, 'account'))
      if (col(a, 'providerId') === 'credential' && typeof a.password === 'string') passwords.set(String(col(a, 'userId')), a.password);

  for (const [index, row] of (await allRows(db, 'user')).entries()) {
    const origin = `user row ${index + 1}`;
    try {
      const sourceId = String(row.id);
      const digest = passwords.get(sourceId) ?? null;
      if (digest && digestProblem('scrypt_better_auth', digest))
        throw new Error('the credential password is not a Better Auth scrypt digest');
      const verified = truthy(col(row, 'emailVerified'));
      const email = optionalText(row.email, 320);
      const user: ImportedUser = {
        origin,
        id: peerId('user', sourceId),
        emails: emailList(email, verified && email ? [email] : [], []),
        ...splitName(optionalText(row.name)),
        username: optionalText(row.username),
        imageUrl: optionalText(row.image, 2048),
        publicMetadata: {},
        privateMetadata: {},
        unsafeMetadata: {},
        createdAt: timestamp(col(row, 'createdAt')),
        lastSignInAt: null,
        banned: truthy(row.banned),
        password: digest ? { hasher: 'scrypt_better_auth', digest } : null,
        unknownHasher: null,
        totpSecret: null,
      };
      data.users.push(user);
    } catch (error) {
      data.problems.push({ origin, message: problemText(error) });
    }
  }
  if (await hasTable(db, 'organization'))
    for (const [index, row] of (await allRows(db, 'organization')).entries()) {
      const origin = `organization row ${index + 1}`;
      try {
        data.organizations.push({
          origin,
          id: peerId('org', String(row.id)),
          name: optionalText(row.name) ?? String(row.slug),
          slug: String(row.slug),
          imageUrl: optionalText(row.logo, 2048),
          publicMetadata: metadata(row.metadata),
          privateMetadata: {},
          maxMemberships: null,
          createdBy: null,
          createdAt: timestamp(col(row, 'createdAt')),
        });
      } catch (error) {
        data.problems.push({ origin, message: problemText(error) });
      }
    }
  if (await hasTable(db, 'member'))
    for (const [index, row] of (await allRows(db, 'member')).entries()) {
      data.memberships.push({
        origin: `member row ${index + 1}`,
        id: null,
        organizationId: peerId('org', String(col(row, 'organizationId'))),
        userId: peerId('user', String(col(row, 'userId'))),
        role: betterAuthRole(row.role),
        publicMetadata: {},
        createdAt: timestamp(col(row, 'createdAt')),
      });
    }
  return data;
}

/**
 * Reads a Better Auth database (`postgres://…` or a SQLite file). User ids become `user_<id>`
 * (Better Auth's 32-character ids are kept after the prefix), organization ids `org_<id>`.
 */
export async function readBetterAuth(url: string): Promise<ImportData> {
  return readSourceDatabase(url, read);
}
