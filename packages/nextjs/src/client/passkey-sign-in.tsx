'use client';
// "Sign in with a passkey" on the sign-in form, and the passkeys the browser offers in the email field's autofill.

import { useEffect, useRef, useState } from 'react';
import type { FetchLike } from './gatehouse-fetch.js';
import { authenticateWithPasskey } from './sign-in-factors.js';
import { useStyling } from './appearance/appearance.js';
import { autofillSupported, cancelPasskeyPrompt, isPasskeyCancel, passkeysSupported } from './webauthn.js';

/**
 * The passkey button, and the autofill request that waits in the background while the form is shown
 * (the email field carries `autocomplete="username webauthn"`). `onSignedIn` runs once the session exists.
 */
export function PasskeySignIn({
  apiBasePath,
  fetcher,
  onSignedIn,
  onError,
}: {
  apiBasePath: string;
  fetcher: FetchLike;
  onSignedIn: () => void;
  onError: (message: string) => void;
}) {
  const [supported, setSupported] = useState(false);
  const [pending, setPending] = useState(false);
  const styling = useStyling();
  // A refused passkey's text in the language in effect.
  const refused = (e: unknown) => styling.failure(e, { code_invalid: 'passkey_failed' });
  const callbacks = useRef({ onSignedIn, onError, refused });
  callbacks.current = { onSignedIn, onError, refused };

  useEffect(() => {
    setSupported(passkeysSupported());
    let cancelled = false;
    void autofillSupported().then((ok) => {
      if (!ok || cancelled) return;
      authenticateWithPasskey(fetcher, apiBasePath, { flow: 'autofill' }).then(
        () => callbacks.current.onSignedIn(),
        (e: unknown) => {
          // The background request is opportunistic: only a passkey the person picked and the server
          // refused is worth a message (not a host where passkeys cannot work, such as an IP address).
          if (!cancelled && (e as { code?: unknown } | null)?.code === 'code_invalid')
            callbacks.current.onError(callbacks.current.refused(e));
        },
      );
    });
    return () => {
      cancelled = true;
      cancelPasskeyPrompt();
    };
  }, [apiBasePath, fetcher]);

  if (!supported) return null;
  return (
    <button
      type="button"
      {...styling.el('alternativeMethodsBlockButton__passkey', 'gh-btn gh-btn-block')}
      disabled={pending}
      onClick={() => {
        // One WebAuthn request at a time: the waiting autofill request gives way to this one.
        setPending(true);
        authenticateWithPasskey(fetcher, apiBasePath).then(
          () => callbacks.current.onSignedIn(),
          (e: unknown) => {
            setPending(false);
            if (!isPasskeyCancel(e)) callbacks.current.onError(refused(e));
          },
        );
      }}
    >
      {styling.t.signIn.start.actionLink__use_passkey}
    </button>
  );
}
