/**
 * Live check of the committed layout fixtures: rebuild gosrc/layoutprobe with
 * real toolchains (classic Go 1.23 and Swiss Go 1.26, on amd64 natively and
 * arm64 under qemu-user) through scripts/layout-fixtures.sh — the very script
 * that wrote the fixtures — and demand byte-identical output. If a toolchain,
 * the probe or the script drifts, CI sees it here.
 *
 * A missing toolchain or emulator fails the test (goroot/emulatorFor throw
 * with instructions); nothing is skipped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { emulatorFor, goroot } from './support/toolchains.js';
import { layoutFixtureDir, repoRoot } from './support/layoutFixtures.js';

const run = promisify(execFile);

const COMBOS = ['1.23/amd64', '1.23/arm64', '1.26/amd64', '1.26/arm64'];

test('layoutprobe rebuilt with Go 1.23 and 1.26 (amd64, arm64 under qemu) prints the committed fixtures exactly', { timeout: 240_000 }, async () => {
  goroot('1.23');
  goroot('1.26');
  emulatorFor('arm64');
  const out = mkdtempSync(join(tmpdir(), 'mapscope-layout-'));
  try {
    // One script run: it compiles once per toolchain/arch and runs each probe once.
    await run(join(repoRoot, 'scripts', 'layout-fixtures.sh'), ['--out', out, ...COMBOS], {
      cwd: repoRoot, maxBuffer: 16 << 20,
    });
    const produced = readdirSync(out).sort();
    assert.equal(produced.length, COMBOS.length, produced.join(' '));
    for (const file of produced) {
      const live = readFileSync(join(out, file), 'utf8');
      let committed: string;
      try {
        committed = readFileSync(join(layoutFixtureDir, file), 'utf8');
      } catch {
        assert.fail(`live probe wrote ${file}, which is not committed in test/fixtures/layout`);
      }
      // Compare parsed first for a readable diff, then bytes.
      assert.deepEqual(JSON.parse(live), JSON.parse(committed), `${file} differs from the live probe`);
      assert.equal(live, committed, `${file}: same JSON, different bytes`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
