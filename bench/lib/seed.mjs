// Bulk seeding of users, clients and sessions straight into a Gatehouse SQLite file.
//
// Going through sign-up would cost one argon2id hash per user (~30 ms: 5 minutes for 10k), so rows
// are cloned from ones the real sign-up wrote (same columns, same password hash) with fresh ids and
// client secrets in Gatehouse's formats, and inserted with prepared statements in large transactions.

import { createHash, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
/** `prefix_` + 128 random bits in lowercase base32, like the server's ids. */
export function newId(prefix) {
  const bytes = randomBytes(16);
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return `${prefix}_${out}`;
}

function insertStatement(db, table, row) {
  const columns = Object.keys(row).filter((c) => !(table === 'audit_events' && c === 'id'));
  return { columns, stmt: db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`) };
}

/**
 * Inserts `count` users, each with one client and one active session, cloned from template rows.
 * Keeps the client tokens of every `keepEvery`-th client (those are the ones a benchmark refreshes).
 * Stops early (returning `completed: false`) when the projected time exceeds `budgetMs`.
 */
export function seedUsers(file, { count, templates, emailPrefix, keepEvery = 1, budgetMs = Infinity, batch = 10_000, log = () => {} }) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const users = insertStatement(db, 'users', templates.user);
  const clients = insertStatement(db, 'clients', templates.client);
  const sessions = insertStatement(db, 'sessions', templates.session);
  const longAgo = Date.now() - 24 * 3600 * 1000; // last rotation a day ago: the next refresh rotates
  const kept = [];
  const started = performance.now();
  const insertBatch = db.transaction((from, to) => {
    for (let i = from; i < to; i++) {
      const userId = newId('user');
      const clientId = newId('client');
      const sessionId = newId('sess');
      const secret = randomBytes(32).toString('base64url');
      const user = { ...templates.user, id: userId, email: `${emailPrefix}${i}@bench.example.com`, last_sign_in_at: longAgo };
      const client = {
        ...templates.client,
        id: clientId,
        token_hash: createHash('sha256').update(secret).digest('hex'),
        previous_token_hash: null,
        rotated_at: longAgo,
        active_session_id: sessionId,
        created_at: longAgo,
        updated_at: longAgo,
      };
      const session = {
        ...templates.session,
        id: sessionId,
        client_id: clientId,
        user_id: userId,
        status: 'active',
        created_at: longAgo,
        updated_at: longAgo,
        last_active_at: longAgo,
        ended_at: null,
      };
      users.stmt.run(users.columns.map((c) => user[c]));
      clients.stmt.run(clients.columns.map((c) => client[c]));
      sessions.stmt.run(sessions.columns.map((c) => session[c]));
      if (i % keepEvery === 0) kept.push({ email: user.email, clientToken: `${clientId}.${secret}` });
    }
  });
  let done = 0;
  let completed = true;
  while (done < count) {
    const to = Math.min(count, done + batch);
    insertBatch(done, to);
    done = to;
    const elapsed = performance.now() - started;
    const projected = (elapsed / done) * count;
    if (projected > budgetMs && done < count) {
      completed = false;
      log(
        `  seeding: ${done.toLocaleString('en-US')} rows in ${(elapsed / 1000).toFixed(1)} s, projected ${(projected / 1000).toFixed(0)} s > budget; stopping`,
      );
      break;
    }
    if (done % (batch * 10) === 0 || done === count) {
      log(`  seeding: ${done.toLocaleString('en-US')} / ${count.toLocaleString('en-US')} (${(elapsed / 1000).toFixed(1)} s)`);
    }
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.exec('ANALYZE');
  db.close();
  return { completed, seeded: done, seconds: (performance.now() - started) / 1000, kept };
}
