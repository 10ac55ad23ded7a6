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
:root{--bg:#f5f6f9;--surface:#fff;--text:#1b1f29;--muted:#576071;--border:#dde1e8;--head:#eef0f4;--accent:#4338ca;--on-accent:#fff;
--danger:#b42318;--ok-bg:#e8f5ec;--ok-border:#8fd0a2;--err-bg:#fdeceb;--err-border:#eba5a0;--bar:#151a2d;--bar-text:#fff;--bar-link:#d7dcf0;
--s1:#4338ca;--s2:#d9480f;--grid:#e4e7ec;color-scheme:light}
@media (prefers-color-scheme:dark){:root{--bg:#0f1116;--surface:#181b22;--text:#eef0f5;--muted:#a9b1c1;--border:#2c313c;--head:#20242d;
--accent:#a5b4fc;--on-accent:#11162a;--danger:#ff9b94;--ok-bg:#14281b;--ok-border:#2f6b41;--err-bg:#2d1615;--err-border:#7a302b;--bar:#07090d;
--bar-link:#c5cbe0;--s1:#a5b4fc;--s2:#ffa06b;--grid:#2c313c;color-scheme:dark}}
*{box-sizing:border-box}
body{font:14px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:var(--text);background:var(--bg)}
a{color:var(--accent)}
header{background:var(--bar);color:var(--bar-text);padding:.5rem 1.5rem;display:flex;gap:.5rem 1.25rem;align-items:center;flex-wrap:wrap}
header strong{font-size:15px;margin-right:.5rem}
header nav{display:flex;gap:.25rem;flex-wrap:wrap;flex:1}
header nav a{color:var(--bar-link);text-decoration:none;padding:.3rem .6rem;border-radius:6px}
header nav a:hover{color:#fff;background:#ffffff1a}
header nav a[aria-current]{color:#fff;background:#ffffff26;font-weight:600}
header form button{color:var(--bar-text);background:transparent;border-color:#ffffff55}
main{padding:1.25rem 1.5rem 3rem;max-width:78rem;margin:0 auto}
h1{font-size:1.5rem;line-height:1.25;margin:.25rem 0 1rem}
h2{font-size:1.05rem;margin:1.75rem 0 .5rem}h3{font-size:.95rem;margin:1.25rem 0 .4rem}
.table-wrap{max-width:100%;overflow-x:auto;background:var(--surface);border:1px solid var(--border);border-radius:8px;margin:.5rem 0 1rem}
table{border-collapse:collapse;width:100%;background:var(--surface);margin:.5rem 0 1rem;border:1px solid var(--border);border-radius:8px;table-layout:auto}
.table-wrap table{margin:0;border:0}
th,td{text-align:left;padding:.45rem .65rem;border-bottom:1px solid var(--border);vertical-align:top;overflow-wrap:anywhere;word-break:break-word}
thead th{font-weight:600;font-size:12.5px;color:var(--muted);background:var(--head);white-space:nowrap}
tbody th{font-weight:600;background:var(--head);width:12rem}
tbody tr:last-child>*{border-bottom:0}
td code{font-size:12.5px}
form.inline{display:inline-flex;gap:.4rem;align-items:center;flex-wrap:wrap;margin:0 .25rem .25rem 0}
label{display:inline-flex;gap:.35rem;align-items:center;flex-wrap:wrap}
input,select,textarea,button{font:inherit;color:var(--text)}
input,select,textarea{background:var(--surface);border:1px solid #8a93a5;border-radius:6px;padding:.35rem .5rem;max-width:100%}
textarea{width:100%;font-family:ui-monospace,monospace}
input:focus-visible,select:focus-visible,textarea:focus-visible,button:focus-visible,a:focus-visible{outline:2px solid var(--accent);outline-offset:2px}
button{cursor:pointer;background:var(--surface);border:1px solid #8a93a5;border-radius:6px;padding:.35rem .75rem;font-weight:500}
button:hover{background:var(--head)}
button[type=submit]:not(.danger):not(header button){background:var(--accent);color:var(--on-accent);border-color:var(--accent)}
button.danger{color:var(--danger);border-color:var(--danger);background:var(--surface)}
pre{background:var(--surface);border:1px solid var(--border);border-radius:8px;padding:.6rem;overflow:auto;max-width:100%;white-space:pre-wrap;overflow-wrap:anywhere}
code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;overflow-wrap:anywhere}
.notice{background:var(--ok-bg);border:1px solid var(--ok-border);border-radius:8px;padding:.5rem .75rem}
.error{background:var(--err-bg);border:1px solid var(--err-border);border-radius:8px;padding:.5rem .75rem}
.muted{color:var(--muted)}
fieldset{border:1px solid var(--border);border-radius:8px;background:var(--surface);margin:.5rem 0 1rem;padding:.75rem 1rem;display:flex;gap:.6rem 1rem;flex-wrap:wrap;align-items:center}
legend{font-weight:600;padding:0 .25rem}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr));gap:.75rem;margin:0 0 1rem}
.card{background:var(--surface);border:1px solid var(--border);border-radius:10px;padding:.9rem 1rem}
.card dt{color:var(--muted);font-size:13px}.card dd{margin:.15rem 0 0;font-size:1.6rem;font-weight:650}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(22rem,1fr));gap:.75rem}
figure.chart{margin:0;background:var(--surface);border:1px solid var(--border);border-radius:10px;padding:.9rem 1rem;min-width:0}
figure.chart figcaption{font-weight:600;margin-bottom:.4rem;display:flex;gap:1rem;flex-wrap:wrap;align-items:center}
figure.chart svg{display:block;width:100%;height:auto}
.legend{display:inline-flex;align-items:center;gap:.3rem;font-weight:400;color:var(--muted);font-size:13px}
.swatch{display:inline-block;width:.7rem;height:.7rem;border-radius:2px}
.s1{fill:var(--s1);background:var(--s1)}.s2{fill:var(--s2);background:var(--s2)}
.gridline{stroke:var(--grid);stroke-width:1}.axis{fill:var(--muted);font-size:11px}
details{margin-top:.5rem}summary{cursor:pointer;color:var(--muted)}
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
          <strong>Gatehouse</strong>
          ${
            frame.nav.length
              ? html`<nav aria-label="Dashboard">
                  ${frame.nav.map(
                    (p) =>
                      html`<a href="${frame.root}/${p.path}" ${p.path === frame.current ? raw(' aria-current="page"') : ''}>${p.title}</a>`,
                  )}
                </nav>`
              : ''
          }${
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
