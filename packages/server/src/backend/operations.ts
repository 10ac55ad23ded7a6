// The backend API as one table: users, sessions, organizations (memberships, invitations), roles, permissions, JWT templates, instance settings and the audit log. The in-process client, the HTTP routes, the HTTP client and the OpenAPI document are all made from it.

import { GatehouseError } from '@gatehouse/core';
import { z } from 'zod';
import { AuditQuery } from '../audit/audit.js';
import { InstanceSettingsChanges } from '../instance/instance-settings.js';
import { MAX_ROLE_PERMISSIONS, SYSTEM_PERMISSIONS } from '../roles/roles.js';
import { MAX_SLUG_LENGTH } from '../organizations/organizations.js';
import type { Gatehouse } from '../instance/instance.js';
import type { BackendUser } from '../users/user-admin.js';
import type { Organization } from '../organizations/org-access.js';
import type { OrganizationMember } from '../organizations/memberships.js';
import { operation, type DeletedObject, type PaginatedList } from './operation.js';
import { webhooks } from './webhook-operations.js';
import { apiKeys, m2m, machines } from '../machines/operations.js';
import { externalAccountOperations, oauthConnections } from '../oauth/oauth-operations.js';
import { HMAC_ALGORITHMS, SECRET_ENV_NAME, type JwtTemplateInput } from '../tokens/template-admin.js';

const USER_ID = z.string().regex(/^user_[a-z2-7]{26}$/, 'Not a user id');
const SESSION_ID = z.string().regex(/^sess_[a-z2-7]{26}$/, 'Not a session id');
const ORG_REF = z
  .string()
  .min(1)
  .max(MAX_SLUG_LENGTH)
  .regex(/^[a-z0-9_-]+$/, 'Not an organization id or slug');
const INVITATION_ID = z.string().regex(/^orginv_[a-z2-7]{26}$/, 'Not an invitation id');
const ROLE_KEY = z
  .string()
  .min(1)
  .max(80)
  .regex(/^org:[a-z0-9_-]+$/, 'Roles look like org:<name>');
const TEMPLATE_NAME = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'Not a template name');
// A stored template's fields; there is no field for a secret in clear: an HS* secret is named by an environment variable.
const TEMPLATE_FIELDS = z.object({
  claims: z.record(z.string().max(256), z.unknown()),
  lifetime: z.number().int().min(30).max(315_360_000).optional(),
  allowedClockSkew: z.number().int().min(0).max(300).optional(),
  signingAlgorithm: z.enum(['RS256', ...HMAC_ALGORITHMS]).optional(),
  signingKeyEnv: z.string().regex(SECRET_ENV_NAME, 'Not an environment variable name').optional(),
});
type TemplateParams = {
  claims: Record<string, unknown>;
  lifetime?: number;
  allowedClockSkew?: number;
  signingAlgorithm?: 'RS256' | (typeof HMAC_ALGORITHMS)[number];
  signingKeyEnv?: string;
};
function templateInput(name: string, input: z.infer<typeof TEMPLATE_FIELDS>): JwtTemplateInput {
  const algorithm = input.signingAlgorithm ?? (input.signingKeyEnv ? 'HS256' : 'RS256');
  if (algorithm === 'RS256') {
    if (input.signingKeyEnv) throw new GatehouseError('bad_request', 'RS256 templates use the instance key: leave out signingKeyEnv.');
    return { name, claims: input.claims, lifetimeSeconds: input.lifetime, allowedClockSkewSeconds: input.allowedClockSkew };
  }
  if (!input.signingKeyEnv)
    throw new GatehouseError('bad_request', `${algorithm} needs signingKeyEnv: the environment variable holding the secret.`);
  return {
    name,
    claims: input.claims,
    lifetimeSeconds: input.lifetime,
    allowedClockSkewSeconds: input.allowedClockSkew,
    signing: { algorithm, secretEnv: input.signingKeyEnv },
  };
}
const NAME = z.string().max(256);
const EMAIL = z.string().min(3).max(320);
const PASSWORD = z.string().min(1).max(1024);
const IMAGE_URL = z.url({ protocol: /^https?$/ }).max(2048);
const METADATA = z.record(z.string().max(256), z.unknown());
const LIMIT = z.coerce.number().int().min(1).max(500);
const OFFSET = z.coerce.number().int().min(0).max(1_000_000);
const MAX_MEMBERSHIPS = z.number().int().min(1).max(1_000_000).nullable();

