/**
 * The Swiss engine against the real runtime: for every committed scenario
 * and every target (Go 1.24, 1.26, 1.27 × amd64, 386, arm64 × AES and
 * fallback hash), replaying the scenario with the random numbers the real
 * run drew gives a snapshot equal, byte for byte, to the one the real
 * program printed (test/fixtures/sim-swiss/<go>-<arch>-<mode>/, scripts/sim-swiss-fixtures.sh).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { FIXTURE_TARGETS, fixtureName, readFixture, scenarioFiles, simulateLike } from './support/swisssnap.js';

const files = scenarioFiles();

test('the suite has at least 40 scenarios', () => {
  assert.ok(files.length >= 40, `${files.length} scenarios`);
});

for (const [go, arch, mode] of FIXTURE_TARGETS) {
  test(`sim --json equals real Go ${go} ${arch} (${mode} hash) on every scenario`, () => {
    const bad: string[] = [];
    for (const f of files) {
      const fx = fixtureName(f, go, arch, mode);
      assert.ok(existsSync(fx), `fixture missing: ${fx} (run scripts/sim-swiss-fixtures.sh)`);
      const [run, real] = readFixture(fx);
      assert.match(run, new RegExp(`^\\{"runtime":"go${go.replace('.', '\\.')}[.\\d]*"`));
      assert.match(real, new RegExp(`^\\{"go":"${go.replace('.', '\\.')}","arch":"${arch}","experiment":"","type":"[^\n]*","hash":\\{"mode":"${mode}"`));
      // The whole snapshot as text: go, arch, hash (the seeds the map had) and the memory.
      const sim = simulateLike(f, go, arch, mode, real);
      if (sim !== real) {
        let i = 0;
        while (sim[i] === real[i]) i++;
        bad.push(`${basename(f)}: first difference at byte ${i}: real …${real.slice(Math.max(0, i - 80), i + 40)}… sim …${sim.slice(Math.max(0, i - 80), i + 40)}…`);
      }
    }
    assert.deepEqual(bad, []);
  });
}
