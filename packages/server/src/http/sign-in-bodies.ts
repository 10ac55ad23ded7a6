// The request bodies of sign-up and sign-in, shared by the handler and the OpenAPI document.

import { z } from 'zod';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../users/passwords.js';

const emailField = z
  .string()
  .max(320)
  .transform((s) => s.trim())
  .pipe(z.email({ message: 'Enter a valid email address' }));
export const SignUpBody = z
  .object({
    email: emailField,
    password: z.string().min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters`).max(MAX_PASSWORD_LENGTH),
    firstName: z.string().trim().max(256).optional(),
    lastName: z.string().trim().max(256).optional(),
  })
  .strict();
export const SignInBody = z.object({ email: z.string().min(1).max(320), password: z.string().min(1).max(MAX_PASSWORD_LENGTH) }).strict();