const page = <T>(data: T[], totalCount = data.length): PaginatedList<T> => ({ data, totalCount });
const deleted = (object: string, id: string): DeletedObject => ({ object, id, deleted: true });

async function requireUser(gatehouse: Gatehouse, userId: string): Promise<BackendUser> {
  const user = await gatehouse.users.get(userId);
  if (!user) throw new GatehouseError('not_found', 'No such user.');
  return user;
}

async function requireOrganization(gatehouse: Gatehouse, ref: string): Promise<Organization> {
  const org = await gatehouse.organizations.getOrganization(ref);
  if (!org) throw new GatehouseError('not_found', 'No such organization.');
  return org;
}

async function members(gatehouse: Gatehouse, ref: string): Promise<OrganizationMember[]> {
  const org = await requireOrganization(gatehouse, ref);
  // The same shape the member list of the HTTP API shows, without an acting member.
  return (await gatehouse.store.listMembers(org.id)).map((row) => ({
    id: row.id,
    organizationId: row.organization_id,
    userId: row.user_id,
    role: row.role,
    permissions: [...gatehouse.roles.permissionsOf(row.role)],
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    publicUserData: {
      userId: row.user_id,
      identifier: row.email,
      firstName: row.first_name,
      lastName: row.last_name,
      imageUrl: row.image_url,
    },
  }));
}

