// Deleting a project needs org:admin and a verification within the hour (Clerk's `moderate` preset):
// an older session gets Clerk's 403 reverification body, which useReverification() on the page
// answers with the verification dialog and a retry. A project of another organization is a 404.
import { auth, orgScope, reverificationErrorResponse } from '@gatehouse/nextjs/server';
import { deleteProject } from '@/lib/projects';

export async function DELETE(_request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const scope = await orgScope({ role: 'org:admin' });
  if (scope instanceof Response) return scope;
  const { has } = await auth();
  if (!has({ reverification: 'moderate' })) return reverificationErrorResponse('moderate');
  const { id } = await params;
  if (!(await deleteProject(scope.orgId, id)))
    return Response.json({ error: { code: 'not_found', message: 'No such project.' } }, { status: 404 });
  return Response.json({ deleted: true, id });
}
