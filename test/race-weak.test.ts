/**
 * `race --weak` for deletes and lookups (src/race/weakops.ts): each shape's
 * generated litmus test run under SC and ARMv8 by src/litmus, against
 * outcome sets derived here by hand, and the herd catalogue patterns the
 * shapes reduce to, against herd's reference verdicts.
 *
 * Setup m[1] = 10 (slot 0) and, where two keys, m[3] = 30 (slot 1); hash seed 1.
 * Accesses, as the compiled arm64 code makes them (go1.22 map_fast64.go,
 * go1.26 internal/runtime/maps; docs/race.md "Weak memory"):
 *   insert (mapassign_fast64 / putSlotSmallFast64): flag check, flag set,
 *     [probe], classic tophash then key / Swiss key then ctrl, counter ++,
 *     flag check, flag clear, then the caller's elem store;
 *   delete (mapdelete_fast64 / Delete+deleteSmall): flag check, flag set,
 *     probe (classic key then tophash; Swiss ctrl then key), classic: elem
 *     clear, tophash emptyOne, count--; Swiss: used--, elem clear, ctrl
 *     empty; flag check, flag clear;
 *   lookup (mapaccess2_fast64): counter == 0 check, flag check, probe
 *     (classic key then tophash; Swiss ctrl then key), the caller's elem load.
 *
 * INSERT/LOOKUP (m[2] = 20 ‖ _, ok := m[2]; the insert takes slot 1).
 *   The reader writes nothing, so the end state is the writer's own last
 *   stores (coherence: ARMv8 keeps each location's writes in one order):
 *   slot 1: 2 → 20, count 2, flag 0. The reader ends in one of
 *     caught   its flag load between the writer's set and clear;
 *     absent   its probe before the slot stores (or the counter, if 0);
 *     found → 0   its flag load after the clear, its probe after the slot
 *              stores, its elem load before the caller's elem store — which
 *              comes after the clear (mapassign returns the slot; the
 *              compiled caller stores through it): a key without its elem,
 *              under SC, on every architecture;
 *     found → 20  after everything.
 *   Those are all the results a lookup has, so ARMv8 can add none. What it
 *   does add is inside: the probe against the slot's two stores is message
 *   passing without barriers (herd's MP: Allowed on ARMv8, Forbidden under
 *   SC), so on arm64 a Swiss reader can see the ctrl byte without the key
 *   (the writer stores key then ctrl, the reader loads ctrl then key) and a
 *   classic reader the key without the tophash (tophash then key, loaded
 *   key then tophash). Either reads as absent: a result SC also gives.
 * DELETE/LOOKUP (delete(m, 1) ‖ _, ok := m[1]). The deleter clears the elem
 *   before emptying the tophash / ctrl (and the key stays: int64 keys hold
 *   no pointers), so a reader that still sees the slot full can load the
 *   cleared elem: found → 0 under SC; absent; found → 10; caught. End
 *   state: slot 0 empty (key 1 and elem 0 left), counter 1, flag 0. Again
 *   every lookup result is already SC's: ARMv8 adds none.
 * DELETE/INSERT (delete(m, 1) ‖ m[2] = 20; alone the insert takes slot 2,
 *   after the delete it reuses slot 0). Under SC (counter left out: no
 *   branch reads it): caught; the insert probes slot 0 before the delete
 *   empties it → slot 0 empty, slot 2: 2 → 20; after → slot 0: 2 → 20 (the
 *   delete's elem clear came before its tophash store, which the insert
 *   read before its own elem store). Swiss also leaves `writing` 1 in both
 *   (the toggle race of the update case). ARMv8 lets the delete's elem clear
 *   and tophash/ctrl store (two locations, no barrier) pass each other:
 *   the insert sees the slot empty, reuses it, stores 20, and the clear lands
 *   after: slot 0: 2 → 0 — the new key's elem silently zeroed, which no
 *   serial order and no SC interleaving gives. That is herd's S (W x; W y ‖
 *   R y; W x, final x from P0): Allowed on ARMv8, Forbidden under SC; the
 *   insert's control dependency does not order the delete's stores. It
 *   needs no overlap the flag can see: the insert may read the delete's
 *   flag clear and still see the clear land late.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseLitmus } from '../src/litmus/parse.js';
import { runTest } from '../src/litmus/run.js';
import { main } from '../src/cli/main.js';
import { captureIO } from '../src/cli/io.js';
import { parseRaceScenario, weakRace } from '../src/race/index.js';
import { sharedDir, reference } from './support/shared.js';
import { assertBadInput } from './support/badinput.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

const scenario = (go: string, setup: unknown[], goroutines: unknown[]) =>
  parseRaceScenario({ go, type: 'map[int64]int64', hash: { seeds: [1] }, setup, goroutines }, `weak-${go}.json`);
const one = [['insert', 1, 10]];
const two = [['insert', 1, 10], ['insert', 3, 30]];

/** The generated test with another final condition, under both models. */
function verdicts(litmus: string, cond: string): { sc: string; armv8: string } {
  const t = parseLitmus(litmus.replace(/^exists .*$/m, `exists (${cond})`), 'weak');
  return { sc: runTest(t, 'sc').verdict, armv8: runTest(t, 'aarch64').verdict };
}

