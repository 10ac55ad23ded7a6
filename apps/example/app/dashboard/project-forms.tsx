'use client';
// The forms that call the dashboard's server actions, with their error messages.

import { useActionState } from 'react';
import { createProjectAction, deleteProjectAction, type ActionState } from './actions';

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
  const [state, action, pending] = useActionState<ActionState, FormData>(deleteProjectAction, {});
  return (
    <form action={action} className="inline-form">
      <input type="hidden" name="id" value={id} />
      <button type="submit" disabled={pending} aria-label={`Delete ${name}`}>
        Delete
      </button>
      {state.error ? (
        <span role="alert" className="gatehouse-error">
          {state.error}
        </span>
      ) : null}
    </form>
  );
}