const users = {
  getUserList: operation({
    method: 'GET',
    path: '/users',
    summary: 'List users, oldest first (or the one with an email address)',
    input: z.object({ limit: LIMIT.optional(), offset: OFFSET.optional(), emailAddress: EMAIL.optional() }).strict(),
    args: (params: { limit?: number; offset?: number; emailAddress?: string } = {}) => params,
    async run(gatehouse, input) {
      if (input.emailAddress !== undefined) {
        const user = /@/.test(input.emailAddress) ? await gatehouse.users.get(input.emailAddress) : null;
        return page(user ? [user] : []);
      }
      const list = await gatehouse.users.list({ limit: input.limit ?? 10, offset: input.offset ?? 0 });
      const full = await Promise.all(list.map((u) => requireUser(gatehouse, u.id)));
      return page(full, await gatehouse.users.count());
    },
  }),
  getUser: operation({
    method: 'GET',
    path: '/users/{userId}',
    summary: 'A user, with private metadata',
    input: z.object({ userId: USER_ID }).strict(),
    args: (userId: string) => ({ userId }),
    run: (gatehouse, input) => requireUser(gatehouse, input.userId),
  }),
  createUser: operation({
    method: 'POST',
    path: '/users',
    summary: 'Create a user (no session); without a password the user cannot sign in with one',
    input: z
      .object({
        emailAddress: z.union([EMAIL, z.array(EMAIL).min(1).max(1)]),
        password: PASSWORD.optional(),
        firstName: NAME.optional(),
        lastName: NAME.optional(),
        publicMetadata: METADATA.optional(),
        privateMetadata: METADATA.optional(),
        unsafeMetadata: METADATA.optional(),
      })
      .strict(),
    args: (params: {
      emailAddress: string | string[];
      password?: string;
      firstName?: string;
      lastName?: string;
      publicMetadata?: Record<string, unknown>;
      privateMetadata?: Record<string, unknown>;
      unsafeMetadata?: Record<string, unknown>;
    }) => params,
    async run(gatehouse, input, ctx) {
      const email = Array.isArray(input.emailAddress) ? (input.emailAddress[0] ?? '') : input.emailAddress;
      const { publicMetadata, privateMetadata, unsafeMetadata } = input;
      const created = await gatehouse.users.create(
        { email, password: input.password, firstName: input.firstName, lastName: input.lastName },
        ctx,
      );
      if (publicMetadata === undefined && privateMetadata === undefined && unsafeMetadata === undefined)
        return requireUser(gatehouse, created.id);
      return gatehouse.users.update(created.id, { publicMetadata, privateMetadata, unsafeMetadata }, ctx);
    },
  }),
  updateUser: operation({
    method: 'PATCH',
    path: '/users/{userId}',
    summary: 'Change names, image, password or metadata (metadata given here replaces the stored object)',
    input: z
      .object({
        userId: USER_ID,
        firstName: NAME.nullable().optional(),
        lastName: NAME.nullable().optional(),
        imageUrl: IMAGE_URL.nullable().optional(),
        password: PASSWORD.optional(),
        publicMetadata: METADATA.optional(),
        privateMetadata: METADATA.optional(),
        unsafeMetadata: METADATA.optional(),
      })
      .strict(),
    args: (
      userId: string,
      params: {
        firstName?: string | null;
        lastName?: string | null;
        imageUrl?: string | null;
        password?: string;
        publicMetadata?: Record<string, unknown>;
        privateMetadata?: Record<string, unknown>;
        unsafeMetadata?: Record<string, unknown>;
      },
    ) => ({ ...params, userId }),
    run: (gatehouse, { userId, ...changes }, ctx) => gatehouse.users.update(userId, changes, ctx),
  }),
  updateUserMetadata: operation({
    method: 'PATCH',
    path: '/users/{userId}/metadata',
    summary: 'Merge metadata into the stored objects (nested objects merge; a key set to null is removed)',
    input: z
      .object({
        userId: USER_ID,
        publicMetadata: METADATA.optional(),
        privateMetadata: METADATA.optional(),
        unsafeMetadata: METADATA.optional(),
      })
      .strict(),
    args: (
      userId: string,
      params: {
        publicMetadata?: Record<string, unknown>;
        privateMetadata?: Record<string, unknown>;
        unsafeMetadata?: Record<string, unknown>;
      },
    ) => ({ ...params, userId }),
    run: (gatehouse, { userId, ...changes }, ctx) => gatehouse.users.updateMetadata(userId, changes, ctx),
  }),
  banUser: operation({
    method: 'POST',
    path: '/users/{userId}/ban',
    summary: 'Ban a user: every session is revoked at once and sign-in is refused',
    input: z.object({ userId: USER_ID }).strict(),
    args: (userId: string) => ({ userId }),
    async run(gatehouse, { userId }, ctx) {
      await gatehouse.sessions.banUser(userId, ctx);
      return requireUser(gatehouse, userId);
    },
  }),
  unbanUser: operation({
    method: 'POST',
    path: '/users/{userId}/unban',
    summary: 'Lift a ban (ended sessions stay ended)',
    input: z.object({ userId: USER_ID }).strict(),
    args: (userId: string) => ({ userId }),
    async run(gatehouse, { userId }, ctx) {
      if (!(await gatehouse.sessions.unbanUser(userId, ctx))) throw new GatehouseError('not_found', 'No such user.');
      return requireUser(gatehouse, userId);
    },
  }),
  deleteUser: operation({
    method: 'DELETE',
    path: '/users/{userId}',
    summary: "Delete a user: sessions revoked, memberships removed (refused for an organization's last admin)",
    input: z.object({ userId: USER_ID }).strict(),
    args: (userId: string) => ({ userId }),
    async run(gatehouse, { userId }, ctx) {
      await gatehouse.sessions.deleteUser(userId, ctx);
      return deleted('user', userId);
    },
  }),
};

const sessions = {
  getSessionList: operation({
    method: 'GET',
    path: '/sessions',
    summary: "A user's live sessions on every device, most recently active first",
    input: z.object({ userId: USER_ID }).strict(),
    args: (params: { userId: string }) => params,
    run: async (gatehouse, { userId }) => page(await gatehouse.sessions.listUserSessions(userId)),
  }),
  revokeSession: operation({
    method: 'POST',
    path: '/sessions/{sessionId}/revoke',
    summary: 'Revoke a session: its token stops working on the next request',
    input: z.object({ sessionId: SESSION_ID }).strict(),
    args: (sessionId: string) => ({ sessionId }),
    async run(gatehouse, { sessionId }, ctx) {
      if (!(await gatehouse.sessions.revokeSession(sessionId, ctx))) throw new GatehouseError('not_found', 'No such session.');
      return { id: sessionId, status: 'revoked' as const };
    },
  }),
};

