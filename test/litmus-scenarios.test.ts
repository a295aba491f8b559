/**
 * The shipped map-publication tests, with expectations derived by hand from
 * the shapes they reduce to (each is MP with extra steps). The derivations:
 *  - stale-ptr (reader sees new B, old pointer) is MP on (buckets, B): writer
 *    stores buckets then B, reader loads B then buckets.
 *  - uninit (new pointer, unfilled bucket) is MP on (newb, buckets), the
 *    reader's second load being address-dependent on the first.
 *  - SC forbids MP; with B stored first (B-first) the writer's own order makes
 *    stale-ptr an ordinary interleaving: P0 stores B, P1 runs entirely, P0 stores
 *    the pointer — possible under every model.
 *  - ARMv8 (herd catalogue kinds.txt): MP Allowed; MP+dmb.sys Forbidden;
 *    MP+dmb.st+dmb.ld style (W→W and R→R barriers) Forbidden; MP+rel+acq
 *    Forbidden (readers-guide); an address dependency orders the reader's
 *    loads (MP+dmb.sy+addr Forbidden) but only the loads it connects.
 *  - TSO keeps W→W and R→R order: MP Forbidden (x86 catalogue, test/fixtures/litmus/herd7.58.tsv).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { scenarioFiles } from '../src/litmus/scenarios.js';
import { parseLitmus } from '../src/litmus/parse.js';
import { runTest, type ModelName } from '../src/litmus/run.js';
import { repoRoot } from './support/shared.js';

const expected: Record<string, Record<string, [string, string]>> = {
  // variant: model → [stale-ptr, uninit]
  nobarrier: { sc: ['Forbidden', 'Forbidden'], aarch64: ['Allowed', 'Allowed'] },
  'dmb.ish': { sc: ['Forbidden', 'Forbidden'], aarch64: ['Forbidden', 'Forbidden'] },
  'dmb.ishst+dmb.ishld': { sc: ['Forbidden', 'Forbidden'], aarch64: ['Forbidden', 'Forbidden'] },
  'stlr+ldar': { sc: ['Forbidden', 'Forbidden'], aarch64: ['Forbidden', 'Forbidden'] },
  'stlr+ldapr': { sc: ['Forbidden', 'Forbidden'], aarch64: ['Forbidden', 'Forbidden'] },
  // The address dependency orders pointer→bucket (uninit impossible) but not B→pointer.
  'dmb.ishst+addr': { sc: ['Forbidden', 'Forbidden'], aarch64: ['Allowed', 'Forbidden'] },
  'B-first+dmb.ish': { sc: ['Allowed', 'Forbidden'], aarch64: ['Allowed', 'Forbidden'] },
  'x86-plain': { sc: ['Forbidden', 'Forbidden'], tso: ['Forbidden', 'Forbidden'] },
  'x86-B-first': { sc: ['Allowed', 'Forbidden'], tso: ['Allowed', 'Forbidden'] },
};

test('every shipped map-publish test has the hand-derived verdict under SC and its architecture model', () => {
  const files = scenarioFiles('map-publish');
  assert.equal(files.length, 18);
  for (const f of files) {
    const m = path.basename(f, '.litmus').match(/^(.*)\+(stale-ptr|uninit)$/)!;
    const t = parseLitmus(readFileSync(f, 'utf8'), f);
    for (const [model, want] of Object.entries(expected[m[1]])) {
      const r = runTest(t, model as ModelName);
      assert.equal(r.verdict, want[m[2] === 'stale-ptr' ? 0 : 1], `${path.basename(f)} under ${model}`);
    }
  }
});

test('real herd7 7.58 gives the same verdict for every cell of the map-publish table', () => {
  const tsv = path.join(repoRoot, 'test', 'fixtures', 'litmus', 'map-publish-herd7.58.tsv');
  const rows = readFileSync(tsv, 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split('\t'));
  assert.equal(rows.length, 18);
  for (const [file, archObs, scObs] of rows) {
    const f = scenarioFiles('map-publish').find((x) => path.basename(x) === file)!;
    const t = parseLitmus(readFileSync(f, 'utf8'), f);
    assert.equal(runTest(t).observation, archObs, `${file} under ${t.arch === 'AArch64' ? 'aarch64' : 'tso'}`);
    assert.equal(runTest(t, 'sc').observation, scObs, `${file} under sc`);
  }
});
