// Choosing an organization: the user's organizations and the personal account, each with Select.
import { OrganizationList } from '@gatehouse/nextjs';
import { auth } from '@gatehouse/nextjs/server';

export default async function OrganizationsPage() {
  // The page guards itself; the proxy is a convenience.
  await auth.protect();
  return <OrganizationList afterSelectOrganizationUrl="/dashboard" afterSelectPersonalUrl="/dashboard" />;
}
