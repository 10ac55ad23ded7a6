// Development only: the invitation emails the dev mailer "sent", with their links. A 404 unless the
// instance's dev inbox is on (GATEHOUSE_DEV_INBOX=1; apps/example/.env.development sets it for `next dev`).
import { notFound } from 'next/navigation';
import { getDevInbox } from '@gatehouse/nextjs/server';

export const dynamic = 'force-dynamic';

export default async function DevInboxPage() {
  const messages = await getDevInbox();
  if (!messages) notFound();
  return (
    <>
      <h1>Dev inbox</h1>
      <p>Messages the development mailer would have sent, newest first. Never enabled in a real deployment.</p>
      {messages.length === 0 ? (
        <p>No messages yet.</p>
      ) : (
        <ul aria-label="Messages">
          {messages.map((m) => (
            <li key={`${m.sentAt}-${m.url}`}>
              <p>
                To <strong>{m.to}</strong> · {new Date(m.sentAt).toUTCString()}
              </p>
              <p>
                <a href={m.url}>{m.subject}</a>
              </p>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
