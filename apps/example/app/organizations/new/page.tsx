// Creating an organization: the new one becomes active, then its profile page opens.
import { CreateOrganization } from '@gatehouse/nextjs';

export default function NewOrganizationPage() {
  return <CreateOrganization afterCreateOrganizationUrl="/organization" />;
}