const organizations = {
  getOrganizationList: operation({
    method: 'GET',
    path: '/organizations',
    summary: 'List organizations, oldest first',
    input: z.object({ limit: LIMIT.optional(), offset: OFFSET.optional() }).strict(),
    args: (params: { limit?: number; offset?: number } = {}) => params,
    async run(gatehouse, input) {
      const rows = await gatehouse.store.listOrganizations({ limit: input.limit ?? 10, offset: input.offset ?? 0 });
      const list = await Promise.all(rows.map((row) => requireOrganization(gatehouse, row.id)));
      return page(list, await gatehouse.store.countOrganizations());
    },
  }),
  getOrganization: operation({
    method: 'GET',
    path: '/organizations/{organizationId}',
    summary: 'An organization by id or slug',
    input: z.object({ organizationId: ORG_REF }).strict(),
    args: (params: { organizationId: string } | { slug: string }) => ({
      organizationId: 'organizationId' in params ? params.organizationId : params.slug,
    }),
    run: (gatehouse, input) => requireOrganization(gatehouse, input.organizationId),
  }),
  createOrganization: operation({
    method: 'POST',
    path: '/organizations',
    summary: 'Create an organization; createdBy becomes its first member with the creator role',
    input: z
      .object({
        name: NAME,
        slug: z.string().max(MAX_SLUG_LENGTH).optional(),
        createdBy: USER_ID,
        imageUrl: IMAGE_URL.optional(),
        publicMetadata: METADATA.optional(),
        maxAllowedMemberships: MAX_MEMBERSHIPS.optional(),
      })
      .strict(),
    args: (params: {
      name: string;
      slug?: string;
      createdBy: string;
      imageUrl?: string;
      publicMetadata?: Record<string, unknown>;
      maxAllowedMemberships?: number | null;
    }) => params,
    async run(gatehouse, { createdBy, maxAllowedMemberships, ...input }, ctx) {
      const { organization } = await gatehouse.organizations.createOrganization(
        createdBy,
        { ...input, ...(maxAllowedMemberships === undefined ? {} : { maxMemberships: maxAllowedMemberships }) },
        ctx,
      );
      return organization;
    },
  }),
  updateOrganization: operation({
    method: 'PATCH',
    path: '/organizations/{organizationId}',
    summary: "Change an organization's name, slug, image or membership limit",
    input: z
      .object({
        organizationId: ORG_REF,
        name: NAME.optional(),
        slug: z.string().max(MAX_SLUG_LENGTH).optional(),
        imageUrl: IMAGE_URL.nullable().optional(),
        maxAllowedMemberships: MAX_MEMBERSHIPS.optional(),
      })
      .strict(),
    args: (
      organizationId: string,
      params: { name?: string; slug?: string; imageUrl?: string | null; maxAllowedMemberships?: number | null },
    ) => ({
      ...params,
      organizationId,
    }),
    run: (gatehouse, { organizationId, maxAllowedMemberships, ...changes }, ctx) =>
      gatehouse.organizations.updateOrganization(
        null,
        organizationId,
        { ...changes, ...(maxAllowedMemberships === undefined ? {} : { maxMemberships: maxAllowedMemberships }) },
        ctx,
      ),
  }),
  updateOrganizationMetadata: operation({
    method: 'PATCH',
    path: '/organizations/{organizationId}/metadata',
    summary: 'Merge public metadata into the stored object (a key set to null is removed)',
    input: z.object({ organizationId: ORG_REF, publicMetadata: METADATA }).strict(),
    args: (organizationId: string, params: { publicMetadata: Record<string, unknown> }) => ({ ...params, organizationId }),
    async run(gatehouse, { organizationId, publicMetadata }, ctx) {
      const org = await requireOrganization(gatehouse, organizationId);
      const merged: Record<string, unknown> = { ...org.publicMetadata };
      for (const [key, value] of Object.entries(publicMetadata)) {
        if (value === null) delete merged[key];
        else merged[key] = value;
      }
      return gatehouse.organizations.updateOrganization(null, org.id, { publicMetadata: merged }, ctx);
    },
  }),
  deleteOrganization: operation({
    method: 'DELETE',
    path: '/organizations/{organizationId}',
    summary: 'Delete an organization with its memberships and invitations',
    input: z.object({ organizationId: ORG_REF }).strict(),
    args: (organizationId: string) => ({ organizationId }),
    async run(gatehouse, { organizationId }, ctx) {
      const org = await requireOrganization(gatehouse, organizationId);
      await gatehouse.organizations.deleteOrganization(null, org.id, ctx);
      return deleted('organization', org.id);
    },
  }),
  getOrganizationMembershipList: operation({
    method: 'GET',
    path: '/organizations/{organizationId}/memberships',
    summary: 'Every member with their role and public user data, oldest first',
    input: z.object({ organizationId: ORG_REF }).strict(),
    args: (params: { organizationId: string }) => params,
    run: async (gatehouse, { organizationId }) => page(await members(gatehouse, organizationId)),
  }),
  createOrganizationMembership: operation({
    method: 'POST',
    path: '/organizations/{organizationId}/memberships',
    summary: 'Add a user to an organization with a role',
    input: z.object({ organizationId: ORG_REF, userId: USER_ID, role: ROLE_KEY }).strict(),
    args: (params: { organizationId: string; userId: string; role: string }) => params,
    run: (gatehouse, { organizationId, userId, role }, ctx) => gatehouse.organizations.addMember(organizationId, userId, role, ctx),
  }),
  updateOrganizationMembership: operation({
    method: 'PATCH',
    path: '/organizations/{organizationId}/memberships/{userId}',
    summary: "Change a member's role (never demoting the last admin)",
    input: z.object({ organizationId: ORG_REF, userId: USER_ID, role: ROLE_KEY }).strict(),
    args: (params: { organizationId: string; userId: string; role: string }) => params,
    run: (gatehouse, { organizationId, userId, role }, ctx) =>
      gatehouse.organizations.updateMemberRole(null, organizationId, userId, role, ctx),
  }),
  deleteOrganizationMembership: operation({
    method: 'DELETE',
    path: '/organizations/{organizationId}/memberships/{userId}',
    summary: 'Remove a member (never the last admin)',
    input: z.object({ organizationId: ORG_REF, userId: USER_ID }).strict(),
    args: (params: { organizationId: string; userId: string }) => params,
    async run(gatehouse, { organizationId, userId }, ctx) {
      const org = await requireOrganization(gatehouse, organizationId);
      const membership = await gatehouse.store.findMembership(org.id, userId);
      await gatehouse.organizations.removeMember(null, org.id, userId, ctx);
      return deleted('organization_membership', membership?.id ?? userId);
    },
  }),
  getOrganizationInvitationList: operation({
    method: 'GET',
    path: '/organizations/{organizationId}/invitations',
    summary: "An organization's pending invitations, newest first",
    input: z.object({ organizationId: ORG_REF }).strict(),
    args: (params: { organizationId: string }) => params,
    run: async (gatehouse, { organizationId }) => page(await gatehouse.organizations.invitations.list(null, organizationId)),
  }),
  createOrganizationInvitation: operation({
    method: 'POST',
    path: '/organizations/{organizationId}/invitations',
    summary: 'Invite an email address (the invitation email goes through the configured mailer)',
    input: z
      .object({ organizationId: ORG_REF, emailAddress: EMAIL, role: ROLE_KEY.optional(), inviterUserId: USER_ID.optional() })
      .strict(),
    args: (params: { organizationId: string; emailAddress: string; role?: string; inviterUserId?: string }) => params,
    run: (gatehouse, { organizationId, emailAddress, role, inviterUserId }, ctx) =>
      // With an inviter, their permission to invite is checked as in the app; without one, server code is trusted.
      gatehouse.organizations.invitations.create(inviterUserId ?? null, organizationId, { email: emailAddress, role }, ctx),
  }),
  revokeOrganizationInvitation: operation({
    method: 'POST',
    path: '/organizations/{organizationId}/invitations/{invitationId}/revoke',
    summary: 'Revoke a pending invitation; its link stops working',
    input: z.object({ organizationId: ORG_REF, invitationId: INVITATION_ID, requestingUserId: USER_ID.optional() }).strict(),
    args: (params: { organizationId: string; invitationId: string; requestingUserId?: string }) => params,
    run: (gatehouse, { organizationId, invitationId, requestingUserId }, ctx) =>
      gatehouse.organizations.invitations.revoke(requestingUserId ?? null, organizationId, invitationId, ctx),
  }),
};

