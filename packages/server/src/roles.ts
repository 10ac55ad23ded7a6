// Organization roles and permissions: the built-in set, custom roles from configuration, validation.

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

const ROLE_KEY = /^org:[a-z0-9_-]{1,64}$/;
const PERMISSION_KEY = /^org:[a-z0-9_-]{1,64}:[a-z0-9_-]{1,64}$/;

export const BUILT_IN_ROLES: readonly RoleDefinition[] = [
  { key: 'org:admin', name: 'Admin', description: 'Manages the organization and its members.', permissions: [...SYSTEM_PERMISSIONS] },
  { key: 'org:member', name: 'Member', description: 'Belongs to the organization.', permissions: ['org:sys_memberships:read'] },
];

/** The creator must be able to manage the organization it just made, or nobody could. */
const CREATOR_NEEDS = ['org:sys_memberships:manage', 'org:sys_memberships:read', 'org:sys_profile:delete'];

/**
 * Validates roles at configuration time. Configured roles replace built-in roles of the same key
 * (so `org:admin` can gain custom permissions); `org:admin` always keeps every system permission.
 * @throws TypeError naming the problem
 */
export function compileRoles(config: RolesConfig = {}): Roles {
  const byKey = new Map<string, RoleDefinition>(BUILT_IN_ROLES.map((r) => [r.key, { ...r, permissions: [...r.permissions] }]));
  for (const role of config.roles ?? []) {
    if (!ROLE_KEY.test(role.key)) throw new TypeError(`Role keys look like org:<name> (lowercase): ${role.key}`);
    for (const permission of role.permissions) {
      if (!PERMISSION_KEY.test(permission)) throw new TypeError(`Permissions look like org:<feature>:<action>: ${permission}`);
      if (permission.startsWith('org:sys_') && !SYSTEM_PERMISSIONS.includes(permission))
        throw new TypeError(`Unknown system permission: ${permission}`);
    }
    const permissions = [...new Set(role.key === 'org:admin' ? [...SYSTEM_PERMISSIONS, ...role.permissions] : role.permissions)];
    byKey.set(role.key, { key: role.key, name: role.name, ...(role.description ? { description: role.description } : {}), permissions });
  }
  const creatorRole = config.creatorRole ?? 'org:admin';
  const defaultRole = config.defaultRole ?? 'org:member';
  const creator = byKey.get(creatorRole);
  if (!creator) throw new TypeError(`The creator role ${creatorRole} is not defined`);
  const missing = CREATOR_NEEDS.filter((p) => !creator.permissions.includes(p));
  if (missing.length) throw new TypeError(`The creator role ${creatorRole} must have ${missing.join(', ')}`);
  if (!byKey.has(defaultRole)) throw new TypeError(`The default role ${defaultRole} is not defined`);
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
  };
}
