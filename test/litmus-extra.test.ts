/**
 * Instruction forms the catalogue barely uses (exclusive pairs with
 * acquire/release, SWPAL/LDADDAL/CASAL as barriers, LDCLRA, LDSETL, LDEOR,
 * LDSMAX, STUMIN, CSINC, DSB LD/ST, ISB after a branch, a spin loop cut at the
 * unroll bound (herd's Loop), CSEL pick
 * dependencies, x86 XCHG, LOCK ADD/INC, CMP+JNE, AT&T movl/xchgl) in our own small
 * tests under test/fixtures/litmus/extra/, checked against the full output of
 * a real herd7 7.58 run on each (`*.herd7.58`, produced as described in
 * test/fixtures/litmus/herd7.58.tsv): the Test line, states, Ok/No, Condition and Observation.
 * Witness counts are execution counts and are not compared.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseLitmus } from '../src/litmus/parse.js';
import { runTest, formatHerd } from '../src/litmus/run.js';
import { repoRoot } from './support/shared.js';

const dir = path.join(repoRoot, 'test', 'fixtures', 'litmus', 'extra');
const keep = (text: string) =>
  text
    .split('\n')
    .filter((l) => l !== '' && !/^(Time|Hash|Flag|Positive)/.test(l))
    .map((l) => (l.startsWith('Observation') ? l.split(' ').slice(0, 3).join(' ') : l));

const files = readdirSync(dir).filter((f) => f.endsWith('.litmus'));

test('the extra instruction tests are all there', () => {
  assert.equal(files.length, 16);
});

for (const f of files) {
  test(`herd7 7.58 output for ${f}`, () => {
    const p = path.join(dir, f);
    const ours = formatHerd(runTest(parseLitmus(readFileSync(p, 'utf8'), p)));
    assert.deepEqual(keep(ours), keep(readFileSync(p + '.herd7.58', 'utf8')));
  });
}
