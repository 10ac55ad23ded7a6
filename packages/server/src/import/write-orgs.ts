// Writes imported custom roles, organizations (ids kept) and memberships (roles checked against the instance's), batch by batch.

import type { Insertable } from 'kysely';
import { newSecret, sha256 } from '../store/ids.js';
import { BUILT_IN_ROLES, checkRole, SYSTEM_PERMISSIONS } from '../roles/roles.js';
import type { MembershipsTable, OrganizationsTable } from '../organizations/organization-store.js';
import type { ImportedMembership, ImportedOrganization, ImportedRole } from './model.js';
import { fingerprint, previousRecords, recordWriter, type ImportDb } from './records.js';
import type { BatchContext } from './write-users.js';

/** Bumped with every role change so running instances reload their roles (see roles/role-admin.ts). */
const ROLES_REVISION_KEY = 'roles_revision';

/**
 * Writes the custom roles (built-in ones are Gatehouse's own and are not replaced). System
 * permissions Gatehouse does not have (Clerk's billing ones) are dropped and reported.
 */
export async function writeRoles(db: ImportDb, roles: readonly ImportedRole[], ctx: BatchContext): Promise<void> {
  const { tally } = ctx;
  const records = recordWriter(db, ctx.at);
  const previous = await previousRecords(
    db,
    ctx.source,
    'role',
    roles.map((r) => r.key),
  );
  let changed = false;
  for (const role of roles) {
    if (BUILT_IN_ROLES.some((b) => b.key === role.key)) {
      tally.counts.role.unchanged += 1;
      continue;
    }
    const print = fingerprint(role);
    const before = previous.get(role.key);
    if (before?.fingerprint === print) {
      tally.counts.role.unchanged += 1;
      continue;
    }
    const unknown = role.permissions.filter((p) => p.startsWith('org:sys_') && !SYSTEM_PERMISSIONS.includes(p));
    if (unknown.length > 0)
      tally.problems.push({
        origin: role.origin,
        id: role.key,
        message: `dropped system permissions Gatehouse does not have: ${unknown.join(', ')}`,
      });
    let checked;
    try {
      const kept = role.permissions.filter((p) => !unknown.includes(p));
      checked = checkRole({
        key: role.key,
        name: role.name,
        ...(role.description ? { description: role.description } : {}),
        permissions: kept,
      });
    } catch (error) {
      tally.counts.role.skipped += 1;
      tally.problems.push({ origin: role.origin, id: role.key, message: error instanceof Error ? error.message : 'invalid role' });
      continue;
    }
    const exists = await db.selectFrom('roles').select('key').where('key', '=', role.key).executeTakeFirst();
    const fields = {
      name: checked.name,
      description: checked.description ?? null,
      permissions: JSON.stringify(checked.permissions),
      updated_at: ctx.at,
    };
    if (exists) await db.updateTable('roles').set(fields).where('key', '=', role.key).execute();
    else
      await db
        .insertInto('roles')
        .values({ key: role.key, ...fields, created_at: ctx.at })
        .execute();
    tally.counts.role[exists ? 'updated' : 'created'] += 1;
    changed = true;
    const record = {
      source: ctx.source,
      kind: 'role' as const,
      source_id: role.key,
      target_id: role.key,
      fingerprint: print,
      flags: '[]',
      run_id: ctx.runId,
    };
    await records.add(record, before !== undefined);
  }
  await records.flush();
  if (changed)
    await db
      .insertInto('instance')
      .values({ key: ROLES_REVISION_KEY, value: newSecret() })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: newSecret() }))
      .execute();
}

function orgFields(org: ImportedOrganization) {
  return {
    name: org.name,
    slug: org.slug,
    image_url: org.imageUrl,
    public_metadata: JSON.stringify(org.publicMetadata),
    private_metadata: JSON.stringify(org.privateMetadata),
    max_memberships: org.maxMemberships,
    created_by: org.createdBy,
  };
}

