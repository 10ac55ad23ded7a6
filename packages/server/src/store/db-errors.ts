// Database errors the store reacts to, recognised by driver error code (not by class: a second copy of a driver still counts).

const codeOf = (error: unknown): unknown => (typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined);

/** Whether a write failed on a unique index: SQLite (better-sqlite3) and PostgreSQL (pg) say so by code. */
export function isUniqueViolation(error: unknown): boolean {
  const code = codeOf(error);
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}

/** Driver codes that mean "the database cannot be reached or cannot serve now", not "this request is wrong". */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  // PostgreSQL: connection exceptions (08xxx), shutdown (57P01-57P03), too many connections (53300).
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  // PostgreSQL: a statement cancelled by statement_timeout (57014), a session ended by
  // idle_in_transaction_session_timeout (25P03).
  '57014',
  '25P03',
  // SQLite: the file is locked, gone, unreadable or the disk is full.
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_CANTOPEN',
  'SQLITE_FULL',
  'SQLITE_READONLY',
]);
/** What pg and pg-pool say, without a code, when a connection drops or cannot be made in time. */
const UNAVAILABLE_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended|Query read timeout/i;

/**
 * Whether an error means the database is unavailable (down, unreachable, restarting, locked): the
 * API answers 503 and keeps every cookie, instead of a 500 or signing the browser out.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const code = codeOf(error);
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('SQLITE_IOERR'))) return true;
  const message = error instanceof Error ? error.message : '';
  return UNAVAILABLE_MESSAGE.test(message);
}

const TRANSACTION_ATTEMPTS = 3;

/**
 * Runs a whole transaction again when PostgreSQL aborted it for a deadlock (40P01) or a failed
 * serialization check (40001). Its writes were rolled back whole, so running it again is safe; row
 * locks taken in different orders (a refresh and an "everywhere" sign-out touching the same client
 * and sessions) are what makes this happen, and the second run nearly always goes through.
 */
export async function retryTransientConflicts<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const code = codeOf(error);
      if (attempt >= TRANSACTION_ATTEMPTS || (code !== '40P01' && code !== '40001')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
    }
  }
}
