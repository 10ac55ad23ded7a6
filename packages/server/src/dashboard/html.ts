// HTML for the dashboard: a tagged template that escapes every interpolated value, and the page frame with its CSP.

import { createHash } from 'node:crypto';

/** Markup that is already safe: only {@link html} and {@link raw} make one. */
export interface SafeHtml {
  readonly __html: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/** Escapes text for an element body or a quoted attribute value. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (c) => ESCAPES[c] ?? c);
}

function isSafe(value: unknown): value is SafeHtml {
  return typeof value === 'object' && value !== null && typeof (value as SafeHtml).__html === 'string';
}

type Interpolation = SafeHtml | string | number | boolean | null | undefined | readonly Interpolation[];

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map((v: Interpolation) => render(v)).join('');
  if (isSafe(value)) return value.__html;
  return escapeHtml(String(value));
}

/**
 * Builds markup: every interpolated string is escaped (user names, metadata, audit data are
 * attacker-controlled), arrays are joined, nested `html` fragments pass through. Attribute values
 * must be quoted in the template.
 */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return { __html: out };
}

/**
 * Markup written by Gatehouse itself (constants only, never data). Inline `<style>` and `<script>`
 * are built with it, outside any `html` template, so that no formatter touches their text: the
 * CSP allows them by the hash of their exact text.
 */
export function raw(markup: string): SafeHtml {
  return { __html: markup };
}

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d2430;background:#f6f7f9}
header{background:#1d2430;color:#fff;padding:.6rem 1rem;display:flex;gap:1.2rem;align-items:center;flex-wrap:wrap}
header a{color:#cfd8e6;text-decoration:none}header a[aria-current]{color:#fff;font-weight:600}
header strong{margin-right:1rem}main{padding:1rem 1.5rem;max-width:72rem}
table{border-collapse:collapse;width:100%;background:#fff;margin:.5rem 0 1rem}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #e3e6eb;vertical-align:top}
th{font-weight:600;background:#eef0f3}form.inline{display:inline}
input,select,textarea,button{font:inherit}textarea{width:100%;font-family:ui-monospace,monospace}
button{cursor:pointer}button.danger{color:#a11}pre{background:#fff;border:1px solid #e3e6eb;padding:.6rem;overflow:auto}
.notice{background:#e7f5e9;border:1px solid #9bd3a5;padding:.5rem}.error{background:#fdecec;border:1px solid #e6a1a1;padding:.5rem}
.muted{color:#6b7380}fieldset{border:1px solid #d5d9e0;background:#fff;margin:.5rem 0 1rem}
`;

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
}

export interface Frame {
  title: string;
  /** Dashboard root, e.g. `/api/gatehouse/dashboard`. */
  root: string;
  nav: readonly { path: string; title: string }[];
  current: string;
  body: SafeHtml;
  notice?: string | null;
  error?: string | null;
  /** Inline scripts this page needs (constants written by Gatehouse); each is allowed by its hash. */
  scripts?: readonly string[];
  /** What the title names after the page (default `Gatehouse dashboard`). */
  site?: string;
}

/** A whole dashboard page and its headers: only this page's own inline style and scripts may run. */
export function renderFrame(frame: Frame, status = 200): Response {
  const scripts = frame.scripts ?? [];
  const page = html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <meta name="referrer" content="same-origin" />
        <title>${frame.title} · ${frame.site ?? 'Gatehouse dashboard'}</title>
        ${raw(`<style>${STYLE}</style>`)}
      </head>
      <body>
        <header>
          <strong>Gatehouse</strong>${frame.nav.map(
            (p) => html`<a href="${frame.root}/${p.path}" ${p.path === frame.current ? raw(' aria-current="page"') : ''}>${p.title}</a>`,
          )}${
            frame.nav.length
              ? html`<form class="inline" method="post" action="${frame.root}/sign-out"><button type="submit">Sign out</button></form>`
              : ''
          }
        </header>
        <main>
          <h1>${frame.title}</h1>
          ${frame.notice ? html`<p class="notice" role="status">${frame.notice}</p>` : ''}${
            frame.error ? html`<p class="error" role="alert">${frame.error}</p>` : ''
          }${frame.body}
        </main>
        ${raw(scripts.map((s) => `<script>${s}</script>`).join(''))}
      </body>
    </html>`;
  return new Response(page.__html, { status, headers: securityHeaders('text/html; charset=utf-8', scripts) });
}

/**
 * Headers of every dashboard response: a strict CSP (nothing loads from anywhere, forms post only
 * here, no framing), no caching of admin data, no sniffing, referrers only to this origin.
 */
export function securityHeaders(contentType: string, scripts: readonly string[] = []): Headers {
  const scriptSrc = scripts.length ? scripts.map(sha256).join(' ') : "'none'";
  return new Headers({
    'content-type': contentType,
    'content-security-policy': [
      "default-src 'none'",
      `style-src ${sha256(STYLE)}`,
      `script-src ${scriptSrc}`,
      "connect-src 'self'",
      "img-src 'self'",
      "form-action 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ].join('; '),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    // same-origin, not no-referrer: with no-referrer a form post says `Origin: null`, which the CSRF check refuses.
    'referrer-policy': 'same-origin',
  });
}
