// The Clerk-to-Gatehouse codemod behind `gatehouse migrate-code`: which import paths map where, and the edits it makes to a Next app (imports, package.json, handler route, .env).

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Clerk import paths and their Gatehouse counterparts. Subpaths not listed are left alone and reported. */
const SPECIFIERS: Readonly<Record<string, string>> = {
  '@clerk/nextjs': '@gatehouse/nextjs',
  '@clerk/nextjs/server': '@gatehouse/nextjs/server',
  '@clerk/nextjs/webhooks': '@gatehouse/nextjs/webhooks',
  '@clerk/nextjs/errors': '@gatehouse/nextjs/errors',
  '@clerk/nextjs/types': '@gatehouse/nextjs/types',
  '@clerk/themes': '@gatehouse/nextjs/themes',
  '@clerk/ui/themes': '@gatehouse/nextjs/themes',
  // Clerk's UI bundle (`<ClerkProvider ui={ui}>`) and its Appearance types: Gatehouse's components are built in.
  '@clerk/ui': '@gatehouse/nextjs/themes',
  '@clerk/localizations': '@gatehouse/nextjs/localizations',
  '@clerk/types': '@gatehouse/nextjs/types',
  '@clerk/shared/types': '@gatehouse/nextjs/types',
};

/** The Clerk packages whose every use maps to @gatehouse/nextjs: dropped from package.json once no import is left. */
const REPLACED_PACKAGES = ['@clerk/nextjs', '@clerk/themes', '@clerk/localizations', '@clerk/types', '@clerk/shared', '@clerk/ui'];

/**
 * The lowest releases @gatehouse/nextjs runs on (its peer ranges; the releases with the 2025-26
 * middleware and RSC fixes, see SECURITY.md), per major line. A range of the app's that admits
 * less is raised to `^floor`.
 */
const FLOORS: Readonly<Record<string, Readonly<Record<number, string>>>> = {
  next: { 15: '15.5.18', 16: '16.4.1' },
  react: { 19: '19.2.6' },
  'react-dom': { 19: '19.2.6' },
};

const SOURCE = /\.(?:[cm]?[jt]sx?)$/;
const SKIPPED_DIRS = new Set(['node_modules', '.next', '.git', 'dist', 'build', 'out', '.turbo', '.vercel', '.gatehouse']);
/** A module specifier in `from '…'`, `import '…'`, `import('…')`, `require('…')` or `declare module '…'`. */
const SPECIFIER = /(\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*|\bdeclare\s+module\s+)(['"])(@clerk\/[^'"\s]+)\2/g;

const ROUTE_DIR = join('api', 'gatehouse', '[...gatehouse]');
const ROUTE_SOURCE = [
  '// Mounts the Gatehouse auth HTTP API (sign-up, sign-in, refresh, sign-out, sessions, organizations, JWKS).',
  "export { GET, POST, HEAD, PUT, PATCH, DELETE } from '@gatehouse/nextjs/handler';",
  '',
].join('\n');

export interface CodemodReport {
  /** Every change, one line each, in the order made (paths relative to the app). */
  changes: string[];
  /** Clerk imports left as they are (no Gatehouse counterpart): `file: specifier`. */
  leftAlone: string[];
}

/** Where the App Router lives: `src/app` or `app`; null when the app has neither (a Pages Router app). */
function appRouterDir(dir: string): string | null {
  for (const candidate of [join(dir, 'src', 'app'), join(dir, 'app')]) {
    if (existsSync(candidate) && statSync(candidate).isDirectory()) return candidate;
  }
  return null;
}

interface PackageJson {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  [key: string]: unknown;
}

/** The app's package.json, or an Error saying why `dir` is not a Next app the codemod can work on. */
function readNextApp(dir: string): { pkg: PackageJson; text: string; appDir: string } {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) throw new Error(`${dir} is not a Next.js app: it has no package.json. Run migrate-code in the app's directory.`);
  const text = readFileSync(file, 'utf8');
  let pkg: PackageJson;
  try {
    pkg = JSON.parse(text) as PackageJson;
  } catch {
    throw new Error(`${file} is not valid JSON: nothing changed.`);
  }
  if (!pkg.dependencies?.next && !pkg.devDependencies?.next) {
    throw new Error(`${dir} is not a Next.js app: its package.json has no \`next\` dependency. Nothing changed.`);
  }
  const appDir = appRouterDir(dir);
  if (appDir === null) throw new Error(`${dir} has no app/ or src/app/ directory: migrate-code handles App Router apps. Nothing changed.`);
  return { pkg, text, appDir };
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return SKIPPED_DIRS.has(entry.name) ? [] : sourceFiles(path);
      return entry.isFile() && SOURCE.test(entry.name) ? [path] : [];
    });
}

