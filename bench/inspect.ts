/**
 * End-to-end time of `inspect` on one executable (read, parse, walk every type,
 * decode and cross-check every map): `node dist/bench/inspect.js FILE [RUNS]`.
 * Prints the median and min of RUNS runs (default 5) after one warm-up run.
 */
import { readFileSync, statSync } from 'node:fs';
import { inspectBytes } from '../src/inspect/inspect.js';

const file = process.argv[2];
if (!file) {
  console.error('usage: node dist/bench/inspect.js FILE [RUNS]');
  process.exit(2);
}
const runs = Number(process.argv[3] ?? 5);
const once = () => {
  const t0 = process.hrtime.bigint();
  const r = inspectBytes(file, readFileSync(file));
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, r: r[0] };
};
const warm = once();
const times: number[] = [];
for (let i = 0; i < runs; i++) times.push(once().ms);
times.sort((a, b) => a - b);
const mb = statSync(file).size / 1e6;
console.log(`${file}: ${mb.toFixed(1)} MB, ${warm.r.goVersion} ${warm.r.goos}/${warm.r.goarch}, ${warm.r.typeCount} types, ${warm.r.maps.length} map types`);
console.log(`first run ${warm.ms.toFixed(0)} ms; ${runs} runs: median ${times[Math.floor(runs / 2)].toFixed(0)} ms, min ${times[0].toFixed(0)} ms; peak RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
