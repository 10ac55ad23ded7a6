// How much of the CPU this process is pinned to was used by other processes (and stolen by the
// hypervisor) while it measured: the benchmarks share a 2-core machine with whatever else runs.

import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const USER_HZ = 100;

/** The one CPU this process is pinned to (taskset), or null when it may run on several. */
export function pinnedCpu() {
  try {
    const list = /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return list && /^\d+$/.test(list) ? Number(list) : null;
  } catch {
    return null;
  }
}

function parseCpuLine(line) {
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return { busy: user + nice + system + irq + softirq, idle: idle + iowait, steal };
}

/** Jiffies of `cpu`, and summed over every other CPU (a busy sibling slows a shared physical core). */
function cpuTimes(cpu) {
  const lines = readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .filter((l) => /^cpu\d+ /.test(l));
  const own = parseCpuLine(lines.find((l) => l.startsWith(`cpu${cpu} `)));
  const others = lines.filter((l) => !l.startsWith(`cpu${cpu} `)).map(parseCpuLine);
  return {
    ...own,
    othersBusy: others.reduce((s, c) => s + c.busy, 0),
    othersTotal: others.reduce((s, c) => s + c.busy + c.idle, 0),
  };
}

/** CPU seconds (user + system) process `pid` has used so far, from /proc. */
export function processCpuSeconds(pid) {
  // Fields 14 and 15 of /proc/<pid>/stat (after the parenthesised command name): utime, stime.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
}

/**
 * Starts a probe of the CPU this process is pinned to (or of `cpu`, used by process `pid`);
 * `stop()` returns the share of that CPU that other processes used and the hypervisor stole.
 */
export function interferenceProbe({ cpu = pinnedCpu(), pid = null } = {}) {
  if (cpu === null || cpu === undefined) return { stop: () => null };
  const ownSeconds = () => {
    if (pid !== null) return processCpuSeconds(pid);
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  const start = { t: performance.now(), cpu: cpuTimes(cpu), own: ownSeconds() };
  return {
    stop() {
      const wallS = (performance.now() - start.t) / 1000;
      const now = cpuTimes(cpu);
      const busyS = (now.busy - start.cpu.busy) / USER_HZ;
      const ownS = ownSeconds() - start.own;
      return {
        cpu,
        wallS,
        others: Math.max(0, (busyS - ownS) / wallS),
        ownCpuS: ownS,
        steal: (now.steal - start.cpu.steal) / USER_HZ / wallS,
        // How busy the other CPUs were (with anything, this benchmark's load generator included).
        siblings: (now.othersBusy - start.cpu.othersBusy) / Math.max(1, now.othersTotal - start.cpu.othersTotal),
        loadavg: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number),
      };
    },
  };
}
