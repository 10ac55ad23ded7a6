// Development only: the mails the dev mailer "sent" (verification and reset codes, invitations), with their links. A 404 unless the
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
            <li key={`${m.sentAt}-${m.to}-${m.subject}`}>
              <p>
                To <strong>{m.to}</strong> · {new Date(m.sentAt).toUTCString()}
              </p>
              <p>{m.url ? <a href={m.url}>{m.subject}</a> : <strong>{m.subject}</strong>}</p>
              <pre>{m.text}</pre>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
