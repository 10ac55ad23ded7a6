'use client';
// UserButton: the signed-in user's email, opening a panel with the session list, "Sign out" and "Sign out of all devices".

import { useState } from 'react';
import { useGatehouse } from './provider.js';
import { SessionList } from './session-list.js';
import { useDisclosure } from './use-disclosure.js';
import { useSessionList } from './use-session-list.js';
import { useUser } from './use-auth.js';

export interface UserButtonProps {
  afterSignOutUrl?: string;
  /** A link to the account page (`<UserProfile />`); left out when not given. */
  userProfileUrl?: string;
}

function UserPanel({ id, afterSignOutUrl, userProfileUrl }: UserButtonProps & { id: string }) {
  const { signOut, session } = useGatehouse();
  const { sessions, error } = useSessionList();
  const [failure, setFailure] = useState<string | null>(null);
  const redirect = afterSignOutUrl ? { redirectUrl: afterSignOutUrl } : {};
  const run = (action: () => Promise<void>) => async () => {
    setFailure(null);
    try {
      await action();
    } catch (e) {
      setFailure(e instanceof Error ? e.message : 'Something went wrong. Try again.');
    }
  };
  return (
    <div id={id} role="group" aria-label="Account" className="gatehouse-popover">
      {userProfileUrl ? (
        <p>
          <a href={userProfileUrl}>Manage account</a>
        </p>
      ) : null}
      {error ? <p role="alert">{error.message}</p> : <SessionList sessions={sessions} label="Signed-in devices" />}
      <button type="button" onClick={run(() => signOut({ ...redirect, ...(session ? { sessionId: session.sessionId } : {}) }))}>
        Sign out
      </button>{' '}
      <button type="button" onClick={run(() => signOut({ scope: 'everywhere', ...redirect }))}>
        Sign out of all devices
      </button>
      {failure ? (
        <p role="alert" className="gatehouse-error">
          {failure}
        </p>
      ) : null}
    </div>
  );
}

/**
 * The signed-in user's email as a button; it opens a panel with this user's sessions (device, last
 * active, the current one marked), "Sign out" (this session) and "Sign out of all devices".
 * Renders nothing when signed out. It hides UI only; the server decides who is signed in.
 */
export function UserButton({ afterSignOutUrl, userProfileUrl }: UserButtonProps) {
  const { user } = useUser();
  const disclosure = useDisclosure();
  if (!user) return null;
  return (
    <div ref={disclosure.rootRef} className="gatehouse-user-button">
      <button type="button" aria-haspopup="true" aria-label={`Account: ${user.email}`} {...disclosure.buttonProps}>
        {user.email}
      </button>
      {disclosure.open ? (
        <UserPanel
          id={disclosure.panelId}
          {...(afterSignOutUrl ? { afterSignOutUrl } : {})}
          {...(userProfileUrl ? { userProfileUrl } : {})}
        />
      ) : null}
    </div>
  );
}
