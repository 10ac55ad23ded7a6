// Creating an organization: the new one becomes active, then its profile page opens.
import { CreateOrganization } from '@gatehouse/nextjs';
import { auth } from '@gatehouse/nextjs/server';

export default async function NewOrganizationPage() {
  // The page guards itself; the proxy is a convenience.
  await auth.protect();
  return <CreateOrganization afterCreateOrganizationUrl="/organization" />;
}
