// Tables for dashboard pages: a searchable paged list, and a record's fields as label/value rows.

import { html, type SafeHtml } from './html.js';
import { link, type PageContext } from './page.js';

const PAGE_SIZE = 50;

export interface SearchListOptions<T> {
  /** The page's path, e.g. `/users`. */
  path: string;
  placeholder: string;
  /** Shown when nothing matches. */
  empty: string;
  /** The column headings. */
  head: readonly string[];
  /** One more row than asked for tells whether there is a next page. */
  load(query: { limit: number; offset: number; query?: string }): Promise<T[]>;
  /** The cells of one row. */
  cells(item: T): SafeHtml;
}

/** The search box (`q`), one page of rows (`offset`), and Previous/Next links that keep the search. */
export async function searchList<T>(page: PageContext, options: SearchListOptions<T>): Promise<{ body: SafeHtml }> {
  const { root, url } = page;
  const q = (url.searchParams.get('q') ?? '').trim().slice(0, 320);
  const offset = Math.max(0, Math.floor(Number(url.searchParams.get('offset') ?? '0')) || 0);
  const rows = await options.load({ limit: PAGE_SIZE + 1, offset, ...(q ? { query: q } : {}) });
  const items = rows.slice(0, PAGE_SIZE);
  const at = (n: number) => link(root, options.path, { q, offset: String(n) });
  return {
    body: html`<form method="get" action="${root}${options.path}">
        <label>Search <input name="q" value="${q}" placeholder="${options.placeholder}" /></label> <button type="submit">Search</button>
      </form>
      <table>
        <thead>
          <tr>
            ${options.head.map((h) => html`<th>${h}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${items.map(
            (item) =>
              html`<tr>
                ${options.cells(item)}
              </tr>`,
          )}
        </tbody>
      </table>
      ${items.length === 0 ? html`<p class="muted">${options.empty}</p>` : ''}
      ${offset > 0 ? html`<a href="${at(Math.max(0, offset - PAGE_SIZE))}">Previous</a> ` : ''}
      ${rows.length > PAGE_SIZE ? html`<a href="${at(offset + PAGE_SIZE)}">Next</a>` : ''}`,
  };
}

/** One record's fields, a row each: label, value. */
export function facts(rows: readonly (readonly [string, SafeHtml | string | number])[]): SafeHtml {
  return html`<table>
    <tbody>
      ${rows.map(
        ([label, value]) =>
          html`<tr>
            <th>${label}</th>
            <td>${value}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}
