// Static audit of a Next.js app: every page, route handler method and server action that no auth() check guards and no public route covers.

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { createPathMatcher } from '@gatehouse/core';
import type * as TS from 'typescript';

export interface AuditFinding {
  /** Relative to the app's root. */
  file: string;
  /** `default` for a page, the HTTP method for a route handler, the function name for a server action. */
  exportName: string;
  kind: 'page' | 'route' | 'action';
  /** The URL path for pages and route handlers (`[id]` segments kept). */
  route: string | null;
}

export interface AuditResult {
  appDir: string;
  /** The public patterns used: from the middleware/proxy's `createRouteMatcher([...])`, or given. */
  publicPatterns: string[];
  /** Where the public list came from, or null when none was found. */
  publicSource: string | null;
  checked: number;
  findings: AuditFinding[];
}

/** Calls that count as a guard: each authenticates the request and the code must handle "signed out". */
const GUARDS = new Set(['auth', 'currentUser', 'orgScope', 'protect']);
const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** Re-exporting the Gatehouse handler mounts the auth API itself, which authenticates every call on its own. */
const SELF_GUARDED_MODULES = new Set(['@gatehouse/nextjs/handler']);
const SOURCE = /\.(tsx?|jsx?|mts|mjs)$/;

export type Ts = typeof TS;

/**
 * Scans `root` (the Next.js project: `app/` or `src/app/`, and `middleware.ts` / `proxy.ts`).
 * @throws Error when there is no app directory
 */
export function auditApp(ts: Ts, root: string, options: { publicPatterns?: string[] } = {}): AuditResult {
  const appDir = [join(root, 'app'), join(root, 'src', 'app')].find((dir) => existsSync(dir));
  if (!appDir) throw new Error(`No app/ or src/app/ directory under ${root}: pass the Next.js project's root.`);
  let publicPatterns = options.publicPatterns ?? [];
  let publicSource: string | null = options.publicPatterns ? 'command line' : null;
  if (!options.publicPatterns) {
    for (const base of [root, join(root, 'src')]) {
      for (const name of ['proxy.ts', 'middleware.ts', 'proxy.js', 'middleware.js']) {
        const file = join(base, name);
        if (publicSource === null && existsSync(file)) {
          const found = publicRoutesIn(ts, parse(ts, file));
          if (found) {
            publicPatterns = found;
            publicSource = relative(root, file);
          }
        }
      }
    }
  }
  const isPublic = publicPatterns.length ? createPathMatcher(publicPatterns) : () => false;
  const findings: AuditFinding[] = [];
  let checked = 0;
  for (const file of walk(appDir)) {
    const source = parse(ts, file);
    const name = file.split(sep).pop() ?? '';
    const rel = relative(root, file);
    const route = routeOf(relative(appDir, file));
    const samplePath = sampleOf(route);
    const guarded = guardedFunctions(ts, source);
    const publicRoute = (() => {
      try {
        return isPublic(samplePath);
      } catch {
        return false;
      }
    })();
    if (/^page\.(tsx?|jsx?)$/.test(name)) {
      checked += 1;
      if (!publicRoute && !exportIsGuarded(ts, source, 'default', guarded))
        findings.push({ file: rel, exportName: 'default', kind: 'page', route });
    } else if (/^route\.(ts|js|mts|mjs)$/.test(name)) {
      for (const method of exportedNames(ts, source).filter((n) => HTTP_METHODS.has(n))) {
        checked += 1;
        if (!publicRoute && !exportIsGuarded(ts, source, method, guarded))
          findings.push({ file: rel, exportName: method, kind: 'route', route });
      }
    }
    for (const action of serverActions(ts, source)) {
      checked += 1;
      // An action is a POST anyone can send: the public route list does not cover it.
      if (!guarded.has(action.node)) findings.push({ file: rel, exportName: action.name, kind: 'action', route: null });
    }
  }
  return { appDir: relative(root, appDir) || '.', publicPatterns, publicSource, checked, findings };
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name.startsWith('_') ? [] : walk(path); // _private folders are not routes
    return SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

function parse(ts: Ts, file: string): TS.SourceFile {
  const kind = file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, kind);
}