const roles = {
  getRoleList: operation({
    method: 'GET',
    path: '/roles',
    summary: 'The effective roles: built-in, stored and configured',
    input: z.object({}).strict(),
    args: () => ({}),
    run: async (gatehouse) => page(await gatehouse.roleAdmin.list()),
  }),
  upsertRole: operation({
    method: 'PUT',
    path: '/roles/{key}',
    summary: "Create or replace a stored role; holders' older tokens are refused from their next request",
    input: z
      .object({
        key: ROLE_KEY,
        name: z.string().min(1).max(256),
        description: z.string().max(1024).nullable().optional(),
        permissions: z.array(z.string().min(1).max(140)).max(MAX_ROLE_PERMISSIONS),
      })
      .strict(),
    args: (key: string, params: { name: string; description?: string | null; permissions: string[] }) => ({ ...params, key }),
    run: (gatehouse, input, ctx) => gatehouse.roleAdmin.upsert(input, { actorId: null, ctx }),
  }),
  deleteRole: operation({
    method: 'DELETE',
    path: '/roles/{key}',
    summary: 'Delete a stored role (refused while a member holds it or an invitation names it)',
    input: z.object({ key: ROLE_KEY }).strict(),
    args: (key: string) => ({ key }),
    async run(gatehouse, { key }, ctx) {
      await gatehouse.roleAdmin.remove(key, { actorId: null, ctx });
      return deleted('role', key);
    },
  }),
};

