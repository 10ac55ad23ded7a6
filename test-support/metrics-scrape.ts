// Test support: scrape an instance's metrics through its auth API and read the exposition into `name{labels}` -> value.

import assert from 'node:assert/strict';
import { API, send, type InstanceLike } from './instance.js';

/** Every sample line of a Prometheus text exposition, keyed as written (`name{label="v"}`). */
export function parseMetrics(text: string): Map<string, number> {
  const series = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    series.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return series;
}

export async function scrape(t: InstanceLike, key: string): Promise<Map<string, number>> {
  const res = await send(t, `${API}/metrics`, { headers: { authorization: `Bearer ${key}` } });
  assert.equal(res.status, 200, res.text);
  return parseMetrics(res.text);
}
