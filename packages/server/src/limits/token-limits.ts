// Limits on refresh and token minting (issue #15), put around the services so the auth API and the proxy's in-process refresh count alike.

import type { RequestContext } from '@gatehouse/core';
import { parseClientToken } from '../sessions/session-core.js';
import type { SessionService } from '../sessions/sessions.js';
import type { Templates } from '../tokens/templates.js';
import type { RateLimits } from './rate-limit.js';

const who = (ctx: RequestContext) => ({ ip: ctx.ip, userAgent: ctx.userAgent });

/**
 * The session service with `refresh` counted per client (the client id of the cookie) and per
 * address, and `mintForOrganization` per session and per address. A refused call does nothing.
 * @throws GatehouseError `rate_limited` (with `retryAfterSeconds`) besides the service's own errors
 */
export function withSessionLimits(sessions: SessionService, limits: RateLimits): SessionService {
  return {
    ...sessions,
    async refresh(clientToken, ctx) {
      const clientId = parseClientToken(clientToken)?.id ?? null;
      await limits.enforce(
        [
          { name: 'refreshClient', key: clientId },
          { name: 'refreshIp', key: ctx.ip },
        ],
        who(ctx),
      );
      return sessions.refresh(clientToken, ctx);
    },
    async mintForOrganization(actor, organization, ctx) {
      await limits.enforce(
        [
          { name: 'mintSession', key: actor.sessionId },
          { name: 'mintIp', key: ctx.ip },
        ],
        who(ctx),
      );
      return sessions.mintForOrganization(actor, organization, ctx);
    },
  };
}

/** JWT-template minting, counted per session and per address like {@link withSessionLimits}. */
export function withTemplateLimits(templates: Templates, limits: RateLimits): Templates {
  return {
    ...templates,
    async mint(name, actor, ctx) {
      await limits.enforce(
        [
          { name: 'mintSession', key: actor.sessionId },
          { name: 'mintIp', key: ctx.ip },
        ],
        who(ctx),
      );
      return templates.mint(name, actor, ctx);
    },
  };
}
