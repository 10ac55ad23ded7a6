'use client';
// The accept button: POST {api}/invitations/accept, then make that organization active and open the dashboard.

import { useState } from 'react';
import { useGatehouse, useOrganizationList } from '@gatehouse/nextjs';

type Accepted = { organization: { id: string; name: string } };

export function AcceptInvitation({ token }: { token: string }) {
  const { apiBasePath, fetch } = useGatehouse();
  const { setActive } = useOrganizationList();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  // A button, not an accept-on-load: a mail scanner that opens the link must not accept it.
  async function accept() {
    setPending(true);
    setError(null);
    try {
      const res = await fetch(`${apiBasePath}/invitations/accept`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token }),
      });
      const body = (await res.json().catch(() => null)) as (Accepted & { error?: { message?: string } }) | null;
      if (!res.ok || !body?.organization) {
        setError(body?.error?.message ?? 'The invitation could not be accepted.');
        setPending(false);
        return;
      }
      await setActive({ organization: body.organization.id, redirectUrl: '/dashboard' });
    } catch {
      setError('The invitation could not be accepted. Try again.');
      setPending(false);
    }
  }

  return (
    <>
      <p>You have been invited to join an organization.</p>
      {error ? (
        <p role="alert" className="gatehouse-error">
          {error}
        </p>
      ) : null}
      <button type="button" onClick={() => void accept()} disabled={pending}>
        Accept invitation
      </button>
    </>
  );
}
