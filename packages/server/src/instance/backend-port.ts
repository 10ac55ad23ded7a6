// The one seam between the app glue (@gatehouse/nextjs) and the identity service: functions, not
// fields. The embedded instance and the standalone client each implement all of it.

import type { BackendConfig, ConfigReadOptions, RequestContext, RequestState, SessionRefresh } from '@gatehouse/core';
import { createBackendClient, type BackendClient } from '../backend/client.js';
import type { MachineVerification } from '../machines/machine-auth.js';
import type { PublicUser } from '../sessions/sessions.js';
import type { Gatehouse } from './instance.js';

/** The signed-in session a call acts for: its verified claims and the token they came from. */
export interface SessionRef {
  userId: string;
  sessionId: string;
  /** The request's own session token (a standalone app presents it to the service). */
  token: string;
}

/** What `getToken()` may ask for beyond the request's own token. */
export type TokenRequest = { template: string } | { organizationId: string };

export interface GatehouseBackend {
  /** The request's state from its own `__session` cookie or Bearer token (answered synchronously when it can be). */
  authenticate(request: Pick<Request, 'headers'>): RequestState | Promise<RequestState>;
  /**
   * The one refresh path: a new session token with its claims, and the rotated client token (null
   * inside the grace window). @throws GatehouseError `client_invalid`, `session_invalid`
   */
  refresh(clientToken: string, context: RequestContext): Promise<SessionRefresh>;
  /** Makes `organization` (id or slug; null: the personal account) the session's active one. @throws GatehouseError `not_found` */
  switchOrganization(session: SessionRef, organization: string | null, context: RequestContext): Promise<SessionRefresh>;
  /** A JWT-template token, or a session token for another of the user's organizations. */
  mintToken(session: SessionRef, request: TokenRequest, context: RequestContext): Promise<string>;
  /** The user's public record (with external accounts), or null. */
  getUser(id: string): Promise<PublicUser | null>;
  /** The auth HTTP API (and the JWKS). */
  handle(request: Request): Promise<Response>;
  /**
   * Base path, trusted hops, allowed origins and cookie lifetime, read live (a standalone app reuses a
   * read for up to 2 s unless asked for a `fresh` one).
   */
  config(options?: ConfigReadOptions): Promise<BackendConfig>;
  /** API keys and M2M tokens; absent where the service checks them itself (a standalone app refuses them). */
  verifyMachineToken?(token: string): MachineVerification | Promise<MachineVerification>;
  /** The backend API (users, organizations, ...) for server code. */
  client(): BackendClient;
  log(line: string): void;
}

const ports = new WeakMap<Gatehouse, GatehouseBackend>();

/** The embedded instance through the port (one per instance). */
export function embeddedBackend(gatehouse: Gatehouse): GatehouseBackend {
  let port = ports.get(gatehouse);
  if (port) return port;
  let client: BackendClient | undefined;
  port = {
    authenticate: (request) => gatehouse.authenticateNow(request),
    refresh: (clientToken, context) => gatehouse.sessions.refresh(clientToken, context),
    async switchOrganization(session, organization, context) {
      const result = await gatehouse.sessions.setActiveOrganization(session, organization, context);
      return {
        userId: session.userId,
        sessionId: result.sessionId,
        sessionToken: result.sessionToken,
        claims: result.claims,
        clientToken: null,
      };
    },
    mintToken: (session, request, context) =>
      'template' in request
        ? gatehouse.templates.mint(request.template, session, context)
        : gatehouse.sessions.mintForOrganization(session, request.organizationId, context),
    getUser: (id) => gatehouse.getUser(id),
    handle: (request) => gatehouse.handle(request),
    config: () => gatehouse.config(),
    verifyMachineToken: (token) => gatehouse.machines.verifyNow(token),
    client: () => (client ??= createBackendClient(gatehouse)),
    log: (line) => gatehouse.log(line),
  };
  ports.set(gatehouse, port);
  return port;
}
