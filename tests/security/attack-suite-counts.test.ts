// SECURITY.md's table of attack-suite cases per category (issue #15) matches tests/e2e/attack-suite.test.ts: the cases are counted from the file's own `attack(C, …)` calls under each category's `const C`.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';

const ROOT = resolve(import.meta.dirname, '..', '..');

/** Cases per category, in the order the suite declares them (a category may span several describe blocks). */
function suiteCounts(source: string): Map<string, number> {
  const counts = new Map<string, number>();
  // Each block opens with `const C = '<category>';` and its cases are `attack(C, …)` (the call may wrap after the parenthesis).
  const blocks = source.split(/\bconst C = /).slice(1);
  for (const block of blocks) {
    const category = /^'([^']+)';/.exec(block)?.[1];
    assert.ok(category, `a category block opens with a quoted name: ${block.slice(0, 40)}`);
    const cases = block.match(/\battack\(\s*C\s*,/g)?.length ?? 0;
    counts.set(category, (counts.get(category) ?? 0) + cases);
  }
  return counts;
}

/** The rows of the "Attack suite cases per category" table in SECURITY.md. */
function documentedCounts(security: string): Map<string, number> {
  const start = security.indexOf('Attack suite cases per category');
  assert.notEqual(start, -1, 'SECURITY.md has the attack-suite table');
  const rows = new Map<string, number>();
  for (const line of security.slice(start).split('\n').slice(1)) {
    if (line.trim() === '') {
      if (rows.size > 0) break;
      continue;
    }
    const cells = /^\|\s*([^|]+?)\s*\|\s*(\d+)\s*\|$/.exec(line.trim());
    if (cells) rows.set(cells[1] ?? '', Number(cells[2]));
  }
  return rows;
}

test('SECURITY.md lists the attack suite case counts per category and the total as the suite declares them', () => {
  const suite = suiteCounts(readFileSync(join(ROOT, 'tests', 'e2e', 'attack-suite.test.ts'), 'utf8'));
  const documented = documentedCounts(readFileSync(join(ROOT, 'SECURITY.md'), 'utf8'));
  const total = [...suite.values()].reduce((a, b) => a + b, 0);
  assert.ok(total > 0, 'the suite has cases');
  // Every `attack(` call is under a category: none is counted twice or missed.
  const calls = readFileSync(join(ROOT, 'tests', 'e2e', 'attack-suite.test.ts'), 'utf8').match(/\battack\(\s*C\s*,/g)?.length ?? 0;
  assert.equal(total, calls);
  assert.deepEqual(documented, new Map([...suite, ['total', total]]));
});
