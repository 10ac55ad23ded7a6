// The backend API's role and permission operations.

import { operation } from '../backend/operation.js';
import { ROLE_KEY, deleted, page } from '../backend/operation-inputs.js';
import { MAX_ROLE_PERMISSIONS, SYSTEM_PERMISSIONS } from './roles.js';
import { z } from 'zod';

export const roles = {
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

export const permissions = {
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
