// The request bodies of sign-up and sign-in, shared by the handler and the OpenAPI document.

import { z } from 'zod';
import { MAX_PASSWORD_LENGTH } from '../users/passwords.js';

const emailField = z
  .string()
  .max(320)
  .transform((s) => s.trim())
  .pipe(z.email({ message: 'Enter a valid email address' }));
export const SignUpBody = z
  .object({
    email: emailField,
    // The policy (length after normalisation, the breached list) answers 422 on the field: see accounts/password-policy.ts.
    password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
    firstName: z.string().trim().max(256).optional(),
    lastName: z.string().trim().max(256).optional(),
  })
  .strict();
export const SignInBody = z.object({ email: z.string().min(1).max(320), password: z.string().min(1).max(MAX_PASSWORD_LENGTH) }).strict();
