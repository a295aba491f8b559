/**
 * The serial walk's contents reader (src/race/world.ts serialSim: entries
 * read from the engine's own memory, as `mapscope check` reads a core)
 * against the end-state judge (the engine's snapshot rebuilt in fresh
 * memory and read by the same entry reader): for every prefix of every
 * serial order tried, the two give the same fingerprint. The walk extends
 * one live engine op by op, so this also checks that extending equals
 * replaying (a fresh serialSim of the same order).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRaceScenario } from '../src/race/index.js';
import { serialSim } from '../src/race/world.js';
import { prng } from '../src/engine/prng.js';

const seeds = Array.from({ length: 20 }, (_, i) => i + 1);
const scenarios = (go: string) => [
  { go, type: 'map[int64]int64', hash: { seeds }, goroutines: [[['insert', 1, 10], ['lookup', 2], ['delete', 1], ['insert', 3, 3]], [['insert', 2, 20], ['insert', 1, 11], ['delete', 2], ['lookup', 1]]] },
  // -0 and +0 are one key: the update keeps the key's bytes as the runtime does (NeedKeyUpdate).
  { go, type: 'map[float64]string', hash: { seeds }, setup: [['insert', 0, 'z']], goroutines: [[['insert', -0, 'a'], ['lookup', 0], ['delete', 0]], [['insert', 1.5, 'b'], ['insert', 0, 'c']]] },
  { go, type: 'map[string]struct{A int8; B int64}', hash: { seeds }, goroutines: [[['insert', 'k', { A: 1, B: 2 }], ['delete', 'k']], [['insert', 'k', { A: 3, B: 4 }], ['lookup', 'k']]] },
  // Enough inserts to grow past one bucket / the small group.
  { go, type: 'map[int64]int64', hash: { seeds }, goroutines: [Array.from({ length: 9 }, (_, i) => ['insert', i, i]), Array.from({ length: 9 }, (_, i) => ['insert', 100 + i, i])] },
];

for (const go of ['1.22', '1.26']) {
  test(`race: the serial walk's contents (read from the live engine) equal the judged snapshot's, prefix by prefix (Go ${go})`, () => {
    const rand = prng(7);
    let checked = 0;
    for (const json of scenarios(go)) {
      const sc = parseRaceScenario(json, 'serial.json');
      const letters = sc.goroutines.flatMap((g, i) => g.map(() => i));
      for (let trial = 0; trial < 6; trial++) {
        const word = [...letters];
        for (let i = word.length - 1; i > 0; i--) {
          const j = Number(rand() % BigInt(i + 1));
          [word[i], word[j]] = [word[j], word[i]];
        }
        const sim = serialSim(sc);
        for (let d = 0; d <= word.length; d++) {
          assert.equal(sim.contents(), sim.end().fingerprint, `${go} ${json.type} after ${word.slice(0, d).join('')}`);
          if (d === word.length || d % 4 === 0) assert.equal(serialSim(sc, word.slice(0, d)).contents(), sim.contents(), 'extending equals replaying');
          checked++;
          if (d < word.length) sim.apply(word[d]);
        }
      }
    }
    assert.ok(checked > 200, String(checked));
  });
}
