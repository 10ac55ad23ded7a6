// Clerk's client resources: the session and user objects the hooks return, with Clerk's fields (Dates, an always-set imageUrl) and methods.

import {
  GatehouseError,
  generatedAvatarUrl,
  withClerkUserFields,
  type ActorClaim,
  type ClerkUserFields,
  type EmailAddress,
  type SessionClaims,
} from '@gatehouse/core';
import type { PublicUser } from '@gatehouse/server';
import { callApi, type FetchLike } from './gatehouse-fetch.js';

/** GET {api}/session's answer. */
export interface SessionBody {
  user: PublicUser;
  sessionId: string;
  status: 'active' | 'pending';
  tasks?: string[];
  claims: SessionClaims;
  expiresAt: number;
  createdAt?: number | null;
  updatedAt?: number | null;
  lastActiveAt?: number | null;
  expireAt?: number | null;
}

export interface GetTokenOptions {
  /** A JWT-template token for another service (POST {api}/tokens). */
  template?: string;
  /** A session token for another of the user's organizations, without switching (POST {api}/tokens). */
  organizationId?: string;
  /** Clerk's cache switch: every call without a template mints a fresh token here anyway. */
  skipCache?: boolean;
}

/** `user.update()`: what the user may change on their own record (public and private metadata are the backend's). */
export interface UpdateUserParams {
  firstName?: string | null;
  lastName?: string | null;
  /** Replaces the stored object, as in Clerk. */
  unsafeMetadata?: UserUnsafeMetadata;
}

export interface SetProfileImageParams {
  /** An https URL of the picture, or null to remove it (uploading a file is not offered: there is no file store). */
  file: string | Blob | null;
}

/** The signed-in user in Clerk's client shape. */
export type ClientUser = Pick<PublicUser, 'id' | 'email' | 'emailVerified' | 'firstName' | 'lastName' | 'externalAccounts'> &
  ClerkUserFields & {
    /** The uploaded picture, else a generated initials avatar (`hasImage` tells them apart). */
    imageUrl: string;
    publicMetadata: UserPublicMetadata;
    unsafeMetadata: UserUnsafeMetadata;
    createdAt: Date;
    updatedAt: Date;
    lastSignInAt: Date | null;
    /** A fresh session token and the user as stored now: backend changes (metadata) show in `sessionClaims` after it. */
    reload(): Promise<ClientUser>;
    update(params: UpdateUserParams): Promise<ClientUser>;
    setProfileImage(params: SetProfileImageParams): Promise<{ id: string; name: string | null; publicUrl: string | null }>;
    createEmailAddress(params: { email: string }): Promise<EmailAddress>;
  };

/** The current session in Clerk's client shape (plus Gatehouse's `sessionId`, `claims` and the token's `expiresAt`). */
export interface ClientSession {
  id: string;
  /** The same as `id`. */
  sessionId: string;
  user: ClientUser;
  /** `pending` while a task (choose an organization, add a second factor) is open. */
  status: 'active' | 'pending';
  /** The open tasks of a pending session: `choose-organization`, `setup-mfa`. */
  tasks?: string[];
  claims: SessionClaims;
  /** When the current session token expires (ms); the session itself lasts until `expireAt`. */
  expiresAt: number;
  createdAt: Date;
  updatedAt: Date;
  lastActiveAt: Date;
  /** When the session ends at the latest. */
  expireAt: Date;
  lastActiveOrganizationId: string | null;
  /** The impersonating admin while one acts as this user, else null. */
  actor: ActorClaim | null;
  getToken(options?: GetTokenOptions): Promise<string | null>;
  /** Ends this session (signs this browser out of it). */
  end(): Promise<void>;
  reload(): Promise<ClientSession | null>;
}

