'use client';
// <APIKeys/>: list, create (the secret shown once) and revoke the API keys of the user or the active organization.

import { useId, useState, type FormEvent } from 'react';
import { useAPIKeys } from './use-api-keys.js';
import { StyledRoot, useStyling } from './appearance/appearance.js';
import { ErrorRegion, Field } from './appearance/parts.js';
import type { Appearance } from './appearance/types.js';

export interface APIKeysProps {
  /** `user_…` or `org_…`; default: the active organization, else the user. */
  subject?: string;
  /** Scopes offered as checkboxes (e.g. the organization's permissions). */
  scopeOptions?: readonly string[];
  /** Clerk's `appearance` for this component (over the provider's). */
  appearance?: Appearance;
}

const EXPIRIES: readonly {
  label: 'expiration__never' | 'expiration__1d' | 'expiration__30d' | 'expiration__1y';
  seconds: number | null;
}[] = [
  { label: 'expiration__never', seconds: null },
  { label: 'expiration__1d', seconds: 86_400 },
  { label: 'expiration__30d', seconds: 30 * 86_400 },
  { label: 'expiration__1y', seconds: 365 * 86_400 },
];

export function APIKeys({ subject, scopeOptions = [], appearance }: APIKeysProps) {
  const keys = useAPIKeys(subject ? { subject } : {});
  const styling = useStyling(appearance);
  const { el, t, format, errorText } = styling;
  const texts = t.apiKeys;
  const expiryId = useId();
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
      setError(e instanceof Error ? e.message : errorText('generic'));
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
    <StyledRoot appearance={appearance} className="gh-box-wide">
      <section {...el('card', 'gh-card gatehouse-api-keys')} aria-label={texts.sectionLabel}>
        <form {...el('form', 'gh-form')} onSubmit={submit}>
          <div className="gh-row" style={{ alignItems: 'flex-end' }}>
            <div style={{ flex: '2 1 14rem' }}>
              <Field
                styling={styling}
                label={texts.formFieldLabel__name}
                name="name"
                required
                maxLength={256}
                value={name}
                onChange={(e) => setName(e.target.value)}
              />
            </div>
            <div {...el('formField', 'gh-field')} style={{ flex: '1 1 8rem' }}>
              <label {...el('formFieldLabel', 'gh-label')} htmlFor={expiryId}>
                {texts.formFieldLabel__expiration}
              </label>
              <select
                {...el('formFieldInput', 'gh-input')}
                id={expiryId}
                name="expiry"
                value={expiry}
                onChange={(e) => setExpiry(Number(e.target.value))}
              >
                {EXPIRIES.map((option, i) => (
                  <option key={option.label} value={i}>
                    {texts[option.label]}
                  </option>
                ))}
              </select>
            </div>
            <button {...el('formButtonPrimary', 'gh-btn gh-btn-primary')} type="submit" disabled={pending || name.trim() === ''}>
              {texts.formButtonPrimary__add}
            </button>
          </div>
          {scopeOptions.length ? (
            <div className="gh-row">
              {scopeOptions.map((scope) => (
                <label key={scope} className="gh-check">
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
            </div>
          ) : null}
        </form>
        {secret ? (
          <p role="status" {...el('apiKeysSecret', 'gh-notice gatehouse-api-key-secret')}>
            {texts.copySecret}{' '}
            <code className="gh-code" data-testid="api-key-secret">
              {secret}
            </code>
          </p>
        ) : null}
        <ErrorRegion styling={styling} message={error} />
        {keys.data === undefined ? (
          <p className="gh-muted" aria-busy="true">
            {texts.loading}
          </p>
        ) : keys.data.length === 0 ? (
          <p className="gh-muted">{texts.empty}</p>
        ) : (
          <ul {...el('apiKeysList', 'gh-list')} aria-label={texts.sectionLabel}>
            {keys.data.map((key) => (
              <li key={key.id} data-key-id={key.id} {...el('apiKeysListItem', 'gh-list-item')}>
                <span className="gh-list-main">
                  <strong>{key.name}</strong>
                  <span className="gh-muted">
                    {[
                      key.scopes.join(', '),
                      key.expiration ? format(texts.expires, { date: new Date(key.expiration).toLocaleDateString(t.locale) }) : '',
                      key.lastUsedAt ? format(texts.lastUsed, { date: new Date(key.lastUsedAt).toLocaleString(t.locale) }) : '',
                    ]
                      .filter(Boolean)
                      .join(' · ')}
                  </span>
                </span>
                <button
                  {...el('apiKeysRevokeButton', 'gh-btn gh-btn-sm gh-btn-danger')}
                  type="button"
                  disabled={pending}
                  onClick={() => void run(() => keys.revoke(key.id))}
                >
                  {texts.revoke}
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
    </StyledRoot>
  );
}
