// Database errors the store reacts to, recognised by driver error code (not by class: a second copy of a driver still counts).

const codeOf = (error: unknown): unknown => (typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined);

/** Whether a write failed on a unique index: SQLite (better-sqlite3) and PostgreSQL (pg) say so by code. */
export function isUniqueViolation(error: unknown): boolean {
  const code = codeOf(error);
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
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