const permissions = {
  getPermissionList: operation({
    method: 'GET',
    path: '/permissions',
    summary: 'Every permission the roles grant, and the system permissions, with the roles that hold each',
    input: z.object({}).strict(),
    args: () => ({}),
    async run(gatehouse) {
      const list = await gatehouse.roleAdmin.list();
      const keys = [...new Set([...SYSTEM_PERMISSIONS, ...list.flatMap((r) => r.permissions)])].sort();
      return page(
        keys.map((key) => ({
          key,
          system: SYSTEM_PERMISSIONS.includes(key),
          roles: list.filter((r) => r.permissions.includes(key)).map((r) => r.key),
        })),
      );
    },
  }),
};

const jwtTemplates = {
  list: operation({
    method: 'GET',
    path: '/jwt-templates',
    summary: 'The JWT templates (never a signing secret)',
    input: z.object({}).strict(),
    args: () => ({}),
    run: async (gatehouse) => page(await gatehouse.templateAdmin.list()),
  }),
  get: operation({
    method: 'GET',
    path: '/jwt-templates/{name}',
    summary: 'One JWT template (never its signing secret)',
    input: z.object({ name: TEMPLATE_NAME }).strict(),
    args: (name: string) => ({ name }),
    async run(gatehouse, { name }) {
      const template = (await gatehouse.templateAdmin.list()).find((t) => t.name === name);
      if (!template) throw new GatehouseError('not_found', 'No such JWT template.');
      return template;
    },
  }),
  preview: operation({
    method: 'GET',
    path: '/jwt-templates/{name}/preview',
    summary: 'The custom claims a template gives a user (with an organization as the active one), without minting',
    input: z.object({ name: TEMPLATE_NAME, userId: USER_ID, organizationId: ORG_REF.optional() }).strict(),
    args: (name: string, params: { userId: string; organizationId?: string }) => ({ ...params, name }),
    run: async (gatehouse, { name, userId, organizationId }) => ({
      claims: await gatehouse.templates.preview(name, userId, organizationId ?? null),
    }),
  }),
  createJWTTemplate: operation({
    method: 'POST',
    path: '/jwt-templates',
    summary: 'Create a stored JWT template (validated like configured ones; an HS* secret is named by an environment variable)',
    input: TEMPLATE_FIELDS.extend({ name: TEMPLATE_NAME }).strict(),
    args: (params: TemplateParams & { name: string }) => params,
    run: async (gatehouse, input, ctx) =>
      (await gatehouse.templateAdmin.upsert(templateInput(input.name, input), { actorId: null, ctx, mode: 'create' })).template,
  }),
  updateJWTTemplate: operation({
    method: 'PATCH',
    path: '/jwt-templates/{name}',
    summary: 'Replace a stored JWT template (configured templates are read-only)',
    input: TEMPLATE_FIELDS.extend({ name: TEMPLATE_NAME }).strict(),
    // Clerk-style: the template is named by templateId (a template's id is its name).
    args: ({ templateId, ...params }: TemplateParams & { templateId: string }) => ({ ...params, name: templateId }),
    run: async (gatehouse, input, ctx) =>
      (await gatehouse.templateAdmin.upsert(templateInput(input.name, input), { actorId: null, ctx, mode: 'update' })).template,
  }),
  deleteJWTTemplate: operation({
    method: 'DELETE',
    path: '/jwt-templates/{name}',
    summary: 'Delete a stored JWT template (configured templates are read-only)',
    input: z.object({ name: TEMPLATE_NAME }).strict(),
    args: (templateId: string) => ({ name: templateId }),
    async run(gatehouse, { name }, ctx) {
      await gatehouse.templateAdmin.remove(name, { actorId: null, ctx });
      return deleted('jwt_template', name);
    },
  }),
};

