/**
 * `mapscope race` on Swiss tables, stepped by the engine's own generators
 * (src/engine/swiss: Table.putSlotSteps, deleteSteps, growToSmallSteps,
 * growToTableSteps, rehashSteps), and elems stored a step per store
 * instruction. Every count here is derived by hand, beside the test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRaceScenario, runRace } from '../src/race/index.js';
import { startRun } from '../src/race/world.js';
import { parseScenario } from '../src/engine/scenario.js';
import { openSwiss } from '../src/engine/swiss/index.js';
import { encoder } from '../src/engine/encode.js';
import { sizeOf } from '../src/model/types.js';
import { archByName } from '../src/model/arch.js';
import * as swiss from '../src/race/swiss.js';
import { elemStorePieces } from '../src/race/keystore.js';
import type { StepInfo } from '../src/race/steps.js';
import { handCount } from './support/racehand.js';

/** Keys 1..n → 10, inserted in order by the setup. */
const setupKeys = (n: number): unknown[] => Array.from({ length: n }, (_, i) => ['insert', i + 1, 10]);

/** Goroutine g's step texts when it runs alone after the setup. */
function solo(json: unknown, g: number): string[] {
  const run = startRun(parseRaceScenario(json, 'solo.json'));
  const texts: string[] = [];
  for (let s = run.threads[g].step(); s; s = run.threads[g].step()) texts.push(s.info.text);
  return texts;
}

test('race: Swiss table (9 entries), two goroutines update key 1: steps and exhaustive counts derived by hand', () => {
  // Setup m[1..9] = 10 (Go 1.26, map[int64]int64): the 9th insert converted the small map to
  // one table of 16 slots (growToTable, map.go), dirLen 1. Each goroutine runs m[1] = v by
  // runtime_mapassign_fast64 (internal/runtime/maps/runtime_fast64.go, go1.26.10):
  //   1 C   :205 `m.writing != 0` → fatal (CMPB 0x22(BX), $0)
  //   2 H   :210 hash (load m.seed)
  //   3 L   :214 `m.writing ^= 1`: MOVZX 0x22(CX)
  //   4 S                          MOVB SI, 0x22(CX)
  //   5 D   :216/:220 load dirPtr (not nil), dirLen (1: not the small map)
  //   6 T   :240-243 directoryIndex/directoryAt: dirLen again, globalShift, dirPtr, directory[0],
  //         t.groups.lengthMask (CMPQ 0x18(CX), $1 … MOVQ 0(SI)(DX*8), DX; MOVQ 0x18(DX), SI)
  //   7 P   :253-266 the group the probe starts at: its control word, H2 matches, key 1 found
  //   8 C2  :323 `m.writing == 0` → fatal
  //   9 L2  :326 `m.writing ^= 1`: load …
  //  10 S2                          … store
  //  11 E   the caller's `MOVQ DX, 0(AX)` of the int64 elem
  // So 11 steps each, flag steps at C=1, L=3, S=4, C2=8, L2=9, S2=10; C(22, 11) = 705432
  // interleavings. Only the flag steps decide the outcome, by the same rules as the small map
  // (test/race-sim.test.ts, "THE HAND DERIVATION": the table probe and elem store read and
  // write nothing the flag protocol looks at), so handCount over these positions gives the
  // counts without the simulator.
  const hand = handCount(11, { C: 1, L: 3, S: 4, C2: 8, L2: 9, S2: 10 }, true);
  assert.deepEqual(hand, { total: 705432, caught: 506280, benign: 125232, corrupt: 73920 });
  const json = {
    go: '1.26', type: 'map[int64]int64', hash: { seeds: [1] }, setup: setupKeys(9),
    goroutines: [[['insert', 1, 20]], [['insert', 1, 30]]],
  };
  const texts = solo(json, 0);
  assert.equal(texts.length, 11, texts.join('\n'));
  assert.match(texts[5], /^load dirLen 1, globalShift 64, dirPtr, directory\[0\]: table@dir0 \(capacity 16\)/);
  assert.match(texts[6], /^table@dir0: probe group \d: key found in slot \d$/);
  const r = runRace(parseRaceScenario(json, 'table-update.json'), { limit: 800_000 });
  assert.deepEqual(r.scenario.soloSteps, [11, 11]);
  assert.equal(r.interleavings, String(hand.total));
  assert.deepEqual(r.outcomes, { caught: hand.caught, benign: hand.benign, corrupt: hand.corrupt });
  assert.match(r.witnesses.corrupt?.detail.join(' ') ?? '', /writing left set \(1\)/);
});

