// The auth API's organization endpoints: organizations, memberships, invitations, accepting an invitation, and the development inbox.

import type { RequestContext } from '@gatehouse/core';
import { z } from 'zod';
import type { Gatehouse } from '../instance/instance.js';
import { MAX_SLUG_LENGTH } from '../organizations/organizations.js';
import { ORG_ID_PATTERN, USER_ID_PATTERN } from '../store/ids.js';
import { readJson, readOptionalJson } from './body.js';
import { errorResponse, json, rateLimitedResponse } from './respond.js';
import type { Route, RouteParams } from './session-routes.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type AnyMethods = Partial<Record<HttpMethod, Route>>;

/** What an org route needs: the signed-in user, the request context, and the ids from the path. */
type OrgRoute = (request: Request, me: string, ctx: RequestContext) => Promise<Response>;

// Path ids are checked before any lookup: anything else is "no such …" (404), never a database query.
const ORG_REF = new RegExp(`^(?:${ORG_ID_PATTERN.source.slice(1, -1)}|(?=.{1,${MAX_SLUG_LENGTH}}$)[a-z0-9]+(?:-[a-z0-9]+)*)$`);
const USER_ID = USER_ID_PATTERN;
const INVITATION_ID = /^orginv_[a-z2-7]{26}$/;

const name = z.string().trim().min(1).max(256);
const slug = z.string().min(1).max(MAX_SLUG_LENGTH);
const imageUrl = z.url({ protocol: /^https?$/, message: 'Use an http(s) URL' }).max(2048);
const role = z
  .string()
  .min(1)
  .max(80)
  .regex(/^org:[a-z0-9_-]+$/, 'Roles look like org:<name>');
const email = z
  .string()
  .max(320)
  .transform((s) => s.trim())
  .pipe(z.email({ message: 'Enter a valid email address' }));

// Metadata and the membership limit are for server code only: the HTTP API never takes them.
export const CreateBody = z.object({ name, slug: slug.optional(), imageUrl: imageUrl.optional() }).strict();
export const UpdateBody = z
  .object({ name: name.optional(), slug: slug.optional(), imageUrl: imageUrl.nullable().optional() })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: 'Change at least one field' });
export const RoleBody = z.object({ role }).strict();
export const InviteBody = z.object({ email, role: role.optional() }).strict();
export const AcceptBody = z.object({ token: z.string().min(1).max(128) }).strict();
/** Endpoints without a body tolerate an empty object and refuse anything else. */
const NoBody = z.object({}).strict();

