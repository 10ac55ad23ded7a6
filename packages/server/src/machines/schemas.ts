// The inputs of the machines feature (API keys, machines, M2M tokens), validated the same way over HTTP and in the backend API.

import { z } from 'zod';
import { MAX_M2M_TTL_SECONDS } from './m2m.js';

const TEN_YEARS = 10 * 365 * 24 * 60 * 60;

export const SCOPE = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_:./-]+$/, 'Scopes are letters, digits and _ : . / -');
export const SCOPES = z.array(SCOPE).max(50);
export const CLAIMS = z
  .record(z.string().max(128), z.unknown())
  .refine((c) => JSON.stringify(c).length <= 4096, { message: 'Claims must stay under 4 KB' });
export const KEY_NAME = z.string().trim().min(1).max(256);
export const SUBJECT = z.string().regex(/^(user|org)_[a-z2-7]{26}$/, 'The owner is a user_… or org_… id');
export const API_KEY_ID = z.string().regex(/^ak_[a-z2-7]{26}$/, 'Not an API key id');
export const MACHINE_ID = z.string().regex(/^mch_[a-z2-7]{26}$/, 'Not a machine id');
export const EXPIRY = z.number().int().min(60).max(TEN_YEARS).nullable();
export const TOKEN_TTL = z.number().int().min(30).max(MAX_M2M_TTL_SECONDS);
export const REASON = z.string().trim().max(256).nullable();

/** `POST {api}/api_keys` from a signed-in user: the owner defaults to the user. */
export const CreateApiKeyBody = z
  .object({
    name: KEY_NAME,
    subject: SUBJECT.optional(),
    description: z.string().max(1024).nullable().optional(),
    scopes: SCOPES.optional(),
    secondsUntilExpiration: EXPIRY.optional(),
  })
  .strict();
export const RevokeApiKeyBody = z.object({ revocationReason: REASON.optional() }).strict();

/** The client-credentials grant (RFC 6749 §4.4), as a form or JSON; the secret may also come as HTTP Basic. */
export const TokenRequest = z
  .object({
    grant_type: z.literal('client_credentials'),
    client_id: MACHINE_ID.optional(),
    client_secret: z.string().min(1).max(128).optional(),
    scope: z.string().max(2048).optional(),
  })
  .strict();
