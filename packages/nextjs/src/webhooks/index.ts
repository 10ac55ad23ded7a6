// @gatehouse/nextjs/webhooks: verifyWebhook() for the route handler that receives Gatehouse's webhooks (Clerk's API shape).

export { verifyWebhook, type VerifyWebhookOptions } from './verify-webhook.js';
export type {
  WebhookEvent,
  WebhookEventType,
  WebhookEventData,
  UserJSON,
  SessionJSON,
  OrganizationJSON,
  OrganizationMembershipJSON,
  OrganizationInvitationJSON,
  RoleJSON,
  DeletedObjectJSON,
} from '@gatehouse/server';
