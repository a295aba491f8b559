/**
 * The tour's section on the Swiss engine: the same life as the classic
 * section (src/engine/classic/tour.ts) — make(map[int64]int64), then
 * m[i] = 10*i for i = 0..27 — on go1.24/amd64, where the map is a Swiss
 * table: a small map of one group up to 8 entries, a 16-slot table at the
 * 9th insert, doubled to 32 slots at the 15th.
 *
 * The seed and hash key are those a real go1.24.4 process drew (GODEBUG=
 * cpu.aes=off, read by gosrc/swisssnap); test/sim-swiss-engine.test.ts checks
 * the final state against that process's snapshot
 * (test/fixtures/sim-swiss/tour-go1.24-amd64-fallback.jsonl).
 */
import { parseScenario } from '../scenario.js';
import { runSwiss } from './index.js';
import { drawSwiss } from './draw.js';

export const TOUR_RECORDED = {
  mode: 'fallback',
  seeds: ['2592892481545701264'],
  hashkey: ['9540300887966126561', '9738585018166563406', '909867244295505684', '6883799552603477134'],
};

export function swissTourScenario(n = 28) {
  const ops = Array.from({ length: n }, (_, i) => ['insert', i, i * 10]);
  return parseScenario({ go: '1.24', arch: 'amd64', type: 'map[int64]int64', hash: TOUR_RECORDED, ops }, 'tour');
}

export function swissTourSection(): string {
  const lines: string[] = [];
  const events: string[] = [];
  const sc = swissTourScenario();
  const r = runSwiss(sc, {
    onTrace: (op, text) => {
      if (/growToSmall|growToTable|grow:|split:|directory doubles/.test(text)) events.push(`    #${op}: ${text}`);
    },
  });
  lines.push('The same map[int64]int64 under the Swiss engine, go1.24/amd64 (mapscope sim; hash seed recorded from a real run)');
  lines.push('');
  lines.push('  make(map[int64]int64), then m[i] = 10*i for i = 0..27:');
  lines.push(...events);
  lines.push('');
  lines.push(...drawSwiss(r.snapshot).split('\n').map((l) => '  ' + l));
  lines.push('');
  lines.push('  Where the classic map chains 8-slot buckets found by the low hash bits and grows incrementally,');
  lines.push('  the Swiss table probes groups (H1 = hash>>7) and matches the 7-bit H2 in the control word;');
  lines.push('  it rehashes a whole table at once when growthLeft (7/8 of the slots) runs out.');
  return lines.join('\n');
}
