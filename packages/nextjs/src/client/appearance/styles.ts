// The prebuilt components' stylesheet: every rule sits under `.gh-root` (two classes beat a global reset or an app's
// element and single-class rules) and sets the properties that matter explicitly, so a Tailwind preflight or any
// global CSS changes nothing. Colors, fonts, radius and spacing come from custom properties set per component root.

const R = '.gh-root';

/** Rules written once, each selector under the root class. */
const RULES: readonly (readonly [string, string])[] = [
  [
    ':where(.gh-root)',
    '--gh-primary:#4338ca;--gh-on-primary:#fff;--gh-danger:#b42318;--gh-success:#1a7f37;--gh-warning:#b54708;--gh-text:#1b1f29;' +
      '--gh-text-2:#576071;--gh-bg:#fff;--gh-input-bg:#fff;--gh-input-text:#1b1f29;--gh-neutral:#1b1f29;--gh-font:inherit;' +
      '--gh-font-buttons:inherit;--gh-font-size:0.9375rem;--gh-radius:0.5rem;--gh-space:1rem;--gh-w-normal:400;--gh-w-medium:500;--gh-w-bold:650',
  ],
  [
    R,
    '--gh-border:color-mix(in srgb,var(--gh-neutral) 14%,transparent);--gh-border-strong:color-mix(in srgb,var(--gh-neutral) 26%,transparent);' +
      '--gh-input-border:color-mix(in srgb,var(--gh-neutral) 42%,transparent);--gh-tint:color-mix(in srgb,var(--gh-neutral) 6%,var(--gh-bg));' +
      '--gh-hover:color-mix(in srgb,var(--gh-neutral) 8%,transparent);--gh-ring:color-mix(in srgb,var(--gh-primary) 40%,transparent);' +
      '--gh-shadow:color-mix(in srgb,#000 14%,transparent);' +
      'font-family:var(--gh-font);font-size:var(--gh-font-size);font-weight:var(--gh-w-normal);line-height:1.5;color:var(--gh-text);' +
      'letter-spacing:normal;text-align:left;text-transform:none;-webkit-font-smoothing:antialiased;visibility:visible',
  ],
  [`${R},${R} *,${R} *::before,${R} *::after`, 'box-sizing:border-box'],
  [
    `${R} :is(p,h1,h2,h3,h4,dl,dt,dd,ul,ol,li,figure,fieldset,legend,form,label,span,a,div,section,strong,code)`,
    'margin:0;padding:0;border:0',
  ],
  [`${R} :is(ul,ol)`, 'list-style:none'],
  [`${R} :is(h1,h2,h3,h4)`, 'font-size:inherit;font-weight:var(--gh-w-bold);color:inherit'],
  [`${R} [hidden]`, 'display:none'],
  [`${R} svg`, 'display:inline-block;vertical-align:middle'],
  [`${R} strong`, 'font-weight:var(--gh-w-bold)'],
  [`${R}.gh-box`, 'display:block;width:100%;max-width:25rem'],
  [`${R}.gh-box-wide`, 'display:block;width:100%;max-width:52rem'],
  [
    `${R} .gh-card`,
    'display:flex;flex-direction:column;gap:calc(var(--gh-space)*1.25);width:100%;margin:0;padding:calc(var(--gh-space)*2);' +
      'background:var(--gh-bg);color:var(--gh-text);border:1px solid var(--gh-border);border-radius:calc(var(--gh-radius)*1.5);' +
      'box-shadow:0 1px 2px var(--gh-shadow),0 12px 32px -12px var(--gh-shadow)',
  ],
  [`${R} .gh-header`, 'display:flex;flex-direction:column;gap:calc(var(--gh-space)*0.25)'],
  [
    `${R} .gh-title`,
    'margin:0;font-size:1.375em;font-weight:var(--gh-w-bold);line-height:1.25;letter-spacing:-0.01em;color:var(--gh-text)',
  ],
  [`${R} .gh-section-title`, 'margin:0;font-size:1em;font-weight:var(--gh-w-bold);line-height:1.3;color:var(--gh-text)'],
  [`${R} .gh-subtitle,${R} .gh-muted`, 'margin:0;color:var(--gh-text-2);font-size:0.875em'],
  [`${R} .gh-form`, 'display:flex;flex-direction:column;gap:calc(var(--gh-space)*1);margin:0;padding:0;border:0;background:none'],
  [`${R} .gh-field`, 'display:flex;flex-direction:column;gap:calc(var(--gh-space)*0.375);margin:0'],
  [`${R} .gh-label`, 'display:block;margin:0;font-size:0.875em;font-weight:var(--gh-w-medium);line-height:1.4;color:var(--gh-text)'],
  [
    `${R} .gh-input`,
    'display:block;width:100%;min-height:2.5rem;margin:0;padding:0.5rem 0.75rem;font-family:inherit;font-size:1em;font-weight:var(--gh-w-normal);' +
      'line-height:1.4;color:var(--gh-input-text);-webkit-text-fill-color:var(--gh-input-text);background:var(--gh-input-bg);' +
      'border:1px solid var(--gh-input-border);border-radius:var(--gh-radius);box-shadow:none;outline:none;opacity:1;visibility:visible;' +
      'appearance:auto;text-indent:0;transition:border-color .15s,box-shadow .15s',
  ],
  [`${R} .gh-input::placeholder`, 'color:var(--gh-text-2);opacity:1'],
  [`${R} .gh-input:focus`, 'border-color:var(--gh-primary);box-shadow:0 0 0 3px var(--gh-ring);outline:2px solid transparent'],
  [`${R} .gh-input[aria-invalid="true"]`, 'border-color:var(--gh-danger)'],
  [`${R} select.gh-input`, 'padding-right:2rem;cursor:pointer'],
  [
    `${R} .gh-btn`,
    'display:inline-flex;align-items:center;justify-content:center;gap:0.5rem;min-height:2.25rem;margin:0;padding:0.5rem 0.875rem;' +
      'font-family:var(--gh-font-buttons);font-size:0.875em;font-weight:var(--gh-w-medium);line-height:1.2;text-align:center;' +
      'text-decoration:none;text-transform:none;white-space:nowrap;cursor:pointer;color:var(--gh-text);background:var(--gh-bg);' +
      'background-image:none;border:1px solid var(--gh-border-strong);border-radius:var(--gh-radius);box-shadow:0 1px 1px var(--gh-shadow);' +
      'opacity:1;appearance:none;transition:background-color .15s,border-color .15s,color .15s',
  ],
  [`${R} .gh-btn:hover`, 'background:var(--gh-tint)'],
  [`${R} .gh-btn-primary`, 'color:var(--gh-on-primary);background:var(--gh-primary);border-color:var(--gh-primary)'],
  [`${R} .gh-btn-primary:hover`, 'background:color-mix(in srgb,var(--gh-primary) 86%,var(--gh-neutral))'],
  [`${R} .gh-btn-danger`, 'color:var(--gh-danger);border-color:color-mix(in srgb,var(--gh-danger) 45%,transparent)'],
  [`${R} .gh-btn-danger:hover`, 'background:color-mix(in srgb,var(--gh-danger) 8%,var(--gh-bg))'],
  [`${R} .gh-btn-block`, 'width:100%'],
  [`${R} .gh-btn-sm`, 'min-height:1.875rem;padding:0.25rem 0.625rem;font-size:0.8125em'],
  [`${R} .gh-btn:disabled,${R} .gh-item:disabled`, 'opacity:.6;cursor:not-allowed'],
  [
    `${R} .gh-link`,
    'display:inline;margin:0;padding:0;font:inherit;font-weight:var(--gh-w-medium);color:var(--gh-primary);background:none;border:0;' +
      'text-decoration:underline;text-decoration-thickness:1px;text-underline-offset:0.2em;cursor:pointer',
  ],
  [`${R} .gh-link:hover`, 'text-decoration-thickness:2px'],
  [
    `${R} :is(.gh-btn,.gh-link,.gh-item,.gh-trigger,input[type="checkbox"]):focus-visible`,
    'outline:2px solid var(--gh-primary);outline-offset:2px;box-shadow:0 0 0 4px var(--gh-ring)',
  ],
  [
    `${R} .gh-alert`,
    'display:block;margin:0;padding:0.625rem 0.75rem;font-size:0.875em;line-height:1.45;color:var(--gh-danger);' +
      'background:color-mix(in srgb,var(--gh-danger) 8%,var(--gh-bg));border:1px solid color-mix(in srgb,var(--gh-danger) 35%,transparent);' +
      'border-radius:var(--gh-radius)',
  ],
  [
    `${R} .gh-notice`,
    'display:block;margin:0;padding:0.625rem 0.75rem;font-size:0.875em;color:var(--gh-text);' +
      'background:color-mix(in srgb,var(--gh-success) 10%,var(--gh-bg));border:1px solid color-mix(in srgb,var(--gh-success) 40%,transparent);' +
      'border-radius:var(--gh-radius)',
  ],
  [`${R} .gh-footer`, 'margin:0;font-size:0.875em;color:var(--gh-text-2);text-align:center'],
  [`${R} .gh-divider`, 'display:flex;align-items:center;gap:0.75rem;margin:0;color:var(--gh-text-2);font-size:0.8125em'],
  [`${R} .gh-divider::before,${R} .gh-divider::after`, 'content:"";flex:1;height:1px;background:var(--gh-border)'],
  [`${R} .gh-stack`, 'display:flex;flex-direction:column;gap:calc(var(--gh-space)*0.5);margin:0'],
  [`${R} .gh-row`, 'display:flex;flex-wrap:wrap;align-items:center;gap:calc(var(--gh-space)*0.5);margin:0'],
  [`${R} .gh-between`, 'justify-content:space-between'],
  [`${R}.gh-anchor`, 'position:relative;display:inline-block;vertical-align:middle;width:auto;max-width:none'],
  [
    `${R} .gh-trigger`,
    'display:inline-flex;align-items:center;gap:0.5rem;max-width:18rem;min-height:2.25rem;margin:0;padding:0.25rem 0.625rem 0.25rem 0.25rem;' +
      'font-family:var(--gh-font-buttons);font-size:0.875em;font-weight:var(--gh-w-medium);line-height:1.2;color:var(--gh-text);' +
      'background:var(--gh-bg);border:1px solid var(--gh-border-strong);border-radius:999px;cursor:pointer;box-shadow:0 1px 1px var(--gh-shadow);' +
      'text-decoration:none;appearance:none',
  ],
  [`${R} .gh-trigger:hover`, 'background:var(--gh-tint)'],
  [`${R} .gh-trigger-text`, 'overflow:hidden;text-overflow:ellipsis;white-space:nowrap'],
  [`${R} .gh-chevron`, 'flex:none;width:0.75rem;height:0.75rem;color:var(--gh-text-2)'],
  [
    `${R} .gh-avatar`,
    'display:inline-flex;flex:none;align-items:center;justify-content:center;width:1.75rem;height:1.75rem;border-radius:999px;' +
      'background:var(--gh-primary);color:var(--gh-on-primary);font-size:0.75rem;font-weight:var(--gh-w-bold);line-height:1;text-transform:uppercase',
  ],
  [`${R} .gh-avatar-square`, 'border-radius:calc(var(--gh-radius)*0.75)'],
  [
    `${R} .gh-popover`,
    'position:absolute;top:calc(100% + 0.5rem);right:0;left:auto;z-index:2147483000;display:flex;flex-direction:column;gap:0.25rem;' +
      'width:21rem;max-width:calc(100vw - 1rem);max-height:min(32rem,calc(100vh - 5rem));overflow:auto;margin:0;padding:0.5rem;' +
      'background:var(--gh-bg);color:var(--gh-text);border:1px solid var(--gh-border);border-radius:calc(var(--gh-radius)*1.5);' +
      'box-shadow:0 4px 8px -2px var(--gh-shadow),0 16px 40px -8px var(--gh-shadow);text-align:left;opacity:1;visibility:visible',
  ],
  [`${R} .gh-popover-section`, 'display:flex;flex-direction:column;gap:0.25rem;padding:0.375rem 0;border-top:1px solid var(--gh-border)'],
  [`${R} .gh-popover-section:first-child`, 'border-top:0;padding-top:0'],
  [`${R} .gh-popover-heading`, 'margin:0;padding:0.25rem 0.625rem;font-size:0.75em;font-weight:var(--gh-w-medium);color:var(--gh-text-2)'],
  [
    `${R} .gh-item`,
    'display:flex;align-items:center;gap:0.625rem;width:100%;min-height:2.25rem;margin:0;padding:0.375rem 0.625rem;font-family:inherit;' +
      'font-size:0.875em;font-weight:var(--gh-w-normal);line-height:1.3;color:var(--gh-text);text-align:left;text-decoration:none;' +
      'background:transparent;border:0;border-radius:var(--gh-radius);cursor:pointer;appearance:none',
  ],
  [`${R} .gh-item:hover,${R} .gh-item:focus-visible`, 'background:var(--gh-hover)'],
  [`${R} .gh-item[aria-pressed="true"]`, 'font-weight:var(--gh-w-bold)'],
  [`${R} .gh-item-danger`, 'color:var(--gh-danger)'],
  [`${R} .gh-check-mark`, 'margin-left:auto;color:var(--gh-primary)'],
  [`${R} .gh-list`, 'display:flex;flex-direction:column;gap:0.375rem;margin:0;padding:0;list-style:none'],
  [
    `${R} .gh-list-item`,
    'display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:0.5rem 0.75rem;margin:0;padding:0.625rem 0.75rem;' +
      'border:1px solid var(--gh-border);border-radius:var(--gh-radius);background:var(--gh-bg)',
  ],
  [`${R} .gh-list-main`, 'display:flex;flex-direction:column;gap:0.125rem;min-width:0;font-size:0.875em'],
  [
    `${R} .gh-badge`,
    'display:inline-block;margin-left:0.375rem;padding:0.0625rem 0.4375rem;font-size:0.75em;font-weight:var(--gh-w-medium);line-height:1.5;' +
      'color:var(--gh-text);background:color-mix(in srgb,var(--gh-primary) 16%,var(--gh-bg));border-radius:999px;vertical-align:middle',
  ],
  [`${R} .gh-section`, 'display:flex;flex-direction:column;gap:0.75rem;margin:0;padding:1.25rem 0 0;border-top:1px solid var(--gh-border)'],
  [`${R} .gh-facts`, 'display:grid;grid-template-columns:max-content 1fr;gap:0.375rem 1.5rem;margin:0;font-size:0.875em'],
  [`${R} .gh-facts dt`, 'margin:0;color:var(--gh-text-2);font-weight:var(--gh-w-normal)'],
  [`${R} .gh-facts dd`, 'margin:0;min-width:0;overflow-wrap:anywhere'],
  [`${R} .gh-table-wrap`, 'width:100%;overflow-x:auto;border:1px solid var(--gh-border);border-radius:var(--gh-radius)'],
  [
    `${R} .gh-table`,
    'width:100%;margin:0;border-collapse:collapse;border-spacing:0;text-indent:0;font-size:0.875em;background:var(--gh-bg)',
  ],
  [
    `${R} .gh-table :is(th,td)`,
    'padding:0.5rem 0.75rem;text-align:left;vertical-align:middle;color:var(--gh-text);background:transparent;border:0;' +
      'border-bottom:1px solid var(--gh-border);font-weight:var(--gh-w-normal)',
  ],
  [`${R} .gh-table tbody tr:last-child :is(th,td)`, 'border-bottom:0'],
  [`${R} .gh-table th`, 'font-size:0.8125em;font-weight:var(--gh-w-medium);color:var(--gh-text-2);background:var(--gh-tint)'],
  [
    `${R} .gh-code`,
    'font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:0.875em;padding:0.0625rem 0.3125rem;border-radius:0.25rem;' +
      'color:var(--gh-text);background:var(--gh-tint);overflow-wrap:anywhere',
  ],
  [`${R} .gh-check`, 'display:flex;align-items:center;gap:0.5rem;font-size:0.875em;font-weight:var(--gh-w-normal);color:var(--gh-text)'],
  [`${R} .gh-check input`, 'width:1rem;height:1rem;margin:0;accent-color:var(--gh-primary);appearance:auto'],
  [
    `${R}.gh-banner`,
    'display:flex;flex-wrap:wrap;align-items:center;justify-content:center;gap:0.5rem 1rem;width:100%;max-width:none;margin:0;' +
      'padding:0.5rem 1rem;font-size:0.875em;color:var(--gh-text);background:color-mix(in srgb,var(--gh-warning) 14%,var(--gh-bg));' +
      'border-bottom:1px solid color-mix(in srgb,var(--gh-warning) 45%,transparent)',
  ],
  [`${R} .gh-card-dialog`, 'width:min(25rem,calc(100vw - 2rem))'],
  [`${R} .gh-subsection`, 'display:flex;flex-direction:column;gap:0.625rem;margin:0'],
  [
    `${R} .gh-qr`,
    'display:block;width:12.5rem;height:12.5rem;max-width:100%;margin:0;padding:0.5rem;background:#fff;border:1px solid var(--gh-border);' +
      'border-radius:var(--gh-radius);box-sizing:content-box',
  ],
  [
    `${R} .gh-codes`,
    'display:grid;grid-template-columns:repeat(auto-fill,minmax(8.5rem,1fr));gap:0.375rem;margin:0;padding:0.75rem;list-style:none;' +
      'background:var(--gh-tint);border:1px solid var(--gh-border);border-radius:var(--gh-radius)',
  ],
  [`${R} .gh-codes .gh-code`, 'display:block;padding:0.25rem 0.5rem;background:var(--gh-bg);text-align:center;letter-spacing:0.04em'],
  [`${R} .gh-inline-form`, 'display:flex;flex-wrap:wrap;align-items:flex-end;gap:0.5rem;width:100%;margin:0'],
  [`${R} .gh-inline-form .gh-field`, 'flex:1 1 12rem'],
  [
    `${R} .gh-sr-only`,
    'position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0',
  ],
  // An empty live region stays in the page (a message put into it is announced) but takes no room
  // and is out of the flex flow, so it adds no gap above the button that follows it.
  [`${R} .gh-live:empty`, 'position:absolute;width:0;height:0;margin:0;padding:0;overflow:hidden'],
];

/** The stylesheet, injected once per page by React (`<style href precedence>`). */
export const GATEHOUSE_CSS = RULES.map(([selector, body]) => `${selector}{${body}}`).join('\n');
