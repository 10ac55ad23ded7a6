// The backend API's user operations.

import { GatehouseError } from '@gatehouse/core';
import { operation } from '../backend/operation.js';
import {
  EMAIL,
  IMAGE_URL,
  LIMIT,
  METADATA,
  NAME,
  OFFSET,
  PASSWORD,
  USER_ID,
  deleted,
  page,
  requireUser,
} from '../backend/operation-inputs.js';
import { z } from 'zod';

export const users = {
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
