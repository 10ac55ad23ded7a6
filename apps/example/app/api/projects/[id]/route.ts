// Deleting a project needs org:admin; a project of another organization is a 404, never a delete.
import { orgScope } from '@gatehouse/nextjs/server';
import { deleteProject } from '@/lib/projects';

export async function DELETE(_request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const scope = await orgScope({ role: 'org:admin' });
  if (scope instanceof Response) return scope;
  const { id } = await params;
  if (!deleteProject(scope.orgId, id)) return Response.json({ error: { code: 'not_found', message: 'No such project.' } }, { status: 404 });
  return new Response(null, { status: 204 });
}
