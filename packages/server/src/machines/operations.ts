// The backend API's machine operations in Clerk's shape: apiKeys (create returns the secret once), machines, and m2m tokens.

import { GatehouseError } from '@gatehouse/core';
import { z } from 'zod';
import { operation, type DeletedObject, type PaginatedList } from '../backend/operation.js';
import { API_KEY_ID, CLAIMS, EXPIRY, KEY_NAME, MACHINE_ID, REASON, SCOPES, SUBJECT, TOKEN_TTL } from './schemas.js';

const page = <T>(data: T[]): PaginatedList<T> => ({ data, totalCount: data.length });
const LIMIT = z.coerce.number().int().min(1).max(500);
const OFFSET = z.coerce.number().int().min(0).max(1_000_000);
const BOOL = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

const CreateApiKeyParams = z
  .object({
    subject: SUBJECT,
    name: KEY_NAME,
    description: z.string().max(1024).nullable().optional(),
    scopes: SCOPES.optional(),
    claims: CLAIMS.nullable().optional(),
    secondsUntilExpiration: EXPIRY.optional(),
    createdBy: z
      .string()
      .regex(/^user_[a-z2-7]{26}$/)
      .nullable()
      .optional(),
  })
  .strict();

export const apiKeys = {
  create: operation({
    method: 'POST',
    path: '/api_keys',
    summary: 'Create an API key for a user or an organization; the answer holds its secret, this once',
    input: CreateApiKeyParams,
    args: (params: z.input<typeof CreateApiKeyParams>) => params,
    run: (gatehouse, input, ctx) => gatehouse.machines.apiKeys.create(input, ctx),
  }),
  list: operation({
    method: 'GET',
    path: '/api_keys',
    summary: "A subject's API keys, newest first (revoked ones with includeInvalid)",
    input: z.object({ subject: SUBJECT, includeInvalid: BOOL.optional(), limit: LIMIT.optional(), offset: OFFSET.optional() }).strict(),
    args: (params: { subject: string; includeInvalid?: boolean; limit?: number; offset?: number }) => params,
    run: async (gatehouse, input) => page(await gatehouse.machines.apiKeys.list(input)),
  }),
  revoke: operation({
    method: 'POST',
    path: '/api_keys/{apiKeyId}/revoke',
    summary: 'Revoke an API key: refused on every instance within a second',
    input: z.object({ apiKeyId: API_KEY_ID, revocationReason: REASON.optional() }).strict(),
    args: (params: { apiKeyId: string; revocationReason?: string | null }) => params,
    run: (gatehouse, { apiKeyId, revocationReason }, ctx) =>
      gatehouse.machines.apiKeys.revoke(apiKeyId, { reason: revocationReason ?? null, ctx }),
  }),
  verify: operation({
    method: 'POST',
    path: '/api_keys/verify',
    summary: 'Verify an API key secret; answers the key, or 401',
    input: z.object({ secret: z.string().min(1).max(256) }).strict(),
    args: (secret: string) => ({ secret }),
    async run(gatehouse, { secret }) {
      const outcome = await gatehouse.machines.apiKeys.verifyNow(secret);
      if ('reason' in outcome) throw new GatehouseError('unauthenticated', 'The API key is not valid.');
      return gatehouse.machines.apiKeys.get(outcome.machine.id);
    },
  }),
};

const MachineFields = z.object({
  name: KEY_NAME,
  scopedMachines: z.array(MACHINE_ID).max(100).optional(),
  defaultTokenTtl: TOKEN_TTL.optional(),
});

export const machines = {
  create: operation({
    method: 'POST',
    path: '/machines',
    summary: 'Create a machine identity; the answer holds its secret key (msk_…), this once',
    input: MachineFields.strict(),
    args: (params: z.input<typeof MachineFields>) => params,
    run: (gatehouse, input, ctx) => gatehouse.machines.m2m.create(input, ctx),
  }),
  list: operation({
    method: 'GET',
    path: '/machines',
    summary: 'The machine identities (never their secrets)',
    input: z.object({}).strict(),
    args: () => ({}),
    run: async (gatehouse) => page(await gatehouse.machines.m2m.list()),
  }),
  get: operation({
    method: 'GET',
    path: '/machines/{machineId}',
    summary: 'One machine',
    input: z.object({ machineId: MACHINE_ID }).strict(),
    args: (machineId: string) => ({ machineId }),
    run: (gatehouse, { machineId }) => gatehouse.machines.m2m.get(machineId),
  }),
  update: operation({
    method: 'PATCH',
    path: '/machines/{machineId}',
    summary: 'Rename a machine, change its token lifetime or the machines it may call',
    input: MachineFields.partial().extend({ machineId: MACHINE_ID }).strict(),
    args: (machineId: string, changes: Partial<z.input<typeof MachineFields>>) => ({ ...changes, machineId }),
    run: (gatehouse, { machineId, ...changes }, ctx) => gatehouse.machines.m2m.update(machineId, changes, ctx),
  }),
  delete: operation({
    method: 'DELETE',
    path: '/machines/{machineId}',
    summary: 'Delete a machine; tokens it holds live out their short lifetime',
    input: z.object({ machineId: MACHINE_ID }).strict(),
    args: (machineId: string) => ({ machineId }),
    async run(gatehouse, { machineId }, ctx): Promise<DeletedObject> {
      await gatehouse.machines.m2m.delete(machineId, ctx);
      return { object: 'machine', id: machineId, deleted: true };
    },
  }),
  rotateSecretKey: operation({
    method: 'POST',
    path: '/machines/{machineId}/secret_key/rotate',
    summary: "Replace a machine's secret key; the old one stops working at once",
    input: z.object({ machineId: MACHINE_ID }).strict(),
    args: (machineId: string) => ({ machineId }),
    run: (gatehouse, { machineId }, ctx) => gatehouse.machines.m2m.rotateSecretKey(machineId, ctx),
  }),
};

const CreateTokenParams = z
  .object({
    machineSecretKey: z.string().min(1).max(128).optional(),
    secondsUntilExpiration: TOKEN_TTL.nullable().optional(),
    claims: CLAIMS.nullable().optional(),
  })
  .strict();

export const m2m = {
  createToken: operation({
    method: 'POST',
    path: '/m2m_tokens',
    summary: 'Issue an M2M token (a JWT verifiable with the JWKS) to the machine holding machineSecretKey',
    input: CreateTokenParams,
    args: (params: z.input<typeof CreateTokenParams> = {}) => params,
    run(gatehouse, input, ctx) {
      // As in Clerk's SDK, the machine's secret may come from the environment.
      const machineSecretKey = input.machineSecretKey ?? process.env.GATEHOUSE_MACHINE_SECRET_KEY ?? process.env.CLERK_MACHINE_SECRET_KEY;
      if (!machineSecretKey) throw new GatehouseError('bad_request', 'Pass machineSecretKey or set GATEHOUSE_MACHINE_SECRET_KEY.');
      return gatehouse.machines.m2m.createToken({ ...input, machineSecretKey }, ctx);
    },
  }),
  verify: operation({
    method: 'POST',
    path: '/m2m_tokens/verify',
    summary: 'Verify an M2M token; answers the token, or 401',
    input: z.object({ token: z.string().min(1).max(8192) }).strict(),
    args: (params: { token: string }) => params,
    run: (gatehouse, { token }) => gatehouse.machines.m2m.verify(token),
  }),
};
