// The timing loop: tinybench in interleaved rounds, every task checked before and after it is timed.
//
// Each task's measured time is split into `rounds` slices and the whole task list is cycled that
// many times, so a slow phase of the (shared, noisy) host hits every task alike; the samples of all
// rounds are pooled. Every loop is bounded twice: by time (tinybench's budget plus a hard abort) and
// by count (`maxIterations` per round).

/* global AbortController, AbortSignal */
import { performance } from 'node:perf_hooks';
import { Bench } from 'tinybench';
import { interferenceProbe } from './interference.mjs';

/**
 * @typedef {object} BenchTask
 * @property {string} id          stable key used by the report
 * @property {string} name        row label
 * @property {() => unknown} fn   one operation; sync or returning a promise
 * @property {boolean} [async]    whether fn returns a promise (defaults to true)
 * @property {() => Promise<void> | void} [check] throws unless fn does the right thing
 * @property {() => number} [failures] failures counted inside fn during the timed loop
 * @property {number} [maxIterations] per round; default 2,000,000
 * @property {string} [notes]
 */

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

/** Summary statistics of latency samples in milliseconds, reported in microseconds. */
export function summarize(samplesMs) {
  const sorted = Float64Array.from(samplesMs).sort();
  let sum = 0;
  for (const s of sorted) sum += s;
  const meanMs = sum / sorted.length;
  return {
    samples: sorted.length,
    meanUs: meanMs * 1000,
    p50Us: percentile(sorted, 50) * 1000,
    p99Us: percentile(sorted, 99) * 1000,
    maxUs: sorted[sorted.length - 1] * 1000,
    opsPerSec: 1000 / meanMs,
  };
}

/**
 * Times every task. Returns one result per task, in order.
 * @param {BenchTask[]} tasks
 * @param {{ rounds?: number, timeMs?: number, warmupMs?: number, minIterations?: number, log?: (line: string) => void, beforeRound?: () => Promise<void> }} [options]
 *   `beforeRound` runs before each round is timed (outside the timing).
 */
