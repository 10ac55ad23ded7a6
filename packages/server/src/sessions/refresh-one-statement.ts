// The refresh in one statement on PostgreSQL (issue #20): the read of a client's rows and, when
// they show a plain refresh, its writes, in one round trip.

import type { Kysely, Transaction } from 'kysely';
import { preparedQuery } from '../store/prepared.js';
import type { Database } from '../store/types.js';
import type { ClientRow, SessionRow } from './session-store.js';
import {
  DIVISION_BY_ZERO,
  EMPTY,
  JOINS,
  ROWS_AS_JSON,
  type ClientRefreshRows,
  type RefreshSpeculation,
  type RefreshStore,
  type SpeculativeRefreshRows,
} from './refresh-store.js';

/**
 * READ_CLIENT_ROWS with the writes of a {@link RefreshSpeculation} in data-modifying CTEs. `plain`
 * is the SQL side of the speculation, over the rows as read: a sufficient condition for the
 * refresh's decision (session-refresh.ts) to make exactly these writes; `due` is its rotation rule
 * and the predecessor's test is predecessorStillGood without a lost successor to replace
 * (advanceClientToken). The client is updated first (to itself when its token neither rotates nor
 * is first seen: the row lock the compare and swap takes too), only while its token chain and
 * active session are as read (re-checked on its newest version once its lock is granted), then the
 * session while it is as read, then the retirement. Should the session change between the snapshot
 * and its lock (a writer that does not lock the client first), 1 / 0 undoes the whole statement.
 * $1 client id, $2 presented hash, $3 at, $4 grace ms, $5 rotated token hash, $6 abandon_at,
 * $7 prune before, $8 organizations required, $9 second factor required.
 */
const READ_CLIENT_ROWS_WRITING = `WITH read AS (
  SELECT to_json(c) AS client, ${ROWS_AS_JSON},
    c.token_hash, c.previous_token_hash, c.token_seen_at, c.rotated_at, c.active_session_id,
    s.status AS session_status, s.active_organization_id, s.updated_at AS session_updated_at,
    coalesce(c.token_hash = $2::text, false) AS presents_current,
    coalesce(c.token_hash = $2::text AND $3::bigint - c.rotated_at >= $4::numeric
      AND (c.previous_token_hash IS NULL OR $3::bigint - coalesce(c.token_seen_at, $3::bigint) >= $4::numeric), false) AS due,
    coalesce((c.token_hash = $2::text
        OR c.previous_token_hash = $2::text AND $3::bigint - coalesce(c.token_seen_at, c.rotated_at) < $4::numeric)
      AND s.status = 'active' AND s.expire_at > $3::bigint AND (s.abandon_at IS NULL OR s.abandon_at > $3::bigint)
      AND u.id IS NOT NULL AND u.banned <> 1
      AND (s.active_organization_id IS NULL AND NOT $8::boolean OR o.id IS NOT NULL AND m.id IS NOT NULL)
      AND (NOT ($9::boolean OR coalesce(o.second_factor_required, 0) = 1)
        OR EXISTS (SELECT 1 FROM user_factors f WHERE f.user_id = s.user_id AND (f.kind = 'passkey' OR f.kind = 'totp' AND f.status = 'verified'))), false) AS plain
  FROM clients c LEFT JOIN sessions s ON s.id = c.active_session_id ${JOINS}
  WHERE c.id = $1::text),
client AS (
  UPDATE clients SET
    token_hash = CASE WHEN read.due THEN $5::text ELSE clients.token_hash END,
    previous_token_hash = CASE WHEN read.due THEN clients.token_hash ELSE clients.previous_token_hash END,
    rotated_at = CASE WHEN read.due THEN $3::bigint ELSE clients.rotated_at END,
    token_seen_at = CASE WHEN read.due THEN NULL WHEN read.presents_current THEN coalesce(clients.token_seen_at, $3::bigint)
      ELSE clients.token_seen_at END,
    updated_at = CASE WHEN read.due THEN $3::bigint ELSE clients.updated_at END
  FROM read
  WHERE read.plain AND clients.id = $1::text
    AND clients.token_hash = read.token_hash AND clients.previous_token_hash IS NOT DISTINCT FROM read.previous_token_hash
    AND clients.token_seen_at IS NOT DISTINCT FROM read.token_seen_at AND clients.rotated_at = read.rotated_at
    AND clients.active_session_id = read.active_session_id
  RETURNING to_json(clients) AS row),
session AS (
  UPDATE sessions SET last_active_at = $3::bigint, updated_at = $3::bigint, abandon_at = $6::bigint
  FROM read
  WHERE sessions.id = read.active_session_id AND sessions.status = read.session_status
    AND sessions.active_organization_id IS NOT DISTINCT FROM read.active_organization_id
    AND sessions.updated_at = read.session_updated_at AND EXISTS (SELECT 1 FROM client)
  RETURNING to_json(sessions) AS row),
retiring AS (SELECT read.previous_token_hash AS token_hash FROM read WHERE read.due AND read.previous_token_hash IS NOT NULL AND EXISTS (SELECT 1 FROM session)),
pruned AS (DELETE FROM retired_client_tokens WHERE retired_at < $7::bigint AND EXISTS (SELECT 1 FROM retiring)),
retired AS (INSERT INTO retired_client_tokens (token_hash, client_id, retired_at)
  SELECT token_hash, $1::text, $3::bigint FROM retiring ON CONFLICT (token_hash) DO NOTHING)
SELECT read.client, read.session, read."user", read.organization, read.membership, read.factors,
  client.row AS written_client, session.row AS written_session, retiring.token_hash AS retired,
  1 / (CASE WHEN client.row IS NOT NULL AND session.row IS NULL THEN 0 ELSE 1 END) AS whole
FROM read LEFT JOIN client ON true LEFT JOIN session ON true LEFT JOIN retiring ON true`;

