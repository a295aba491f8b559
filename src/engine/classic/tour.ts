/**
 * The tour's section on the classic engine: the short life of one
 * map[int64]int64 on go1.23/amd64 — 27 inserts that double it three times,
 * the last grow caught half-way (old buckets beside new ones), and one more
 * insert whose growWork moves two more old buckets.
 *
 * The seed and hash key are those a real go1.23.5 process drew (GODEBUG=
 * cpu.aes=off, read by gosrc/mapsnap), so what is drawn here is what that
 * process held in memory.
 */
import { parseScenario } from '../scenario.js';
import { simulate } from './index.js';
import { drawClassic } from './draw.js';

const RECORDED = {
  mode: 'fallback',
  seeds: [3889380428],
  hashkey: ['9455403980483948863', '4868621871445137568', '17870155644328624473', '12373142442507541192'],
};

/** The tour's scenario: `n` inserts (27: mid-grow), with the recorded real seed. */
export function classicTourScenario(n: number) {
  const ops = Array.from({ length: n }, (_, i) => ['insert', i, i * 10]);
  return parseScenario({ go: '1.23', arch: 'amd64', type: 'map[int64]int64', hash: RECORDED, ops }, 'tour');
}

/** The tour's map after `n` inserts (27: mid-grow), with the recorded real seed. */
export function classicTourRun(n: number, trace = false) {
  return simulate(classicTourScenario(n), { trace });
}

export function classicTourSection(): string {
  const mid = classicTourRun(27, true);
  const end = classicTourRun(28, true);
  const lines: string[] = [];
  lines.push('The life of one map[int64]int64 on go1.23/amd64 (mapscope sim; hash seed recorded from a real run)');
  lines.push('');
  lines.push('  make(map[int64]int64), then m[i] = 10*i for i = 0..26:');
  for (const t of mid.trace.filter((t) => /grow|evacuate/.test(t.text))) lines.push(`    #${t.op}: ${t.text}`);
  lines.push('');
  lines.push(...drawClassic(mid.snapshot).split('\n').slice(1, -1).map((l) => '  ' + l));
  lines.push('');
  lines.push('  m[27] = 270: the write first moves two old buckets (growWork), then inserts:');
  for (const t of end.trace.filter((t) => t.op === 27)) lines.push(`    ${t.text}`);
  lines.push('  (until then, lookups of keys in old buckets 2 and 3 read the old buckets)');
  return lines.join('\n');
}
