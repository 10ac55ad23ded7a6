// Dependency version floors (issue #10): `npm audit` cannot reach its advisory service here, so
// SECURITY.md keeps a dated floor per production dependency, and this test fails when the lockfile,
// the installed node_modules or a declared range allows anything below it.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';

const ROOT = resolve(import.meta.dirname, '..', '..');
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

type Version = [number, number, number, boolean];
/** `1.2.3` or `1.2.3-rc.1` (a prerelease sorts below its release). */
function parseVersion(text: string): Version | null {
  const m = /^(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?(\+.*)?$/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3]), m[4] !== undefined] : null;
}
function compare(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return Number(!a[3]) - Number(!b[3]);
}

/** The floors table of SECURITY.md: package -> floors (one per major line when there are several). */
function readFloors(): { date: string; floors: Map<string, Version[]> } {
  const text = readFileSync(join(ROOT, 'SECURITY.md'), 'utf8');
  const section = text.slice(text.indexOf('## Dependency version floors'));
  const date = /Floors as of \*\*(\d{4}-\d{2}-\d{2})\*\*/.exec(section)?.[1] ?? '';
  const floors = new Map<string, Version[]>();
  for (const line of section.split('\n')) {
    const m = /^\| (\S+) \| (\d+\.\d+\.\d+) \|/.exec(line);
    if (!m) continue;
    const version = parseVersion(m[2]!)!;
    floors.set(m[1]!, [...(floors.get(m[1]!) ?? []), version]);
  }
  return { date, floors };
}

/** Why `version` of `name` is below its floor, or null when it is fine. */
function belowFloor(floors: Map<string, Version[]>, name: string, versionText: string): string | null {
  const version = parseVersion(versionText);
  const list = floors.get(name);
  if (!list) return null;
  if (!version) return `${name}@${versionText} is not a version`;
  // Several floors: one per major line; a major without a floor is not supported at all.
  const floor = list.length === 1 ? list[0]! : list.find((f) => f[0] === version[0]);
  if (!floor)
    return `${name}@${versionText}: no supported ${version[0]}.x line (floors: ${list.map((f) => f.slice(0, 3).join('.')).join(', ')})`;
  return compare(version, floor) < 0 ? `${name}@${versionText} is below its floor ${floor.slice(0, 3).join('.')}` : null;
}

/** The lowest version each `||` alternative of a range admits (`^1.2.3`, `~1.2.3`, `>=1.2.3`, `1.2.3`, `1.2.x`). */
function rangeMinimums(range: string): string[] {
  return range.split('||').map((alternative) => {
    const m = /(\d+)\.(\d+|x|\*)(?:\.(\d+|x|\*))?/.exec(alternative.replace(/^\s*(\^|~|>=|=)?\s*/, ''));
    if (!m || /^\s*[<>](?!=)/.test(alternative)) return alternative.trim(); // not a lower bound we can read: reported as such
    const n = (part: string | undefined) => (part === undefined || part === 'x' || part === '*' ? '0' : part);
    return `${m[1]}.${n(m[2])}.${n(m[3])}`;
  });
}

const { date, floors } = readFloors();

describe('the checker itself', () => {
  test('flags versions and ranges below a floor, and majors without one', () => {
    const sample = new Map<string, Version[]>([
      ['next', [parseVersion('16.4.1')!, parseVersion('15.5.18')!]],
      ['jose', [parseVersion('6.1.0')!]],
    ]);
    assert.match(belowFloor(sample, 'next', '16.4.0') ?? '', /below its floor 16.4.1/);
    assert.match(belowFloor(sample, 'next', '16.4.1-canary.3') ?? '', /below/);
    assert.match(belowFloor(sample, 'next', '15.5.17') ?? '', /below its floor 15.5.18/);
    assert.match(belowFloor(sample, 'next', '14.2.35') ?? '', /no supported 14.x line/);
    assert.equal(belowFloor(sample, 'next', '16.10.0'), null);
    assert.equal(belowFloor(sample, 'next', '15.5.18'), null);
    assert.match(belowFloor(sample, 'jose', '5.9.6') ?? '', /below/);
    assert.deepEqual(rangeMinimums('>=16.0.10'), ['16.0.10']);
    assert.deepEqual(rangeMinimums('^15.5.18 || >=16.4.1'), ['15.5.18', '16.4.1']);
    assert.deepEqual(rangeMinimums('~0.28.x'), ['0.28.0']);
  });
});

describe('SECURITY.md floors', () => {
  test('the list is dated and not from the future', () => {
    assert.match(date, /^\d{4}-\d{2}-\d{2}$/);
    assert.ok(Date.parse(date) <= Date.now(), date);
    assert.ok(floors.size >= 10, 'the floors table was found');
  });

  test('every production dependency of the published packages and the example app has a floor', () => {
    const missing: string[] = [];
    for (const dir of ['packages/core', 'packages/server', 'packages/nextjs', 'apps/example']) {
      const manifest = readJson(join(ROOT, dir, 'package.json'));
      const optional = (manifest.peerDependenciesMeta as Record<string, { optional?: boolean }> | undefined) ?? {};
      for (const field of ['dependencies', 'peerDependencies'] as const) {
        for (const name of Object.keys((manifest[field] as Record<string, string> | undefined) ?? {})) {
          // An optional peer (typescript for the CLI's type-only use) is not something Gatehouse runs on.
          if (field === 'peerDependencies' && optional[name]?.optional) continue;
          if (!name.startsWith('@gatehouse/') && !floors.has(name)) missing.push(`${dir}: ${name}`);
        }
      }
    }
    assert.deepEqual(missing, [], 'add these to the floors table in SECURITY.md');
  });

  test('package-lock.json and the installed node_modules hold nothing below a floor', () => {
    const lock = readJson(join(ROOT, 'package-lock.json')) as { packages: Record<string, { version?: string }> };
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const [path, entry] of Object.entries(lock.packages)) {
      const name = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)$/.exec(path)?.[1];
      if (!name || !floors.has(name) || !entry.version) continue;
      seen.add(name);
      const locked = belowFloor(floors, name, entry.version);
      if (locked) problems.push(`package-lock.json ${path}: ${locked}`);
      const installed = join(ROOT, path, 'package.json');
      if (existsSync(installed)) {
        const version = String(readJson(installed).version);
        if (version !== entry.version) problems.push(`${path}: installed ${version}, locked ${entry.version} (run npm ci)`);
        const below = belowFloor(floors, name, version);
        if (below) problems.push(`node_modules ${path}: ${below}`);
      }
    }
    assert.deepEqual(problems, []);
    for (const name of floors.keys()) assert.ok(seen.has(name), `${name} has a floor but is not in package-lock.json`);
  });

  test('no declared range (dependencies, peerDependencies) of any workspace admits a version below a floor', () => {
    const root = readJson(join(ROOT, 'package.json')) as { workspaces: string[] };
    const problems: string[] = [];
    for (const dir of root.workspaces) {
      const manifest = readJson(join(ROOT, dir, 'package.json'));
      for (const field of ['dependencies', 'peerDependencies'] as const) {
        for (const [name, range] of Object.entries((manifest[field] as Record<string, string> | undefined) ?? {})) {
          if (!floors.has(name)) continue;
          for (const minimum of rangeMinimums(range)) {
            const below = belowFloor(floors, name, minimum);
            if (below) problems.push(`${dir} ${field} "${name}": "${range}" admits ${below.replace(/^\S+@/, '')}`);
          }
        }
      }
    }
    assert.deepEqual(problems, []);
  });
});
