/**
 * Iteration order and maps.Clone against the real runtime. For every
 * scenario a real Go process ranged once over the final map
 * (reflect.MapIter, which runs the runtime's own maps.Iter), recording the
 * key order and the iterator's random start (entryOffset, dirOffset), and
 * printed the snapshot of maps.Clone of the map (test/fixtures/sim-swiss/iter).
 * - Given the same start, the engine lists the keys in the same order.
 * - 1.25+: the engine's clone equals the real clone byte for byte.
 * - 1.24 rebuilds the clone in the order of an iteration whose start the run
 *   does not reveal; for maps of at most 64 possible starts, some start
 *   must reproduce the real clone byte for byte.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { ITER_TARGETS, cloneLike, iterFixtureName, iterateLike, readFixture, scenarioFiles, simulateLike } from './support/swisssnap.js';

for (const [go, arch, mode] of ITER_TARGETS) {
  test(`iteration order and maps.Clone equal real Go ${go} ${arch} (${mode} hash)`, () => {
    const bad: string[] = [];
    let clones = 0;
    for (const f of scenarioFiles()) {
      const fx = iterFixtureName(f, go, arch, mode);
      assert.ok(existsSync(fx), `fixture missing: ${fx} (run scripts/sim-swiss-fixtures.sh)`);
      const [, snap, it, cl] = readFixture(fx);
      // The map the iterator ran over is the one the engine rebuilds.
      assert.equal(simulateLike(f, go, arch, mode, snap), snap, `${basename(f)}: snapshot`);
      const real = JSON.stringify((JSON.parse(it) as { keys: unknown[] }).keys);
      if (iterateLike(f, go, arch, mode, snap, it) !== real) bad.push(`${basename(f)}: iteration order`);
      const c = cloneLike(f, go, arch, mode, snap, cl);
      if (c === undefined) continue;
      clones++;
      if (c !== cl) bad.push(`${basename(f)}: clone`);
    }
    assert.deepEqual(bad, []);
    assert.ok(clones >= (go === "1.24" ? 30 : 54), `only ${clones} clones compared`);
  });
}
