// safeRedirectUrl: post-auth redirects stay on this origin (or an allowed one); every open-redirect spelling falls back (percent-encoded ones at most stay on this origin).

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { safeRedirectUrl } from '@gatehouse/core';

const ORIGIN = 'http://localhost:3000';
const FALLBACK = '/fallback';
const safe = (candidate: string | null | undefined, allowed: string[] = []) => safeRedirectUrl(candidate, ORIGIN, FALLBACK, allowed);

describe('kept', () => {
  test('same-origin paths keep their path, query and hash', () => {
    assert.equal(safe('/dashboard'), '/dashboard');
    assert.equal(safe('/dashboard?tab=2&x=%2F#top'), '/dashboard?tab=2&x=%2F#top');
    assert.equal(safe('/'), '/');
    assert.equal(safe('settings'), '/settings');
  });

  test('absolute URLs on this origin become paths', () => {
    assert.equal(safe('http://localhost:3000/orgs/acme?x=1'), '/orgs/acme?x=1');
  });

  test('explicitly allowed origins are kept as absolute URLs', () => {
    assert.equal(safe('https://app.example/welcome', ['https://app.example']), 'https://app.example/welcome');
  });

  test('the default fallback is /', () => {
    assert.equal(safeRedirectUrl('https://evil.example', ORIGIN), '/');
  });
});

describe('fall back', () => {
  test('other origins, including lookalikes and other ports or schemes of this host', () => {
    for (const candidate of [
      'https://evil.example',
      'https://evil.example/dashboard',
      'http://localhost:3000.evil.example/',
      'http://localhost:3000@evil.example/',
      'https://localhost:3000/dashboard',
      'http://localhost:3001/',
      'https:evil.example',
    ]) {
      assert.equal(safe(candidate), FALLBACK, candidate);
    }
  });

  test('protocol-relative and backslash spellings', () => {
    for (const candidate of [
      '//evil.example',
      '///evil.example',
      '/\\evil.example',
      '\\\\evil.example',
      '\\/evil.example',
      ' //evil.example',
    ]) {
      assert.equal(safe(candidate), FALLBACK, candidate);
    }
  });

  // Regression: these used to come back as '//evil.example', a protocol-relative open redirect.
  test('paths that URL parsing turns into //host (dot segments, an empty first segment)', () => {
    for (const candidate of [
      '/.//evil.example',
      '/a/..//evil.example',
      '/%2e//evil.example',
      'http://localhost:3000//evil.example',
      '/./\u002f/evil.example',
    ]) {
      assert.equal(safe(candidate), FALLBACK, candidate);
    }
  });

  test('script and data schemes, in any case and with tricks', () => {
    for (const candidate of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      ' javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:x',
      'blob:http://localhost:3000/x',
    ]) {
      assert.equal(safe(candidate), FALLBACK, candidate);
    }
  });

  test('control characters anywhere (tab/newline inside a scheme or before //)', () => {
    for (const candidate of [
      'java\tscript:alert(1)',
      'java\nscript:alert(1)',
      '/\t/evil.example',
      '\n//evil.example',
      '/dash\u0000board',
      '/x\u007f',
      '\r\n//evil.example',
    ]) {
      assert.equal(safe(candidate), FALLBACK, JSON.stringify(candidate));
    }
  });

  test('percent-encoded variants never leave the origin', () => {
    for (const candidate of [
      '/%2F%2Fevil.example',
      '%2F%2Fevil.example',
      '/%5Cevil.example',
      'javascript%3Aalert(1)',
      'https%3A%2F%2Fevil.example',
      '/%09/evil.example',
    ]) {
      const result = safe(candidate);
      assert.ok(result.startsWith('/') && !result.startsWith('//') && !result.startsWith('/\\'), `${candidate} -> ${result}`);
      assert.equal(new URL(result, ORIGIN).origin, ORIGIN, candidate);
    }
  });

  test('empty, missing, non-string and oversized values', () => {
    for (const candidate of ['', null, undefined, 42 as unknown as string, `/${'a'.repeat(2048)}`]) {
      assert.equal(safe(candidate), FALLBACK);
    }
  });
});
