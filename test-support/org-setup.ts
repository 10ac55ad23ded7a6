// Shared setup for the organization suites: users signed up over HTTP, orgs created and joined through the API, JWT payloads, and a snapshot of every row an org request could write.

import assert from 'node:assert/strict';
import { base64url } from 'jose';
import { API, createCookieJar, send, signUp, type ApiResponse, type CookieJar, type InstanceLike, type TestInstance } from './instance.js';

export interface Member {
  email: string;
  jar: CookieJar;
  userId: string;
  sessionId: string;
}

/** The payload of a JWT, unverified (the tests look at claims the server minted). */
export function payload(jwt: string): Record<string, unknown> {
  return JSON.parse(new TextDecoder().decode(base64url.decode(jwt.split('.')[1] ?? ''))) as Record<string, unknown>;
}

export async function member(t: InstanceLike, email: string): Promise<Member> {
  const jar = createCookieJar();
  const res = await signUp(t, email, jar);
  assert.equal(res.status, 200, res.text);
  const body = res.body as { user: { id: string }; sessionId: string };
  return { email, jar, userId: body.user.id, sessionId: body.sessionId };
}

/** Calls the API as this member (cookies, same-origin). */
export function as(t: InstanceLike, who: Member, path: string, options: { method?: string; json?: unknown } = {}): Promise<ApiResponse> {
  return send(t, `${API}${path}`, { ...options, jar: who.jar });
}

export async function createOrg(t: InstanceLike, owner: Member, body: Record<string, unknown>): Promise<{ id: string; slug: string }> {
  const res = await as(t, owner, '/organizations', { json: body });
  assert.equal(res.status, 200, res.text);
  return (res.body as { organization: { id: string; slug: string } }).organization;
}

/** The token of the newest dev-inbox message to `email`. */
export function inboxToken(t: InstanceLike, email: string): string {
  const message = t.gatehouse.organizations.devInbox().find((m) => m.to === email);
  assert.ok(message, `no invitation email to ${email}`);
  const token = new URL(message.url, 'http://localhost').searchParams.get('invitation_token');
  assert.ok(token);
  return token;
}

/** Invites `who` as `role` and accepts as them; returns the membership's role. */
export async function join(t: InstanceLike, admin: Member, orgId: string, who: Member, role?: string): Promise<void> {
  const invited = await as(t, admin, `/organizations/${orgId}/invitations`, {
    json: role ? { email: who.email, role } : { email: who.email },
  });
  assert.equal(invited.status, 200, invited.text);
  const accepted = await as(t, who, '/invitations/accept', { json: { token: inboxToken(t, who.email) } });
  assert.equal(accepted.status, 200, accepted.text);
}

/** setActive({ organization }) for this member; returns the new session token. */
export async function activate(t: InstanceLike, who: Member, organization: string | null): Promise<string> {
  const res = await as(t, who, '/sessions/active-organization', { json: { organization } });
  assert.equal(res.status, 200, res.text);
  return (res.body as { jwt: string }).jwt;
}

export interface OrgSnapshot {
  organizations: unknown[];
  memberships: unknown[];
  invitations: unknown[];
  sessions: unknown[];
  audit: number;
}

/** Every org, membership, invitation and session row plus the audit count: equal before and after a refused request. */
export function orgSnapshot(t: TestInstance): OrgSnapshot {
  return {
    organizations: t.db.prepare('SELECT * FROM organizations ORDER BY id').all(),
    memberships: t.db.prepare('SELECT * FROM memberships ORDER BY id').all(),
    invitations: t.db.prepare('SELECT * FROM invitations ORDER BY id').all(),
    sessions: t.db.prepare('SELECT * FROM sessions ORDER BY id').all(),
    audit: (t.db.prepare('SELECT COUNT(*) AS n FROM audit_events').get() as { n: number }).n,
  };
}

/** The error code and status of a response. */
export function failure(res: ApiResponse): [number, string | undefined] {
  return [res.status, (res.body as { error?: { code: string } } | undefined)?.error?.code];
}

export function auditActions(t: TestInstance, since: number): string[] {
  return (t.db.prepare('SELECT action FROM audit_events WHERE id > ? ORDER BY id').all(since) as { action: string }[]).map((r) => r.action);
}

export function lastAuditId(t: TestInstance): number {
  return (t.db.prepare('SELECT COALESCE(MAX(id), 0) AS n FROM audit_events').get() as { n: number }).n;
}
