/**
 * Iteration order against the real runtime: for every scenario, one range
 * over the final map in a real Go process (reflect.MapIter, which runs the
 * runtime's own maps.Iter) gave a key order and the iterator's random start
 * (entryOffset, dirOffset read from the iterator). The engine, given the
 * same start, lists the keys in the same order (test/fixtures/sim-swiss/iter).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { ITER_TARGETS, iterFixtureName, iterateLike, scenarioFiles, simulateLike } from './support/swisssnap.js';

for (const [go, arch, mode] of ITER_TARGETS) {
  test(`iteration order equals real Go ${go} ${arch} (${mode} hash) on every scenario`, () => {
    const bad: string[] = [];
    for (const f of scenarioFiles()) {
      const fx = iterFixtureName(f, go, arch, mode);
      assert.ok(existsSync(fx), `fixture missing: ${fx} (run scripts/sim-swiss-fixtures.sh)`);
      const [meta, snap, it] = readFileSync(fx, 'utf8').split('\n');
      // The map the iterator ran over is the one the engine rebuilds.
      assert.equal(simulateLike(f, go, arch, mode, meta), snap, `${basename(f)}: snapshot`);
      const real = JSON.stringify((JSON.parse(it) as { keys: unknown[] }).keys);
      if (iterateLike(f, go, arch, mode, meta, it) !== real) bad.push(basename(f));
    }
    assert.deepEqual(bad, []);
  });
}
