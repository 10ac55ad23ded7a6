'use client';
// UserProfile: the account page's content: who is signed in, and every device's session with a button to end it.

import { useState } from 'react';
import { SessionList } from './session-list.js';
import { ConnectedAccounts } from './connected-accounts.js';
import { SecuritySection } from './security-section.js';
import { useSessionList } from './use-session-list.js';
import { useUser } from './use-auth.js';

/**
 * The signed-in user's email and name, and their sessions on every device (device, last active,
 * this one marked "current") with a button to end each, and "Sign out of all devices". Renders
 * nothing when signed out. It hides UI only; the server checks every ending.
 */
export function UserProfile() {
  const { isLoaded, user } = useUser();
  const { sessions, error, endSession, signOutEverywhere } = useSessionList();
  const [failure, setFailure] = useState<string | null>(null);
  if (!isLoaded || !user) return null;
  const name = [user.firstName, user.lastName].filter(Boolean).join(' ');
  return (
    <section className="gatehouse-user-profile" aria-labelledby="gatehouse-user-profile-title">
      <h2 id="gatehouse-user-profile-title">Account</h2>
      <dl>
        <dt>Email</dt>
        <dd>{user.email}</dd>
        {name ? (
          <>
            <dt>Name</dt>
            <dd>{name}</dd>
          </>
        ) : null}
      </dl>
      <ConnectedAccounts />
      <SecuritySection />
      <h3>Devices</h3>
      {error ? (
        <p role="alert">{error.message}</p>
      ) : (
        <SessionList sessions={sessions} label="Signed-in devices" onEnd={(s) => endSession(s.id)} />
      )}
      <button
        type="button"
        onClick={() => {
          setFailure(null);
          signOutEverywhere().catch((e: unknown) => setFailure(e instanceof Error ? e.message : 'Something went wrong.'));
        }}
      >
        Sign out of all devices
      </button>
      {failure ? (
        <p role="alert" className="gatehouse-error">
          {failure}
        </p>
      ) : null}
    </section>
  );
}
