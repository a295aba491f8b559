/**
 * Benchmark: the whole shared litmus catalogue under each test's architecture
 * model and under SC. Prints the total wall time, the slowest tests, and how
 * the number of candidate executions grows with test size.
 *
 *   npm run build && node dist/bench/litmus.js [CATALOGUE_DIR]
 *
 * CATALOGUE_DIR defaults to ../shared/litmus beside the repository (or
 * $MAPSCOPE_SHARED/litmus).
 */
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseLitmus } from '../src/litmus/parse.js';
import { litmusFilesIn } from '../src/litmus/files.js';
import { runTest, type LitmusResult } from '../src/litmus/run.js';
import type { LitmusTest } from '../src/litmus/ast.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = process.argv[2] ?? path.join(process.env.MAPSCOPE_SHARED ?? path.resolve(repoRoot, '..', 'shared'), 'litmus');
if (!existsSync(dir)) {
  console.error(`bench/litmus: catalogue not found at ${dir}`);
  process.exit(2);
}

const files = litmusFilesIn(dir);

/** Size of a test: its memory-accessing instructions (loads, stores, atomics). */
function size(t: LitmusTest): number {
  let n = 0;
  for (const th of t.threads) for (const l of th.code) if (l.item.op === 'load' || l.item.op === 'store' || l.item.op === 'rmw') n++;
  return n;
}

const t0 = performance.now();
const parsed = files.map((f) => parseLitmus(readFileSync(f, 'utf8'), f));
const tParse = performance.now() - t0;
const runs: { t: LitmusTest; r: LitmusResult }[] = [];
for (const t of parsed) {
  runs.push({ t, r: runTest(t) });
  runs.push({ t, r: runTest(t, 'sc') });
}
const total = performance.now() - t0;

console.log(`litmus catalogue: ${files.length} tests, ${runs.length} runs (architecture model + SC)`);
console.log(`  total wall time ${total.toFixed(0)} ms (parse ${tParse.toFixed(0)} ms), mean ${(total / runs.length).toFixed(2)} ms per run`);
const cands = runs.reduce((a, x) => a + x.r.stats.candidates, 0);
console.log(`  candidate executions judged: ${cands}; allowed: ${runs.reduce((a, x) => a + x.r.stats.allowed, 0)}`);
console.log(`  without pruning (every same-location write for every read, every coherence order): ${runs.reduce((a, x) => a + x.r.stats.unpruned, 0)}`);

console.log('\nslowest runs:');
for (const { t, r } of [...runs].sort((a, b) => b.r.ms - a.r.ms).slice(0, 10)) {
  console.log(`  ${r.ms.toFixed(1).padStart(8)} ms  ${r.model.padEnd(7)} ${String(r.stats.candidates).padStart(6)} candidates  ${String(r.stats.combinations).padStart(5)} trace combinations  ${path.relative(dir, t.source)}`);
}

console.log('\ncandidate executions by test size (memory instructions), architecture model:');
console.log('  size  tests  mean candidates  max candidates  mean unpruned  max unpruned  mean ms  max ms');
const bySize = new Map<number, LitmusResult[]>();
for (const { t, r } of runs) {
  if (r.model === 'sc') continue;
  const k = size(t);
  bySize.set(k, [...(bySize.get(k) ?? []), r]);
}
for (const k of [...bySize.keys()].sort((a, b) => a - b)) {
  const rs = bySize.get(k)!;
  const c = rs.map((r) => r.stats.candidates);
  const ms = rs.map((r) => r.ms);
  const u = rs.map((r) => r.stats.unpruned);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(`  ${String(k).padStart(4)}  ${String(rs.length).padStart(5)}  ${mean(c).toFixed(1).padStart(15)}  ${String(Math.max(...c)).padStart(14)}  ${mean(u).toFixed(1).padStart(13)}  ${String(Math.max(...u)).padStart(12)}  ${mean(ms).toFixed(2).padStart(7)}  ${Math.max(...ms).toFixed(1).padStart(6)}`);
}
