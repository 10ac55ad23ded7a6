// The signing keys and JWT templates tables and their queries (one implementation for every dialect).

import type { Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely';
import type { Database } from '../store/types.js';

export interface SigningKeysTable {
  id: string;
  alg: string;
  public_jwk: string;
  private_jwk_sealed: string;
  /** `next`: published, signs from `activate_at` on; `active`: signs; `previous`: verifies until `retire_at`. */
  status: 'next' | 'active' | 'previous' | 'retired';
  created_at: number;
  retire_at: number | null;
  activate_at: number | null;
}

/** JWT templates created at run time (configured ones are not stored). An HMAC secret is stored only as the name of the environment variable that holds it. */
export interface JwtTemplatesTable {
  name: string;
  /** JSON object with shortcodes. */
  claims: string;
  lifetime_seconds: number;
  allowed_clock_skew_seconds: number;
  /** `RS256` (the instance key) or `HS256|HS384|HS512` (with `signing_secret_env`). */
  signing_algorithm: string;
  signing_secret_env: string | null;
  created_at: number;
  updated_at: number;
}

export type SigningKeyRow = Selectable<SigningKeysTable>;

export type JwtTemplateRow = Selectable<JwtTemplatesTable>;

/** The tables of this feature in the store's database type. */
export interface TokensDatabase {
  signing_keys: SigningKeysTable;
  jwt_templates: JwtTemplatesTable;
}

/** What the tokens feature (keys and templates) asks of a database. */
export interface TokenStore {
  insertSigningKey(row: Insertable<SigningKeysTable>): Promise<void>;
  listSigningKeys(): Promise<SigningKeyRow[]>;
  updateSigningKey(id: string, changes: Updateable<SigningKeysTable>): Promise<void>;
  /** The JWT templates created at run time, by name. */
  listJwtTemplates(): Promise<JwtTemplateRow[]>;
  /** Creates the template or replaces its fields (all but `created_at`). */
  saveJwtTemplate(row: Insertable<JwtTemplatesTable>): Promise<void>;
  deleteJwtTemplate(name: string): Promise<void>;
}

export function tokenQueries(db: Kysely<Database> | Transaction<Database>): TokenStore {
  return {
    async insertSigningKey(row) {
      await db.insertInto('signing_keys').values(row).execute();
    },
    async listSigningKeys() {
      return db.selectFrom('signing_keys').selectAll().orderBy('created_at', 'desc').execute();
    },
    async updateSigningKey(id, changes) {
      await db.updateTable('signing_keys').set(changes).where('id', '=', id).execute();
    },
    async listJwtTemplates() {
      return db.selectFrom('jwt_templates').selectAll().orderBy('name').execute();
    },
    async saveJwtTemplate(row) {
      const { name: _name, created_at: _created, ...changes } = row;
      await db
        .insertInto('jwt_templates')
        .values(row)
        .onConflict((oc) => oc.column('name').doUpdateSet(changes))
        .execute();
    },
    async deleteJwtTemplate(name) {
      await db.deleteFrom('jwt_templates').where('name', '=', name).execute();
    },
  };
}
