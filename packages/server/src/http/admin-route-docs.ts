// The documented admin routes of the auth API (instance admins; read by the OpenAPI document).

import { AuditQuery } from '../audit/audit.js';
import { RoleBody as AdminRoleBody } from './admin-routes.js';
import type { DocumentedRoute } from './openapi.js';
import { DELIVERY_STATUSES, RotateSecretBody, WebhookEndpointBody, WebhookEndpointChanges } from './webhook-routes.js';
import { InstanceSettingsChanges } from '../instance/instance-settings.js';
import { z } from 'zod';

const WebhookDeliveriesQuery = z.object({
  status: z.enum(DELIVERY_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

const AuditExportQuery = AuditQuery.omit({ limit: true }).extend({ format: z.enum(['jsonl', 'csv']).optional() });

/** The admin API's roles, settings, audit log and webhook routes. */
export function adminRouteDocs(): DocumentedRoute[] {
  return [
    { method: 'GET', path: '/admin/roles', operationId: 'adminListRoles', summary: 'The effective roles', tag: 'admin', auth: 'admin' },
    {
      method: 'PUT',
      path: '/admin/roles/{key}',
      operationId: 'adminSaveRole',
      summary: 'Create or replace a stored role',
      tag: 'admin',
      auth: 'admin',
      body: AdminRoleBody,
    },
    {
      method: 'DELETE',
      path: '/admin/roles/{key}',
      operationId: 'adminDeleteRole',
      summary: 'Delete a stored role',
      tag: 'admin',
      auth: 'admin',
    },
    {
      method: 'GET',
      path: '/admin/settings',
      operationId: 'adminGetSettings',
      summary: 'The instance settings',
      tag: 'admin',
      auth: 'admin',
    },
    {
      method: 'PATCH',
      path: '/admin/settings',
      operationId: 'adminUpdateSettings',
      summary: 'Change instance settings (audited)',
      tag: 'admin',
      auth: 'admin',
      body: InstanceSettingsChanges,
    },
    {
      method: 'GET',
      path: '/admin/audit',
      operationId: 'adminQueryAudit',
      summary: 'Audit events, newest first, with filters and a cursor',
      tag: 'admin',
      auth: 'admin',
      query: AuditQuery,
    },
    {
      method: 'GET',
      path: '/admin/audit/export',
      operationId: 'adminExportAudit',
      summary: 'Every matching audit event as JSON Lines or CSV',
      tag: 'admin',
      auth: 'admin',
      query: AuditExportQuery,
      download: 'jsonl-or-csv',
    },
    ...webhookAdminRoutes(),
  ];
}

/** The admin API's webhook routes (instance admins; everyone else gets 404). */
function webhookAdminRoutes(): DocumentedRoute[] {
  const admin = { tag: 'admin', auth: 'admin' } as const;
  return [
    {
      method: 'GET',
      path: '/admin/webhooks',
      operationId: 'adminListWebhookEndpoints',
      summary: 'The webhook endpoints (never their secrets) and the event types',
      ...admin,
    },
    {
      method: 'POST',
      path: '/admin/webhooks',
      operationId: 'adminCreateWebhookEndpoint',
      summary: 'Add an endpoint (201; its whsec_ secret is in this answer only)',
      body: WebhookEndpointBody,
      ...admin,
    },
    {
      method: 'GET',
      path: '/admin/webhooks/{endpointId}',
      operationId: 'adminGetWebhookEndpoint',
      summary: 'One webhook endpoint',
      ...admin,
    },
    {
      method: 'PATCH',
      path: '/admin/webhooks/{endpointId}',
      operationId: 'adminUpdateWebhookEndpoint',
      summary: 'Change an endpoint',
      body: WebhookEndpointChanges,
      ...admin,
    },
    {
      method: 'DELETE',
      path: '/admin/webhooks/{endpointId}',
      operationId: 'adminDeleteWebhookEndpoint',
      summary: 'Delete an endpoint with its delivery log',
      ...admin,
    },
    {
      method: 'POST',
      path: '/admin/webhooks/{endpointId}/rotate-secret',
      operationId: 'adminRotateWebhookSecret',
      summary: 'A new signing secret (returned this once); the old one also signs for the grace period',
      body: RotateSecretBody,
      optionalBody: true,
      ...admin,
    },
    {
      method: 'GET',
      path: '/admin/webhooks/{endpointId}/deliveries',
      operationId: 'adminListEndpointDeliveries',
      summary: "An endpoint's delivery log, newest first",
      query: WebhookDeliveriesQuery,
      ...admin,
    },
    {
      method: 'GET',
      path: '/admin/webhook-deliveries',
      operationId: 'adminListWebhookDeliveries',
      summary: 'The delivery log of every endpoint, newest first',
      query: WebhookDeliveriesQuery,
      ...admin,
    },
    {
      method: 'GET',
      path: '/admin/webhook-deliveries/{deliveryId}',
      operationId: 'adminGetWebhookDelivery',
      summary: 'One delivery with its attempt log',
      ...admin,
    },
    {
      method: 'POST',
      path: '/admin/webhook-deliveries/{deliveryId}/resend',
      operationId: 'adminResendWebhookDelivery',
      summary: 'Send a delivery again (same id and body)',
      ...admin,
    },
  ];
}
