// The app's own data, keyed by the user id as a Clerk app keys its tables: a JSON file of notes per userId (FIXTURE_NOTES_FILE, default .data/notes.json).

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The notes of one user; none when the file or the user's entry is missing. */
export function notesOf(userId: string): string[] {
  let all: Record<string, string[]>;
  try {
    all = JSON.parse(readFileSync(resolve(process.env.FIXTURE_NOTES_FILE ?? '.data/notes.json'), 'utf8')) as Record<string, string[]>;
  } catch {
    return [];
  }
  return Object.hasOwn(all, userId) ? (all[userId] ?? []) : [];
}