/** `text` with every mapped Clerk specifier swapped; the specifiers with no counterpart are collected. */
export function swapImports(text: string): { text: string; swapped: number; unknown: string[] } {
  let swapped = 0;
  const unknown: string[] = [];
  const out = text.replace(SPECIFIER, (whole, lead: string, quote: string, specifier: string) => {
    const target = SPECIFIERS[specifier];
    if (target === undefined) {
      unknown.push(specifier);
      return whole;
    }
    swapped += 1;
    return `${lead}${quote}${target}${quote}`;
  });
  return { text: out, swapped, unknown };
}

function isSorted(keys: string[]): boolean {
  return keys.every((key, i) => i === 0 || (keys[i - 1] ?? '') <= key);
}

/** The package.json text with the Clerk packages no import still needs replaced by @gatehouse/nextjs; the same text when nothing changes. */
function migratePackageJson(
  pkg: PackageJson,
  text: string,
  stillImported: ReadonlySet<string>,
  version: string,
  swappedAny: boolean,
  leftAlone: string[],
): { text: string; changes: string[] } {
  const changes: string[] = [];
  for (const field of ['dependencies', 'devDependencies'] as const) {
    const deps = pkg[field];
    if (!deps) continue;
    for (const name of REPLACED_PACKAGES) {
      if (deps[name] === undefined || stillImported.has(name)) continue;
      delete deps[name];
      changes.push(`package.json: removed ${name} from ${field}`);
    }
  }
  raiseFloors(pkg, changes, leftAlone);
  const hasGatehouse = pkg.dependencies?.['@gatehouse/nextjs'] !== undefined || pkg.devDependencies?.['@gatehouse/nextjs'] !== undefined;
  if (!hasGatehouse && (swappedAny || changes.length > 0)) {
    const deps = (pkg.dependencies ??= {});
    const sorted = isSorted(Object.keys(deps));
    deps['@gatehouse/nextjs'] = `^${version}`;
    if (sorted) pkg.dependencies = Object.fromEntries(Object.entries(deps).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    changes.push(`package.json: added @gatehouse/nextjs ^${version} to dependencies`);
  }
  if (changes.length === 0) return { text, changes };
  const indent = /^\{\r?\n([ \t]+)"/.exec(text)?.[1] ?? '  ';
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return { text: JSON.stringify(pkg, null, indent).replace(/\n/g, eol) + (text.endsWith('\n') ? eol : ''), changes };
}

function versionOf(text: string): [number, number, number] | null {
  const m = /(\d+)\.(\d+)\.(\d+)/.exec(text);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

function below(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return (a[i] ?? 0) < (b[i] ?? 0);
  return false;
}

/** Raises next/react/react-dom ranges whose lowest version is below Gatehouse's floor; reports a major it does not support. */
function raiseFloors(pkg: PackageJson, changes: string[], leftAlone: string[]): void {
  for (const field of ['dependencies', 'devDependencies'] as const) {
    const deps = pkg[field];
    if (!deps) continue;
    for (const [name, floors] of Object.entries(FLOORS)) {
      const range = deps[name];
      if (range === undefined) continue;
      const lowest = versionOf(range);
      if (lowest === null) continue;
      const floor = floors[lowest[0]];
      if (floor === undefined) {
        const supported = Object.values(floors).join(' or ');
        leftAlone.push(`package.json: ${name} ${range} (Gatehouse needs ${name} ${supported} or later in its line)`);
        continue;
      }
      if (!below(lowest, versionOf(floor) ?? [0, 0, 0])) continue;
      deps[name] = `^${floor}`;
      changes.push(`package.json: ${name} ${range} -> ^${floor} in ${field} (the lowest release Gatehouse supports)`);
    }
  }
}

/** The package a specifier belongs to: `@clerk/nextjs/server` → `@clerk/nextjs`. */
function packageOf(specifier: string): string {
  return specifier.split('/').slice(0, 2).join('/');
}

/** Whether any env file Next loads already sets GATEHOUSE_SECRET. */
function envHasSecret(dir: string): boolean {
  return ['.env', '.env.local', '.env.production', '.env.production.local'].some((name) => {
    const file = join(dir, name);
    return existsSync(file) && /^\s*(?:export\s+)?GATEHOUSE_SECRET\s*=/m.test(readFileSync(file, 'utf8'));
  });
}

/**
 * Migrates the Next app in `dir` in place: imports, package.json, the handler route and the master
 * secret in .env. Running it again changes nothing.
 * @throws Error when `dir` is not a Next App Router app (nothing is written then)
 */
export function migrateCode(dir: string, version: string): CodemodReport {
  const { pkg, text: pkgText, appDir } = readNextApp(dir);
  const changes: string[] = [];
  const leftAlone: string[] = [];
  const stillImported = new Set<string>();
  let typescript = existsSync(join(dir, 'tsconfig.json'));
  let swappedAny = false;
  for (const file of sourceFiles(dir)) {
    if (/\.tsx?$/.test(file)) typescript = true;
    const before = readFileSync(file, 'utf8');
    const { text, swapped, unknown } = swapImports(before);
    for (const specifier of unknown) {
      leftAlone.push(`${relative(dir, file)}: ${specifier}`);
      stillImported.add(packageOf(specifier));
    }
    if (swapped === 0) continue;
    swappedAny = true;
    writeFileSync(file, text);
    changes.push(`${relative(dir, file)}: ${swapped} import${swapped === 1 ? '' : 's'} now from @gatehouse/nextjs`);
  }

  const migrated = migratePackageJson(pkg, pkgText, stillImported, version, swappedAny, leftAlone);
  if (migrated.text !== pkgText) writeFileSync(join(dir, 'package.json'), migrated.text);
  changes.push(...migrated.changes);

  const routeDir = join(appDir, ROUTE_DIR);
  const existingRoute = ['route.ts', 'route.js', 'route.tsx', 'route.jsx', 'route.mjs'].some((name) => existsSync(join(routeDir, name)));
  if (!existingRoute) {
    const route = join(routeDir, typescript ? 'route.ts' : 'route.js');
    mkdirSync(routeDir, { recursive: true });
    writeFileSync(route, ROUTE_SOURCE);
    changes.push(`${relative(dir, route)}: added (mounts the Gatehouse auth API)`);
  }

  if (!envHasSecret(dir)) {
    const envFile = join(dir, '.env');
    const exists = existsSync(envFile);
    const current = exists ? readFileSync(envFile, 'utf8') : '';
    const entry = [
      '# Gatehouse (written by `gatehouse migrate-code`): the master secret. Keep this file out of version control.',
      `GATEHOUSE_SECRET=${randomBytes(48).toString('base64url')}`,
      '',
    ].join('\n');
    writeFileSync(envFile, `${current}${current === '' || current.endsWith('\n') ? '' : '\n'}${entry}`, { mode: 0o600 });
    changes.push(`.env: ${exists ? 'added' : 'created with'} GATEHOUSE_SECRET (a new random master secret)`);
  }
  return { changes, leftAlone };
}
