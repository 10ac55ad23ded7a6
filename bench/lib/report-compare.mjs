// Case 6 in the reports: the rows of the before-vs-after run and, for each pair, the time ratio
// after/before with its verdict ("no regression" within the tolerance the case states).

import { int, pct, ratio, sig } from './format.mjs';

/** The pairs the case measures, with the floor each is read against. */
const PAIRS = [
  { group: 'decision.nocache', name: 'decision, cache off (request → toAuth → has)', floor: 'floor.verify', floorName: 'raw verify' },
  { group: 'decision.cache', name: 'decision, cache hit', floor: 'floor.verify', floorName: 'raw verify' },
  { group: 'refresh', name: 'refresh (session service, SQLite)', floor: 'floor.sign', floorName: 'raw sign' },
  { group: 'signin', name: 'sign-in (session service, SQLite)', floor: 'floor.argon2', floorName: 'argon2id verify' },
];
const UNRELIABLE = 0.1;

/** Mean and p99 in µs below a millisecond, in ms above. */
const time = (us) => (us >= 1000 ? `${sig(us / 1000)} ms` : `${sig(us)} µs`);

/** One line per pair: before, after, the time ratio after/before (pooled means and per round) and the verdict. */
export function comparePairs(compare) {
  const by = Object.fromEntries(compare.results.map((r) => [r.id, r]));
  const tolerance = compare.info.tolerance;
  return PAIRS.filter((p) => by[`before.${p.group}`] && by[`after.${p.group}`]).map((p) => {
    const before = by[`before.${p.group}`];
    const after = by[`after.${p.group}`];
    const floor = by[p.floor];
    const perRound = after.roundMeansUs.map((us, i) => us / before.roundMeansUs[i]);
    const timeRatio = after.meanUs / before.meanUs;
    const seen = [before, after].map((r) => (r.interference?.othersMax ?? 0) + (r.interference?.stealMax ?? 0));
    const interference = Math.max(...seen);
    return {
      name: p.name,
      before,
      after,
      floorName: p.floorName,
      beforeFloor: floor ? before.meanUs / floor.meanUs : NaN,
      afterFloor: floor ? after.meanUs / floor.meanUs : NaN,
      timeRatio,
      perRound: [Math.min(...perRound), Math.max(...perRound)],
      verdict: timeRatio <= 1 + tolerance ? 'no regression' : 'regression',
      interference,
      unreliable: interference > UNRELIABLE,
    };
  });
}

/** "3243fab9cfa9 → a5e9af1", naming the revision as given when it is not a commit prefix. */
const versions = (info) =>
  `${!info.baseCommit ? info.base : info.baseCommit.startsWith(info.base) ? info.baseCommit : `${info.base} (${info.baseCommit})`} → ${info.head}`;

/** Rows of the main table. */
export function compareRows(compare) {
  if (compare.info.skipped) return [];
  const by = Object.fromEntries(compare.results.map((r) => [r.id, r]));
  const section = `7. Before vs after: ${versions(compare.info)}, one interleaved run`;
  return compare.results.map((r) => {
    const pair = PAIRS.find((p) => r.id.endsWith(`.${p.group}`));
    let ref = '';
    if (pair && r.id.startsWith('after.')) ref = `${ratio(r.meanUs / by[`before.${pair.group}`].meanUs)} before`;
    else if (pair && by[pair.floor]) ref = `${ratio(r.meanUs / by[pair.floor].meanUs)} ${pair.floorName}`;
    return {
      section,
      name: r.name,
      rate: `${int(r.opsPerSec)}/s`,
      mean: time(r.meanUs),
      p99: time(r.p99Us),
      ref,
      spread: pct(r.roundSpread),
      notes: r.notes,
    };
  });
}

const verdictText = (p) => (p.unreliable ? `${p.verdict} (unreliable: ${pct(p.interference)} interference)` : p.verdict);
const tolerance = (info) => `after/before ≤ ${(1 + info.tolerance).toFixed(2)}`;

/** The verdicts for the terminal. */
export function compareText(compare) {
  const info = compare.info;
  if (info.skipped) return `Before vs after: not measured (${info.skipped}).`;
  const lines = [`Before vs after (${versions(info)}; mean time after/before; "no regression" when ${tolerance(info)}):`];
  for (const p of comparePairs(compare)) {
    lines.push(
      `  ${p.name.padEnd(48)} ${ratio(p.timeRatio).padStart(6)} (rounds ${ratio(p.perRound[0])}–${ratio(p.perRound[1])})  ${verdictText(p)}`,
    );
  }
  return lines.join('\n');
}

/** The "Before vs after" section of RESULTS.md. */
export function compareMarkdown(compare) {
  const info = compare.info;
  const out = ['', '## Before vs after', ''];
  if (info.skipped) return [...out, `Not measured: ${info.skipped}.`];
  out.push(
    `The decision, refresh and sign-in of ${info.base} (commit ${info.baseCommit}, ${info.baseBuild}) and of this checkout (${info.head}), measured in one process and one interleaved task list (case 6, \`cases/compare.mjs\`, ${info.rounds} rounds × ${int(info.timeMs / info.rounds)} ms per task), each version through its own packages and on its own SQLite data set of ${int(info.users)} users and ${int(info.orgs)} organizations made by its own migrations. "after/before" is the mean time of the current build divided by the base's (below 1: faster); the per-round range shows how much it moved between rounds. A pair is **no regression** when ${tolerance(info)} (the current build at most ${pct(info.tolerance)} slower), else a **regression**; a pair whose rows saw more than ${pct(UNRELIABLE)} interference is marked unreliable.`,
    ...(info.hashParams.before === info.hashParams.after
      ? []
      : [
          '',
          `The versions store different password hashes: ${info.hashParams.before} before, ${info.hashParams.after} after (the floor is the latter).`,
        ]),
    '',
    '| operation | before | after | after/before (time) | per round | vs floor, before → after | verdict |',
    '|---|--:|--:|--:|--:|--:|---|',
  );
  for (const p of comparePairs(compare)) {
    out.push(
      `| ${p.name} | ${int(p.before.opsPerSec)}/s (${time(p.before.meanUs)}) | ${int(p.after.opsPerSec)}/s (${time(p.after.meanUs)}) | ${ratio(p.timeRatio)} | ${ratio(p.perRound[0])}–${ratio(p.perRound[1])} | ${ratio(p.beforeFloor)} → ${ratio(p.afterFloor)} ${p.floorName} | ${p.verdict === 'regression' ? `**${verdictText(p)}**` : verdictText(p)} |`,
    );
  }
  return out;
}
