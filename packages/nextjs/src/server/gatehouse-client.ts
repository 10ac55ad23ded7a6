// gatehouseClient() (alias clerkClient): the embedded instance's backend API in Clerk's shape, for server code.

import { GatehouseError } from '@gatehouse/core';
import type {
  Gatehouse,
  Organization,
  OrganizationMember,
  OrganizationMembership,
  PublicUser,
  SessionSummary,
  WebhookService,
} from '@gatehouse/server';
import { backend } from './backend.js';

/** Clerk's paginated answer; everything fits one page here. */
export interface PaginatedList<T> {
  data: T[];
  totalCount: number;
}

export interface CreateOrganizationParams {
  name: string;
  slug?: string;
  /**
   * The user who creates it and becomes its first member with the creator role. Required: a
   * backend call has no signed-in user to take it from (Clerk lets it out; an org with no admin
   * could never be managed).
   */
  createdBy: string;
  imageUrl?: string;
  publicMetadata?: Record<string, unknown>;
  /** The most members the org may have (Clerk's name); left out: no limit. */
  maxAllowedMemberships?: number;
}

/** The methods of Clerk's backend client that Gatehouse has; each calls the embedded instance in-process. */
export interface GatehouseClient {
  users: {
    /** @throws GatehouseError `not_found` */
    getUser(userId: string): Promise<PublicUser>;
  };
  sessions: {
    /** The user's live sessions on every device, most recently active first. */
    getSessionList(params: { userId: string }): Promise<PaginatedList<SessionSummary>>;
    /**
     * Ends a session at once (status `revoked`, audited); its token stops working on the next request.
     * @throws GatehouseError `not_found` when there is no such live session
     */
    revokeSession(sessionId: string): Promise<{ id: string; status: 'revoked' }>;
  };
  organizations: {
    /** @throws GatehouseError `not_found` */
    getOrganization(params: { organizationId: string } | { slug: string }): Promise<Organization>;
    /**
     * Every member of the org with their role and public user data, oldest first.
     * @throws GatehouseError `not_found`
     */
    getOrganizationMembershipList(params: { organizationId: string }): Promise<PaginatedList<OrganizationMember>>;
    /** @throws GatehouseError `bad_request`, `identifier_exists` (slug taken), `not_found` (no such `createdBy` user) */
    createOrganization(params: CreateOrganizationParams): Promise<Organization>;
  };
  /**
   * Webhook endpoints and their delivery log (Gatehouse's own: Clerk manages endpoints in its
   * dashboard). `createEndpoint` and `rotateSecret` return the `whsec_` secret that one time.
   */
  webhooks: Pick<
    WebhookService,
    | 'eventTypes'
    | 'createEndpoint'
    | 'listEndpoints'
    | 'getEndpoint'
    | 'updateEndpoint'
    | 'deleteEndpoint'
    | 'rotateSecret'
    | 'listDeliveries'
    | 'getDelivery'
    | 'resend'
  >;
}

const clients = new WeakMap<Gatehouse, GatehouseClient>();

function refOf(params: { organizationId: string } | { slug: string }): string {
  const ref = 'organizationId' in params ? params.organizationId : params.slug;
  if (typeof ref !== 'string' || ref === '') throw new GatehouseError('bad_request', 'Pass an organizationId or a slug.');
  return ref;
}

function createClient(gatehouse: Gatehouse): GatehouseClient {
  const { organizations, sessions, roles, store, webhooks } = gatehouse;
  async function requireOrganization(ref: string): Promise<Organization> {
    const org = await organizations.getOrganization(ref);
    if (!org) throw new GatehouseError('not_found', 'No such organization.');
    return org;
  }
  return {
    users: {
      async getUser(userId) {
        const user = await gatehouse.getUser(userId);
        if (!user) throw new GatehouseError('not_found', 'No such user.');
        return user;
      },
    },
    sessions: {
      async getSessionList({ userId }) {
        const data = await sessions.listUserSessions(userId);
        return { data, totalCount: data.length };
      },
      async revokeSession(sessionId) {
        if (!(await sessions.revokeSession(sessionId))) throw new GatehouseError('not_found', 'No such session.');
        return { id: sessionId, status: 'revoked' };
      },
    },
    organizations: {
      getOrganization: (params) => requireOrganization(refOf(params)),
      async getOrganizationMembershipList({ organizationId }) {
        const org = await requireOrganization(refOf({ organizationId }));
        // The organization service lists members for a member (it checks the actor's permission);
        // server code has no actor, so this reads the store and shapes rows the same way.
        const rows = await store.listMembers(org.id);
        const data = rows.map((row): OrganizationMember => ({
          ...toMembership(row, roles.permissionsOf(row.role)),
          publicUserData: {
            userId: row.user_id,
            identifier: row.email,
            firstName: row.first_name,
            lastName: row.last_name,
            imageUrl: row.image_url,
          },
        }));
        return { data, totalCount: data.length };
      },
      async createOrganization({ createdBy, maxAllowedMemberships, ...input }) {
        if (typeof createdBy !== 'string' || createdBy === '') {
          throw new GatehouseError('bad_request', 'createdBy (the user id of the first admin) is required.');
        }
        const { organization } = await organizations.createOrganization(createdBy, {
          ...input,
          ...(maxAllowedMemberships === undefined ? {} : { maxMemberships: maxAllowedMemberships }),
        });
        return organization;
      },
    },
    webhooks: {
      eventTypes: webhooks.eventTypes,
      createEndpoint: (input) => webhooks.createEndpoint(input),
      listEndpoints: () => webhooks.listEndpoints(),
      getEndpoint: (id) => webhooks.getEndpoint(id),
      updateEndpoint: (id, changes) => webhooks.updateEndpoint(id, changes),
      deleteEndpoint: (id) => webhooks.deleteEndpoint(id),
      rotateSecret: (id, options) => webhooks.rotateSecret(id, options),
      listDeliveries: (filter) => webhooks.listDeliveries(filter),
      getDelivery: (id) => webhooks.getDelivery(id),
      resend: (id) => webhooks.resend(id),
    },
  };
}

function toMembership(
  row: { id: string; organization_id: string; user_id: string; role: string; created_at: number | bigint; updated_at: number | bigint },
  permissions: readonly string[],
): OrganizationMembership {
  return {
    id: row.id,
    organizationId: row.organization_id,
    userId: row.user_id,
    role: row.role,
    permissions: [...permissions],
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/**
 * The backend API of this app's embedded instance, in Clerk's shape where Gatehouse has the
 * method: `users.getUser`, `sessions.getSessionList` / `revokeSession`, `organizations.getOrganization`
 * / `getOrganizationMembershipList` / `createOrganization`. No HTTP hop: calls run in-process.
 *
 *   const client = await gatehouseClient();
 *   const { data } = await client.sessions.getSessionList({ userId });
 */
export async function gatehouseClient(): Promise<GatehouseClient> {
  const gatehouse = await backend();
  let client = clients.get(gatehouse);
  if (!client) {
    client = createClient(gatehouse);
    clients.set(gatehouse, client);
  }
  return client;
}

/** Clerk's name: `const client = await clerkClient()`. */
export const clerkClient = gatehouseClient;
