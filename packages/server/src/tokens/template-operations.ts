// The backend API's JWT template operations.

import { GatehouseError } from '@gatehouse/core';
import { operation } from '../backend/operation.js';
import { ORG_REF, USER_ID, deleted, page } from '../backend/operation-inputs.js';
import { HMAC_ALGORITHMS, SECRET_ENV_NAME, type JwtTemplateInput } from './template-admin.js';
import { z } from 'zod';

const TEMPLATE_NAME = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'Not a template name');
// A stored template's fields; there is no field for a secret in clear: an HS* secret is named by an environment variable.
const TEMPLATE_FIELDS = z.object({
  claims: z.record(z.string().max(256), z.unknown()),
  lifetime: z.number().int().min(30).max(315_360_000).optional(),
  allowedClockSkew: z.number().int().min(0).max(300).optional(),
  signingAlgorithm: z.enum(['RS256', ...HMAC_ALGORITHMS]).optional(),
  signingKeyEnv: z.string().regex(SECRET_ENV_NAME, 'Not an environment variable name').optional(),
});
type TemplateParams = {
  claims: Record<string, unknown>;
  lifetime?: number;
  allowedClockSkew?: number;
  signingAlgorithm?: 'RS256' | (typeof HMAC_ALGORITHMS)[number];
  signingKeyEnv?: string;
};
function templateInput(name: string, input: z.infer<typeof TEMPLATE_FIELDS>): JwtTemplateInput {
  const algorithm = input.signingAlgorithm ?? (input.signingKeyEnv ? 'HS256' : 'RS256');
  if (algorithm === 'RS256') {
    if (input.signingKeyEnv) throw new GatehouseError('bad_request', 'RS256 templates use the instance key: leave out signingKeyEnv.');
    return { name, claims: input.claims, lifetimeSeconds: input.lifetime, allowedClockSkewSeconds: input.allowedClockSkew };
  }
  if (!input.signingKeyEnv)
    throw new GatehouseError('bad_request', `${algorithm} needs signingKeyEnv: the environment variable holding the secret.`);
  return {
    name,
    claims: input.claims,
    lifetimeSeconds: input.lifetime,
    allowedClockSkewSeconds: input.allowedClockSkew,
    signing: { algorithm, secretEnv: input.signingKeyEnv },
  };
}

export const jwtTemplates = {
  list: operation({
    method: 'GET',
    path: '/jwt-templates',
    summary: 'The JWT templates (never a signing secret)',
    input: z.object({}).strict(),
    args: () => ({}),
    run: async (gatehouse) => page(await gatehouse.templateAdmin.list()),
  }),
  get: operation({
    method: 'GET',
    path: '/jwt-templates/{name}',
    summary: 'One JWT template (never its signing secret)',
    input: z.object({ name: TEMPLATE_NAME }).strict(),
    args: (name: string) => ({ name }),
    async run(gatehouse, { name }) {
      const template = (await gatehouse.templateAdmin.list()).find((t) => t.name === name);
      if (!template) throw new GatehouseError('not_found', 'No such JWT template.');
      return template;
    },
  }),
  preview: operation({
    method: 'GET',
    path: '/jwt-templates/{name}/preview',
    summary: 'The custom claims a template gives a user (with an organization as the active one), without minting',
    input: z.object({ name: TEMPLATE_NAME, userId: USER_ID, organizationId: ORG_REF.optional() }).strict(),
    args: (name: string, params: { userId: string; organizationId?: string }) => ({ ...params, name }),
    run: async (gatehouse, { name, userId, organizationId }) => ({
      claims: await gatehouse.templates.preview(name, userId, organizationId ?? null),
    }),
  }),
  createJWTTemplate: operation({
    method: 'POST',
    path: '/jwt-templates',
    summary: 'Create a stored JWT template (validated like configured ones; an HS* secret is named by an environment variable)',
    input: TEMPLATE_FIELDS.extend({ name: TEMPLATE_NAME }).strict(),
    args: (params: TemplateParams & { name: string }) => params,
    run: async (gatehouse, input, ctx) =>
      (await gatehouse.templateAdmin.upsert(templateInput(input.name, input), { actorId: null, ctx, mode: 'create' })).template,
  }),
  updateJWTTemplate: operation({
    method: 'PATCH',
    path: '/jwt-templates/{name}',
    summary: 'Replace a stored JWT template (configured templates are read-only)',
    input: TEMPLATE_FIELDS.extend({ name: TEMPLATE_NAME }).strict(),
    // Clerk-style: the template is named by templateId (a template's id is its name).
    args: ({ templateId, ...params }: TemplateParams & { templateId: string }) => ({ ...params, name: templateId }),
    run: async (gatehouse, input, ctx) =>
      (await gatehouse.templateAdmin.upsert(templateInput(input.name, input), { actorId: null, ctx, mode: 'update' })).template,
  }),
  deleteJWTTemplate: operation({
    method: 'DELETE',
    path: '/jwt-templates/{name}',
    summary: 'Delete a stored JWT template (configured templates are read-only)',
    input: z.object({ name: TEMPLATE_NAME }).strict(),
    args: (templateId: string) => ({ name: templateId }),
    async run(gatehouse, { name }, ctx) {
      await gatehouse.templateAdmin.remove(name, { actorId: null, ctx });
      return deleted('jwt_template', name);
    },
  }),
};
