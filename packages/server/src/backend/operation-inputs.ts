// The inputs and helpers the backend operations of every feature share.

import { GatehouseError } from '@gatehouse/core';
import type { DeletedObject, PaginatedList } from './operation.js';
import type { Gatehouse } from '../instance/instance.js';
import type { Organization } from '../organizations/org-access.js';
import { MAX_SLUG_LENGTH } from '../organizations/organizations.js';
import { USER_ID_PATTERN } from '../store/ids.js';
import type { BackendUser } from '../users/user-admin.js';
import { z } from 'zod';

export const USER_ID = z.string().regex(USER_ID_PATTERN, 'Not a user id');
export const SESSION_ID = z.string().regex(/^sess_[a-z2-7]{26}$/, 'Not a session id');
export const ORG_REF = z
  .string()
  .min(1)
  .max(MAX_SLUG_LENGTH)
  // Imported organization ids keep their source's case (Clerk's are base62).
  .regex(/^[A-Za-z0-9_-]+$/, 'Not an organization id or slug');
export const INVITATION_ID = z.string().regex(/^orginv_[a-z2-7]{26}$/, 'Not an invitation id');
export const ROLE_KEY = z
  .string()
  .min(1)
  .max(80)
  .regex(/^org:[a-z0-9_-]+$/, 'Roles look like org:<name>');
export const NAME = z.string().max(256);
export const EMAIL = z.string().min(3).max(320);
export const PASSWORD = z.string().min(1).max(1024);
export const IMAGE_URL = z.url({ protocol: /^https?$/ }).max(2048);
export const METADATA = z.record(z.string().max(256), z.unknown());
export const LIMIT = z.coerce.number().int().min(1).max(500);
export const OFFSET = z.coerce.number().int().min(0).max(1_000_000);
export const MAX_MEMBERSHIPS = z.number().int().min(1).max(1_000_000).nullable();

export const page = <T>(data: T[], totalCount = data.length): PaginatedList<T> => ({ data, totalCount });
export const deleted = (object: string, id: string): DeletedObject => ({ object, id, deleted: true });

export async function requireUser(gatehouse: Gatehouse, userId: string): Promise<BackendUser> {
  const user = await gatehouse.users.get(userId);
  if (!user) throw new GatehouseError('not_found', 'No such user.');
  return user;
}

export async function requireOrganization(gatehouse: Gatehouse, ref: string): Promise<Organization> {
  const org = await gatehouse.organizations.getOrganization(ref);
  if (!org) throw new GatehouseError('not_found', 'No such organization.');
  return org;
}
