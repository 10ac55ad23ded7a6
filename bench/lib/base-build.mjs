// The build of an earlier revision, for the before-vs-after case: a `git worktree` of the revision in
// bench/.exp/base-<commit>, node_modules copied from this checkout (npm workspaces link @gatehouse/*
// with relative symlinks, so in the copy they name the revision's own packages), `tsc -b` of core and
// server there. Kept between runs, keyed by the commit; rebuilt when the marker file is missing.

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const MARKER = '.bench-base-built';
/** The workspace packages the case imports, in build order. */
const PACKAGES = ['core', 'server'];

function run(cmd, args, cwd) {
  const result = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`${cmd} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`})${output ? `:\n${output}` : ''}`);
  }
  return result.stdout.trim();
}

/** Copies `from/node_modules` to `to/node_modules` (symlinks kept as they are, relative ones stay relative). */
function copyNodeModules(from, to) {
  if (!existsSync(join(from, 'node_modules'))) return;
  rmSync(join(to, 'node_modules'), { recursive: true, force: true });
  cpSync(join(from, 'node_modules'), join(to, 'node_modules'), { recursive: true, verbatimSymlinks: true });
}

/**
 * Makes sure the build of `rev` exists and returns where its packages are.
 * Throws (with the reason) when the revision is unknown or does not build.
 * @param {{ root: string, rev: string, log?: (line: string) => void }} options
 * @returns {{ commit: string, dir: string, url: (pkg: 'core' | 'server', file?: string) => string, cached: boolean, seconds: number }}
 */
export function baseBuild({ root, rev, log = () => {} }) {
  const started = Date.now();
  let commit;
  try {
    commit = run('git', ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], root);
  } catch {
    throw new Error(`${rev} is not a commit of this clone's history (a shallow clone lacks it: git fetch --unshallow)`);
  }
  const dir = join(root, 'bench', '.exp', `base-${commit.slice(0, 12)}`);
  const url = (pkg, file = 'index.js') => pathToFileURL(join(dir, 'packages', pkg, 'dist', file)).href;
  if (existsSync(join(dir, MARKER)) && readFileSync(join(dir, MARKER), 'utf8').trim() === commit) {
    return { commit, dir, url, cached: true, seconds: 0 };
  }
  log(`compare: building ${rev} (${commit.slice(0, 12)}) in ${dir}`);
  // A half-made copy from an interrupted run, or a worktree whose folder was deleted: start over.
  if (existsSync(dir)) {
    try {
      run('git', ['worktree', 'remove', '--force', dir], root);
    } catch {
      rmSync(dir, { recursive: true, force: true }); // not a worktree of this repository (a copied folder)
    }
  }
  run('git', ['worktree', 'prune'], root);
  run('git', ['worktree', 'add', '--detach', '--force', dir, commit], root);
  copyNodeModules(root, dir);
  for (const pkg of readdirSync(join(dir, 'packages'))) {
    if (existsSync(join(root, 'packages', pkg))) copyNodeModules(join(root, 'packages', pkg), join(dir, 'packages', pkg));
  }
  // The copied workspace links must name the revision's packages, not this checkout's.
  for (const pkg of PACKAGES) {
    const linked = realpathSync(join(dir, 'node_modules', '@gatehouse', pkg));
    if (linked !== realpathSync(join(dir, 'packages', pkg))) {
      throw new Error(`node_modules/@gatehouse/${pkg} in the copy resolves to ${linked}, not to the revision's own package`);
    }
  }
  run(process.execPath, [join(dir, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', ...PACKAGES.map((p) => `packages/${p}`)], dir);
  writeFileSync(join(dir, MARKER), `${commit}\n`);
  return { commit, dir, url, cached: false, seconds: (Date.now() - started) / 1000 };
}

/** The folder of this checkout (bench/..). */
export const checkoutRoot = resolve(import.meta.dirname, '..', '..');
