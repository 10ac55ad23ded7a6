// Organization roles and permissions: the built-in set, custom roles from configuration and the database, validation, the live registry.

export const SYSTEM_PERMISSIONS: readonly string[] = [
  'org:sys_profile:manage',
  'org:sys_profile:delete',
  'org:sys_memberships:read',
  'org:sys_memberships:manage',
  'org:sys_domains:read',
  'org:sys_domains:manage',
];

export interface RoleDefinition {
  /** `org:<name>`. */
  key: string;
  name: string;
  description?: string;
  /** `org:<feature>:<action>`, custom or system. */
  permissions: string[];
}

export interface RolesConfig {
  roles?: RoleDefinition[];
  /** The role an organization's creator gets (default `org:admin`). */
  creatorRole?: string;
  /** The role new members get when an invitation names none (default `org:member`). */
  defaultRole?: string;
}

export interface Roles {
  readonly list: readonly RoleDefinition[];
  readonly creatorRole: string;
  readonly defaultRole: string;
  get(key: string): RoleDefinition | null;
  permissionsOf(key: string): readonly string[];
  /** Every permission of `inner` is also held by `outer` (inviting never grants more than one has). */
  isWithin(inner: string, outer: string): boolean;
}

/** Where a role is defined. Built-in and configured roles are read-only at run time. */
export type RoleSource = 'built-in' | 'database' | 'configuration';

/** A compiled role set that also says where each role comes from. */
export interface RoleSet extends Roles {
  sourceOf(key: string): RoleSource | null;
}

/**
 * The role set of a running instance: the same reads as {@link Roles}, over the set last loaded
 * (built-in, then the database's roles, then configuration's, which win for their keys).
 */
export interface RoleRegistry extends RoleSet {
  /** The set these database roles would give, validated, without switching to it. @throws TypeError */
  compile(stored: readonly RoleDefinition[]): RoleSet;
  /** Switches to the set these database roles give. @throws TypeError (and keeps the current set) */
  load(stored: readonly RoleDefinition[]): void;
}

// Role keys stay within 64 characters (`org:` + 60), the width of the id columns that name them (audit subjects).
export const ROLE_KEY = /^org:[a-z0-9_-]{1,60}$/;
const PERMISSION_KEY = /^org:[a-z0-9_-]{1,64}:[a-z0-9_-]{1,64}$/;
const MAX_NAME_LENGTH = 256;
const MAX_DESCRIPTION_LENGTH = 1024;
/** Every permission of the active org's role travels in the session token (a cookie): keep it bounded. */
export const MAX_ROLE_PERMISSIONS = 100;

export const BUILT_IN_ROLES: readonly RoleDefinition[] = [
  { key: 'org:admin', name: 'Admin', description: 'Manages the organization and its members.', permissions: [...SYSTEM_PERMISSIONS] },
  { key: 'org:member', name: 'Member', description: 'Belongs to the organization.', permissions: ['org:sys_memberships:read'] },
];

/** The creator must be able to manage the organization it just made, or nobody could. */
export const CREATOR_NEEDS: readonly string[] = ['org:sys_memberships:manage', 'org:sys_memberships:read', 'org:sys_profile:delete'];

/**
 * Checks one role definition (from configuration or from the backend API) and returns it
 * normalised: permissions de-duplicated, and `org:admin` always with every system permission.
 * @throws TypeError naming the problem
 */
