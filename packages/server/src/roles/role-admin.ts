// Roles at run time: the live registry (built-in, database, configuration), the backend API that changes the database's roles, and noticing changes other processes made.

import { GatehouseError, type RequestContext } from '@gatehouse/core';
import type { ClaimStamps } from '../propagation/claim-stamps.js';
import { newSecret } from '../store/ids.js';
import { MANAGE_MEMBERS, audit } from '../organizations/org-access.js';
import {
  ROLE_KEY,
  checkRole,
  createRoleRegistry,
  type RoleDefinition,
  type RoleRegistry,
  type RoleSource,
  type RolesConfig,
} from './roles.js';
import { BACKEND_CONTEXT } from '../sessions/session-core.js';
import type { RoleRow } from './role-store.js';
import type { Store } from '../store/types.js';

/** A role as the admin API shows it. */
export interface RoleInfo extends RoleDefinition {
  source: RoleSource;
  /** Built-in and configured roles cannot be changed or removed at run time. */
  readOnly: boolean;
  /** What an organization's creator gets. */
  creatorRole: boolean;
  /** What an invitation that names no role gives. */
  defaultRole: boolean;
  /** For roles stored in the database; null otherwise. */
  createdAt: number | null;
  updatedAt: number | null;
}

export interface RoleInput {
  key: string;
  name: string;
  description?: string | null | undefined;
  permissions: readonly string[];
}

export interface RoleChangeOptions {
  /** The user who asked (an instance admin), or null for server code and the CLI. */
  actorId?: string | null;
  ctx?: RequestContext;
}

export interface RoleAdmin {
  /** The live role set every use case reads. */
  readonly roles: RoleRegistry;
  /** The effective roles: built-in, then the database's, then configuration's (which win for their keys). */
  list(): Promise<RoleInfo[]>;
  /**
   * Creates or replaces a database role, validated like configured roles. Holders' older tokens
   * are refused from their next request on, so the next token carries the new permissions.
   * @throws GatehouseError `bad_request` (invalid), `conflict` (built-in or configured role; an
   *   organization would be left without a member who can manage members)
   */
  upsert(input: RoleInput, options?: RoleChangeOptions): Promise<{ role: RoleInfo; created: boolean; changed: boolean }>;
  /**
   * Deletes a database role.
   * @throws GatehouseError `not_found`, `conflict` (built-in, configured, creator or default role;
   *   still held by a member or named by a pending invitation)
   */
  remove(key: string, options?: RoleChangeOptions): Promise<void>;
  /** Re-reads the database's roles when another process changed them (a pub/sub message can call this). */
  reload(): Promise<void>;
  /** Stops the background check (on close). */
  stop(): void;
}

/** Written with every change, so that other processes notice it with one small read. */
const REVISION_KEY = 'roles_revision';
/** How often, at most, a process that reads roles checks for changes made by another process (the CLI, another instance). */
const CHECK_EVERY_MS = 5_000;

function toDefinition(row: RoleRow): RoleDefinition {
  let permissions: unknown;
  try {
    permissions = JSON.parse(row.permissions);
  } catch {
    permissions = null;
  }
  if (!Array.isArray(permissions) || !permissions.every((p) => typeof p === 'string'))
    throw new TypeError(`Role ${row.key}: bad permissions`);
  return { key: row.key, name: row.name, ...(row.description ? { description: row.description } : {}), permissions };
}

const fingerprint = (role: RoleDefinition | null): string =>
  role ? JSON.stringify([role.name, role.description ?? null, [...role.permissions].sort()]) : '';

const badRequest = (error: unknown): GatehouseError =>
  new GatehouseError('bad_request', error instanceof Error ? error.message : 'The role is invalid.', { cause: error });

/** The stored roles that still validate; the others are skipped with a warning (their holders get no permissions). */
const validRoles = (rows: readonly RoleRow[], log: (line: string) => void): RoleDefinition[] =>
  rows.flatMap((row) => {
    try {
      return [checkRole(toDefinition(row))];
    } catch (error) {
      log(`gatehouse: WARNING: ignoring stored role ${row.key}: ${error instanceof Error ? error.message : 'invalid'}`);
      return [];
    }
  });

