// Auth.js's adapter tables (users, accounts) read from SQLite or PostgreSQL: users with their email verification; Auth.js keeps no passwords.

import { emailList, emptyData, optionalText, problemText, timestamp, type ImportData } from './model.js';
import { splitName } from './better-auth.js';
import { allRows, hasTable, peerId, readSourceDatabase, type SourceDb } from './source-db.js';

async function read(db: SourceDb): Promise<ImportData> {
  const data = emptyData('authjs');
  // The Kysely and pg adapters name the table `users` (Prisma's default: `User`).
  const table = (await hasTable(db, 'users')) ? 'users' : (await hasTable(db, 'User')) ? 'User' : null;
  if (!table) throw new Error('no Auth.js "users" table in this database');
  for (const [index, row] of (await allRows(db, table)).entries()) {
    const origin = `${table} row ${index + 1}`;
    try {
      const email = optionalText(row.email, 320);
      // `emailVerified` is the time the address was verified (null: never).
      const verifiedAt = row.emailVerified ?? row.email_verified ?? null;
      data.users.push({
        origin,
        id: peerId('user', String(row.id)),
        emails: emailList(email, verifiedAt && email ? [email] : [], []),
        ...splitName(optionalText(row.name)),
        username: null,
        imageUrl: optionalText(row.image, 2048),
        publicMetadata: {},
        privateMetadata: {},
        unsafeMetadata: {},
        createdAt: timestamp(row.createdAt ?? row.created_at ?? null),
        lastSignInAt: null,
        banned: false,
        // Auth.js signs users in with OAuth or email links: there is no password to carry over.
        password: null,
        unknownHasher: null,
        totpSecret: null,
      });
    } catch (error) {
      data.problems.push({ origin, message: problemText(error) });
    }
  }
  return data;
}

/**
 * Reads an Auth.js database (`postgres://…` or a SQLite file). User ids become `user_<id>` (a UUID
 * without its dashes); users arrive without passwords and sign in by password reset.
 */
export async function readAuthJs(url: string): Promise<ImportData> {
  return readSourceDatabase(url, read);
}
