// Step 3 of the seed: a JWT template token for another service. The page mints a `reports` token
// with getToken({ template: 'reports' }) and sends it to apps/reports-api, which verifies it
// against this app's JWKS and answers with the active organization's reports only.
import { auth } from '@gatehouse/nextjs/server';
import { fetchReports } from '@/lib/reports';

export const dynamic = 'force-dynamic';

export default async function ReportsPage() {
  const { userId, orgId, getToken, redirectToSignIn } = await auth();
  if (!userId) return redirectToSignIn();
  const result = orgId ? await fetchReports(await getToken({ template: 'reports' })) : null;
  return (
    <>
      <h1>Reports</h1>
      <p>
        Fetched from the separate reports service with a short-lived <code>reports</code> template token.
      </p>
      {!result ? (
        <p role="status">No organization is active: choose one in the organization switcher to see its reports.</p>
      ) : result.ok ? (
        <>
          <p>
            Reports of <code data-testid="reports-org">{result.body.organization}</code> (your role there: <code>{result.body.role}</code>).
          </p>
          <ul className="project-list" data-testid="reports">
            {result.body.reports.map((report) => (
              <li key={report.id}>
                <span>{report.title}</span>
                <strong>{report.value}</strong>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p role="alert" className="gatehouse-error">
          {result.status ? `${result.status}: ` : ''}
          {result.message}
        </p>
      )}
    </>
  );
}
