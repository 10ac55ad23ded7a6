// Bar charts for the dashboard as inline SVG (no script, no library): one group of bars per day, with the numbers as a table too.

import { html, type SafeHtml } from './html.js';

export interface Series {
  label: string;
  /** One value per day, oldest first. */
  values: readonly number[];
}

const WIDTH = 640;
const HEIGHT = 200;
const PAD = { top: 12, right: 8, bottom: 24, left: 36 };

/** A round upper bound for the axis: 1, 2, 5, 10, 20, 50, … at least `max`. */
function niceMax(max: number): number {
  if (max <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}

/**
 * A bar chart of `series` (at most two, drawn in the `s1`/`s2` colors) over `days` (labels such as
 * `12-07`). The SVG is an image named by `title` with a summary; the exact numbers follow in a table
 * inside a disclosure, for screen readers and for copying.
 */
export function barChart(id: string, title: string, days: readonly string[], series: readonly Series[]): SafeHtml {
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values)));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const group = plotW / Math.max(1, days.length);
  const bar = (group * 0.76) / Math.max(1, series.length);
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  const totals = series.map((s) => `${s.label}: ${s.values.reduce((a, b) => a + b, 0)}`).join(', ');
  const ticks = [0, max / 2, max];
  const rects = series.flatMap((s, si) =>
    s.values.map((v, di) => {
      const x = PAD.left + di * group + group * 0.12 + si * bar;
      const h = (v / max) * plotH;
      return html`<rect
        class="s${si + 1}"
        x="${x.toFixed(1)}"
        y="${y(v).toFixed(1)}"
        width="${Math.max(1, bar - 1).toFixed(1)}"
        height="${h.toFixed(1)}"
        ><title>${days[di] ?? ''} ${s.label}: ${v}</title></rect
      >`;
    }),
  );
  const every = Math.max(1, Math.ceil(days.length / 7));
  return html`<figure class="chart" aria-labelledby="${id}-title">
    <figcaption id="${id}-title">
      ${title} ${series.map((s, i) => html`<span class="legend"><span class="swatch s${i + 1}"></span>${s.label}</span>`)}
    </figcaption>
    <svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${title}, last ${days.length} days. ${totals}">
      ${ticks.map(
        (t) =>
          html`<line class="gridline" x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" /><text
              class="axis"
              x="${PAD.left - 6}"
              y="${(y(t) + 4).toFixed(1)}"
              text-anchor="end"
              >${Number.isInteger(t) ? t : t.toFixed(1)}</text
            >`,
      )}
      ${rects}
      ${days.map((d, i) =>
        i % every === 0 || i === days.length - 1
          ? html`<text class="axis" x="${(PAD.left + i * group + group / 2).toFixed(1)}" y="${HEIGHT - 6}" text-anchor="middle">${d}</text>`
          : '',
      )}
    </svg>
    <details>
      <summary>Numbers</summary>
      <table>
        <thead>
          <tr>
            <th>Day (UTC)</th>
            ${series.map((s) => html`<th>${s.label}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${days.map(
            (d, i) =>
              html`<tr>
                <td>${d}</td>
                ${series.map((s) => html`<td>${s.values[i] ?? 0}</td>`)}
              </tr>`,
          )}
        </tbody>
      </table>
    </details>
  </figure>`;
}
