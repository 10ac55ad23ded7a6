// The factor endpoints as the OpenAPI document lists them, from the schemas the routes validate with.

import type { DocumentedRoute } from '../http/openapi.js';
import {
  ConfirmTotpBody,
  PasskeySignInBody,
  RegisterPasskeyBody,
  RenamePasskeyBody,
  ReverifyBody,
  SecondFactorBody,
} from './factor-routes.js';

type Doc = Omit<DocumentedRoute, 'tag'>;

export function factorRouteDocs(): DocumentedRoute[] {
  const docs: Doc[] = [
    {
      method: 'POST',
      path: '/sign-in/second-factor',
      operationId: 'attemptSecondFactor',
      summary: 'The second step of a sign-in (TOTP, backup code or passkey) for the attempt in the __gh_sign_in cookie',
      auth: 'none',
      errors: ['unauthenticated', 'code_invalid', 'rate_limited'],
      body: SecondFactorBody,
    },
    {
      method: 'POST',
      path: '/sign-in/second-factor/passkey-options',
      operationId: 'secondFactorPasskeyOptions',
      summary: "WebAuthn options for the attempt's user's passkeys",
      auth: 'none',
      errors: ['unauthenticated', 'rate_limited'],
    },
    {
      method: 'POST',
      path: '/sign-in/passkey/options',
      operationId: 'passkeySignInOptions',
      summary: 'WebAuthn options for any discoverable passkey',
      auth: 'none',
      errors: ['rate_limited'],
    },
    {
      method: 'POST',
      path: '/sign-in/passkey',
      operationId: 'signInWithPasskey',
      summary: 'Sign in with a passkey',
      auth: 'none',
      errors: ['unauthenticated', 'rate_limited'],
      body: PasskeySignInBody,
    },
    {
      method: 'POST',
      path: '/reverify',
      operationId: 'reverify',
      summary: 'Verify a factor again; the new session token carries a fresh fva',
      auth: 'session',
      errors: ['code_invalid', 'rate_limited'],
      body: ReverifyBody,
    },
    {
      method: 'POST',
      path: '/reverify/passkey-options',
      operationId: 'reverifyPasskeyOptions',
      summary: "WebAuthn options for the user's passkeys",
      auth: 'session',
    },
    { method: 'GET', path: '/me/factors', operationId: 'listFactors', summary: "The user's second factors and passkeys", auth: 'session' },
    {
      method: 'POST',
      path: '/me/factors/totp',
      operationId: 'startTotp',
      summary: 'Start TOTP enrolment: secret, otpauth URI, QR code',
      auth: 'session',
    },
    {
      method: 'DELETE',
      path: '/me/factors/totp',
      operationId: 'removeTotp',
      summary: 'Remove the authenticator app and backup codes',
      auth: 'session',
    },
    {
      method: 'POST',
      path: '/me/factors/totp/confirm',
      operationId: 'confirmTotp',
      summary: 'Confirm TOTP enrolment with a code; returns backup codes once',
      auth: 'session',
      errors: ['code_invalid', 'rate_limited'],
      body: ConfirmTotpBody,
    },
    {
      method: 'POST',
      path: '/me/factors/backup-codes',
      operationId: 'regenerateBackupCodes',
      summary: 'Ten new backup codes (the old ones stop working)',
      auth: 'session',
    },
    {
      method: 'POST',
      path: '/me/factors/passkeys/options',
      operationId: 'passkeyRegistrationOptions',
      summary: 'WebAuthn options to register a passkey',
      auth: 'session',
    },
    {
      method: 'POST',
      path: '/me/factors/passkeys',
      operationId: 'registerPasskey',
      summary: 'Register a passkey',
      auth: 'session',
      body: RegisterPasskeyBody,
    },
    {
      method: 'PATCH',
      path: '/me/factors/passkeys/{passkeyId}',
      operationId: 'renamePasskey',
      summary: 'Rename a passkey',
      auth: 'session',
      body: RenamePasskeyBody,
    },
    {
      method: 'DELETE',
      path: '/me/factors/passkeys/{passkeyId}',
      operationId: 'removePasskey',
      summary: 'Remove a passkey',
      auth: 'session',
    },
  ];
  // Endpoints without a body tolerate an empty JSON object.
  return docs.map((d) => ({ ...d, tag: 'sessions', ...(d.body || d.method === 'GET' ? {} : { optionalBody: true }) }));
}
