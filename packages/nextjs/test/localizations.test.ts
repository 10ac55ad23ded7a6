// Issue #21: every text of the prebuilt components goes through the localization object. The French
// localization has every key the English one has (nested, errors and roles included) with the same
// placeholders, and a localized text renders: the second-factor step, the account forms and the
// verification dialog's texts in French, a partial localization laid over English key by key.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createElement as h, type ReactNode } from 'react';
import { renderToString } from 'react-dom/server';
import { enUS, frFR, type LocalizationResource } from '@gatehouse/nextjs/localizations';
import { AppearanceProvider } from '../dist/client/appearance/appearance.js';
import { SecondFactorForm } from '../dist/client/second-factor-form.js';
import { BackupCodes } from '../dist/client/totp-enrolment.js';

type Tree = { [key: string]: string | Tree };

/** Every leaf of a localization as `path → text`. */
function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [p, v] of leaves(value, path)) out.set(p, v);
  }
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)/g)].map((m) => m[1]).sort();

function render(localization: LocalizationResource | undefined, children: ReactNode): string {
  return renderToString(h(AppearanceProvider, { localization, children }));
}

const secondFactor = () =>
  h(SecondFactorForm, {
    apiBasePath: '/api/gatehouse',
    fetcher: () => Promise.reject(new Error('not called')),
    strategies: ['totp', 'backup_code', 'passkey'],
    onComplete: () => undefined,
    onRestart: () => undefined,
  });

/** The text React renders for `text` (apostrophes and ampersands escaped). */
const html = (text: string) => text.replace(/&/g, '&amp;').replace(/'/g, '&#x27;').replace(/"/g, '&quot;');

describe('localizations (#21)', () => {
  test('French has every key English has, no other, each a non-empty text with the same placeholders', () => {
    const english = leaves(enUS as unknown as Tree);
    const french = leaves(frFR as unknown as Tree);
    assert.ok(english.size > 200, `English has ${english.size} texts`);
    assert.deepEqual(
      [...english.keys()].filter((k) => !french.has(k)),
      [],
      'missing in French',
    );
    assert.deepEqual(
      [...french.keys()].filter((k) => !english.has(k)),
      [],
      'in French only',
    );
    for (const [key, text] of english) {
      const translated = french.get(key) ?? '';
      assert.ok(translated.trim().length > 0, `${key} is empty in French`);
      assert.deepEqual(placeholders(translated), placeholders(text), `${key}: placeholders`);
    }
    // Texts added for the account, factor, security and verification components are translated, not copied.
    for (const key of [
      'signIn.secondFactor.title',
      'signIn.forgotPassword.title',
      'signUp.emailCode.title',
      'reverification.title',
      'userProfile.start.securitySection.title',
      'userProfile.start.passkeysSection.add',
      'backupCodes.instructions',
      'unstable__errors.code_invalid',
    ])
      assert.notEqual(french.get(key), english.get(key), `${key} is translated`);
  });

  test('the second-factor step renders in French from the provider, in English by default', () => {
    const fr = render(frFR, secondFactor());
    assert.match(fr, /lang="fr-FR"/);
    for (const text of [
      frFR.signIn.secondFactor.title,
      frFR.signIn.secondFactor.subtitle__totp,
      frFR.formFieldLabel__totpCode,
      frFR.formButtonPrimary__verify,
      frFR.signIn.secondFactor.action__backupCode,
      frFR.signIn.secondFactor.action__passkey,
    ])
      assert.ok(fr.includes(html(text)), `renders ${text}`);
    assert.ok(!fr.includes('Two-step verification'), 'no English left');
    assert.match(fr, /<form[^>]*aria-label="Vérification en deux étapes"/);

    const en = render(undefined, secondFactor());
    assert.match(en, /lang="en-US"/);
    assert.ok(en.includes('Two-step verification') && en.includes('Authentication code') && en.includes('Use a backup code'));
    assert.match(en, /class="[^"]*\bgh-card\b[^"]*\bcl-card\b/, 'the themed card');
  });

  test('a partial localization changes only its keys; the backup codes read the language in effect', () => {
    const partial = render({ signIn: { secondFactor: { title: 'Deux étapes' } } }, secondFactor());
    assert.ok(partial.includes('Deux étapes'));
    assert.ok(partial.includes('Authentication code'), 'the other texts stay English');

    const codes = render(frFR, h(BackupCodes, { codes: ['aaaa-bbbb'], doneLabel: frFR.backupCodes.done, onDone: () => undefined }));
    assert.ok(codes.includes(html(frFR.backupCodes.instructions)));
    assert.ok(codes.includes(`aria-label="${html(frFR.backupCodes.label)}"`));
    assert.ok(codes.includes('aaaa-bbbb'));
  });
});
