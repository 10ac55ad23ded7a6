// The example's `supabase` JWT template against a real PostgreSQL: the token is verified the way
// PostgREST does (HS256 with the project's JWT secret), its claims are set with
// set_config('request.jwt.claims', …, true) and `set role <claims.role>` inside a transaction, and
// row-level-security policies then return only the user's own rows and the active organization's
// rows. A user who writes `role: "service_role"` into their user-writable metadata still gets
// `role: "authenticated"`. Runs in a database of its own; the roles `authenticated` and
// `service_role` are created cluster-wide when missing (NOLOGIN, as on Supabase).

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { jwtVerify, type JWTPayload } from 'jose';
import pg from 'pg';
import { readConfigFile } from '../../packages/server/src/instance/config-file.js';
import { createTestInstance, type TestInstance } from '../../test-support/instance.js';
import { POSTGRES_ADMIN_URL, serviceGate } from '../../test-support/backends.js';

const CONFIG = join(resolve(import.meta.dirname, '..', '..'), 'apps', 'example', 'gatehouse.config.json');
const SUPABASE_JWT_SECRET = randomBytes(32).toString('base64url');
const CTX = { ip: null, userAgent: null, origin: null };
const PASSWORD = 'correct horse battery staple';

const skip = await serviceGate('PostgreSQL');

