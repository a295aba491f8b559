/**
 * The Swiss engine's surface: the tour's map against the real go1.24.4
 * process it was recorded from, the Engine interface's trace, the drawing,
 * and one scenario file replayed on a classic and a Swiss toolchain.
 * Expected values come from real Go (fixtures) or from the runtime's rules
 * as cited beside each assertion.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenario } from '../src/engine/scenario.js';
import { simulateSwiss, swissEngine, drawSwiss, swissTourSection } from '../src/engine/swiss/index.js';
import { swissTourScenario } from '../src/engine/swiss/tour.js';
import { classicEngine } from '../src/engine/classic/engine.js';
import { InputError } from '../src/base/errors.js';
import { FIXTURES, SCENARIOS, iterFixtureName, readFixture } from './support/swisssnap.js';

test('the tour map equals the snapshot of the real go1.24.4 run it was recorded from', () => {
  const [run, real] = readFileSync(join(FIXTURES, 'tour-go1.24-amd64-fallback.jsonl'), 'utf8').split('\n');
  assert.match(run, /^\{"runtime":"go1\.24\.4"/);
  assert.equal(JSON.stringify(simulateSwiss(swissTourScenario())), real);
});

test('the tour section shows the conversions at the 9th and 15th inserts', () => {
  // maps/map.go: the 9th insert (op #8) converts the small map (growToTable);
  // a 16-slot table holds 14 (7/8), so the 15th (op #14) doubles it to 32.
  const s = swissTourSection();
  assert.match(s, /#8: growToTable/);
  assert.match(s, /#14: grow: table at dir 0 16 → 32 slots/);
  assert.match(s, /capacity 32 \(4 groups\), used 28, growthLeft 0/);
});

test('Engine interface: trace lines carry their operation index', () => {
  const file = join(SCENARIOS, 'int64-ninth-insert.json');
  const sc = parseScenario({ ...JSON.parse(readFileSync(file, 'utf8')), go: '1.26' }, file);
  const r = swissEngine.simulate(sc, { trace: true });
  assert.equal(r.snapshot.header.used, 9);
  assert.ok(r.trace.some((t) => t.op === 0 && /growToSmall/.test(t.text)));
  assert.ok(r.trace.some((t) => t.op === 8 && /growToTable/.test(t.text)));
  assert.equal(swissEngine.simulate(sc).trace.length, 0);
});

test('drawSwiss: control bytes, empty and tombstone cells', () => {
  // One full small map of 3 keys, one deleted: small maps never hold tombstones (maps/map.go deleteSmall).
  const sc = parseScenario({ go: '1.26', type: 'map[int64]int64', ops: [['insert', 1, 1], ['insert', 2, 2], ['insert', 3, 3], ['delete', 2]] }, 't');
  const d = drawSwiss(simulateSwiss(sc));
  assert.match(d, /small map: one group/);
  assert.match(d, /\[[0-9a-f]{2} ·· [0-9a-f]{2} ·· ·· ·· ·· ··\] {2}0:1→1 {2}2:3→3/);
  // A table with a tombstone: FIFO churn on 1.24 (no pruning) leaves some.
  const churn = join(SCENARIOS, 'int64-fifo-churn-12.json');
  const sc2 = parseScenario({ ...JSON.parse(readFileSync(churn, 'utf8')), go: '1.24' }, churn);
  const snap = simulateSwiss(sc2);
  const hasTomb = snap.tables.some((t) => t.groups.some((g) => g.ctrl.includes(0xfe)));
  assert.equal(drawSwiss(snap).includes(' xx'), hasTomb);
});

test('a classic toolchain is refused with the reason', () => {
  const sc = parseScenario({ go: '1.23', type: 'map[int64]int64', ops: [] }, 'c.json');
  assert.throws(() => simulateSwiss(sc), (e: unknown) => e instanceof InputError && /classic/.test(e.detail));
});

test('one scenario file replays on 1.23 (classic) and on 1.24 (Swiss)', () => {
  const file = join(SCENARIOS, 'string-fifo-churn.json');
  const json = JSON.parse(readFileSync(file, 'utf8'));
  const classic = classicEngine.simulate(parseScenario({ ...json, go: '1.23' }, file));
  const swiss = swissEngine.simulate(parseScenario({ ...json, go: '1.24' }, file));
  assert.equal(swiss.snapshot.impl, 'swiss');
  // Both hold the same 12 live keys at the end (FIFO churn keeps 12).
  assert.equal(swiss.snapshot.header.used, 12);
  assert.match(JSON.stringify(classic.snapshot), /"count":12\b/);
});

test('["iterate", r] on a Swiss map: r carries entryOffset (low 32 bits) and dirOffset (high 32 bits)', () => {
  // A real go1.26 amd64 range over a map of several tables, with its iterator's start.
  const file = join(SCENARIOS, 'int64-splits-1900.json');
  const [, snap, it] = readFixture(iterFixtureName(file, '1.26', 'amd64', 'fallback'));
  const real = JSON.parse(it) as { entryOffset: string; dirOffset: string; keys: unknown[] };
  const r = ((BigInt(real.dirOffset) & 0xffffffffn) << 32n) | (BigInt(real.entryOffset) & 0xffffffffn);
  const json = JSON.parse(readFileSync(file, 'utf8'));
  const sc = parseScenario({ ...json, go: '1.26', hash: (JSON.parse(snap) as { hash: unknown }).hash, ops: [...json.ops, ['iterate', r.toString()]] }, file);
  assert.ok(sc.ops.length > 1 && JSON.parse(readFileSync(file, 'utf8')).ops.length === sc.ops.length - 1);
  const lines = swissEngine.simulate(sc, { trace: true }).trace.filter((t) => t.op === sc.ops.length - 1 && t.text.startsWith('iterate'));
  assert.equal(lines.length, 1);
  assert.equal(lines[0].text.replace(/^iterate \([^)]*\): /, ''), real.keys.map((k) => JSON.stringify(k)).join(' '));
});

test('a NaN key cannot be inserted (its hash is random); looking one up finds nothing', () => {
  const ins = parseScenario({ go: '1.26', type: 'map[float64]int', ops: [['insert', 1, 1], ['insert', 'NaN', 2]] }, 'nan.json');
  assert.throws(() => simulateSwiss(ins), (e: unknown) => e instanceof InputError && /NaN/.test(e.detail));
  const look = parseScenario({ go: '1.26', type: 'map[float64]int', ops: [['insert', 1, 1], ['lookup', 'NaN'], ['delete', 'NaN']] }, 'nan.json');
  assert.equal(simulateSwiss(look).header.used, 1);
});
