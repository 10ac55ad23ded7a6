// The accounts endpoints as the OpenAPI document lists them, from the schemas the routes validate with.

import type { DocumentedRoute } from '../http/openapi.js';
import {
  AddEmailBody,
  AttemptBody,
  ChangePasswordBody,
  CreateSignInBody,
  CreateSignUpBody,
  DeleteAccountBody,
  FirstFactorBody,
  PrepareBody,
  PrepareFirstFactorBody,
  ResetPasswordBody,
} from './account-routes.js';

type Doc = Omit<DocumentedRoute, 'tag'>;

export function accountRouteDocs(): DocumentedRoute[] {
  const docs: Doc[] = [
    {
      method: 'POST',
      path: '/sign-ups',
      operationId: 'createSignUp',
      summary: 'signUp.create(): a sign-up attempt, pending (missing_requirements) until its address is verified',
      auth: 'none',
      body: CreateSignUpBody,
    },
    { method: 'GET', path: '/sign-ups/{signUpId}', operationId: 'getSignUp', summary: 'A sign-up attempt', auth: 'none' },
    {
      method: 'POST',
      path: '/sign-ups/{signUpId}/prepare_verification',
      operationId: 'prepareSignUpVerification',
      summary: 'Mail a 6-digit code (and a link) to the address; an earlier code stops working',
      auth: 'none',
      body: PrepareBody,
    },
    {
      method: 'POST',
      path: '/sign-ups/{signUpId}/attempt_verification',
      operationId: 'attemptSignUpVerification',
      summary: 'Verify the code: the user and the session are created (complete, with cookies)',
      auth: 'none',
      body: AttemptBody,
    },
    {
      method: 'GET',
      path: '/sign-ups/verify',
      operationId: 'signUpVerificationLinkPage',
      summary: "The verification link's page (HTML, one button)",
      auth: 'none',
    },
    {
      method: 'POST',
      path: '/sign-ups/verify',
      operationId: 'signUpVerificationLink',
      summary: 'The verification link confirmed (form post): completes the sign-up and signs this browser in (303)',
      auth: 'none',
    },
    {
      method: 'POST',
      path: '/sign-ins',
      operationId: 'createSignIn',
      summary:
        "signIn.create({ strategy: 'reset_password_email_code', identifier }): mails a reset code (the same answer for unknown addresses)",
      auth: 'none',
      body: CreateSignInBody,
    },
    {
      method: 'POST',
      path: '/sign-ins/{signInId}/prepare_first_factor',
      operationId: 'prepareFirstFactor',
      summary: 'Mail a new reset code',
      auth: 'none',
      body: PrepareFirstFactorBody,
    },
    {
      method: 'POST',
      path: '/sign-ins/{signInId}/attempt_first_factor',
      operationId: 'attemptFirstFactor',
      summary: 'Verify the reset code (needs_new_password)',
      auth: 'none',
      body: FirstFactorBody,
    },
    {
      method: 'POST',
      path: '/sign-ins/{signInId}/reset_password',
      operationId: 'resetPassword',
      summary: 'Set the new password; other sessions end (setting); this browser is signed in',
      auth: 'none',
      body: ResetPasswordBody,
    },
    {
      method: 'POST',
      path: '/me/password',
      operationId: 'changePassword',
      summary: 'Change the password (the current one is required when there is one)',
      auth: 'session',
      body: ChangePasswordBody,
    },
    {
      method: 'POST',
      path: '/me/email-addresses',
      operationId: 'addEmailAddress',
      summary: 'Add an address (unverified; a code is mailed to it)',
      auth: 'session',
      body: AddEmailBody,
    },
    {
      method: 'POST',
      path: '/me/email-addresses/{emailAddressId}/prepare_verification',
      operationId: 'prepareEmailAddressVerification',
      summary: 'Mail a new code to an unverified address',
      auth: 'session',
    },
    {
      method: 'POST',
      path: '/me/email-addresses/{emailAddressId}/attempt_verification',
      operationId: 'attemptEmailAddressVerification',
      summary: 'Verify an address with its code',
      auth: 'session',
      body: AttemptBody,
    },
    {
      method: 'POST',
      path: '/me/email-addresses/{emailAddressId}/set_primary',
      operationId: 'setPrimaryEmailAddress',
      summary: 'Make a verified address the primary one',
      auth: 'session',
    },
    {
      method: 'DELETE',
      path: '/me/email-addresses/{emailAddressId}',
      operationId: 'removeEmailAddress',
      summary: 'Remove an address (never the primary one)',
      auth: 'session',
    },
    {
      method: 'POST',
      path: '/me/delete',
      operationId: 'deleteAccount',
      summary: 'Delete the account (confirmed with the password when there is one): sessions and memberships end',
      auth: 'session',
      body: DeleteAccountBody,
    },
  ];
  return docs.map((d) => ({ ...d, tag: 'sessions', ...(d.body || d.method === 'GET' ? {} : { optionalBody: true }) }));
}
