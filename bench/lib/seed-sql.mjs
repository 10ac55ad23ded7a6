// Bulk seeding in SQL (INSERT … SELECT over a number series), for SQLite and PostgreSQL alike:
// users, each with a client, an active session and a membership, and organizations.
//
// Row i gets deterministic ids and a deterministic client secret, so a benchmark can present the
// client token of any seeded user without keeping a list (and a cached database file stays usable):
// ids are the prefix and i in 26 letters a–j (valid Gatehouse id characters), the secret is `S`
// and i in 42 digits (a valid 43-character secret); only its SHA-256 is stored, as the server does.
// Every other column is copied from the rows a real sign-up wrote (same password hash).

import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';

const DIGITS_TO_LETTERS = 'abcdefghij';
const idPart = (i) =>
  String(i)
    .padStart(26, '0')
    .replace(/[0-9]/g, (d) => DIGITS_TO_LETTERS[Number(d)]);
export const seededUserId = (i) => `user_${idPart(i)}`;
export const seededSessionId = (i) => `sess_${idPart(i)}`;
export const seededOrgId = (j) => `org_${idPart(j)}`;
/** The `__client` cookie value of seeded user i (before any refresh rotated it). */
export const seededClientToken = (i) => `client_${idPart(i)}.S${String(i).padStart(42, '0')}`;

/** SQL pieces that differ between the dialects. */
const DIALECT = {
  sqlite: {
    series: (lo, hi) => `WITH RECURSIVE s(i) AS (SELECT ${lo} UNION ALL SELECT i + 1 FROM s WHERE i < ${hi - 1})`,
    from: 's',
    id: (prefix, expr) => `'${prefix}_' || bench_id(${expr})`,
    secretHash: (expr) => `bench_secret_hash(${expr})`,
    text: (expr) => `CAST(${expr} AS TEXT)`,
  },
  postgres: {
    series: () => '',
    from: (lo, hi) => `generate_series(${lo}, ${hi - 1}) AS s(i)`,
    id: (prefix, expr) => `'${prefix}_' || translate(lpad((${expr})::text, 26, '0'), '0123456789', 'abcdefghij')`,
    secretHash: (expr) => `encode(sha256(convert_to('S' || lpad((${expr})::text, 42, '0'), 'UTF8')), 'hex')`,
    text: (expr) => `(${expr})::text`,
  },
};

/** A SQL literal for a template value (numbers, strings, null). */
function literal(value) {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'string' && /^\d+$/.test(value)) return value; // pg returns BIGINT columns as strings
  return `'${String(value).replace(/'/g, "''")}'`;
}

/**
 * The INSERT … SELECT statements for rows [lo, hi) of one table. `overrides` maps a column to a SQL
 * expression over `i`; other columns are the template's values.
 */
function insertSql(dialect, table, template, overrides, lo, hi) {
  const d = DIALECT[dialect];
  const columns = Object.keys(template).filter((c) => !(table === 'audit_events' && c === 'id'));
  const values = columns.map((c) => (c in overrides ? overrides[c] : literal(template[c])));
  const from = typeof d.from === 'function' ? d.from(lo, hi) : d.from;
  return `${d.series(lo, hi)} INSERT INTO ${table} (${columns.join(', ')}) SELECT ${values.join(', ')} FROM ${from}`;
}

/**
 * Seeds users [`usersFrom`, `users`) (each with a client, an active session in organization i mod `orgs`, and a
 * membership there) and organizations [`orgsFrom`, `orgs`). `exec(sql)` runs one statement (in the caller's
 * dialect); batches of `batch` rows keep each statement bounded. Stops early when the projected time exceeds
 * `budgetMs`. Returns the seconds it took and the number of users there are now.
 */
export async function seedSql({
  dialect,
  exec,
  templates,
  users,
  usersFrom = 0,
  orgs,
  orgsFrom = 0,
  batch = 100_000,
  budgetMs = Infinity,
  log = () => {},
}) {
  const d = DIALECT[dialect];
  const started = performance.now();
  const longAgo = Date.now() - 24 * 3600 * 1000; // last rotation a day ago: the next refresh rotates
  const i = 's.i';
  const orgOf = `(${i} % ${orgs})`;
  for (let lo = orgsFrom; lo < orgs; lo += batch) {
    const hi = Math.min(orgs, lo + batch);
    await exec(
      insertSql(
        dialect,
        'organizations',
        templates.organization,
        {
          id: d.id('org', i),
          name: `'Org ' || ${d.text(i)}`,
          slug: `'org-' || ${d.text(i)}`,
          created_by: 'NULL',
          created_at: String(longAgo),
          updated_at: String(longAgo),
        },
        lo,
        hi,
      ),
    );
  }
  for (let lo = usersFrom; lo < users; lo += batch) {
    const hi = Math.min(users, lo + batch);
    const common = { created_at: String(longAgo), updated_at: String(longAgo) };
    await exec(
      insertSql(
        dialect,
        'users',
        templates.user,
        { id: d.id('user', i), email: `'u' || ${d.text(i)} || '@bench.example.com'`, last_sign_in_at: String(longAgo), ...common },
        lo,
        hi,
      ),
    );
    await exec(
      insertSql(
        dialect,
        'clients',
        templates.client,
        {
          id: d.id('client', i),
          token_hash: d.secretHash(i),
          previous_token_hash: 'NULL',
          rotated_at: String(longAgo),
          active_session_id: d.id('sess', i),
          ...common,
        },
        lo,
        hi,
      ),
    );
    await exec(
      insertSql(
        dialect,
        'sessions',
        templates.session,
        {
          id: d.id('sess', i),
          client_id: d.id('client', i),
          user_id: d.id('user', i),
          status: "'active'",
          last_active_at: String(longAgo),
          ended_at: 'NULL',
          active_organization_id: d.id('org', orgOf),
          ...common,
        },
        lo,
        hi,
      ),
    );
    await exec(
      insertSql(
        dialect,
        'memberships',
        templates.membership,
        { id: d.id('orgmem', i), organization_id: d.id('org', orgOf), user_id: d.id('user', i), role: "'org:member'", ...common },
        lo,
        hi,
      ),
    );
    const elapsed = performance.now() - started;
    if (hi < users && (elapsed / (hi - usersFrom)) * (users - usersFrom) > budgetMs) {
      log(`  seeding: ${hi.toLocaleString('en-US')} users in ${(elapsed / 1000).toFixed(0)} s; the rest would exceed the budget, stopping`);
      return { seconds: elapsed / 1000, seeded: hi };
    }
    if (hi % (batch * 5) === 0 || hi === users) {
      log(
        `  seeding: ${hi.toLocaleString('en-US')} / ${users.toLocaleString('en-US')} users (${((performance.now() - started) / 1000).toFixed(1)} s)`,
      );
    }
  }
  return { seconds: (performance.now() - started) / 1000, seeded: users };
}

/** The SQL functions the SQLite statements use (registered on a better-sqlite3 handle). */
export function registerSqliteFunctions(db) {
  db.function('bench_id', { deterministic: true }, (n) => idPart(Number(n)));
  db.function('bench_secret_hash', { deterministic: true }, (n) =>
    createHash('sha256')
      .update(`S${String(n).padStart(42, '0')}`)
      .digest('hex'),
  );
}
