// parseCookieHeader / singleCookie / serializeCookie and the __session/__client Set-Cookie values.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  clearedCookies,
  clientCookie,
  cookieSettings,
  cookieValues,
  parseCookieHeader,
  serializeCookie,
  sessionCookie,
  singleCookie,
  singleCookieIn,
} from '@gatehouse/core';

describe('parseCookieHeader', () => {
  test('splits name=value pairs and trims whitespace', () => {
    const cookies = parseCookieHeader('a=1; b = 2 ;c=three');
    assert.deepEqual(
      [...cookies],
      [
        ['a', ['1']],
        ['b', ['2']],
        ['c', ['three']],
      ],
    );
  });

  test('empty and missing headers give an empty map', () => {
    assert.equal(parseCookieHeader('').size, 0);
    assert.equal(parseCookieHeader(null).size, 0);
    assert.equal(parseCookieHeader(undefined).size, 0);
  });

  test('keeps every value of a repeated name, in order', () => {
    assert.deepEqual(parseCookieHeader('x=1; x=2; x=1').get('x'), ['1', '2', '1']);
  });

  test('values keep their = signs; pairs without a name or = are skipped', () => {
    const cookies = parseCookieHeader('jwt=a.b=c==; novalue; =orphan; ok=1');
    assert.deepEqual(cookies.get('jwt'), ['a.b=c==']);
    assert.deepEqual([...cookies.keys()], ['jwt', 'ok']);
  });

  test('strips surrounding quotes and percent-decodes; malformed escapes stay raw', () => {
    const cookies = parseCookieHeader('q="quoted"; enc=a%20b%3Bc; bad=%zz%');
    assert.deepEqual(cookies.get('q'), ['quoted']);
    assert.deepEqual(cookies.get('enc'), ['a b;c']);
    assert.deepEqual(cookies.get('bad'), ['%zz%']);
  });
});

describe('cookieValues', () => {
  test('reads one name exactly as parseCookieHeader does', () => {
    const headers = [
      '__session=a.b.c; __client=x',
      ' __session = "a.b.c" ; __client=x',
      'x__session=evil; __session_old=evil; __session=good',
      '__session=one; __session=two',
      '__session=one;__session=one',
      '__session=%61%62; __session=%zz',
      '=__session; __session; a=__session=1; __session==x',
      'a=1; b=2',
      ';;; __session=; __session=v;',
      '__session=a;b=__session',
      '',
    ];
    for (const header of headers) {
      for (const name of ['__session', '__client', 'a', ' __session', 'a ']) {
        assert.deepEqual(cookieValues(header, name), parseCookieHeader(header).get(name) ?? [], `${name} in ${JSON.stringify(header)}`);
        assert.deepEqual(
          singleCookieIn(header, name),
          singleCookie(parseCookieHeader(header), name),
          `${name} in ${JSON.stringify(header)}`,
        );
      }
    }
    assert.deepEqual(cookieValues(null, '__session'), []);
    assert.equal(singleCookieIn(null, '__session'), null);
  });
});

describe('singleCookie', () => {
  test('absent -> null, one value -> the value, repeats of one value -> the value', () => {
    assert.equal(singleCookie(parseCookieHeader('a=1'), 'b'), null);
    assert.equal(singleCookie(parseCookieHeader('a=1'), 'a'), '1');
    assert.equal(singleCookie(parseCookieHeader('a=1; a=1'), 'a'), '1');
  });

  test('different values under one name are ambiguous', () => {
    assert.deepEqual(singleCookie(parseCookieHeader('a=1; a=2'), 'a'), { ambiguous: true });
  });
});

describe('serializeCookie', () => {
  test('defaults to Path=/ and encodes the value', () => {
    assert.equal(serializeCookie('name', 'a b;c'), 'name=a%20b%3Bc; Path=/');
  });

  test('writes every attribute', () => {
    const expires = new Date(Date.UTC(2026, 0, 2));
    assert.equal(
      serializeCookie('n', 'v', {
        path: '/app',
        domain: 'example.com',
        maxAge: 60.9,
        expires,
        httpOnly: true,
        secure: true,
        sameSite: 'Strict',
      }),
      'n=v; Path=/app; Domain=example.com; Max-Age=60; Expires=Fri, 02 Jan 2026 00:00:00 GMT; HttpOnly; Secure; SameSite=Strict',
    );
  });

  test('a negative Max-Age is written as 0', () => {
    assert.equal(serializeCookie('n', '', { maxAge: -5 }), 'n=; Path=/; Max-Age=0');
  });

  test('round-trips through parseCookieHeader', () => {
    const value = 'eyJ.hdr=; "quoted" ünïcode';
    const header = serializeCookie('__session', value).split(';')[0] as string;
    assert.equal(singleCookie(parseCookieHeader(header), '__session'), value);
  });

  test('an invalid cookie name is a TypeError', () => {
    for (const name of ['', 'a b', 'a;b', 'a=b', 'ä']) {
      assert.throws(() => serializeCookie(name, 'v'), TypeError, JSON.stringify(name));
    }
  });
});

describe('session cookies', () => {
  test('__session and __client are HttpOnly, SameSite=Lax, Secure only when asked', () => {
    assert.equal(sessionCookie('tok', { secure: false, clientMaxAgeSeconds: 100 }), '__session=tok; Path=/; HttpOnly; SameSite=Lax');
    assert.equal(sessionCookie('tok', { secure: true, clientMaxAgeSeconds: 100 }), '__session=tok; Path=/; HttpOnly; Secure; SameSite=Lax');
    assert.equal(
      clientCookie('c.s', { secure: true, clientMaxAgeSeconds: 100 }),
      '__client=c.s; Path=/; Max-Age=100; HttpOnly; Secure; SameSite=Lax',
    );
  });

  test('cookieSettings: Secure when the URL the browser used is https, unless the configuration says otherwise', () => {
    assert.deepEqual(cookieSettings('https://app.example/x', 100), { secure: true, clientMaxAgeSeconds: 100 });
    assert.deepEqual(cookieSettings(new URL('http://localhost:3000/x'), 60), { secure: false, clientMaxAgeSeconds: 60 });
    assert.deepEqual(cookieSettings('https://app.example/x', 100, false), { secure: false, clientMaxAgeSeconds: 100 });
    assert.deepEqual(cookieSettings('http://localhost:3000/x', 100, true), { secure: true, clientMaxAgeSeconds: 100 });
  });

  test('clearing sets both cookies empty with Max-Age=0', () => {
    assert.deepEqual(clearedCookies({ secure: false, clientMaxAgeSeconds: 100 }), [
      '__session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax',
      '__client=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax',
    ]);
  });
});