/** A role as the admin API shows it, with where it comes from and, for a database role, its row's times. */
function roleInfo(roles: RoleRegistry, rows: readonly RoleRow[], role: RoleDefinition): RoleInfo {
  const source = roles.sourceOf(role.key) ?? 'database';
  const row = source === 'database' ? rows.find((r) => r.key === role.key) : undefined;
  return {
    key: role.key,
    name: role.name,
    ...(role.description ? { description: role.description } : {}),
    permissions: [...role.permissions],
    source,
    readOnly: source !== 'database',
    creatorRole: role.key === roles.creatorRole,
    defaultRole: role.key === roles.defaultRole,
    createdAt: row ? Number(row.created_at) : null,
    updatedAt: row ? Number(row.updated_at) : null,
  };
}

/** Built-in and configured roles (the creator and default roles among them) change only with the configuration. */
function refuseReadOnly(roles: RoleRegistry, key: string, doing: string): void {
  const source = roles.sourceOf(key);
  if (source === 'built-in') throw new GatehouseError('conflict', `${key} is a built-in role: it cannot be ${doing}.`);
  if (source === 'configuration')
    throw new GatehouseError(
      'conflict',
      `${key} is defined in the configuration: it cannot be ${doing} here (edit gatehouse.config.json).`,
    );
  if (key === roles.creatorRole || key === roles.defaultRole)
    throw new GatehouseError('conflict', `${key} is the instance's creator or default role: it cannot be ${doing}.`);
}

/**
 * Loads the roles (configuration is validated by the caller first) and returns the registry with
 * its admin API. Stored roles that no longer validate are skipped with a warning: their holders
 * get no permissions (fail closed) and the start goes on.
 */
