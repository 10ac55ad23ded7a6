// Calls the reports service (apps/reports-api) with a `reports` JWT-template token.

/** Where the reports service listens: REPORTS_API_URL, by default the port `npm run start -w apps/reports-api` uses. */
export function reportsApiUrl(): string {
  return process.env.REPORTS_API_URL || 'http://127.0.0.1:4001';
}

export type ReportsResult =
  | { ok: true; body: { organization: string; role: string | null; reports: { id: string; title: string; value: number }[] } }
  | { ok: false; status: number | null; message: string };

export async function fetchReports(token: string | null): Promise<ReportsResult> {
  const url = new URL('/reports', reportsApiUrl());
  try {
    const res = await fetch(url, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      cache: 'no-store',
      signal: AbortSignal.timeout(5_000),
    });
    const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
    if (res.ok) return { ok: true, body: body as Extract<ReportsResult, { ok: true }>['body'] };
    return { ok: false, status: res.status, message: body?.error?.message ?? `The reports service answered ${res.status}.` };
  } catch {
    return {
      ok: false,
      status: null,
      message: `The reports service is not reachable at ${url.origin} (start it: npm run start -w apps/reports-api).`,
    };
  }
}