/** Writes a batch of organizations, keeping their ids; a slug held by another organization is refused. */
export async function writeOrganizationBatch(db: ImportDb, orgs: readonly ImportedOrganization[], ctx: BatchContext): Promise<void> {
  const { tally } = ctx;
  const records = recordWriter(db, ctx.at);
  const ids = orgs.map((o) => o.id);
  const previous = await previousRecords(db, ctx.source, 'organization', ids);
  const existing = await db
    .selectFrom('organizations')
    .select(['id', 'slug'])
    .where((eb) =>
      eb.or([
        eb('id', 'in', ids),
        eb(
          'slug',
          'in',
          orgs.map((o) => o.slug),
        ),
      ]),
    )
    .execute();
  const byId = new Set(existing.map((r) => r.id));
  const slugOwner = new Map(existing.map((r) => [r.slug, r.id]));
  const inserts: Insertable<OrganizationsTable>[] = [];
  for (const org of orgs) {
    const print = fingerprint(org);
    const before = previous.get(org.id);
    if (before?.fingerprint === print) {
      tally.counts.organization.unchanged += 1;
      continue;
    }
    const skip = (message: string) => {
      tally.counts.organization.skipped += 1;
      tally.problems.push({ origin: org.origin, id: org.id, message });
    };
    const owner = slugOwner.get(org.slug);
    if (owner !== undefined && owner !== org.id) {
      skip(`the slug ${org.slug} belongs to another organization (${owner})`);
      continue;
    }
    if (byId.has(org.id) && !before) {
      skip('an organization with this id exists and was not imported from this source');
      continue;
    }
    if (byId.has(org.id)) {
      await db
        .updateTable('organizations')
        .set({ ...orgFields(org), updated_at: ctx.at })
        .where('id', '=', org.id)
        .execute();
      tally.counts.organization.updated += 1;
    } else {
      const created = org.createdAt ?? ctx.at;
      inserts.push({ id: org.id, ...orgFields(org), created_at: created, updated_at: Math.max(created, ctx.at) });
      tally.counts.organization.created += 1;
    }
    slugOwner.set(org.slug, org.id);
    const record = {
      source: ctx.source,
      kind: 'organization' as const,
      source_id: org.id,
      target_id: org.id,
      fingerprint: print,
      flags: '[]',
      run_id: ctx.runId,
    };
    await records.add(record, before !== undefined);
  }
  if (inserts.length > 0) await db.insertInto('organizations').values(inserts).execute();
  await records.flush();
}

/** A membership without an id of its own gets a stable one from its pair, so a re-run finds it again. */
export function membershipSourceId(m: ImportedMembership): string {
  if (m.id) return m.id;
  const digest = sha256(`${m.organizationId}\n${m.userId}`, 'hex').slice(0, 26);
  return `orgmem_${digest}`;
}

/**
 * Writes a batch of memberships. Refused: an organization or user that is not in the database, a
 * role the instance does not know (`knownRoles`: built-in, configured, database), a pair that is
 * already a membership made here (kept as it is).
 */
export async function writeMembershipBatch(
  db: ImportDb,
  memberships: readonly ImportedMembership[],
  ctx: BatchContext & { knownRoles: ReadonlySet<string> },
): Promise<void> {
  const { tally } = ctx;
  const records = recordWriter(db, ctx.at);
  const previous = await previousRecords(db, ctx.source, 'membership', memberships.map(membershipSourceId));
  const orgIds = [...new Set(memberships.map((m) => m.organizationId))];
  const userIds = [...new Set(memberships.map((m) => m.userId))];
  const orgs = new Set((await db.selectFrom('organizations').select('id').where('id', 'in', orgIds).execute()).map((r) => r.id));
  const users = new Set((await db.selectFrom('users').select('id').where('id', 'in', userIds).execute()).map((r) => r.id));
  const pairs = new Map(
    (
      await db
        .selectFrom('memberships')
        .select(['id', 'organization_id', 'user_id'])
        .where('organization_id', 'in', orgIds)
        .where('user_id', 'in', userIds)
        .execute()
    ).map((r) => [`${r.organization_id}\n${r.user_id}`, r.id]),
  );
  const inserts: Insertable<MembershipsTable>[] = [];
  for (const m of memberships) {
    const sourceId = membershipSourceId(m);
    const print = fingerprint(m);
    const before = previous.get(sourceId);
    if (before?.fingerprint === print) {
      tally.counts.membership.unchanged += 1;
      continue;
    }
    const skip = (message: string) => {
      tally.counts.membership.skipped += 1;
      tally.problems.push({ origin: m.origin, id: sourceId, message });
    };
    if (!orgs.has(m.organizationId)) skip(`no organization ${m.organizationId} (not imported)`);
    else if (!users.has(m.userId)) skip(`no user ${m.userId} (not imported)`);
    else if (!ctx.knownRoles.has(m.role)) skip(`the role ${m.role} is not defined here: import or configure it first`);
    else {
      const pairKey = `${m.organizationId}\n${m.userId}`;
      const existingId = pairs.get(pairKey);
      if (existingId !== undefined && existingId !== before?.target_id) {
        skip('already a member (a membership made here is kept as it is)');
        continue;
      }
      if (existingId !== undefined) {
        await db
          .updateTable('memberships')
          .set({ role: m.role, public_metadata: JSON.stringify(m.publicMetadata), updated_at: ctx.at })
          .where('id', '=', existingId)
          .execute();
        tally.counts.membership.updated += 1;
      } else {
        const created = m.createdAt ?? ctx.at;
        inserts.push({
          id: sourceId,
          organization_id: m.organizationId,
          user_id: m.userId,
          role: m.role,
          public_metadata: JSON.stringify(m.publicMetadata),
          created_at: created,
          updated_at: Math.max(created, ctx.at),
        });
        pairs.set(pairKey, sourceId);
        tally.counts.membership.created += 1;
      }
      const record = {
        source: ctx.source,
        kind: 'membership' as const,
        source_id: sourceId,
        target_id: existingId ?? sourceId,
        fingerprint: print,
        flags: '[]',
        run_id: ctx.runId,
      };
      await records.add(record, before !== undefined);
    }
  }
  if (inserts.length > 0) await db.insertInto('memberships').values(inserts).execute();
  await records.flush();
}
