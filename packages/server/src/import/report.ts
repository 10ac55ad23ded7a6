// How an import speaks to the person running it: a progress bar with rate and ETA on a terminal, and the summary at the end.

import type { ImportReport } from './run.js';

/**
 * A progress line redrawn in place (`\r`) on a terminal: bar, count, percentage, rows per second and
 * time left. Off a terminal it draws nothing (logs stay clean); `done()` ends the line.
 */
export function createProgressBar(stream: { isTTY?: boolean; write(text: string): unknown }, now: () => number = () => performance.now()) {
  const started = now();
  let drawn = false;
  let last = 0;
  return {
    update(done: number, total: number): void {
      if (!stream.isTTY || total === 0) return;
      const t = now();
      // At most ten redraws a second, and always the last one.
      if (done < total && t - last < 100) return;
      last = t;
      const width = 30;
      const filled = Math.round((done / total) * width);
      const seconds = Math.max((t - started) / 1000, 0.001);
      const rate = done / seconds;
      const eta = rate > 0 ? Math.ceil((total - done) / rate) : 0;
      stream.write(
        `\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} ${Math.floor((done / total) * 100)}% ${Math.round(rate)}/s ETA ${eta}s `,
      );
      drawn = true;
    },
    done(): void {
      if (drawn) stream.write('\n');
    },
  };
}

/** The summary as lines: per kind what was created, updated, unchanged and skipped; then what needs attention. */
export function summaryLines(report: ImportReport, maxProblems = 50): string[] {
  const c = report.counts;
  const row = (name: string, k: keyof typeof c) =>
    `  ${name.padEnd(13)} ${String(c[k].created).padStart(7)} ${String(c[k].updated).padStart(7)} ${String(c[k].unchanged).padStart(9)} ${String(c[k].skipped).padStart(7)}`;
  const lines = [
    `${report.dryRun ? 'Dry run (nothing written)' : 'Import'} from ${report.source}, run ${report.runId}: ${(report.durationMs / 1000).toFixed(1)} s, ${Math.round(report.usersPerSecond)} users/s`,
    `  ${''.padEnd(13)} ${'created'.padStart(7)} ${'updated'.padStart(7)} ${'unchanged'.padStart(9)} ${'skipped'.padStart(7)}`,
    row('roles', 'role'),
    row('users', 'user'),
    row('organizations', 'organization'),
    row('memberships', 'membership'),
  ];
  if (report.passwordResetRequired.length > 0) {
    lines.push(`Users imported without a password (unknown hasher), who must reset it: ${report.passwordResetRequired.length}`);
    for (const id of report.passwordResetRequired.slice(0, maxProblems)) lines.push(`  ${id}`);
    if (report.passwordResetRequired.length > maxProblems)
      lines.push(`  … and ${report.passwordResetRequired.length - maxProblems} more (--report lists all)`);
  }
  if (report.totpNotImported > 0)
    lines.push(`TOTP secrets not imported (no second-factor storage in this schema yet): ${report.totpNotImported}`);
  if (report.usernamesNotImported > 0) lines.push(`Usernames not imported (users sign in by email): ${report.usernamesNotImported}`);
  if (report.problems.length > 0) {
    lines.push(`Problems (rows skipped or changed): ${report.problems.length}`);
    for (const p of report.problems.slice(0, maxProblems)) lines.push(`  ${p.origin}${p.id ? ` ${p.id}` : ''}: ${p.message}`);
    if (report.problems.length > maxProblems) lines.push(`  … and ${report.problems.length - maxProblems} more (--report lists all)`);
  }
  return lines;
}
