// Demo data for the example app (GATEHOUSE_DEMO=1, which `npm start` sets): three users, two
// organizations, a few projects. Created once, on the first start with an empty database.

import type { Gatehouse } from '@gatehouse/server';
import { DASHBOARD_PATH, DEMO_PASSWORD, DEMO_USERS } from './demo-accounts';
import { createProject, listProjects } from './projects';

const ORGS = [
  { slug: 'acme', name: 'Acme', creator: 'alice@example.com', projects: ['Rocket skates', 'Giant magnet'] },
  { slug: 'globex', name: 'Globex', creator: 'carol@example.com', projects: ['Hammock district'] },
] as const;

export async function seedDemo(gatehouse: Gatehouse): Promise<void> {
  if (await gatehouse.users.find(DEMO_USERS[0].email)) return;
  const ids = new Map<string, string>();
  for (const user of DEMO_USERS) {
    const created = await gatehouse.users.create({
      email: user.email,
      password: DEMO_PASSWORD,
      firstName: user.firstName,
      emailVerified: true,
    });
    if ('instanceAdmin' in user && user.instanceAdmin) await gatehouse.users.setInstanceAdmin(created.id, true);
    ids.set(user.email, created.id);
  }
  for (const org of ORGS) {
    const { organization } = await gatehouse.organizations.createOrganization(ids.get(org.creator)!, { name: org.name, slug: org.slug });
    for (const user of DEMO_USERS) {
      for (const [slug, role] of user.memberships) {
        if (slug === org.slug && user.email !== org.creator)
          await gatehouse.organizations.addMember(organization.id, ids.get(user.email)!, role);
      }
    }
    if ((await listProjects(organization.id)).length === 0)
      for (const name of org.projects) await createProject(organization.id, name, ids.get(org.creator)!);
  }
  console.log(
    [
      'Gatehouse demo data (password for everyone: gatehouse-demo):',
      `  alice@example.com  admin of Acme, instance admin (dashboard: ${DASHBOARD_PATH})`,
      '  bob@example.com    member of Acme',
      '  carol@example.com  viewer of Acme, admin of Globex',
    ].join('\n'),
  );
}
