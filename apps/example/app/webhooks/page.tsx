// The webhook events this app received about the active organization and its members (org admins only).
import { auth, gatehouseClient } from '@gatehouse/nextjs/server';
import { listEvents } from '../../lib/webhook-events';

export const dynamic = 'force-dynamic';

export default async function WebhooksPage() {
  const { orgId } = await auth.protect({ role: 'org:admin' });
  const client = await gatehouseClient();
  const members = await client.organizations.getOrganizationMembershipList({ organizationId: orgId! });
  const events = await listEvents(
    orgId!,
    members.data.map((m) => m.userId),
  );
  return (
    <>
      <h1>Webhooks</h1>
      <p>
        Events received at <code>POST /api/webhooks/gatehouse</code> about this organization and its members, newest first.
      </p>
      {events.length === 0 ? (
        <p>No events yet.</p>
      ) : (
        <table className="gatehouse-table" aria-label="Received events">
          <thead>
            <tr>
              <th>Event</th>
              <th>About</th>
              <th>Received</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.id}>
                <td>
                  <code>{e.type}</code>
                </td>
                <td>{e.subject}</td>
                <td>{new Date(e.receivedAt).toUTCString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
