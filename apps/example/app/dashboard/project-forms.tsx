'use client';
// The forms that call the dashboard's server actions, with their error messages. Deleting a project
// goes through the route handler wrapped in useReverification(): a session that verified more than an
// hour ago gets the verification dialog, then the delete runs again.

import { useActionState, useState, type FormEvent } from 'react';
import { useRouter } from 'next/navigation';
import { isReverificationCancelledError, useReverification } from '@gatehouse/nextjs';
import { createProjectAction, deleteProjectAction, type ActionState, type ReverificationState } from './actions';

export function NewProjectForm() {
  const [state, action, pending] = useActionState<ActionState, FormData>(createProjectAction, {});
  return (
    <form action={action} aria-label="New project" className="inline-form">
      <input name="name" aria-label="Project name" placeholder="Project name" required maxLength={100} />
      <button type="submit" disabled={pending}>
        New project
      </button>
      {state.error ? (
        <p role="alert" className="gatehouse-error">
          {state.error}
        </p>
      ) : null}
    </form>
  );
}

export function DeleteProjectButton({ id, name }: { id: string; name: string }) {
  const router = useRouter();
  // Without scripts the form posts the server action (which answers Clerk's reverification object).
  const [state, action] = useActionState<ActionState | ReverificationState, FormData>(deleteProjectAction, {});
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const remove = useReverification(() => fetch(`/api/projects/${encodeURIComponent(id)}`, { method: 'DELETE' }));

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    setPending(true);
    try {
      const answer = (await remove()) as { deleted?: boolean; error?: { message?: string } } | null;
      if (answer?.deleted) router.refresh();
      else setError(answer?.error?.message ?? 'The project could not be deleted.');
    } catch (e) {
      if (!isReverificationCancelledError(e)) setError(e instanceof Error ? e.message : 'The project could not be deleted.');
    }
    setPending(false);
  }

  const shown = error ?? ('error' in state ? state.error : 'clerk_error' in state ? 'Verify it is you, then try again.' : null);
  return (
    <form action={action} onSubmit={(e) => void onSubmit(e)} className="inline-form">
      <input type="hidden" name="id" value={id} />
      <button type="submit" disabled={pending} aria-label={`Delete ${name}`}>
        Delete
      </button>
      {shown ? (
        <span role="alert" className="gatehouse-error">
          {shown}
        </span>
      ) : null}
    </form>
  );
}
