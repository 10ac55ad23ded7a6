'use client';
// CreateOrganization: a form (Name, Slug) that creates an organization and makes it the active one.

import { useId, useState, type FormEvent } from 'react';
import { useOrganizationList } from './use-organization-list.js';
import { StyledRoot, useStyling } from './appearance/appearance.js';
import { ErrorRegion, Field } from './appearance/parts.js';
import type { Appearance } from './appearance/types.js';
import type { RoutingProps } from './trigger-button.js';

/** The slug the server would derive (ASCII letters and digits, lowercase, single hyphens). */
function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 64)
    .replace(/^-+|-+$/g, '');
}

export interface CreateOrganizationProps extends RoutingProps {
  /** Where to go once the new organization is active; by default the page re-renders in place. */
  afterCreateOrganizationUrl?: string;
  /** Clerk's `appearance` for this component (over the provider's). */
  appearance?: Appearance;
}

/**
 * Creates an organization with the signed-in user as its admin, then makes it active. The slug
 * follows the name until edited. The server validates both and refuses a taken slug.
 */
export function CreateOrganization({ afterCreateOrganizationUrl, appearance }: CreateOrganizationProps) {
  const { createOrganization, setActive } = useOrganizationList();
  const styling = useStyling(appearance);
  const { el, t, errorText } = styling;
  const errorId = useId();
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [slugEdited, setSlugEdited] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    setPending(true);
    try {
      const organization = await createOrganization({ name, ...(slug ? { slug } : {}) });
      await setActive({
        organization: organization.id,
        ...(afterCreateOrganizationUrl ? { redirectUrl: afterCreateOrganizationUrl } : {}),
      });
      setName('');
      setSlug('');
      setSlugEdited(false);
    } catch (e) {
      setError(e instanceof Error ? e.message : errorText('generic'));
    }
    setPending(false);
  }

  return (
    <StyledRoot appearance={appearance} className="gh-box">
      <form {...el('card', 'gh-card gatehouse-form')} onSubmit={onSubmit} aria-label={t.createOrganization.title} noValidate>
        <div {...el('header', 'gh-header')}>
          <h1 {...el('headerTitle', 'gh-title')}>{t.createOrganization.title}</h1>
        </div>
        <div {...el('main', 'gh-stack')}>
          <Field
            styling={styling}
            label={t.formFieldLabel__organizationName}
            name="name"
            required
            maxLength={256}
            value={name}
            errorId={error ? errorId : null}
            onChange={(e) => {
              setName(e.target.value);
              if (!slugEdited) setSlug(slugify(e.target.value));
            }}
          />
          <Field
            styling={styling}
            label={t.formFieldLabel__organizationSlug}
            name="slug"
            maxLength={64}
            pattern="[a-z0-9]+(-[a-z0-9]+)*"
            value={slug}
            onChange={(e) => {
              setSlug(e.target.value);
              setSlugEdited(true);
            }}
          />
        </div>
        <ErrorRegion styling={styling} message={error} id={errorId} />
        <button {...el('formButtonPrimary', 'gh-btn gh-btn-primary gh-btn-block')} type="submit" disabled={pending || name.trim() === ''}>
          {t.createOrganization.formButtonSubmit}
        </button>
      </form>
    </StyledRoot>
  );
}
