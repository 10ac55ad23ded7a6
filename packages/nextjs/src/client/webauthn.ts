// The browser's side of a passkey ceremony, through @simplewebauthn/browser: the server's JSON options in, the credential's JSON out.

import {
  browserSupportsWebAuthn,
  browserSupportsWebAuthnAutofill,
  startAuthentication,
  startRegistration,
  WebAuthnAbortService,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/browser';

/** Whether this browser can use passkeys at all. */
export function passkeysSupported(): boolean {
  return typeof window !== 'undefined' && browserSupportsWebAuthn();
}

/** Whether the browser offers passkeys in the email field's autofill (conditional mediation). */
export function autofillSupported(): Promise<boolean> {
  return passkeysSupported() ? browserSupportsWebAuthnAutofill().catch(() => false) : Promise.resolve(false);
}

/** navigator.credentials.create() from the server's registration options. */
export function createPasskey(options: Record<string, unknown>) {
  return startRegistration({ optionsJSON: options as unknown as PublicKeyCredentialCreationOptionsJSON });
}

/**
 * navigator.credentials.get() from the server's assertion options. `autofill`: wait for the person
 * to pick a passkey in the autofill of the field marked `autocomplete="… webauthn"`. A new ceremony
 * (or {@link cancelPasskeyPrompt}) ends a waiting one.
 */
export function getPasskey(options: Record<string, unknown>, autofill = false) {
  return startAuthentication({ optionsJSON: options as unknown as PublicKeyCredentialRequestOptionsJSON, useBrowserAutofill: autofill });
}

export function cancelPasskeyPrompt(): void {
  WebAuthnAbortService.cancelCeremony();
}

/** A person closing the browser's passkey prompt (or another ceremony replacing it), not a failure to report loudly. */
export function isPasskeyCancel(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name;
  return name === 'NotAllowedError' || name === 'AbortError';
}
