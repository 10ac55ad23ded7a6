// Migration 0019_mail_links: an outbox mail keeps the link it is about (an invitation's accept URL), so the dev inbox can show it; blanked once sent like the bodies (issue #16).

import type { Kysely, Migration } from 'kysely';

export const m0019MailLinks = (): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('mail_outbox')
      .addColumn('link', 'varchar(2048)', (c) => c.notNull().defaultTo(''))
      .execute();
  },
});