/** A row of READ_CLIENT_ROWS_WRITING. */
interface WritingRow extends ClientRefreshRows {
  written_client: ClientRow | null;
  written_session: SessionRow | null;
  retired: string | null;
}

/** {@link RefreshStore.readClientRefreshRowsWriting} on PostgreSQL: one prepared statement. */
async function readWriting(
  db: Kysely<Database> | Transaction<Database>,
  clientId: string,
  s: RefreshSpeculation,
): Promise<SpeculativeRefreshRows | null> {
  const values = [
    clientId,
    s.presented,
    s.at,
    s.graceMs,
    s.rotatedTokenHash,
    s.abandonAt,
    s.pruneBefore,
    s.organizationsRequired,
    s.secondFactorRequired,
  ];
  let found: WritingRow | undefined;
  try {
    found = (await db.executeQuery(preparedQuery<WritingRow>(READ_CLIENT_ROWS_WRITING, values))).rows[0];
  } catch (error) {
    if ((error as { code?: unknown }).code === DIVISION_BY_ZERO) return null;
    throw error;
  }
  if (!found) return { client: null, ...EMPTY, written: null };
  const { written_client, written_session, retired, client, session, user, organization, membership, factors } = found;
  const read: ClientRefreshRows = { client, session, user, organization, membership, factors };
  const written = written_client && written_session ? { client: written_client, session: written_session, retired } : null;
  // No active session: the joins gave nulls, and factors an empty list of nobody's.
  return { ...read, ...(read.session ? {} : EMPTY), written };
}

/** The store's {@link RefreshStore.readClientRefreshRowsWriting} (PostgreSQL only). */
export function oneStatementRefreshQueries(
  db: Kysely<Database> | Transaction<Database>,
): Required<Pick<RefreshStore, 'readClientRefreshRowsWriting'>> {
  return { readClientRefreshRowsWriting: (clientId, speculation) => readWriting(db, clientId, speculation) };
}