const instance = {
  getSettings: operation({
    method: 'GET',
    path: '/instance/settings',
    summary: 'The instance settings in effect, their defaults, and which are stored',
    input: z.object({}).strict(),
    args: () => ({}),
    run: (gatehouse) => gatehouse.instanceSettings.get(),
  }),
  updateSettings: operation({
    method: 'PATCH',
    path: '/instance/settings',
    summary: 'Change instance settings (validated, audited, picked up by every running instance)',
    input: InstanceSettingsChanges,
    args: (params: z.input<typeof InstanceSettingsChanges>) => params,
    run: (gatehouse, input, ctx) => gatehouse.instanceSettings.update(input, { actorId: null, ctx }),
  }),
};

const AUDIT_FILTER = AuditQuery.extend({}).strict();
const auditLog = {
  query: operation({
    method: 'GET',
    path: '/audit-log',
    summary: 'Audit events matching every filter, newest first, with a cursor for the next page',
    input: AUDIT_FILTER,
    args: (params: z.input<typeof AuditQuery> = {}) => params,
    run: (gatehouse, input) => gatehouse.audit.query(input),
  }),
  export: operation({
    method: 'GET',
    path: '/audit-log/export',
    summary: 'Every audit event matching the filters as JSON Lines or CSV (formula-safe)',
    input: AuditQuery.omit({ limit: true })
      .extend({ format: z.enum(['jsonl', 'csv']).optional() })
      .strict(),
    args: (params: Omit<z.input<typeof AuditQuery>, 'limit'> & { format?: 'jsonl' | 'csv' } = {}) => params,
    output: 'text',
    stream: (gatehouse, { format = 'jsonl', ...filter }) => gatehouse.audit.export(filter, format),
    async run(gatehouse, { format = 'jsonl', ...filter }) {
      let text = '';
      for await (const chunk of gatehouse.audit.export(filter, format)) text += chunk;
      return text;
    },
  }),
};

/** Every backend operation, by group and Clerk-style method name. */
export const BACKEND_OPERATIONS = {
  users: { ...users, ...externalAccountOperations },
  sessions,
  organizations,
  roles,
  permissions,
  jwtTemplates,
  instance,
  auditLog,
  webhooks,
  apiKeys,
  machines,
  m2m,
  oauthConnections,
};
