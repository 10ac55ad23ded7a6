// createPathMatcher / normalizePathname: path-to-regexp 6 defaults over a decoded, slash-collapsed path, so encoded tricks cannot bypass a pattern.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPathMatcher, isGatehouseError, normalizePathname } from '@gatehouse/core';

/** The pathname a server sees for a raw request target (WHATWG URL parsing, as Next.js does). */
const pathOf = (target: string): string => new URL(target, 'http://localhost:3000').pathname;

describe('normalizePathname', () => {
  test('decodes once and collapses repeated slashes', () => {
    assert.equal(normalizePathname('/%61dmin'), '/admin');
    assert.equal(normalizePathname('//admin///x'), '/admin/x');
    assert.equal(normalizePathname('/%2561dmin'), '/%61dmin');
  });

  test('keeps reserved characters encoded', () => {
    assert.equal(normalizePathname('/a%2Fb'), '/a%2Fb');
    assert.equal(normalizePathname('/a%3Fb%23c'), '/a%3Fb%23c');
  });

  test('malformed percent-encoding throws GatehouseError malformed_url (400)', () => {
    for (const bad of ['/%zz', '/%', '/admin%E0%A4%A', '/%C0%AF']) {
      assert.throws(
        () => normalizePathname(bad),
        (error: unknown) => isGatehouseError(error) && error.code === 'malformed_url' && error.status === 400,
        bad,
      );
    }
  });
});

describe("'/admin(.*)'", () => {
  const isAdmin = createPathMatcher('/admin(.*)');

  test('matches the plain and tricked spellings of /admin', () => {
    for (const path of ['/admin', '/admin/x', '/%61dmin', '/%61%64%6d%69%6e', '//admin', '/ADMIN/', '/Admin', '/admin/', '///admin//x']) {
      assert.equal(isAdmin(path), true, path);
    }
  });

  test('matches what URL parsing leaves of dot-segment tricks', () => {
    for (const target of ['/public/../admin', '/public/%2e%2e/admin', '/./admin', '/x/.%2E/admin/y']) {
      assert.equal(isAdmin(pathOf(target)), true, target);
    }
  });

  test('does not match other paths', () => {
    // '/%2561dmin' decodes once to the literal segment '%61dmin', which is also what the app router serves.
    for (const path of ['/', '/public', '/adm1n', '/x/admin', '/%2561dmin']) {
      assert.equal(isAdmin(path), false, path);
    }
  });

  test('the matcher throws malformed_url on bad encoding rather than answering either way', () => {
    assert.throws(
      () => isAdmin('/%zz'),
      (error: unknown) => isGatehouseError(error) && error.code === 'malformed_url',
    );
    assert.throws(
      () => isAdmin('/admin/%zz'),
      (error: unknown) => isGatehouseError(error) && error.code === 'malformed_url',
    );
  });
});

describe("'/dashboard/:path*'", () => {
  const isDashboard = createPathMatcher('/dashboard/:path*');

  test('matches /dashboard and below', () => {
    for (const path of ['/dashboard', '/dashboard/', '/dashboard/a', '/dashboard/a/b/c', '/DASHBOARD/a']) {
      assert.equal(isDashboard(path), true, path);
    }
  });

  test('does not match a longer segment that merely starts with dashboard', () => {
    for (const path of ['/dashboardxyz', '/dashboard-x', '/dashboardxyz/a']) {
      assert.equal(isDashboard(path), false, path);
    }
  });
});

describe('createPathMatcher', () => {
  test('accepts lists, named parameters and RegExps (global ones included)', () => {
    const matcher = createPathMatcher(['/org/:slug', /^\/api\/private/g]);
    assert.equal(matcher('/org/acme'), true);
    assert.equal(matcher('/org/acme/extra'), false);
    assert.equal(matcher('/api/private/x'), true);
    assert.equal(matcher('/api/private/x'), true, 'a global RegExp must not keep state between calls');
    assert.equal(matcher('/api/public'), false);
  });

  test('an empty list matches nothing', () => {
    assert.equal(createPathMatcher([])('/anything'), false);
  });

  test('an invalid pattern is a TypeError at construction', () => {
    assert.throws(() => createPathMatcher('/admin(('), TypeError);
    assert.throws(() => createPathMatcher([42 as unknown as string]), TypeError);
  });
});