test('race --weak: the catalogue patterns the shapes reduce to (MP, S) under our ARMv8 model equal herd\'s reference verdicts; SC forbids them', () => {
  const dir = path.join(sharedDir(), 'litmus', 'herdtools7', 'catalogue', 'aarch64', 'tests');
  for (const name of ['MP', 'S']) {
    const file = path.join(dir, `${name}.litmus`);
    const ref = reference(file, name);
    assert.equal(ref?.verdict, 'Allowed', `${name}: herd's kinds.txt`);
    const t = parseLitmus(readFileSync(file, 'utf8'), file);
    assert.equal(runTest(t, 'aarch64').verdict, 'Allowed', name);
    // Under SC each is a cycle of po and the reads-from/coherence edges: forbidden (by hand).
    assert.equal(runTest(t, 'sc').verdict, 'Forbidden', name);
  }
});

for (const [go, swiss] of [['1.22', false], ['1.26', true]] as const) {
  const flag = swiss ? 'writing' : 'hashWriting';
  const counter = swiss ? 'used' : 'count';

  test(`race --weak: Go ${go} insert/lookup of one new key: ARMv8 adds no outcome, though the probe sees the slot half written (MP, by hand)`, () => {
    const w = weakRace(scenario(go, one, [[['insert', 2, 20]], [['lookup', 2]]]));
    const end = `slot 1: 2 → 20`;
    const expected = [
      'caught (fatal error: concurrent map read and map write)',
      `${end}; lookup 2: absent; ${counter} 2; ${flag} 0`,
      `${end}; lookup 2: found → 0; ${counter} 2; ${flag} 0`,
      `${end}; lookup 2: found → 20; ${counter} 2; ${flag} 0`,
    ];
    assert.deepEqual(w.sc, expected);
    assert.deepEqual(w.armv8, expected);
    assert.deepEqual(w.armOnly, []);
    // The MP inside, on a reader that passed its flag check (X7 0): Swiss, the ctrl byte seen
    // (not empty, 128) with the key still 0; classic, the key 2 seen with the tophash still emptyRest (0).
    const mp = swiss ? '1:X7=0 /\\ ~1:X3=128 /\\ 1:X2=0' : '1:X7=0 /\\ 1:X2=2 /\\ 1:X3=0';
    assert.deepEqual(verdicts(w.litmus, mp), { sc: 'Forbidden', armv8: 'Allowed' });
  });

  test(`race --weak: Go ${go} delete/lookup of one key: the cleared elem is read under SC; ARMv8 adds no outcome (by hand)`, () => {
    const w = weakRace(scenario(go, two, [[['delete', 1]], [['lookup', 1]]]));
    const end = 'slot 0: empty (key 1, elem 0 left)';
    const expected = [
      'caught (fatal error: concurrent map read and map write)',
      `${end}; lookup 1: absent; ${counter} 1; ${flag} 0`,
      `${end}; lookup 1: found → 0; ${counter} 1; ${flag} 0`,
      `${end}; lookup 1: found → 10; ${counter} 1; ${flag} 0`,
    ];
    assert.deepEqual(w.sc, expected);
    assert.deepEqual(w.armv8, expected);
    assert.deepEqual(w.armOnly, []);
  });

  test(`race --weak: Go ${go} delete/insert: the inserted key's elem zeroed exists only under ARMv8 (S, by hand)`, () => {
    const w = weakRace(scenario(go, two, [[['delete', 1]], [['insert', 2, 20]]]));
    const flags = swiss ? [`${flag} 0`, `${flag} 1 (left set)`] : [`${flag} 0`];
    const sc = [
      'caught (fatal error: concurrent map writes)',
      ...flags.map((f) => `slot 0: 2 → 20; slot 2: empty; ${f}`),
      ...flags.map((f) => `slot 0: empty (key 1, elem 0 left); slot 2: 2 → 20; ${f}`),
    ].sort();
    assert.deepEqual(w.sc, sc);
    assert.deepEqual(w.armOnly, flags.map((f) => `slot 0: 2 → 0; slot 2: empty; ${f}`));
    assert.deepEqual(w.armv8, [...sc, ...w.armOnly].sort());
  });
}

