// SQL fragments shared by the feature stores.

import { sql, type Expression, type SqlBool } from 'kysely';

/**
 * `column` contains `text`, case-insensitively on every dialect, with `%`, `_` and `\\` in the
 * text matched literally (a search for "a_b" must not match "axb").
 */
export function contains(column: string, text: string): Expression<SqlBool> {
  const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql<SqlBool>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`;
}
