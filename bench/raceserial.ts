/**
 * Benchmark: `race`'s serial walk (the serial end states "benign" compares
 * with; src/race/explore.ts serialStates) on test/fixtures/race/burst.json,
 * two goroutines of 24 inserts on disjoint string keys: 25 × 25 (progress,
 * contents) states.
 *
 *   npm run build && node dist/bench/raceserial.js [RUNS]
 *
 * Baseline, timed in the same run: the same breadth-first walk with every
 * candidate state replayed from the start on a fresh engine (what the walk
 * did before it kept each state's engine alive), with the same contents
 * read. Same states, same hash, same repetitions. Prints CPU-time medians
 * (user + system of this process: on a loaded machine wall time is mostly
 * waiting), their ratio, the load average and the machine. Never fails on
 * times.
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { explore } from '../src/race/explore.js';
import { parseRaceScenario, type RaceScenario } from '../src/race/scenario.js';
import { serialSim } from '../src/race/world.js';

const runs = Number(process.argv[2] ?? 5);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const burst = JSON.parse(readFileSync(path.join(repoRoot, 'test', 'fixtures', 'race', 'burst.json'), 'utf8')) as Record<string, unknown>;

/** The walk with every candidate replayed from the start: the baseline. */
function replayWalk(sc: RaceScenario): number {
  const counts = sc.goroutines.map((g) => g.length);
  const total = counts.reduce((a, b) => a + b, 0);
  let layer = new Map<string, number[]>([['', []]]);
  let states = 1;
  for (let d = 0; d < total; d++) {
    const next = new Map<string, number[]>();
    for (const order of layer.values()) {
      const done = counts.map(() => 0);
      for (const g of order) done[g]++;
      for (let g = 0; g < counts.length; g++) {
        if (done[g] === counts[g]) continue;
        const o = [...order, g];
        done[g]++;
        const key = `${done.join(',')}|${serialSim(sc, o).contents()}`;
        done[g]--;
        if (next.has(key)) continue;
        next.set(key, o);
        states++;
      }
    }
    layer = next;
  }
  for (const order of layer.values()) serialSim(sc, order).end();
  return states;
}

function cpuMs(f: () => void): number {
  const t0 = process.cpuUsage();
  f();
  const u = process.cpuUsage(t0);
  return (u.user + u.system) / 1000;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}; load average at start ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
for (const go of ['1.22', '1.26']) {
  const sc = parseRaceScenario({ ...burst, go, hash: { seeds: [1] } }, 'burst.json');
  // One sample: the walk is nearly all of explore's work here (two solo runs and one interleaving besides).
  const walk = (): void => void explore(sc, { limit: 1, sample: 1, seed: 1 });
  walk();
  const states = replayWalk(sc);
  const inc: number[] = [];
  const rep: number[] = [];
  for (let r = 0; r < runs; r++) {
    inc.push(cpuMs(walk));
    rep.push(cpuMs(() => replayWalk(sc)));
  }
  console.log(`Go ${go}: ${states} states; incremental ${median(inc).toFixed(0)} ms CPU, replaying ${median(rep).toFixed(0)} ms CPU (medians of ${runs}): ${(median(rep) / median(inc)).toFixed(1)}× faster`);
}
console.log(`load average at end ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
