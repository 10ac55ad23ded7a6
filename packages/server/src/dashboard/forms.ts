// The dashboard's one kind of change: a small POST form naming an action, with its hidden fields and a button.

import { html, type SafeHtml } from './html.js';

/** A form posting `action` (plus `fields`) to `to`; `danger` marks the button red. `before` goes ahead of the button (e.g. a confirm field). */
export function actionForm(
  to: string,
  action: string,
  label: string,
  options: { fields?: Record<string, string>; danger?: boolean; before?: SafeHtml } = {},
): SafeHtml {
  return html`<form class="inline" method="post" action="${to}">
    <input type="hidden" name="action" value="${action}" />${Object.entries(options.fields ?? {}).map(
      ([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`,
    )}${options.before ?? ''}<button type="submit" ${options.danger ? html` class="danger"` : ''}>${label}</button>
  </form>`;
}