export async function measure(tasks, options = {}) {
  const rounds = options.rounds ?? 4;
  const timeMs = options.timeMs ?? 4000;
  const warmupMs = options.warmupMs ?? 500;
  const minIterations = options.minIterations ?? 10;
  const log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
  const gc = globalThis.gc;

  for (const task of tasks) await task.check?.();

  const pooled = new Map(tasks.map((t) => [t.id, []]));
  const roundMeans = new Map(tasks.map((t) => [t.id, []]));
  const started = performance.now();
  const interference = [];
  for (let round = 0; round < rounds; round++) {
    const sliceMs = timeMs / rounds;
    const bench = new Bench({
      time: sliceMs,
      iterations: minIterations,
      warmup: round === 0,
      warmupTime: warmupMs,
      warmupIterations: Math.min(minIterations, 5),
      retainSamples: true,
      subtractTimerOverhead: true,
      throws: true,
      // A full collection before each task, so one task's garbage is not collected on another's clock.
      setup: () => gc?.(),
    });
    for (const task of tasks) {
      const max = task.maxIterations ?? 2_000_000;
      const stop = new AbortController();
      let count = 0;
      const fn = task.fn;
      bench.add(
        task.id,
        () => {
          if (++count > max) stop.abort();
          return fn();
        },
        // Hard time bound: tinybench's own budget plus a margin, whatever the task does.
        {
          async: task.async ?? true,
          // The count bound applies to each phase (warm-up, run) separately.
          beforeAll: () => {
            count = 0;
          },
          signal: AbortSignal.any([stop.signal, AbortSignal.timeout(sliceMs * 4 + warmupMs + 30_000)]),
        },
      );
    }
    await options.beforeRound?.();
    const probe = interferenceProbe();
    await bench.run();
    const seen = probe.stop();
    for (const t of bench.tasks) {
      const result = t.result;
      if (result.state !== 'completed' && result.state !== 'aborted-with-statistics') {
        throw new Error(`task ${t.name} did not complete: ${result.state} ${result.error?.message ?? ''}`);
      }
      const samples = result.latency.samples ?? [];
      const list = pooled.get(t.name);
      for (const s of samples) list.push(s);
      roundMeans.get(t.name).push(result.latency.mean * 1000);
    }
    if (seen) interference.push(seen);
    log(`  round ${round + 1}/${rounds} done (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }

  for (const task of tasks) await task.check?.();

  const othersMax = interference.length ? Math.max(...interference.map((i) => i.others)) : null;
  const stealMax = interference.length ? Math.max(...interference.map((i) => i.steal)) : null;
  const siblingsMax = interference.length ? Math.max(...interference.map((i) => i.siblings)) : null;
  return tasks.map((task) => {
    const failures = task.failures?.() ?? 0;
    if (failures > 0) throw new Error(`task ${task.name}: ${failures} iterations returned a wrong result`);
    const means = roundMeans.get(task.id);
    const spread = (Math.max(...means) - Math.min(...means)) / Math.min(...means);
    return {
      id: task.id,
      name: task.name,
      group: task.group ?? null,
      notes: task.notes ?? '',
      ...summarize(pooled.get(task.id)),
      roundMeansUs: means,
      roundSpread: spread,
      // Share of the pinned CPU used by other processes / stolen by the hypervisor, worst round.
      interference: { othersMax, stealMax, siblingsMax },
    };
  });
}

/**
 * Times one task with `inFlight` calls at a time (each a different user, as the task's fn picks
 * them), in `rounds` slices after a warm-up: throughput, the latency of each call under that load,
 * and this process's CPU time per call (process.cpuUsage: every thread of the process, so the
 * throughput per CPU-second of the app process can be read off). `serverCpuMs()`, when given, is the
 * CPU time the database server has used so far (its share per call is reported beside ours).
 * @param {BenchTask} task
 * @param {{ inFlight?: number, rounds?: number, timeMs?: number, warmupMs?: number, serverCpuMs?: () => Promise<number | null>, beforeRound?: () => Promise<void> }} [options]
 *   `beforeRound` runs before each round is timed (outside the timing).
 */
export async function measureConcurrent(task, options = {}) {
  const inFlight = options.inFlight ?? 8;
  const rounds = options.rounds ?? 4;
  const timeMs = options.timeMs ?? 4000;
  const max = task.maxIterations ?? 2_000_000;
  const serverCpuMs = options.serverCpuMs ?? (async () => null);
  let count = 0;
  const run = async (ms, samples) => {
    const until = performance.now() + ms;
    const worker = async () => {
      while (performance.now() < until && count < max) {
        count++;
        const started = performance.now();
        await task.fn();
        samples?.push(performance.now() - started);
      }
    };
    await Promise.all(Array.from({ length: inFlight }, worker));
  };
  await task.check?.();
  await run(options.warmupMs ?? 500, null);
  count = 0;
  const samples = [];
  const roundMeans = [];
  const interference = [];
  let calls = 0;
  let wallMs = 0;
  let cpuMs = 0;
  let serverMs = 0;
  for (let round = 0; round < rounds; round++) {
    globalThis.gc?.();
    await options.beforeRound?.();
    const before = samples.length;
    const probe = interferenceProbe();
    const server0 = await serverCpuMs();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await run(timeMs / rounds, samples);
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const server1 = await serverCpuMs();
    const seen = probe.stop();
    if (seen) interference.push(seen);
    const done = samples.length - before;
    calls += done;
    wallMs += wall;
    cpuMs += (cpu.user + cpu.system) / 1000;
    if (server0 !== null && server1 !== null) serverMs += server1 - server0;
    else serverMs = NaN;
    roundMeans.push((wall * 1000) / done);
  }
  await task.check?.();
  const failures = task.failures?.() ?? 0;
  if (failures > 0) throw new Error(`task ${task.name}: ${failures} iterations returned a wrong result`);
  const worst = (key) => (interference.length ? Math.max(...interference.map((i) => i[key])) : null);
  return {
    id: task.id,
    name: task.name,
    group: task.group ?? null,
    notes: task.notes ?? '',
    ...summarize(samples),
    // Throughput of the whole run (calls overlap: not 1 / mean latency).
    opsPerSec: (calls * 1000) / wallMs,
    inFlight,
    cpuUsPerOp: (cpuMs * 1000) / calls,
    opsPerCpuSecond: calls / (cpuMs / 1000),
    serverCpuUsPerOp: Number.isNaN(serverMs) ? null : (serverMs * 1000) / calls,
    // Wall time per completed call in each round (the inverse of its throughput).
    roundMeansUs: roundMeans,
    roundSpread: (Math.max(...roundMeans) - Math.min(...roundMeans)) / Math.min(...roundMeans),
    interference: { othersMax: worst('others'), stealMax: worst('steal'), siblingsMax: worst('siblings') },
  };
}

/** Asserts a condition in a task's check. */
export function assert(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}
