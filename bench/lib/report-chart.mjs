// The bench's SVG bar chart (bench/chart.svg), no dependencies.

import { int } from './format.mjs';

const COLORS = { floor: '#8a8f98', gatehouse: '#2563eb', peer: '#ea580c', next: '#0f766e', session: '#7c3aed' };

/** A horizontal bar chart (log scale for the per-call rows) as SVG, no dependencies. */
export function svgChart({ decision, nextjs, sessions, scale }, env) {
  const panels = [];
  if (decision) {
    panels.push({
      title: '1. Per-request decision: operations per second on one core (log scale)',
      log: true,
      bars: decision.results.map((r) => ({ label: r.name, value: r.opsPerSec, color: COLORS[r.group], text: `${int(r.opsPerSec)}/s` })),
    });
  }
  if (nextjs) {
    panels.push({
      title: '2. Through Next.js: requests per second (linear)',
      log: false,
      bars: nextjs.results.map((r) => ({
        label: r.name,
        value: r.rps,
        color: r.id === 'protected' ? COLORS.gatehouse : COLORS.next,
        text: `${int(r.rps)} req/s`,
      })),
    });
  }
  if (sessions) {
    panels.push({
      title: '3. Sign-in and refresh: operations per second on one core (log scale)',
      log: true,
      bars: sessions.results.map((r) => ({
        label: r.name,
        value: r.opsPerSec,
        color: r.group === 'floor' ? COLORS.floor : COLORS.gatehouse,
        text: `${int(r.opsPerSec)}/s`,
      })),
    });
  }
  if (scale) {
    panels.push({
      title: '4. The decision as the user base grows: operations per second on one core (log scale)',
      log: true,
      bars: scale.results
        .filter((r) => r.id.startsWith('scale.'))
        .map((r) => ({
          label: r.name,
          value: r.opsPerSec,
          color: r.id.startsWith('scale.hit') ? COLORS.gatehouse : COLORS.session,
          text: `${int(r.opsPerSec)}/s`,
        })),
    });
  }
  const W = 1000;
  const labelW = 430;
  const barMax = W - labelW - 130;
  const rowH = 20;
  let y = 70;
  const parts = [];
  for (const panel of panels) {
    parts.push(`<text x="10" y="${y}" class="t">${escXml(panel.title)}</text>`);
    y += 12;
    const max = Math.max(...panel.bars.map((b) => b.value));
    const min = panel.log ? Math.min(...panel.bars.map((b) => b.value)) / 2 : 0;
    const scale = (v) => (panel.log ? (Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min)) : v / max) * barMax;
    for (const b of panel.bars) {
      const w = Math.max(1, scale(b.value));
      parts.push(
        `<text x="${labelW - 8}" y="${y + 14}" class="l" text-anchor="end">${escXml(b.label.length > 62 ? `${b.label.slice(0, 61)}…` : b.label)}</text>`,
      );
      parts.push(`<rect x="${labelW}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="${b.color}"/>`);
      parts.push(`<text x="${(labelW + w + 6).toFixed(1)}" y="${y + 14}" class="v">${escXml(b.text)}</text>`);
      y += rowH;
    }
    y += 34;
  }
  const legend = [
    ['floor', 'floor (raw crypto / hash)'],
    ['gatehouse', 'Gatehouse'],
    ['peer', 'peers'],
    ['next', 'unprotected route'],
  ]
    .map(
      ([k, label], i) =>
        `<rect x="${10 + i * 200}" y="${y - 12}" width="12" height="12" fill="${COLORS[k]}"/><text x="${28 + i * 200}" y="${y - 2}" class="l">${label}</text>`,
    )
    .join('');
  const height = y + 10;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif">
<style>.t{font-size:15px;font-weight:600;fill:#111}.l{font-size:12px;fill:#222}.v{font-size:12px;fill:#444}.h{font-size:18px;font-weight:700;fill:#111}.s{font-size:12px;fill:#555}</style>
<rect width="100%" height="100%" fill="#fff"/>
<text x="10" y="24" class="h">Gatehouse benchmarks</text><text x="10" y="44" class="s">${escXml(`${env.date} · ${env.cpu} · ${env.cores} cores · Node ${env.node}`)}</text>
${parts.join('\n')}
${legend}
</svg>
`;
}

function escXml(s) {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
