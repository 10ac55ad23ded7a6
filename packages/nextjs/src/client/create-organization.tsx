'use client';
// CreateOrganization: a form (Name, Slug) that creates an organization and makes it the active one.

import { useState, type FormEvent } from 'react';
import { useOrganizationList } from './use-organization-list.js';

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

export interface CreateOrganizationProps {
  /** Where to go once the new organization is active; by default the page re-renders in place. */
  afterCreateOrganizationUrl?: string;
}

/**
 * Creates an organization with the signed-in user as its admin, then makes it active. The slug
 * follows the name until edited. The server validates both and refuses a taken slug.
 */
export function CreateOrganization({ afterCreateOrganizationUrl }: CreateOrganizationProps) {
  const { createOrganization, setActive } = useOrganizationList();
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
      setError(e instanceof Error ? e.message : 'The organization could not be created.');
    }
    setPending(false);
  }

  return (
    <form className="gatehouse-form" onSubmit={onSubmit} aria-label="Create organization" noValidate>
      <h1>Create organization</h1>
      <label>
        Name
        <input
          name="name"
          required
          maxLength={256}
          value={name}
          onChange={(e) => {
            setName(e.target.value);
            if (!slugEdited) setSlug(slugify(e.target.value));
          }}
        />
      </label>
      <label>
        Slug
        <input
          name="slug"
          maxLength={64}
          pattern="[a-z0-9]+(-[a-z0-9]+)*"
          value={slug}
          onChange={(e) => {
            setSlug(e.target.value);
            setSlugEdited(true);
          }}
        />
      </label>
      {error ? (
        <p role="alert" className="gatehouse-error">
          {error}
        </p>
      ) : null}
      <button type="submit" disabled={pending || name.trim() === ''}>
        Create organization
      </button>
    </form>
  );
}