export function checkRole(role: RoleDefinition): RoleDefinition {
  if (!ROLE_KEY.test(role.key))
    throw new TypeError(`Role keys look like org:<name> (lowercase, at most 60 characters): ${role.key.slice(0, 80)}`);
  const name = role.name.trim();
  // Names and descriptions are shown in emails and pages: no control characters.
  // eslint-disable-next-line no-control-regex
  if (name.length === 0 || name.length > MAX_NAME_LENGTH || /[\u0000-\u001f\u007f]/.test(name))
    throw new TypeError(`Role ${role.key}: the name must be 1 to ${MAX_NAME_LENGTH} characters, without control characters`);
  const description = role.description?.trim();
  // eslint-disable-next-line no-control-regex
  if (description !== undefined && (description.length > MAX_DESCRIPTION_LENGTH || /[\u0000-\u0009\u000b-\u001f\u007f]/.test(description)))
    throw new TypeError(
      `Role ${role.key}: the description must be at most ${MAX_DESCRIPTION_LENGTH} characters, without control characters`,
    );
  for (const permission of role.permissions) {
    if (!PERMISSION_KEY.test(permission)) throw new TypeError(`Permissions look like org:<feature>:<action>: ${permission.slice(0, 140)}`);
    if (permission.startsWith('org:sys_') && !SYSTEM_PERMISSIONS.includes(permission))
      throw new TypeError(`Unknown system permission: ${permission}`);
  }
  const permissions = [...new Set(role.key === 'org:admin' ? [...SYSTEM_PERMISSIONS, ...role.permissions] : role.permissions)];
  if (permissions.length > MAX_ROLE_PERMISSIONS) throw new TypeError(`Role ${role.key}: at most ${MAX_ROLE_PERMISSIONS} permissions`);
  return { key: role.key, name, ...(description ? { description } : {}), permissions };
}

/**
 * Compiles the effective role set: the built-in roles, then `stored` (roles created at run time;
 * entries for built-in keys are ignored), then configured roles, which replace any role of the
 * same key (so `org:admin` can gain custom permissions; it always keeps every system permission).
 * The creator and default roles must exist, and the creator role must be able to manage the org.
 * @throws TypeError naming the problem
 */
export function compileRoles(config: RolesConfig = {}, stored: readonly RoleDefinition[] = []): RoleSet {
  const byKey = new Map<string, RoleDefinition>(BUILT_IN_ROLES.map((r) => [r.key, { ...r, permissions: [...r.permissions] }]));
  const sources = new Map<string, RoleSource>(BUILT_IN_ROLES.map((r) => [r.key, 'built-in']));
  for (const role of stored) {
    if (sources.get(role.key) === 'built-in') continue;
    byKey.set(role.key, checkRole(role));
    sources.set(role.key, 'database');
  }
  for (const role of config.roles ?? []) {
    byKey.set(role.key, checkRole(role));
    sources.set(role.key, 'configuration');
  }
  const creatorRole = config.creatorRole ?? 'org:admin';
  const defaultRole = config.defaultRole ?? 'org:member';
  const creator = byKey.get(creatorRole);
  if (!creator) throw new TypeError(`The creator role ${creatorRole} is not defined (it must be built in or configured)`);
  const missing = CREATOR_NEEDS.filter((p) => !creator.permissions.includes(p));
  if (missing.length) throw new TypeError(`The creator role ${creatorRole} must have ${missing.join(', ')}`);
  if (!byKey.has(defaultRole)) throw new TypeError(`The default role ${defaultRole} is not defined (it must be built in or configured)`);
  const list = [...byKey.values()];
  return {
    list,
    creatorRole,
    defaultRole,
    get: (key) => byKey.get(key) ?? null,
    permissionsOf: (key) => byKey.get(key)?.permissions ?? [],
    isWithin(inner, outer) {
      const held = new Set(byKey.get(outer)?.permissions ?? []);
      const wanted = byKey.get(inner);
      return wanted !== undefined && wanted.permissions.every((p) => held.has(p));
    },
    sourceOf: (key) => sources.get(key) ?? null,
  };
}

/**
 * A live role set. Callers keep one reference and always read the set loaded last. `beforeRead`
 * runs on every read (cheap: the instance uses it to notice, at most every few seconds, roles that
 * another process changed).
 * @throws TypeError when the initial set is invalid
 */
export function createRoleRegistry(
  config: RolesConfig = {},
  stored: readonly RoleDefinition[] = [],
  hooks: { beforeRead?: () => void } = {},
): RoleRegistry {
  let current = compileRoles(config, stored);
  const read = (): RoleSet => {
    hooks.beforeRead?.();
    return current;
  };
  return {
    get list() {
      return read().list;
    },
    get creatorRole() {
      return current.creatorRole;
    },
    get defaultRole() {
      return current.defaultRole;
    },
    get: (key) => read().get(key),
    permissionsOf: (key) => read().permissionsOf(key),
    isWithin: (inner, outer) => read().isWithin(inner, outer),
    sourceOf: (key) => read().sourceOf(key),
    compile: (next) => compileRoles(config, next),
    load(next) {
      current = compileRoles(config, next);
    },
  };
}
