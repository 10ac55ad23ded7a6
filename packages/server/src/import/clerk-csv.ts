// Clerk's dashboard user export (CSV): one user per row, read with csv-parse; malformed rows become problems with their line.

import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { parse } from 'csv-parse';
import {
  emailList,
  emptyData,
  metadata,
  optionalText,
  passwordOf,
  problemText,
  CLERK_USER_ID,
  timestamp,
  type ImportData,
  type ImportedUser,
} from './model.js';

/** The columns Clerk's export documents; `id` is the only one a row must have. */
export const CLERK_CSV_COLUMNS = [
  'id',
  'first_name',
  'last_name',
  'username',
  'primary_email_address',
  'primary_phone_number',
  'verified_email_addresses',
  'unverified_email_addresses',
  'verified_phone_numbers',
  'unverified_phone_numbers',
  'totp_secret',
  'password_digest',
  'password_hasher',
] as const;

/** A list cell: Clerk separates several addresses with `|` (commas and semicolons are accepted too). */
function list(cell: string | undefined): string[] {
  return (cell ?? '')
    .split(/[|,;]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** One CSV row as a user; throws with a message (never the row's digest) when it cannot be read. */
export function clerkCsvUser(row: Record<string, string | undefined>, origin: string): ImportedUser {
  const id = CLERK_USER_ID.parse(row.id?.trim());
  const primary = optionalText(row.primary_email_address, 320);
  const emails = emailList(primary, list(row.verified_email_addresses), list(row.unverified_email_addresses));
  const { password, unknownHasher } = passwordOf(optionalText(row.password_hasher, 64), optionalText(row.password_digest, 1024));
  return {
    origin,
    id,
    emails,
    firstName: optionalText(row.first_name),
    lastName: optionalText(row.last_name),
    username: optionalText(row.username),
    imageUrl: optionalText(row.image_url, 2048),
    // Not in Clerk's documented export; read when a customised export carries them.
    publicMetadata: metadata(row.public_metadata),
    privateMetadata: metadata(row.private_metadata),
    unsafeMetadata: metadata(row.unsafe_metadata),
    createdAt: timestamp(row.created_at),
    lastSignInAt: timestamp(row.last_sign_in_at),
    banned: /^(true|1|yes)$/i.test(row.banned?.trim() ?? ''),
    password,
    unknownHasher,
    totpSecret: optionalText(row.totp_secret, 256),
  };
}

/**
 * Reads Clerk's user export CSV. A row that cannot be read (bad id, bad address, a digest not in
 * its hasher's format, broken metadata JSON, wrong column count) is a problem with its line number.
 * @throws Error when the header lacks `id` (the file is not a Clerk export)
 */
export async function readClerkCsv(file: string): Promise<ImportData> {
  const data = emptyData('clerk');
  const name = basename(file);
  const parser = createReadStream(file).pipe(
    parse({ columns: true, bom: true, info: true, skip_empty_lines: true, relax_column_count: true, trim: false }),
  );
  let checkedHeader = false;
  for await (const item of parser as AsyncIterable<{
    record: Record<string, string | undefined>;
    info: { lines: number; invalid_field_length: number };
  }>) {
    const { record, info } = item;
    if (!checkedHeader) {
      if (!('id' in record))
        throw new Error(`${name} has no id column: it is not a Clerk user export (columns: ${CLERK_CSV_COLUMNS.join(', ')})`);
      checkedHeader = true;
    }
    const origin = `${name}:${info.lines}`;
    if (info.invalid_field_length > 0) {
      data.problems.push({ origin, message: 'wrong number of columns' });
      continue;
    }
    try {
      data.users.push(clerkCsvUser(record, origin));
    } catch (error) {
      data.problems.push({ origin, ...(record.id ? { id: record.id.slice(0, 64) } : {}), message: problemText(error) });
    }
  }
  return data;
}