/** `/orgs/[slug]/settings` from `orgs/[slug]/(group)/settings/page.tsx`: groups and parallel slots dropped. */
function routeOf(relativeFile: string): string {
  const segments = relativeFile.split(sep).slice(0, -1);
  const kept = segments.filter((s) => !(s.startsWith('(') && s.endsWith(')')) && !s.startsWith('@'));
  return `/${kept.join('/')}`;
}

/** A concrete path for matching: `[x]` → `x`, `[...x]` → `x/x`, `[[...x]]` → nothing. */
function sampleOf(route: string): string {
  const path = route
    .split('/')
    .map((s) => (s.startsWith('[[...') ? '' : s.startsWith('[...') ? 'x/x' : s.startsWith('[') ? 'x' : s))
    .filter((s, i) => i === 0 || s !== '')
    .join('/');
  return path === '' ? '/' : path;
}

/** The string patterns of `createRouteMatcher([...])` assigned to a name that says public. */
function publicRoutesIn(ts: Ts, source: TS.SourceFile): string[] | null {
  let found: string[] | null = null;
  const visit = (node: TS.Node) => {
    if (
      ts.isVariableDeclaration(node) &&
      ts.isIdentifier(node.name) &&
      /public/i.test(node.name.text) &&
      node.initializer &&
      ts.isCallExpression(node.initializer) &&
      ts.isIdentifier(node.initializer.expression) &&
      node.initializer.expression.text === 'createRouteMatcher'
    ) {
      const [arg] = node.initializer.arguments;
      if (arg && ts.isArrayLiteralExpression(arg)) {
        found = arg.elements.filter((e) => ts.isStringLiteralLike(e)).map((e) => (e as TS.StringLiteralLike).text);
      } else if (arg && ts.isStringLiteralLike(arg)) found = [arg.text];
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

type FunctionLike = TS.FunctionDeclaration | TS.ArrowFunction | TS.FunctionExpression | TS.MethodDeclaration;

function isFunctionLike(ts: Ts, node: TS.Node): node is FunctionLike {
  return ts.isFunctionDeclaration(node) || ts.isArrowFunction(node) || ts.isFunctionExpression(node) || ts.isMethodDeclaration(node);
}

/** The name a call goes to: `auth()` → auth, `auth.protect()` → protect, `helper()` → helper. */
function calleeName(ts: Ts, call: TS.CallExpression): string | null {
  const e = call.expression;
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  return null;
}

/**
 * The functions of this file that call a guard, directly or through another function of the same
 * file (so `requireAdmin()` helpers count), found by a fixed point over the file's call graph.
 */
function guardedFunctions(ts: Ts, source: TS.SourceFile): Set<TS.Node> {
  const functions: { node: FunctionLike; name: string | null; calls: Set<string> }[] = [];
  const visit = (node: TS.Node, owner: { calls: Set<string> } | null) => {
    let current = owner;
    if (isFunctionLike(ts, node)) {
      let name: string | null = node.name && ts.isIdentifier(node.name) ? node.name.text : null;
      if (!name && ts.isVariableDeclaration(node.parent) && ts.isIdentifier(node.parent.name)) name = node.parent.name.text;
      const entry = { node, name, calls: new Set<string>() };
      functions.push(entry);
      current = entry;
    }
    if (current && ts.isCallExpression(node)) {
      const callee = calleeName(ts, node);
      if (callee) current.calls.add(callee);
    }
    ts.forEachChild(node, (child) => visit(child, current));
  };
  visit(source, null);
  const guardedNames = new Set(GUARDS);
  const guarded = new Set<TS.Node>();
  let changed = true;
  while (changed) {
    changed = false;
    for (const f of functions) {
      if (!guarded.has(f.node) && [...f.calls].some((c) => guardedNames.has(c))) {
        guarded.add(f.node);
        if (f.name) guardedNames.add(f.name);
        changed = true;
      }
    }
  }
  return guarded;
}

function hasExportModifier(ts: Ts, node: TS.Node): boolean {
  return (ts.canHaveModifiers(node) ? ts.getModifiers(node) : undefined)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false;
}

function exportedNames(ts: Ts, source: TS.SourceFile): string[] {
  const names: string[] = [];
  for (const statement of source.statements) {
    if (ts.isFunctionDeclaration(statement) && hasExportModifier(ts, statement) && statement.name) names.push(statement.name.text);
    if (ts.isVariableStatement(statement) && hasExportModifier(ts, statement)) {
      for (const d of statement.declarationList.declarations) if (ts.isIdentifier(d.name)) names.push(d.name.text);
    }
    if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      for (const e of statement.exportClause.elements) names.push(e.name.text);
    }
  }
  return names;
}

/** Whether the export `name` (a function, a const holding one, or `export default`) is guarded. */
function exportIsGuarded(ts: Ts, source: TS.SourceFile, name: string, guarded: Set<TS.Node>): boolean {
  const local = new Map<string, TS.Node>();
  for (const statement of source.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name) local.set(statement.name.text, statement);
    if (ts.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations)
        if (ts.isIdentifier(d.name) && d.initializer) local.set(d.name.text, d.initializer);
    }
  }
  const isGuardedNode = (node: TS.Node | undefined): boolean => {
    if (!node) return false;
    if (guarded.has(node)) return true;
    if (ts.isIdentifier(node)) return isGuardedNode(local.get(node.text));
    return false;
  };
  for (const statement of source.statements) {
    if (name === 'default') {
      if (ts.isFunctionDeclaration(statement) && (ts.getModifiers(statement) ?? []).some((m) => m.kind === ts.SyntaxKind.DefaultKeyword)) {
        return guarded.has(statement);
      }
      if (ts.isExportAssignment(statement)) return isGuardedNode(statement.expression);
    } else {
      if (ts.isFunctionDeclaration(statement) && hasExportModifier(ts, statement) && statement.name?.text === name)
        return guarded.has(statement);
      if (ts.isVariableStatement(statement) && hasExportModifier(ts, statement)) {
        for (const d of statement.declarationList.declarations)
          if (ts.isIdentifier(d.name) && d.name.text === name) return isGuardedNode(d.initializer);
      }
      if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
        const from = statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier) ? statement.moduleSpecifier.text : null;
        for (const e of statement.exportClause.elements) {
          if (e.name.text !== name) continue;
          if (from !== null) return SELF_GUARDED_MODULES.has(from);
          return isGuardedNode(local.get((e.propertyName ?? e.name).text));
        }
      }
    }
  }
  return false;
}

