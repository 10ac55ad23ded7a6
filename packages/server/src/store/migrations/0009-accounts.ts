// Migration 0009_accounts: several email addresses per user, sign-up and sign-in attempts, verification codes, and the mail outbox.

import { sql, type Kysely, type Migration } from 'kysely';
export const m0009Accounts = (): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('email_addresses')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('email', 'varchar(320)', (c) => c.notNull().unique())
      .addColumn('verified', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('email_addresses_user_idx').on('email_addresses').column('user_id').execute();
    // Every existing user's one address becomes their primary address row, with the id the user
    // objects already showed (`idn_` and the user id's random part), so ids stay stable.
    await sql`insert into email_addresses (id, user_id, email, verified, created_at, updated_at)
      select 'idn_' || substr(id, 6), id, email, email_verified, created_at, updated_at from users`.execute(db);

    await db.schema
      .createTable('sign_up_attempts')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('email', 'varchar(320)', (c) => c.notNull())
      .addColumn('password_hash', 'text')
      .addColumn('first_name', 'varchar(256)')
      .addColumn('last_name', 'varchar(256)')
      .addColumn('status', 'varchar(32)', (c) => c.notNull())
      // The address belonged to someone when the attempt began: it can never complete.
      .addColumn('taken', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_user_id', 'varchar(64)')
      .addColumn('created_session_id', 'varchar(64)')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('expire_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('sign_in_attempts')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('identifier', 'varchar(320)')
      .addColumn('user_id', 'varchar(64)')
      .addColumn('status', 'varchar(32)', (c) => c.notNull())
      .addColumn('strategy', 'varchar(64)')
      .addColumn('first_factor_verified_at', 'bigint')
      .addColumn('second_factor_verified_at', 'bigint')
      .addColumn('created_session_id', 'varchar(64)')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('expire_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('verification_codes')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('purpose', 'varchar(32)', (c) => c.notNull())
      // The sign-up attempt, sign-in attempt or email address the code verifies.
      .addColumn('target_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('code_hash', 'varchar(64)', (c) => c.notNull())
      .addColumn('link_hash', 'varchar(64)')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('expire_at', 'bigint', (c) => c.notNull())
      .addColumn('consumed_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('verification_codes_target_idx').on('verification_codes').columns(['target_id', 'created_at']).execute();
    await db.schema.createIndex('verification_codes_link_idx').on('verification_codes').column('link_hash').execute();

    await db.schema
      .createTable('mail_outbox')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('kind', 'varchar(64)', (c) => c.notNull())
      .addColumn('to_address', 'varchar(320)', (c) => c.notNull())
      .addColumn('subject', 'varchar(512)', (c) => c.notNull())
      // Bodies hold codes and links (bearer secrets): they are blanked once the mail is sent.
      .addColumn('text_body', 'text', (c) => c.notNull())
      .addColumn('html_body', 'text', (c) => c.notNull())
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
      .addColumn('lease_owner', 'varchar(64)')
      .addColumn('lease_until', 'bigint')
      .addColumn('last_error', 'varchar(512)')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('sent_at', 'bigint')
      .execute();
    await db.schema.createIndex('mail_outbox_due_idx').on('mail_outbox').columns(['status', 'next_attempt_at']).execute();
  },
});
