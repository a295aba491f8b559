/**
 * Property test: after any sequence of inserts, deletes, lookups and clears
 * the engine's map satisfies the invariants the runtime itself checks in
 * debug builds (go1.26.10 src/internal/runtime/maps/table_debug.go
 * checkInvariants: every full slot's key is found by a lookup; the table's
 * `used` equals its full slots; growthLeft = capacity*7/8 - used -
 * tombstones; at least one empty slot), plus the directory's shape
 * (maps/map.go replaceTable: a table of localDepth d fills
 * 2^(globalDepth-d) entries from its index) and the placement fact that a
 * group never holds both empty and deleted slots (maps/table.go Delete: a
 * slot becomes a tombstone only when its group has no empty slot, since a
 * probe stops at the first group with one). Membership is
 * checked against a JS Map. Real-Go equality is the fixture tests' job.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseScenario } from '../src/engine/scenario.js';
import { openSwiss } from '../src/engine/swiss/index.js';

type Op = ['insert', number, number] | ['delete', number] | ['lookup', number] | ['clear'];

const opArb = (space: number): fc.Arbitrary<Op> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.tuple(fc.constant('insert' as const), fc.nat(space), fc.nat(1000)) },
    { weight: 4, arbitrary: fc.tuple(fc.constant('delete' as const), fc.nat(space)) },
    { weight: 1, arbitrary: fc.tuple(fc.constant('lookup' as const), fc.nat(space)) },
    { weight: 1, arbitrary: fc.constant(['clear'] as ['clear']) },
  );

function check(go: string, type: string, key: (n: number) => number | string, ops: Op[], hint: number | null): void {
  const sc = parseScenario({ go, type, hint, hash: { mode: 'fallback', prngSeed: 7 }, ops: [] }, 'prop');
  const s = openSwiss(sc);
  const model = new Map<number | string, number>();
  for (const op of ops) {
    if (op[0] === 'insert') {
      s.insert(key(op[1]), op[2]);
      model.set(key(op[1]), op[2]);
    } else if (op[0] === 'delete') {
      s.delete(key(op[1]));
      model.delete(key(op[1]));
    } else if (op[0] === 'lookup') {
      assert.equal(s.lookup(key(op[1])), model.has(key(op[1])));
    } else {
      s.clear();
      model.clear();
    }
  }
  const snap = s.snapshot();
  assert.equal(snap.header.used, model.size);
  for (const [k] of model) assert.ok(s.lookup(k), `key ${k} lost`);
  if (snap.header.dirLen === 0) return;
  const { globalDepth: gd, dirLen } = snap.header;
  assert.equal(dirLen, 2 ** gd);
  let sum = 0;
  snap.tables.forEach((t, ti) => {
    const run = 2 ** (gd - t.localDepth);
    assert.equal(t.index % run, 0);
    for (let i = 0; i < run; i++) assert.equal(snap.directory[t.index + i], ti);
    const ctrls = t.groups.flatMap((g) => g.ctrl);
    const full = ctrls.filter((c) => c < 0x80).length;
    const deleted = ctrls.filter((c) => c === 0xfe).length;
    assert.equal(full, t.used);
    assert.equal(t.growthLeft, (t.capacity * 7) / 8 - t.used - deleted);
    assert.ok(ctrls.includes(0x80), 'a table always keeps an empty slot');
    for (const g of t.groups) assert.ok(!(g.ctrl.includes(0x80) && g.ctrl.includes(0xfe)), 'group with both empty and deleted slots');
    sum += t.used;
  });
  assert.equal(sum, snap.header.used);
}

for (const go of ['1.24', '1.26', '1.27']) {
  test(`invariants hold after random operations (Go ${go}, int64 and string keys)`, () => {
    fc.assert(
      fc.property(fc.array(opArb(60), { maxLength: 400 }), fc.option(fc.nat(40), { nil: null }), (ops, hint) => {
        check(go, 'map[int64]int64', (n) => n * 7919, ops, hint);
        check(go, 'map[string]int', (n) => `s${n}`, ops, hint);
      }),
      { numRuns: 25, seed: 4242 },
    );
  });
}