export function createOrgRoutes(gatehouse: Gatehouse, options: { devInbox: boolean }) {
  const orgs = gatehouse.organizations;
  const noSuchOrganization = () => errorResponse('not_found', 'No such organization.');

  /** Wraps an org route: 401 without a valid session token (cookie or Bearer). */
  function signedIn(route: OrgRoute): Route {
    return async (request: Request, ctx: RequestContext) => {
      const state = await gatehouse.authenticate(request);
      if (state.status !== 'signed-in') return errorResponse('unauthenticated', 'You are not signed in.');
      return route(request, state.claims.sub, ctx);
    };
  }

  /** Routes under `/organizations/:id`; a malformed id is a 404, answered only to the signed-in. */
  function orgScoped(orgRef: string, route: OrgRoute): Route {
    return signedIn(async (request, me, ctx) => (ORG_REF.test(orgRef) ? route(request, me, ctx) : noSuchOrganization()));
  }

  const collection: AnyMethods = {
    GET: signedIn(async (_request, me) => json(200, { memberships: await orgs.listUserMemberships(me) })),
    POST: signedIn(async (request, me, ctx) => {
      const body = await readJson(request, CreateBody);
      return json(200, await orgs.createOrganization(me, body, ctx));
    }),
  };

  function organization(id: string): AnyMethods {
    return {
      GET: orgScoped(id, async (_request, me) => json(200, await orgs.getOrganizationAs(me, id))),
      PATCH: orgScoped(id, async (request, me, ctx) => {
        const body = await readJson(request, UpdateBody);
        return json(200, { organization: await orgs.updateOrganization(me, id, body, ctx) });
      }),
      DELETE: orgScoped(id, async (request, me, ctx) => {
        await readOptionalJson(request, NoBody);
        await orgs.deleteOrganization(me, id, ctx);
        return json(200, { deleted: true });
      }),
    };
  }

  function membership(id: string, userId: string): AnyMethods {
    const noSuchMember = () => errorResponse('not_found', 'No such member.');
    return {
      PATCH: orgScoped(id, async (request, me, ctx) => {
        const body = await readJson(request, RoleBody);
        if (!USER_ID.test(userId)) return noSuchMember();
        return json(200, { membership: await orgs.updateMemberRole(me, id, userId, body.role, ctx) });
      }),
      DELETE: orgScoped(id, async (request, me, ctx) => {
        await readOptionalJson(request, NoBody);
        if (!USER_ID.test(userId)) return noSuchMember();
        await orgs.removeMember(me, id, userId, ctx);
        return json(200, { deleted: true });
      }),
    };
  }

  function invitations(id: string): AnyMethods {
    return {
      GET: orgScoped(id, async (_request, me) => json(200, { invitations: await orgs.invitations.list(me, id) })),
      POST: orgScoped(id, async (request, me, ctx) => {
        const body = await readJson(request, InviteBody);
        return json(200, { invitation: await orgs.invitations.create(me, id, body, ctx) });
      }),
    };
  }

  function revoke(id: string, invitationId: string): AnyMethods {
    return {
      POST: orgScoped(id, async (request, me, ctx) => {
        await readOptionalJson(request, NoBody);
        if (!INVITATION_ID.test(invitationId)) return errorResponse('not_found', 'No such invitation.');
        return json(200, { invitation: await orgs.invitations.revoke(me, id, invitationId, ctx) });
      }),
    };
  }

  const accept: AnyMethods = {
    POST: signedIn(async (request, me, ctx) => {
      const body = await readJson(request, AcceptBody);
      // Invitation tokens are verification secrets: guesses are limited per IP and per user.
      const ip = gatehouse.rateLimits.clientIp(request.headers);
      const limited = rateLimitedResponse(
        await gatehouse.rateLimits.attempt(
          [
            { name: 'verifyIp', key: ip },
            { name: 'verifyIdentifier', key: me },
          ],
          { ip, userAgent: ctx.userAgent },
        ),
      );
      if (limited) return limited;
      return json(200, await orgs.invitations.accept(me, body.token, ctx));
    }),
  };

  const devInbox: AnyMethods = {
    GET: async () => json(200, { messages: orgs.devInbox() }),
  };

  function methodsFor(parts: string[]): AnyMethods | null {
    const [head, id = '', sub, subId = '', action] = parts;
    if (head === 'invitations') return parts.length === 2 && id === 'accept' ? accept : null;
    if (head === 'dev') return options.devInbox && parts.length === 2 && id === 'inbox' ? devInbox : null;
    if (head !== 'organizations') return null;
    switch (parts.length) {
      case 1:
        return collection;
      case 2:
        return organization(id);
      case 3:
        if (sub === 'memberships')
          return { GET: orgScoped(id, async (_request, me) => json(200, { memberships: await orgs.listMembers(me, id) })) };
        if (sub === 'leave') {
          return {
            POST: orgScoped(id, async (request, me, ctx) => {
              await readOptionalJson(request, NoBody);
              await orgs.leave(me, id, ctx);
              return json(200, { left: true });
            }),
          };
        }
        return sub === 'invitations' ? invitations(id) : null;
      case 4:
        return sub === 'memberships' ? membership(id, subId) : null;
      case 5:
        return sub === 'invitations' && action === 'revoke' ? revoke(id, subId) : null;
      default:
        return null;
    }
  }

  return {
    /** The methods for an organization path (ids bound); null for other paths. */
    match(path: string): { methods: AnyMethods; params: RouteParams } | null {
      const parts = path.split('/').slice(1);
      if (parts.some((part) => part === '')) return null;
      const methods = methodsFor(parts);
      return methods ? { methods, params: {} } : null;
    },
  };
}
