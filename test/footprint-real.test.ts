/**
 * `mapscope footprint` against committed real runs at 10^6 entries.
 *
 * test/fixtures/footprint holds one run of gosrc/footprint per target (Go
 * 1.22, 1.23, 1.24, 1.26, 1.27 amd64; 1.24 arm64 under qemu-user and 386)
 * and type (map[int64]int64, map[string]int64, map[int64][20]int64): the
 * heap bytes the real runtime's map held at 10^6 and 10^7 entries, with the
 * seed and hash keys the process drew (scripts/footprint-fixtures.sh
 * regenerates them; a run costs up to minutes under qemu, so CI replays the
 * recordings instead of making new ones). Expected values are the real
 * processes' bytes; the engine replays each process's seed and keys and must
 * come within 0.5% (the issue's bar).
 *
 * CI replays the 10^6 point of all 21 runs. The 10^7 points take the engine
 * minutes per run, so they are checked by scripts/footprint-replay.sh (the
 * same comparison, exit 1 on a miss), whose last output is in
 * docs/footprint.md.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TYPES, missesBar, readFixtures, replay } from './support/footprint.js';

const fixtures = readFixtures();

test('the footprint fixtures are clean real runs of the targets they name, at 10^6 and 10^7 entries', () => {
  for (const f of fixtures) {
    const at = `go${f.go}-${f.arch}-${f.type}`;
    assert.ok(f.goversion.startsWith(`go${f.go}.`), `${at}: made by ${f.goversion}`);
    assert.equal(f.goarch, f.arch, at);
    assert.equal(f.useAeshash, false, `${at}: the fallback hash (the engine replays its hashkey)`);
    assert.equal(f.residual, 0, `${at}: the heap fell back to its baseline once the map was dropped`);
    assert.deepEqual(f.points.map((p) => p.entries), [1_000_000, 10_000_000], at);
  }
});

for (const f of fixtures) {
  test(`footprint ${TYPES[f.type]} go${f.go}/${f.arch} at 10^6 entries is within 0.5% of the real runtime's bytes`, () => {
    const points = f.points.filter((p) => p.entries === 1_000_000);
    const engine = replay(f.go, f.arch, f.type, { ...f, points });
    assert.equal(missesBar(points[0].entries, points[0].bytes, engine.exact[0]), null);
  });
}
