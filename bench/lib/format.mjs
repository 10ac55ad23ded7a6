// Number formats shared by the bench reports: counts, three significant digits, ratios, percentages, sizes.

/** A whole number, thousands separated. */
export const int = (n) => Math.round(n).toLocaleString('en-US');
/** Three significant digits, thousands separated (µs and ms values). */
export function sig(n) {
  if (!Number.isFinite(n)) return '–';
  if (n >= 1000) return int(n);
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
}
/** A ratio as "1.23×" (whole above 10). */
export const ratio = (n) => (n >= 10 ? `${n.toFixed(0)}×` : `${n.toFixed(2)}×`);
/** A fraction as a whole percentage. */
export const pct = (n) => `${(n * 100).toFixed(0)} %`;
/** A user count as 10k / 1M. */
export const label = (n) => (n >= 1_000_000 ? `${n / 1_000_000}M` : n >= 1000 ? `${n / 1000}k` : String(n));
