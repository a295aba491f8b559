/**
 * Live differential test: rebuilds gosrc/swisssnap with real toolchains
 * (Go 1.24 and 1.27 on amd64, Go 1.27 on arm64 under qemu-user), runs a
 * subset of the scenarios in fresh processes (new seeds, new hash keys), and
 * compares the engine's snapshot with the real one byte for byte, in the
 * two-space indented form `mapscope sim --json` prints, and the order of one
 * range over the final map given the iterator's random start, and
 * maps.Clone of it (see sim-swiss-iter.test.ts for what 1.24's clone proves). Fails
 * loudly when a toolchain or qemu is missing (scripts/go-toolchains.sh,
 * scripts/setup.sh).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { basename } from 'node:path';
import { buildSwisssnap, cloneLike, iterateLike, runSwisssnap, scenarioFiles, simulateLike } from './support/swisssnap.js';

const LIVE = [
  'int64-small-full-update', 'int64-first-split', 'int64-fifo-churn-12', 'int64-clear-sparse',
  'string-fifo-churn', 'struct-generic-churn', 'float64-keys', 'int32-fill-churn', 'int64-hint-897',
];
const files = scenarioFiles().filter((f) => LIVE.includes(basename(f, '.json')));

const targets: [string, string, 'fallback' | 'aes'][] = [
  ['1.24', 'amd64', 'fallback'], ['1.24', 'amd64', 'aes'], ['1.27', 'amd64', 'aes'], ['1.27', 'arm64', 'fallback'],
];

test('live: the engine matches freshly run real Go', { timeout: 300_000 }, () => {
  assert.equal(files.length, LIVE.length, 'a live scenario is missing from test/fixtures/sim-swiss/scenarios');
  const bad: string[] = [];
  for (const [go, arch, mode] of targets) {
    // Built with the runners of every committed scenario: the same executable the other swisssnap tests use.
    const bin = buildSwisssnap(go, arch);
    for (const f of files) {
      // Indented, as `mapscope sim --json` prints it (the committed fixtures are compact).
      const [, real, it, cl] = runSwisssnap(bin, arch, f, mode, true, true, true);
      if (simulateLike(f, go, arch, mode, real, 2) !== real) bad.push(`${basename(f)} on ${go} ${arch} ${mode}`);
      const order = JSON.stringify((JSON.parse(it!) as { keys: unknown[] }).keys);
      if (iterateLike(f, go, arch, mode, real, it!) !== order) bad.push(`${basename(f)} on ${go} ${arch} ${mode}: iteration order`);
      const c = cloneLike(f, go, arch, mode, real, cl!);
      if (c !== undefined && c !== cl) bad.push(`${basename(f)} on ${go} ${arch} ${mode}: maps.Clone`);
    }
  }
  assert.deepEqual(bad, []);
});
