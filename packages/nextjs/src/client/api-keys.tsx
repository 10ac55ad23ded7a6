'use client';
// <APIKeys/>: list, create (the secret shown once) and revoke the API keys of the user or the active organization.

import { useState, type FormEvent } from 'react';
import { useAPIKeys } from './use-api-keys.js';

export interface APIKeysProps {
  /** `user_…` or `org_…`; default: the active organization, else the user. */
  subject?: string;
  /** Scopes offered as checkboxes (e.g. the organization's permissions). */
  scopeOptions?: readonly string[];
}

const EXPIRIES: readonly { label: string; seconds: number | null }[] = [
  { label: 'Never', seconds: null },
  { label: '1 day', seconds: 86_400 },
  { label: '30 days', seconds: 30 * 86_400 },
  { label: '1 year', seconds: 365 * 86_400 },
];

export function APIKeys({ subject, scopeOptions = [] }: APIKeysProps) {
  const keys = useAPIKeys(subject ? { subject } : {});
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>([]);
  const [expiry, setExpiry] = useState(0);
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  const run = async (action: () => Promise<unknown>) => {
    setPending(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Something went wrong.');
    }
    setPending(false);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const created = await keys.create({ name: name.trim(), scopes, secondsUntilExpiration: EXPIRIES[expiry]?.seconds ?? null });
      setSecret(created.secret);
      setName('');
      setScopes([]);
    });
  };

  return (
    <section className="gatehouse-api-keys" aria-label="API keys">
      <form onSubmit={submit}>
        <label>
          Name <input name="name" required maxLength={256} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        {scopeOptions.map((scope) => (
          <label key={scope}>
            <input
              type="checkbox"
              name="scope"
              value={scope}
              checked={scopes.includes(scope)}
              onChange={(e) => setScopes((s) => (e.target.checked ? [...s, scope] : s.filter((x) => x !== scope)))}
            />{' '}
            {scope}
          </label>
        ))}
        <label>
          Expires{' '}
          <select name="expiry" value={expiry} onChange={(e) => setExpiry(Number(e.target.value))}>
            {EXPIRIES.map((option, i) => (
              <option key={option.label} value={i}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={pending || name.trim() === ''}>
          Create API key
        </button>
      </form>
      {secret ? (
        <p role="status" className="gatehouse-api-key-secret">
          Copy this key now; it is not shown again: <code data-testid="api-key-secret">{secret}</code>
        </p>
      ) : null}
      {error ? (
        <p role="alert" className="gatehouse-error">
          {error}
        </p>
      ) : null}
      {keys.data === undefined ? (
        <p aria-busy="true">Loading API keys…</p>
      ) : keys.data.length === 0 ? (
        <p>No API keys.</p>
      ) : (
        <ul aria-label="API keys">
          {keys.data.map((key) => (
            <li key={key.id} data-key-id={key.id}>
              <strong>{key.name}</strong> {key.scopes.length ? <span>· {key.scopes.join(', ')}</span> : null}
              {key.expiration ? <span> · expires {new Date(key.expiration).toLocaleDateString()}</span> : null}
              {key.lastUsedAt ? <span> · last used {new Date(key.lastUsedAt).toLocaleString()}</span> : null}{' '}
              <button type="button" disabled={pending} onClick={() => void run(() => keys.revoke(key.id))}>
                Revoke
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