test('race --weak: what it does not model → one line naming why, exit 2', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mapscope-weak-'));
  const cases: [string, unknown, RegExp][] = [
    // delete(m, 1) empties the map: Go reseeds the hash, and the racing insert hashes with whichever seed it loads.
    ['a delete that empties the map, with an insert', { setup: one, goroutines: [[['insert', 2, 20]], [['delete', 1]]] }, /--weak: the delete empties the map, which reseeds the hash/],
    // Eight entries: each insert alone grows the map.
    ['growth', { setup: Array.from({ length: 8 }, (_, i) => ['insert', i + 1, i]), goroutines: [[['insert', 100, 1]], [['insert', 101, 2]]] }, /--weak: goroutine 0 alone grows the map .*: a grow is hundreds of stores/],
    ['a lookup of another key', { setup: two, goroutines: [[['delete', 1]], [['lookup', 3]]] }, /--weak: the lookup is of another key than the delete/],
    // No setup: the map has no bucket yet; each insert would allocate one and store its pointer.
    ['an empty map', { goroutines: [[['insert', 2, 20]], [['insert', 3, 30]]] }, /--weak: the map has no bucket array yet: the insert allocates it/],
    ['two ops', { setup: two, goroutines: [[['delete', 1], ['lookup', 1]], [['lookup', 3]]] }, /--weak: weak mode covers two goroutines with one op each/],
  ];
  for (const [what, body, re] of cases) {
    const f = path.join(dir, `${what.replace(/\W+/g, '-')}.json`);
    writeFileSync(f, JSON.stringify({ go: '1.22', type: 'map[int64]int64', hash: { seeds: [1] }, ...(body as object) }));
    const io = captureIO();
    assertBadInput(await main(['race', f, '--weak', '--sample', '10'], io), io.stderr, { want: new RegExp(`: goroutines: ${re.source}`) });
  }
});

test('race --weak: a string key, insert/lookup: the reader sees the length without the pointer and faults — on every architecture for classic, only on arm64 for Swiss (by hand)', () => {
  // m["bb"] = 20 ‖ _, ok := m["bb"], setup m["a"] = 10; the insert takes slot 1. The header is two
  // words; memequal reads through the slot's pointer, nil in a fresh slot (src/race/weakstr.ts cites
  // the instructions).
  // Classic stores tophash, length, pointer; the lookup loads length, tophash, pointer. Under SC a
  // lookup whose flag check passed before the insert set the flag can load the length and the tophash
  // after their stores and the pointer before its store: it faults (an SC outcome, so not arm64's).
  // Swiss stores length, pointer, then the ctrl byte; the lookup loads the ctrl byte, then the pointer
  // and the length (one LDP). Under SC a lookup that sees the ctrl byte sees both words: no fault.
  // ARMv8 orders neither the stores nor the loads (MP without barriers): the ctrl byte and the length
  // can be seen with the pointer still nil: the fault exists only on arm64.
  // Otherwise the results are insert/lookup's: caught, absent, found → 0, found → 20.
  for (const [go, swiss] of [['1.22', false], ['1.26', true]] as const) {
    const sc = parseRaceScenario({ go, type: 'map[string]int64', hash: { seeds: [1] }, setup: [['insert', 'a', 10]], goroutines: [[['insert', 'bb', 20]], [['lookup', 'bb']]] }, `str-${go}.json`);
    const w = weakRace(sc);
    const counter = swiss ? 'used' : 'count';
    const flag = swiss ? 'writing' : 'hashWriting';
    const fault = 'fault (the lookup saw the slot\'s length without its pointer: memequal through nil)';
    const rest = [
      'caught (fatal error: concurrent map read and map write)',
      ...['absent', 'found → 0', 'found → 20'].map((r) => `slot 1: "bb" → 20; lookup "bb": ${r}; ${counter} 2; ${flag} 0`),
    ];
    assert.deepEqual(w.sc, (swiss ? rest : [...rest, fault]).sort(), go);
    assert.deepEqual(w.armv8, [...rest, fault].sort(), go);
    assert.deepEqual(w.armOnly, swiss ? [fault] : [], go);
  }
});