test('race: Swiss table, a new key takes 21 steps alone (derived by hand from runtime_fast64.go)', () => {
  // m[10] = 30 into the 9-entry table: C H L S D T as above (6), then the probe of the
  // group H1 selects (7: it has an empty slot, so the probe ends there), the growthLeft
  // checks :298 `== 0` (pruning, 1.25+ fast paths) and :303 `> 0`, each a load (8, 9:
  // CMPW 0x4(DX), $0 twice in the compiled code), the key store :305 (10), the control
  // byte :309 (11), t.growthLeft-- :310 (12 load, 13 store), t.used++ :311 (14, 15),
  // m.used++ :312 (16, 17: one unlocked INCQ 0(CX), a load and a store to other CPUs),
  // C2 L2 S2 (18-20), the elem (21).
  const texts = solo({
    go: '1.26', type: 'map[int64]int64', hash: { seeds: [1] }, setup: setupKeys(9),
    goroutines: [[['insert', 10, 30]], [['lookup', 1]]],
  }, 0);
  assert.equal(texts.length, 21, texts.join('\n'));
  assert.deepEqual(texts.slice(6, 17).map((t) => t.replace(/^table@dir0: /, '').replace(/ [0-9(].*$/, '')), [
    'probe group', 'load growthLeft', 'load growthLeft', 'store key in group', 'store ctrl',
    'load growthLeft', 'store growthLeft', 'load used', 'store used', 'load m.used', 'store m.used',
  ]);
});

test('race: growToTable stepped: a lookup between its dirPtr and dirLen stores misses a present key (counted by hand; no coarse step can)', () => {
  // Setup m[1..8] = 10: a full small map (Go 1.26). Goroutine a inserts key 9, which
  // converts the map to a table first (runtime_fast64.go:220-233: dirLen 0, used 8);
  // goroutine b looks up key 1 (runtime_mapaccess2_fast64).
  // a alone, by map.go growToTable (:608-645) and runtime_fast64.go:
  //   1-4 C H L S; 5 load dirLen 0, used 8;
  //   6-13 growToTable reads the small group's 8 slots (ctrl, key, elem, hash: into the new
  //        table, private until published), a step each;
  //   14 store dirPtr (the new directory), 15 store dirLen 1, 16 store globalDepth 0,
  //   17 store globalShift (go1.26 amd64: MOVQ AX, 0x10(DX); MOVQ $0x1, 0x18(DX); MOVB $0x0,
  //      0x20(DX); MOVB $0x40, 0x21(DX): four stores);
  //   18-33 the table insert of a new key as in the test above (T … E: 16 steps).
  // b alone: R1 load used (8), R2 load writing (set → fatal "concurrent map read and map
  //   write"), R3 `m.dirLen == 0` and the small group's probe: 3 steps.
  // C(36, 3) = 7140 interleavings. Let x1 and x2 be the number of a's steps before R2 and R3.
  //   caught  iff a's S (step 4) < R2 < a's S2 (step 32): 4 <= x1 <= 31, with x1+1 places
  //           for R1 and 34-x1 for R3: Σ_{x1=4..31} (x1+1)(34-x1) = 6720.
  //   corrupt iff R2 before a's S (x1 <= 3) and R3 right after a's dirPtr store (x2 = 14):
  //           b loads dirLen 0 with dirPtr already the directory, reads the directory as
  //           the small group, and misses key 1 (which every serial order finds):
  //           Σ_{x1=0..3} (x1+1) = 10.
  //   benign  the other 7140 - 6720 - 10 = 410: b's probe sees the whole small group or the
  //           published table, and finds key 1.
  // As one coarse step, growToTable stored dirPtr and dirLen together: no probe could see
  // the one without the other, so this miss was not among the outcomes.
  const json = {
    go: '1.26', type: 'map[int64]int64', hash: { seeds: [1] }, setup: setupKeys(8),
    goroutines: [[['insert', 9, 90]], [['lookup', 1]]],
  };
  const a = solo(json, 0);
  assert.equal(a.length, 33, a.join('\n'));
  assert.equal(a.filter((t) => /^growToTable: load slot \d/.test(t)).length, 8);
  assert.match(a[13], /^growToTable: store dirPtr/);
  assert.match(a[14], /^growToTable: store dirLen 1/);
  assert.match(a[31], /^store writing 0$/);
  let caught = 0;
  for (let x1 = 4; x1 <= 31; x1++) caught += (x1 + 1) * (34 - x1);
  const hand = { caught, benign: 7140 - caught - 10, corrupt: 10 };
  assert.deepEqual(hand, { caught: 6720, benign: 410, corrupt: 10 });
  const r = runRace(parseRaceScenario(json, 'grow-to-table.json'), { limit: 10_000 });
  assert.deepEqual(r.scenario.soloSteps, [33, 3]);
  assert.equal(r.interleavings, '7140');
  assert.deepEqual(r.outcomes, hand);
  assert.deepEqual(r.fatal, { 'concurrent map read and map write': hand.caught });
  // The witness: b's probe falls between the two stores and finds nothing.
  const w = r.witnesses.corrupt;
  assert.ok(w);
  const at = w.steps.findIndex((s) => s.g === 1 && /^probe \(dirLen 0\)/.test(s.text));
  assert.equal(w.steps[at].text, 'probe (dirLen 0): not found');
  assert.match(w.steps[at - 1].text, /^growToTable: store dirPtr/);
  assert.match(w.steps[at + 1].text, /^growToTable: store dirLen 1/);
  assert.match(w.detail.join(' '), /no serial order ends with these contents and lookup results/);
});

test('race: an elem wider than one store is stored a step per store instruction (the compiled code, read by hand)', () => {
  const amd64 = archByName('amd64');
  const arm64 = archByName('arm64');
  const t = (s: string) => parseScenario({ go: '1.26', type: `map[int64]${s}`, ops: [] }, 'x').type.elem;
  // struct{A, B int64} (SSA-able): go1.22/1.26 amd64 `MOVQ DX, 0(AX)`, `MOVQ DX, 0x8(AX)`.
  assert.deepEqual(elemStorePieces(amd64, t('struct{A int64; B int64}')), [{ off: 0, len: 8 }, { off: 8, len: 8 }]);
  // struct{A, B, C int64}: three MOVQs ascending (not memmove's two overlapping 16-byte stores).
  assert.deepEqual(elemStorePieces(amd64, t('struct{A int64; B int64; C int64}')), [{ off: 0, len: 8 }, { off: 8, len: 8 }, { off: 16, len: 8 }]);
  // [4]int64 (not SSA-able: a Move): amd64 two 16-byte MOVUPS; arm64 two STPs (four 8-byte stores).
  assert.deepEqual(elemStorePieces(amd64, t('[4]int64')), [{ off: 0, len: 16 }, { off: 16, len: 16 }]);
  assert.deepEqual(elemStorePieces(arm64, t('[4]int64')), [0, 8, 16, 24].map((off) => ({ off, len: 8 })));
  // string: the length word (`MOVQ DX, 0x8(AX)`), then the pointer (after the write-barrier check).
  assert.deepEqual(elemStorePieces(amd64, t('string')), [{ off: 8, len: 8 }, { off: 0, len: 8 }]);
  // One int64: one store (the hand-derived counts of test/race-sim.test.ts are unchanged).
  assert.deepEqual(elemStorePieces(amd64, t('int64')), [{ off: 0, len: 8 }]);
  // In a run: classic and Swiss alike, two steps for a two-word struct elem.
  for (const go of ['1.22', '1.26']) {
    const texts = solo({ go, type: 'map[int64]struct{A int64; B int64}', hash: { seeds: [1] }, goroutines: [[['insert', 1, { A: 1, B: 2 }]], [['lookup', 1]]] }, 0);
    assert.deepEqual(texts.filter((x) => x.startsWith('store elem')), [
      'store elem bytes [0, 8) (the compiled code, through the returned pointer)',
      'store elem bytes [8, 16) (the compiled code, through the returned pointer)',
    ], go);
  }
});

type Op = ['insert', number, number] | ['delete', number] | ['lookup', number];

/** A deterministic mix: inserts of new keys with updates, deletes and lookups among them. */
function ops(n: number): Op[] {
  const out: Op[] = [];
  for (let i = 0; i < n; i++) {
    out.push(['insert', i * 7919 + 1, i]);
    if (i % 5 === 3) out.push(['insert', (i - 2) * 7919 + 1, -i]);
    if (i % 7 === 6) out.push(['delete', (i - 3) * 7919 + 1]);
    if (i % 3 === 0) out.push(['lookup', (i >> 1) * 7919 + 1]);
  }
  return out;
}

/** Runs `list` through race's stepped ops, each to its end, on an engine session's own map. */
function stepped(go: string, type: string, list: Op[]): { arena: Uint8Array; steps: number; growth: Set<string> } {
  const sc = parseScenario({ go, arch: 'amd64', type, hash: { mode: 'fallback', prngSeed: 11 }, ops: [] }, 'stepped');
  const s = openSwiss(sc);
  const m = s.map;
  m.stepped = true;
  const mem = m.cx.mem;
  // The session's own buffers for an op's key and value, which its insert, delete and lookup encode into.
  const buf = (tag: string): number => {
    const a = [...mem.allocations()].find((x) => x.tag === tag);
    assert.ok(a, tag);
    return a.addr;
  };
  const kb = buf('op key');
  const vb = buf('op value');
  const encKey = encoder(mem, sc.type.key, 'key');
  const encElem = encoder(mem, sc.type.elem, 'value');
  const size = sizeOf(sc.type.elem, sc.arch).size;
  const growth = new Set<string>();
  let steps = 0;
  const run = (g: Generator<StepInfo, unknown, void>): void => {
    for (let r = g.next(); !r.done; r = g.next()) {
      steps++;
      const fn = /^(growToSmall|growToTable|grow|split|installTableSplit):/.exec(r.value.text);
      if (fn) growth.add(fn[1]);
    }
  };
  for (const op of list) {
    encKey(kb, op[1]);
    if (op[0] === 'insert') {
      encElem(vb, op[2]);
      run(swiss.assignSteps(m, kb, function* (addr) {
        mem.copy(addr, vb, size);
        yield { text: 'store elem', source: 'the caller' };
      }));
    } else if (op[0] === 'delete') run(swiss.deleteSteps(m, kb));
    else run(swiss.lookupSteps(m, kb));
  }
  return { arena: mem.arena.slice(0, mem.arena.length), steps, growth };
}

/** The same ops by the engine's normal path (its fast paths where it has them). */
function plain(go: string, type: string, list: Op[], traced: boolean): { arena: Uint8Array; fast: boolean } {
  const sc = parseScenario({ go, arch: 'amd64', type, hash: { mode: 'fallback', prngSeed: 11 }, ops: [] }, 'plain');
  const s = openSwiss(sc, traced ? { onTrace: () => {} } : {});
  const mem = s.map.cx.mem;
  for (const op of list) {
    if (op[0] === 'insert') s.insert(op[1], op[2]);
    else if (op[0] === 'delete') s.delete(op[1]);
    else s.lookup(op[1]);
  }
  return { arena: mem.arena.slice(0, mem.arena.length), fast: s.fastPaths };
}

test('race: the stepped Swiss operations, growth and split included, run to the end leave the bytes the engine leaves', () => {
  // 1200 new keys with updates, deletes and lookups among them: growToSmall, growToTable,
  // table grows 16 → … → 1024 slots and a split (the 897th key in a 1024-slot table),
  // which doubles the directory. The engine's normal path for int64 keys is its fast path
  // (src/engine/swiss/fast.ts, its own code for probe, insert and rehash); traced, it runs
  // src/engine/swiss/map.ts and src/engine/swiss/table.ts. The stepped run must leave every
  // byte of memory as both do.
  for (const go of ['1.24', '1.26']) {
    const list = ops(1200);
    const st = stepped(go, 'map[int64]int64', list);
    assert.deepEqual([...st.growth].sort(), ['grow', 'growToSmall', 'growToTable', 'installTableSplit', 'split'], go);
    const fast = plain(go, 'map[int64]int64', list, false);
    assert.equal(fast.fast, true);
    assert.ok(Buffer.from(st.arena).equals(Buffer.from(fast.arena)), `${go}: stepped and fast path memories differ`);
    const slow = plain(go, 'map[int64]int64', list, true);
    assert.equal(slow.fast, false);
    assert.ok(Buffer.from(st.arena).equals(Buffer.from(slow.arena)), `${go}: stepped and generic path memories differ`);
  }
  // A generic key (struct: runtime_mapassign, typedmemmove) through growth.
  const list = ops(200);
  const st = stepped('1.26', 'map[struct{A int64; B int32}]int64', list.map((o) => [o[0], { A: o[1], B: 3 }, o[2]] as unknown as Op));
  const eng = plain('1.26', 'map[struct{A int64; B int32}]int64', list.map((o) => [o[0], { A: o[1], B: 3 }, o[2]] as unknown as Op), false);
  assert.ok(st.growth.has('grow'));
  assert.ok(Buffer.from(st.arena).equals(Buffer.from(eng.arena)), 'struct keys: stepped and engine memories differ');
});

test('race: growToSmall publishes the group before its control word: the other writer dies on "small map with no empty slot" (schedule by hand)', () => {
  // pair (Go 1.26): two goroutines insert 1 and 2 into an empty map. growToSmall (map.go:598)
  // stores m.dirPtr, then setEmpty()'s control word (compiled in that order: MOVQ AX, 0x10(CX);
  // MOVQ CX, 0(AX)). Both load writing 0 before either stores it (C H L each, then S S);
  // a stores dirPtr; b, finding dirPtr set, skips growToSmall, loads dirLen 0, used 0, and
  // probes a group whose control bytes are still zero: eight full slots of H2 0, no empty
  // slot, so putSlotSmallFast64 throws (runtime_fast64.go:179 putSlotSmallFast64: `fatal("small
  // map with no empty slot (concurrent map writes?)")`). As one coarse step growToSmall
  // stored both at once, and no probe could see the zeroed group.
  const run = startRun(parseRaceScenario({ go: '1.26', type: 'map[int64]int64', hash: { seeds: [1] }, goroutines: [[['insert', 1, 10]], [['insert', 2, 20]]] }, 'pair.json'));
  const texts: string[] = [];
  for (const g of [0, 0, 0, 1, 1, 1, 0, 1, 0]) texts.push(run.threads[g].step()?.info.text ?? '(done)');
  assert.equal(texts[8], 'growToSmall: store dirPtr (a new zeroed group)');
  assert.equal(run.threads[1].step()?.info.text, 'load dirLen 0, used 0');
  assert.throws(() => run.threads[1].step(), (e: Error) => e.message === 'fatal error: small map with no empty slot (concurrent map writes?)');
});
