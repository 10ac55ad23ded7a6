// The example's own data: projects, each owned by one organization. Every function takes the
// organization id, so no code path can read or change another organization's project.

import { randomUUID } from 'node:crypto';
import { appDb } from './app-db';

export interface Project {
  id: string;
  name: string;
  createdBy: string;
  createdAt: number;
}

export async function listProjects(orgId: string): Promise<Project[]> {
  const rows = await (
    await appDb()
  )
    .selectFrom('projects')
    .select(['id', 'name', 'created_by', 'created_at'])
    .where('organization_id', '=', orgId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((row) => ({ id: row.id, name: row.name, createdBy: row.created_by, createdAt: Number(row.created_at) }));
}

export async function createProject(orgId: string, name: string, userId: string): Promise<Project> {
  const project = { id: `proj_${randomUUID().replaceAll('-', '')}`, name, createdBy: userId, createdAt: Date.now() };
  await (
    await appDb()
  )
    .insertInto('projects')
    .values({ id: project.id, organization_id: orgId, name, created_by: userId, created_at: project.createdAt })
    .execute();
  return project;
}

/** Deletes a project of this organization; false when there is none (including another org's). */
export async function deleteProject(orgId: string, id: string): Promise<boolean> {
  const result = await (await appDb()).deleteFrom('projects').where('id', '=', id).where('organization_id', '=', orgId).executeTakeFirst();
  return result.numDeletedRows === 1n;
}
