// The factor service: enrolment (TOTP, backup codes, passkeys) and verification (second step of sign-in, passkey sign-in, reverification), wired once.

import type { SessionService } from '../sessions/sessions.js';
import { createEnrolment } from './enrolment.js';
import type { FactorDeps } from './factor-checks.js';
import { createVerification } from './verification.js';

export type { PasskeySettings } from './passkeys.js';

export function createFactorService(deps: FactorDeps & { sessions: () => SessionService }) {
  return { ...createEnrolment(deps), ...createVerification(deps) };
}

export type FactorService = ReturnType<typeof createFactorService>;
