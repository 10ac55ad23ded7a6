// Step 2 of the seed: API routes that answer 401 / 400 / 403 themselves and only ever touch the
// active organization's rows. Session cookie or `Authorization: Bearer` both work, and so does an
// organization's API key (its organization and its scopes decide).
import { orgScope } from '@gatehouse/nextjs/server';
import { createProject, listProjects } from '@/lib/projects';
import { readJsonBody } from '@/lib/json-body';

const ACCEPTS = ['session_token', 'api_key'] as const;

export async function GET(): Promise<Response> {
  const scope = await orgScope({ permission: 'org:projects:read' }, { acceptsToken: ACCEPTS });
  if (scope instanceof Response) return scope;
  return Response.json(
    { organizationId: scope.orgId, projects: await listProjects(scope.orgId) },
    { headers: { 'cache-control': 'no-store' } },
  );
}

export async function POST(request: Request): Promise<Response> {
  const scope = await orgScope({ permission: 'org:projects:write' }, { acceptsToken: ACCEPTS });
  if (scope instanceof Response) return scope;
  const parsed = await readJsonBody(request);
  if (parsed instanceof Response) return parsed;
  const body = parsed as { name?: unknown } | null;
  const name = typeof body?.name === 'string' ? body.name.trim() : '';
  if (!body || Object.keys(body).some((k) => k !== 'name') || name === '' || name.length > 100) {
    return Response.json({ error: { code: 'invalid_body', message: 'Send { "name": "<1-100 characters>" }.' } }, { status: 400 });
  }
  return Response.json({ project: await createProject(scope.orgId, name, scope.actorId) }, { status: 201 });
}
