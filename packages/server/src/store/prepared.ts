// Named prepared statements on PostgreSQL: the hot statements (a refresh's), parsed and planned once
// per connection instead of on every call, while their values change.

import { CompiledQuery } from 'kysely';
import { sha256 } from './ids.js';

/** Statement text to its name. Only texts written in our code are registered (a few shapes each). */
const names = new Map<string, string>();

/**
 * A bound on the distinct texts, should a shape ever vary more than intended: past it a text runs
 * unnamed (planned on each call, as any other statement), so no connection's cache of prepared
 * statements grows without end.
 */
const MAX_STATEMENTS = 64;

/**
 * The statement `text` (placeholders `$1`, `$2`, … for `values`) as a query that runs, on
 * PostgreSQL, as a named prepared statement ({@link statementName}). `text` must be built by our
 * code only, never from input: values go in `values`.
 */
export function preparedQuery<R>(text: string, values: readonly unknown[]): CompiledQuery<R> {
  if (!names.has(text) && names.size < MAX_STATEMENTS) {
    // Named after the text itself: one name never stands for two texts (node-postgres refuses that).
    names.set(text, `gatehouse_${sha256(text, 'hex').slice(0, 32)}`);
  }
  return CompiledQuery.raw(text, [...values]) as CompiledQuery<R>;
}

/** The prepared statement's name for a text from {@link preparedQuery}; undefined for any other statement. */
export function statementName(text: string): string | undefined {
  return names.get(text);
}
