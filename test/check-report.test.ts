/**
 * The check report's bookkeeping, on hand-made reports: torn-read marking for
 * an unfrozen live process, first-seen tracking for --watch, the exit rule
 * (info alone is not broken), and --watch's interval syntax.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FirstSeen, findingLine, isBroken, markTorn, summaryLine, type Finding, type Invariant, type MapReport } from '../src/check/index.js';
import { parseInterval } from '../src/cli/mapinputs.js';
import { UsageError } from '../src/base/errors.js';

const inv = (code: string, tearable: boolean): Invariant => ({ code, impl: 'classic', title: code, severity: 'error', tearable, needsHash: false });

const finding = (code: string, severity: Finding['severity'] = 'error', text = 'header'): Finding => ({
  code, severity, location: { text }, expected: 'a', found: 'b', message: 'm',
});

const report = (findings: Finding[], name = 'main.m'): MapReport => ({
  name, address: '0xc000010000', type: 'map[int]int', impl: 'classic', count: 1, findings, unchecked: [], omitted: [],
});

const CAT = [inv('classic/count', true), inv('classic/overflow-cycle', false), inv('classic/writing', true)];

test('markTorn: a running process marks every finding but the writing note', () => {
  const r = report([finding('classic/count'), finding('classic/overflow-cycle'), finding('classic/writing', 'info')]);
  markTorn(r, CAT, true);
  assert.deepEqual(r.findings.map((f) => [f.code, f.tornBy]), [['classic/count', 'running'], ['classic/overflow-cycle', 'running'], ['classic/writing', undefined]]);
  assert.match(findingLine(r.findings[0]), /possibly torn: the process was running/);
  assert.doesNotMatch(findingLine(r.findings[2]), /possibly torn/);
});

test('markTorn: a stopped map marks findings only when its writing flag is set', () => {
  const quiet = report([finding('classic/count')]);
  markTorn(quiet, CAT, false);
  assert.equal(quiet.findings[0].possiblyTorn, undefined);
  const writing = report([finding('classic/count'), finding('classic/writing', 'info'), finding('classic/overflow-cycle')]);
  markTorn(writing, CAT, false);
  assert.deepEqual(writing.findings.map((f) => [f.code, f.tornBy]), [['classic/count', 'writing'], ['classic/writing', undefined], ['classic/overflow-cycle', undefined]]);
  assert.match(findingLine(writing.findings[0]), /possibly torn: a write was in progress/);
});

test('a map with only info findings is not broken', () => {
  assert.equal(isBroken(report([finding('classic/writing', 'info')])), false);
  assert.equal(isBroken(report([finding('classic/writing', 'info'), finding('classic/noverflow', 'warning')])), true);
  assert.equal(summaryLine([report([]), report([finding('x')])]), '2 maps checked: 1 intact, 1 broken, 1 finding');
});

test('FirstSeen reports a finding once, in the round it first appears', () => {
  const seen = new FirstSeen();
  assert.deepEqual(seen.fresh(1, [report([finding('a')])]).map((x) => x.finding.code), ['a']);
  // Round 2: a again (already seen) and b at a new place.
  assert.deepEqual(seen.fresh(2, [report([finding('a'), finding('b', 'error', 'bucket 1 slot 2')])]).map((x) => x.finding.code), ['b']);
  // The same code at another location, or on another map, is a new finding.
  assert.equal(seen.fresh(3, [report([finding('b', 'error', 'bucket 3 slot 0')])]).length, 1);
  assert.equal(seen.fresh(4, [report([finding('a')], 'main.other')]).length, 1);
});

test('a message that repeats its location says it once', () => {
  const f: Finding = { ...finding('classic/key-tophash', 'error', 'bucket 3 slot 0'), message: 'bucket 3 slot 0: tophash 200 but the key\'s hash gives 213' };
  assert.equal(findingLine(f), "error   classic/key-tophash  bucket 3 slot 0: tophash 200 but the key's hash gives 213 (expected a, found b)");
});

test('--watch intervals: 500ms, 2s, 1m, bare seconds; nonsense is a usage error', () => {
  assert.equal(parseInterval('500ms'), 500);
  assert.equal(parseInterval('2s'), 2000);
  assert.equal(parseInterval('1m'), 60000);
  assert.equal(parseInterval('1.5'), 1500);
  for (const bad of ['', 'soon', '5ms', '2h', '-1s']) assert.throws(() => parseInterval(bad), UsageError, bad);
});
