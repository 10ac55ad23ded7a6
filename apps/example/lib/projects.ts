// The example's own data: projects, each owned by one organization. Every function takes the
// organization id, so no code path can read or change another organization's project.

import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

export interface Project {
  id: string;
  name: string;
  createdBy: string;
  createdAt: number;
}

const HOLDER = Symbol.for('gatehouse-example.projects-db');
type Holder = { [HOLDER]?: BetterSqlite3.Database };

/** The example's own database (app.db), shared by its features. */
export function db(): BetterSqlite3.Database {
  const holder = globalThis as Holder;
  if (!holder[HOLDER]) {
    // Next to the Gatehouse database, in its own file.
    const gatehouseFile = resolve(/* turbopackIgnore: true */ process.env.GATEHOUSE_DATABASE_FILE ?? '.gatehouse/gatehouse.db');
    const file = process.env.EXAMPLE_DATABASE_FILE ?? join(/* turbopackIgnore: true */ dirname(gatehouseFile), 'app.db');
    mkdirSync(/* turbopackIgnore: true */ dirname(file), { recursive: true });
    const database = new BetterSqlite3(file);
    database.pragma('journal_mode = WAL');
    database.exec(`CREATE TABLE IF NOT EXISTS projects (
      id TEXT PRIMARY KEY,
      organization_id TEXT NOT NULL,
      name TEXT NOT NULL,
      created_by TEXT NOT NULL,
      created_at INTEGER NOT NULL
    ); CREATE INDEX IF NOT EXISTS projects_org ON projects (organization_id, created_at);`);
    holder[HOLDER] = database;
  }
  return holder[HOLDER];
}

type Row = { id: string; name: string; created_by: string; created_at: number };
const toProject = (row: Row): Project => ({ id: row.id, name: row.name, createdBy: row.created_by, createdAt: row.created_at });

export function listProjects(orgId: string): Project[] {
  return (
    db()
      .prepare('SELECT id, name, created_by, created_at FROM projects WHERE organization_id = ? ORDER BY created_at, id')
      .all(orgId) as Row[]
  ).map(toProject);
}

export function createProject(orgId: string, name: string, userId: string): Project {
  const project = { id: `proj_${randomUUID().replaceAll('-', '')}`, name, createdBy: userId, createdAt: Date.now() };
  db()
    .prepare('INSERT INTO projects (id, organization_id, name, created_by, created_at) VALUES (?, ?, ?, ?, ?)')
    .run(project.id, orgId, name, userId, project.createdAt);
  return project;
}

/** Deletes a project of this organization; false when there is none (including another org's). */
export function deleteProject(orgId: string, id: string): boolean {
  return db().prepare('DELETE FROM projects WHERE id = ? AND organization_id = ?').run(id, orgId).changes === 1;
}