/** What the resources' methods do, from the provider. */
export interface ResourceActions {
  apiBasePath: string;
  fetch: FetchLike;
  /** Mints a new session token (the provider's state follows) and returns it (null when signed out). */
  refreshToken(): Promise<string | null>;
  /** Reads the session again (after a change) and marks lists outdated. */
  reload(): Promise<ClientSession | null>;
  endSession(sessionId: string): Promise<void>;
}

/** getToken: the session token (minted fresh: the cookie is HttpOnly), or a template / other-org token. */
export async function tokenFor(
  actions: Pick<ResourceActions, 'apiBasePath' | 'fetch' | 'refreshToken'>,
  opts: GetTokenOptions = {},
): Promise<string | null> {
  if (!opts.template && !opts.organizationId) return actions.refreshToken();
  const body = opts.template ? { template: opts.template } : { organizationId: opts.organizationId };
  const { jwt } = await callApi<{ jwt: string }>(actions.fetch, `${actions.apiBasePath}/tokens`, { method: 'POST', body });
  return jwt;
}

const date = (ms: number | null | undefined, fallback: number) => new Date(typeof ms === 'number' ? ms : fallback);

function signedOutError(): GatehouseError {
  return new GatehouseError('unauthenticated', 'You are not signed in.');
}

function userResource(record: PublicUser, actions: () => ResourceActions): ClientUser {
  const fields = withClerkUserFields(record);
  const fresh = async (): Promise<ClientUser> => {
    const session = await actions().reload();
    if (!session) throw signedOutError();
    return session.user;
  };
  const post = async (body: Record<string, unknown>) => {
    const a = actions();
    await callApi(a.fetch, `${a.apiBasePath}/me`, { method: 'POST', body });
  };
  return {
    ...fields,
    imageUrl: record.imageUrl ?? generatedAvatarUrl(record),
    publicMetadata: record.publicMetadata,
    unsafeMetadata: record.unsafeMetadata,
    createdAt: new Date(record.createdAt),
    updatedAt: new Date(record.updatedAt),
    lastSignInAt: record.lastSignInAt === null ? null : new Date(record.lastSignInAt),
    async reload() {
      // A fresh token first: its claims are rendered from the user as stored now.
      await actions().refreshToken();
      return fresh();
    },
    async update(params) {
      await post({ ...params });
      await actions().refreshToken();
      return fresh();
    },
    async setProfileImage({ file }) {
      if (file !== null && typeof file !== 'string') {
        throw new GatehouseError(
          'bad_request',
          'Uploading a picture is not offered: pass an https URL of the image, or null to remove it.',
        );
      }
      await post({ imageUrl: file });
      const user = await fresh();
      return { id: user.id, name: null, publicUrl: user.hasImage ? user.imageUrl : null };
    },
    async createEmailAddress({ email }) {
      const a = actions();
      const { emailAddress } = await callApi<{ emailAddress: EmailAddress }>(a.fetch, `${a.apiBasePath}/me/email-addresses`, {
        method: 'POST',
        body: { emailAddress: email },
      });
      await fresh();
      return emailAddress;
    },
  };
}

/** The session resource from GET {api}/session's answer. */
export function sessionResource(body: SessionBody, actions: () => ResourceActions): ClientSession {
  const { claims } = body;
  return {
    id: body.sessionId,
    sessionId: body.sessionId,
    user: userResource(body.user, actions),
    status: body.status,
    ...(body.tasks ? { tasks: body.tasks } : {}),
    claims,
    expiresAt: body.expiresAt,
    createdAt: date(body.createdAt, claims.iat * 1000),
    updatedAt: date(body.updatedAt, claims.iat * 1000),
    lastActiveAt: date(body.lastActiveAt, claims.iat * 1000),
    expireAt: date(body.expireAt, body.expiresAt),
    lastActiveOrganizationId: claims.o?.id ?? null,
    actor: claims.act ?? null,
    getToken: (options) => tokenFor(actions(), options),
    end: () => actions().endSession(body.sessionId),
    reload: () => actions().reload(),
  };
}
