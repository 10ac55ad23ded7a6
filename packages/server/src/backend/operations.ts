// The backend API as one table: users, sessions, organizations (memberships, invitations), roles, permissions, JWT templates, instance settings and the audit log. The in-process client, the HTTP routes, the HTTP client and the OpenAPI document are all made from it.

import { GatehouseError } from '@gatehouse/core';
import { AuditQuery } from '../audit/audit.js';
import { operation } from './operation.js';
import { SESSION_ID, USER_ID, page } from './operation-inputs.js';
import { webhooks } from './webhook-operations.js';
import { InstanceSettingsChanges } from '../instance/instance-settings.js';
import { apiKeys, m2m, machines } from '../machines/operations.js';
import { externalAccountOperations, oauthConnections } from '../oauth/oauth-operations.js';
import { emailAddresses, mail } from '../accounts/account-operations.js';
import { users } from '../users/user-operations.js';
import { organizations } from '../organizations/organization-operations.js';
import { permissions, roles } from '../roles/role-operations.js';
import { jwtTemplates } from '../tokens/template-operations.js';
import { z } from 'zod';

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
  emailAddresses,
  mail,
};