describe('supabase template and row-level security on PostgreSQL', { skip }, () => {
  let t: TestInstance;
  let db: pg.Client;
  const dbName = `gatehouse_rls_${randomBytes(6).toString('hex')}`;
  const ids: Record<string, string> = {};

  /** Signs `email` in with `org` active and mints the supabase token, verified as PostgREST would. */
  async function supabaseClaims(email: string, org: string): Promise<{ token: string; claims: JWTPayload }> {
    const signedIn = await t.gatehouse.sessions.signIn({ email, password: PASSWORD }, CTX);
    const actor = { userId: ids[email]!, sessionId: signedIn.sessionId };
    await t.gatehouse.sessions.setActiveOrganization(actor, org, CTX);
    const token = await t.gatehouse.templates.mint('supabase', actor, CTX);
    const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(SUPABASE_JWT_SECRET), {
      algorithms: ['HS256'],
      audience: 'authenticated',
      currentDate: new Date(t.clock.now), // the instance runs on a fake clock
    });
    assert.equal(protectedHeader.alg, 'HS256');
    return { token, claims: payload };
  }

  /** What PostgREST does per request: claims and role local to one transaction, then the query. */
  async function asRequest<T extends pg.QueryResultRow>(claims: JWTPayload, sql: string, params: unknown[] = []): Promise<T[]> {
    await db.query('BEGIN');
    try {
      await db.query("SELECT set_config('request.jwt.claims', $1, true)", [JSON.stringify(claims)]);
      await db.query(`SET LOCAL ROLE ${pg.escapeIdentifier(String(claims.role))}`);
      return (await db.query<T>(sql, params)).rows;
    } finally {
      await db.query('ROLLBACK');
    }
  }

  before(async () => {
    const options = readConfigFile({ GATEHOUSE_CONFIG: CONFIG, SUPABASE_JWT_SECRET });
    t = await createTestInstance({ ...options, log: () => undefined });
    for (const email of ['alice@example.com', 'carol@example.com'])
      ids[email] = (await t.gatehouse.users.create({ email, password: PASSWORD })).id;
    const acme = await t.gatehouse.organizations.createOrganization(ids['alice@example.com']!, { name: 'Acme', slug: 'acme' });
    const globex = await t.gatehouse.organizations.createOrganization(ids['carol@example.com']!, { name: 'Globex', slug: 'globex' });
    await t.gatehouse.organizations.addMember(acme.organization.id, ids['carol@example.com']!, 'org:viewer');
    ids.acme = acme.organization.id;
    ids.globex = globex.organization.id;

    const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${dbName}`);
      for (const role of ['authenticated NOLOGIN', 'service_role NOLOGIN BYPASSRLS']) {
        // Roles are cluster-wide: create each once, tolerating a concurrent run doing the same.
        await admin.query(`DO $$ BEGIN CREATE ROLE ${role}; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`);
      }
    } finally {
      await admin.end();
    }
    const url = new URL(POSTGRES_ADMIN_URL);
    url.pathname = `/${dbName}`;
    db = new pg.Client({ connectionString: url.toString() });
    await db.connect();
    await db.query(`
      CREATE FUNCTION jwt_claim(name text) RETURNS text LANGUAGE sql STABLE
        AS $$ SELECT current_setting('request.jwt.claims', true)::json ->> name $$;
      CREATE TABLE notes (id serial PRIMARY KEY, owner_id text NOT NULL, body text NOT NULL);
      CREATE TABLE projects (id serial PRIMARY KEY, org_id text NOT NULL, name text NOT NULL);
      ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
      ALTER TABLE projects ENABLE ROW LEVEL SECURITY;
      CREATE POLICY own_notes ON notes TO authenticated USING (owner_id = jwt_claim('sub')) WITH CHECK (owner_id = jwt_claim('sub'));
      CREATE POLICY org_projects ON projects TO authenticated
        USING (org_id = jwt_claim('org_id')) WITH CHECK (org_id = jwt_claim('org_id') AND jwt_claim('org_role') = 'admin');
      GRANT USAGE ON SCHEMA public TO authenticated, service_role;
      GRANT SELECT, INSERT ON notes, projects TO authenticated, service_role;
      GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO authenticated, service_role;
    `);
    await db.query('INSERT INTO notes (owner_id, body) VALUES ($1, $2), ($3, $4)', [
      ids['alice@example.com'],
      'alice note',
      ids['carol@example.com'],
      'carol note',
    ]);
    await db.query('INSERT INTO projects (org_id, name) VALUES ($1, $2), ($1, $3), ($4, $5)', [
      ids.acme,
      'Rocket skates',
      'Giant magnet',
      ids.globex,
      'Hammock district',
    ]);
  });

  after(async () => {
    await db?.end().catch(() => undefined);
    const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    } finally {
      await admin.end();
    }
    await t?.close();
  });

  test('the token is HS256 with the configured secret and Supabase-shaped claims; another secret fails', async () => {
    const { token, claims } = await supabaseClaims('alice@example.com', 'acme');
    assert.equal(claims.sub, ids['alice@example.com']);
    assert.equal(claims.role, 'authenticated');
    assert.equal(claims.aud, 'authenticated');
    assert.equal(claims.email, 'alice@example.com');
    assert.equal(claims.org_id, ids.acme);
    assert.equal(claims.org_role, 'admin');
    assert.deepEqual(claims.app_metadata, { provider: 'gatehouse' });
    assert.ok(typeof claims.exp === 'number' && typeof claims.iat === 'number' && claims.exp - claims.iat === 60);
    await assert.rejects(jwtVerify(token, new TextEncoder().encode(randomBytes(32).toString('base64url'))), {
      code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    });
  });

  test("RLS returns only the user's own notes and the active organization's projects", async () => {
    const alice = (await supabaseClaims('alice@example.com', 'acme')).claims;
    assert.deepEqual(
      (await asRequest(alice, 'SELECT body FROM notes ORDER BY id')).map((r) => r.body),
      ['alice note'],
    );
    assert.deepEqual(
      (await asRequest(alice, 'SELECT name FROM projects ORDER BY id')).map((r) => r.name),
      ['Rocket skates', 'Giant magnet'],
    );

    const carolAtGlobex = (await supabaseClaims('carol@example.com', 'globex')).claims;
    assert.deepEqual(
      (await asRequest(carolAtGlobex, 'SELECT body FROM notes')).map((r) => r.body),
      ['carol note'],
    );
    assert.deepEqual(
      (await asRequest(carolAtGlobex, 'SELECT name FROM projects')).map((r) => r.name),
      ['Hammock district'],
    );

    // The same user with another active organization sees that organization's rows instead.
    const carolAtAcme = (await supabaseClaims('carol@example.com', 'acme')).claims;
    assert.deepEqual(
      (await asRequest(carolAtAcme, 'SELECT name FROM projects ORDER BY id')).map((r) => r.name),
      ['Rocket skates', 'Giant magnet'],
    );
  });

  test('writes are held to the same policies: a viewer cannot add projects, nobody writes into another org', async () => {
    const carolAtAcme = (await supabaseClaims('carol@example.com', 'acme')).claims;
    await assert.rejects(asRequest(carolAtAcme, 'INSERT INTO projects (org_id, name) VALUES ($1, $2)', [ids.acme, 'x']), { code: '42501' });
    const alice = (await supabaseClaims('alice@example.com', 'acme')).claims;
    await assert.rejects(asRequest(alice, 'INSERT INTO projects (org_id, name) VALUES ($1, $2)', [ids.globex, 'x']), { code: '42501' });
    await assert.rejects(asRequest(alice, 'INSERT INTO notes (owner_id, body) VALUES ($1, $2)', [ids['carol@example.com'], 'x']), {
      code: '42501',
    });
    assert.equal(
      (await asRequest(alice, 'INSERT INTO projects (org_id, name) VALUES ($1, $2) RETURNING name', [ids.acme, 'ok'])).length,
      1,
    );
    // Every attempt ran in a rolled-back transaction: the table holds only the seeded rows.
    assert.equal((await db.query('SELECT count(*)::int AS n FROM projects')).rows[0].n, 3);
  });

  test('role "service_role" in user-writable metadata does not reach the token: still authenticated, still filtered', async () => {
    // What a user can write about themselves (unsafe metadata; the template copies it to user_metadata).
    await t.gatehouse.store.updateUser(ids['alice@example.com']!, {
      unsafe_metadata: JSON.stringify({ role: 'service_role', org_id: ids.globex, sub: 'someone-else' }),
    });
    const { claims } = await supabaseClaims('alice@example.com', 'acme');
    assert.equal(claims.role, 'authenticated');
    assert.equal(claims.sub, ids['alice@example.com']);
    assert.equal(claims.org_id, ids.acme);
    assert.deepEqual(claims.user_metadata, { role: 'service_role', org_id: ids.globex, sub: 'someone-else' });
    assert.deepEqual(
      (await asRequest(claims, 'SELECT name FROM projects ORDER BY id')).map((r) => r.name),
      ['Rocket skates', 'Giant magnet'],
    );
    // The test can fail: had the role claim been service_role, RLS would have been bypassed.
    assert.equal((await asRequest({ ...claims, role: 'service_role' }, 'SELECT name FROM projects')).length, 3);
  });
});