function hasUseServer(ts: Ts, statements: readonly TS.Statement[]): boolean {
  for (const s of statements) {
    if (!ts.isExpressionStatement(s) || !ts.isStringLiteral(s.expression)) return false;
    if (s.expression.text === 'use server') return true;
  }
  return false;
}

/** Server actions: every exported function of a `'use server'` file, and every function whose body starts with `'use server'`. */
function serverActions(ts: Ts, source: TS.SourceFile): { name: string; node: TS.Node }[] {
  const actions: { name: string; node: TS.Node }[] = [];
  if (hasUseServer(ts, source.statements)) {
    for (const statement of source.statements) {
      if (ts.isFunctionDeclaration(statement) && hasExportModifier(ts, statement)) {
        actions.push({ name: statement.name?.text ?? 'default', node: statement });
      }
      if (ts.isVariableStatement(statement) && hasExportModifier(ts, statement)) {
        for (const d of statement.declarationList.declarations) {
          if (ts.isIdentifier(d.name) && d.initializer && isFunctionLike(ts, d.initializer))
            actions.push({ name: d.name.text, node: d.initializer });
        }
      }
    }
    return actions;
  }
  const visit = (node: TS.Node) => {
    if (isFunctionLike(ts, node) && node.body && ts.isBlock(node.body) && hasUseServer(ts, node.body.statements)) {
      let name = node.name && ts.isIdentifier(node.name) ? node.name.text : null;
      if (!name && ts.isVariableDeclaration(node.parent) && ts.isIdentifier(node.parent.name)) name = node.parent.name.text;
      actions.push({ name: name ?? '(inline action)', node });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return actions;
}
