// The claims-template engine: typed whole-value shortcodes, interpolation, fallbacks, unknowns, validation.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClaimsTemplate, renderClaimsTemplate, templateShortcodes, RESERVED_SESSION_CLAIMS } from '@gatehouse/core';

const context = {
  user: {
    id: 'user_1',
    first_name: 'Ada',
    last_name: null,
    email_verified: true,
    created_at: 1700000000,
    public_metadata: { plan: { tier: 'pro' }, role: 'editor' },
  },
  org: { id: 'org_1', slug: 'acme', role: 'admin' },
  org_membership: { permissions: ['org:projects:read', 'org:projects:write'] },
};

describe('renderClaimsTemplate', () => {
  test('a whole-value shortcode keeps its type (string, boolean, number, object, array)', () => {
    const out = renderClaimsTemplate(
      {
        id: '{{user.id}}',
        verified: '{{user.email_verified}}',
        created: '{{user.created_at}}',
        meta: '{{user.public_metadata}}',
        perms: '{{org_membership.permissions}}',
      },
      context,
    );
    assert.deepEqual(out, {
      id: 'user_1',
      verified: true,
      created: 1700000000,
      meta: { plan: { tier: 'pro' }, role: 'editor' },
      perms: ['org:projects:read', 'org:projects:write'],
    });
  });

  test('dot paths reach into metadata; missing paths and unknown shortcodes render null', () => {
    const out = renderClaimsTemplate(
      {
        tier: '{{user.public_metadata.plan.tier}}',
        none: '{{user.public_metadata.nope.deeper}}',
        unknown: '{{user.password_hash}}',
        bogus: '{{not a path}}',
      },
      context,
    );
    assert.deepEqual(out, { tier: 'pro', none: null, unknown: null, bogus: null });
  });

  test('inside a longer string shortcodes interpolate as text, null as "null", objects as JSON', () => {
    const out = renderClaimsTemplate(
      { greeting: 'Hi {{user.first_name}} {{user.last_name}}', org: 'org={{org.slug}} {{user.public_metadata.plan}}' },
      context,
    );
    assert.deepEqual(out, { greeting: 'Hi Ada null', org: 'org=acme {"tier":"pro"}' });
  });

  test('`||` takes the first truthy operand, else the last; literals are quoted strings, numbers, booleans', () => {
    const out = renderClaimsTemplate(
      {
        a: "{{user.last_name || user.first_name || 'anon'}}",
        b: "{{user.last_name || 'anon'}}",
        c: '{{user.last_name || 0}}',
        d: '{{user.last_name || false || 3}}',
      },
      context,
    );
    assert.deepEqual(out, { a: 'Ada', b: 'anon', c: 0, d: 3 });
  });

  test('nested objects and arrays are rendered; the template itself is not changed', () => {
    const template = { app_metadata: { org: '{{org.id}}', list: ['{{user.id}}', 'static', 7] } };
    const copy = structuredClone(template);
    assert.deepEqual(renderClaimsTemplate(template, context), { app_metadata: { org: 'org_1', list: ['user_1', 'static', 7] } });
    assert.deepEqual(template, copy);
  });

  test('prototype members are not reachable through paths', () => {
    const out = renderClaimsTemplate({ a: '{{user.constructor}}', b: '{{user.__proto__}}', c: '{{org.toString}}' }, context);
    assert.deepEqual(out, { a: null, b: null, c: null });
  });

  test('with no active org, org shortcodes are null', () => {
    assert.deepEqual(renderClaimsTemplate({ org: '{{org.id}}', role: "{{org.role || 'none'}}" }, { user: context.user, org: null }), {
      org: null,
      role: 'none',
    });
  });

  test('a value filter sees every value read', () => {
    const seen: string[] = [];
    const out = renderClaimsTemplate({ a: '{{user.id}}', b: 'x {{org.slug}}' }, context, (value, path) => {
      seen.push(path);
      return path === 'org.slug' ? null : value;
    });
    assert.deepEqual(out, { a: 'user_1', b: 'x null' });
    assert.deepEqual(seen, ['user.id', 'org.slug']);
  });
});

describe('templateShortcodes and assertClaimsTemplate', () => {
  test('lists every path used, including each operand of ||', () => {
    assert.deepEqual(templateShortcodes({ a: "{{user.id || org.id || 'x'}}", b: { c: 'n={{user.first_name}}' } }), [
      'user.id',
      'org.id',
      'user.first_name',
    ]);
  });

  test('refuses reserved claims, shortcodes in names, non-objects, non-JSON values and deep nesting', () => {
    assert.throws(() => assertClaimsTemplate({ sub: 'x' }, RESERVED_SESSION_CLAIMS), /reserved claims: sub/);
    assert.throws(() => assertClaimsTemplate({ sid: 'x', exp: 1 }, RESERVED_SESSION_CLAIMS), /sid, exp/);
    assert.throws(() => assertClaimsTemplate({ '{{user.id}}': 'x' }, RESERVED_SESSION_CLAIMS), /values only/);
    assert.throws(() => assertClaimsTemplate(['a'], RESERVED_SESSION_CLAIMS), /JSON object/);
    assert.throws(() => assertClaimsTemplate('x', RESERVED_SESSION_CLAIMS), /JSON object/);
    assert.throws(() => assertClaimsTemplate({ f: () => 1 }, RESERVED_SESSION_CLAIMS), /JSON values/);
    let deep: Record<string, unknown> = { v: 1 };
    for (let i = 0; i < 10; i++) deep = { d: deep };
    assert.throws(() => assertClaimsTemplate(deep, RESERVED_SESSION_CLAIMS), /nest/);
    assert.doesNotThrow(() =>
      assertClaimsTemplate({ role: '{{user.public_metadata.role}}', n: 1, ok: true, none: null }, RESERVED_SESSION_CLAIMS),
    );
  });
});