export async function createRoleAdmin(deps: {
  store: Store;
  config: RolesConfig;
  stamps: ClaimStamps;
  now: () => number;
  log: (line: string) => void;
  /** How often, at most, to check for changes made by another process (default 5 s). */
  checkEveryMs?: number;
}): Promise<RoleAdmin> {
  const { store, stamps, now, log } = deps;
  const checkEveryMs = deps.checkEveryMs ?? CHECK_EVERY_MS;

  let revision = await store.getInstanceValue(REVISION_KEY);
  let rows = await store.listRoles();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastCheck = Date.now();
  let stopped = false;
  const roles = createRoleRegistry(deps.config, validRoles(rows, log), { beforeRead: schedule });

  // One reload at a time; a change made here waits for a check in flight, then reloads itself.
  let queue: Promise<void> = Promise.resolve();
  const serial = (fn: () => Promise<void>): Promise<void> => (queue = queue.catch(() => undefined).then(fn));

  /**
   * Switches to the database's roles and stamps every holder of a role whose definition changed:
   * a token minted before now carries the old permissions (or was minted by this process before it
   * noticed), so it is refused and the next refresh mints one with the new set.
   */
  async function reloadFromDatabase(): Promise<void> {
    const nextRevision = await store.getInstanceValue(REVISION_KEY);
    const nextRows = await store.listRoles();
    const before = new Map(roles.list.map((r) => [r.key, fingerprint(r)]));
    roles.load(validRoles(nextRows, log));
    revision = nextRevision;
    rows = nextRows;
    const keys = new Set([...before.keys(), ...roles.list.map((r) => r.key)]);
    const changed = [...keys].filter((key) => before.get(key) !== fingerprint(roles.get(key)));
    const t = now();
    for (const key of changed) for (const userId of await store.listUserIdsWithRole(key)) stamps.stampUser(userId, t);
  }

  function check(): Promise<void> {
    return serial(async () => {
      lastCheck = Date.now();
      if ((await store.getInstanceValue(REVISION_KEY)) !== revision) await reloadFromDatabase();
    });
  }

  /** Runs on every read of the registry: at most one check every few seconds, and only while roles are in use. */
  function schedule(): void {
    if (timer || stopped) return;
    // Real time, not the injectable clock: this paces database reads.
    timer = setTimeout(
      () => {
        timer = null;
        if (!stopped)
          check().catch((error) => log(`gatehouse: could not reload roles: ${error instanceof Error ? error.message : 'unknown'}`));
      },
      Math.max(0, checkEveryMs - (Date.now() - lastCheck)),
    );
    timer.unref?.();
  }

  return {
    roles,

    async list() {
      await check();
      return roles.list.map((role) => roleInfo(roles, rows, role));
    },

    async upsert(input, options = {}) {
      if (!ROLE_KEY.test(input.key))
        throw new GatehouseError('bad_request', 'Role keys look like org:<name> (lowercase, at most 60 characters).');
      await check();
      refuseReadOnly(roles, input.key, 'changed');
      let role: RoleDefinition;
      try {
        const description = input.description?.trim();
        role = checkRole({
          key: input.key,
          name: input.name,
          ...(description ? { description } : {}),
          permissions: [...input.permissions],
        });
      } catch (error) {
        throw badRequest(error);
      }
      const result = await store.transaction(async (tx) => {
        const stored = await tx.listRoles();
        const existing = stored.find((r) => r.key === role.key) ?? null;
        const previous = existing ? (validRoles([existing], log)[0] ?? null) : null;
        if (previous && fingerprint(previous) === fingerprint(role)) return { created: false, changed: false };
        let next;
        try {
          next = roles.compile([
            ...validRoles(
              stored.filter((r) => r.key !== role.key),
              log,
            ),
            role,
          ]);
        } catch (error) {
          throw badRequest(error);
        }
        // The last-admin rule, for a whole role: no organization may lose its last member who can manage members.
        if (existing && roles.permissionsOf(role.key).includes(MANAGE_MEMBERS) && !role.permissions.includes(MANAGE_MEMBERS)) {
          const managers = next.list.filter((r) => r.permissions.includes(MANAGE_MEMBERS)).map((r) => r.key);
          const orphaned = await tx.countOrganizationsRelyingOn(role.key, managers);
          if (orphaned > 0) {
            throw new GatehouseError(
              'conflict',
              `Without ${MANAGE_MEMBERS}, ${orphaned} organization(s) would have no member who can manage members: first give another member a role that can.`,
            );
          }
        }
        const t = now();
        await tx.saveRole({
          key: role.key,
          name: role.name,
          description: role.description ?? null,
          permissions: JSON.stringify(role.permissions),
          created_at: existing ? Number(existing.created_at) : t,
          updated_at: t,
        });
        await tx.setInstanceValue(REVISION_KEY, newSecret());
        const shape = (r: RoleDefinition) => ({ name: r.name, description: r.description ?? null, permissions: r.permissions });
        await audit(tx, options.ctx ?? BACKEND_CONTEXT, {
          at: t,
          action: existing ? 'role.updated' : 'role.created',
          actorId: options.actorId ?? null,
          subjectId: role.key,
          data: existing ? { from: previous ? shape(previous) : null, to: shape(role) } : shape(role),
        });
        return { created: existing === null, changed: true };
      });
      if (result.changed) await serial(reloadFromDatabase);
      const current = roles.get(role.key);
      if (!current) throw new GatehouseError('internal_error', 'The role was saved but could not be loaded.');
      return { role: roleInfo(roles, rows, current), ...result };
    },

    async remove(key, options = {}) {
      if (!ROLE_KEY.test(key)) throw new GatehouseError('not_found', 'No such role.');
      await check();
      refuseReadOnly(roles, key, 'deleted');
      await store.transaction(async (tx) => {
        const existing = (await tx.listRoles()).find((r) => r.key === key);
        if (!existing) throw new GatehouseError('not_found', 'No such role.');
        const holders = await tx.listUserIdsWithRole(key);
        if (holders.length > 0)
          throw new GatehouseError('conflict', `${key} is still held by ${holders.length} user(s): give them another role first.`);
        const t = now();
        const invitations = await tx.countPendingInvitationsWithRole(key, t);
        if (invitations > 0)
          throw new GatehouseError('conflict', `${key} is named by ${invitations} pending invitation(s): revoke them first.`);
        await tx.deleteRole(key);
        await tx.setInstanceValue(REVISION_KEY, newSecret());
        await audit(tx, options.ctx ?? BACKEND_CONTEXT, {
          at: t,
          action: 'role.deleted',
          actorId: options.actorId ?? null,
          subjectId: key,
          data: { name: existing.name, permissions: JSON.parse(existing.permissions) as unknown },
        });
      });
      await serial(reloadFromDatabase);
    },

    reload: () => serial(reloadFromDatabase),

    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
