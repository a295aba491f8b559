/**
 * `mapscope race`, simulated: exhaustive counts against counts derived by
 * hand, sampling against a hand-derived share, and scenario errors.
 *
 * The hand derivation (both versions run the same flag protocol).
 *
 * Two goroutines a and b each run m[1] = v on a map that already holds key 1
 * (setup), so each runs the update path. Steps per goroutine:
 *
 *   Go 1.22 classic, mapassign_fast64 (runtime/map_fast64.go), 8 steps:
 *     1 C   load h.flags; hashWriting set → fatal "concurrent map writes"
 *     2 H   hash (load hash0)
 *     3 L   load h.flags            ┐ h.flags ^= hashWriting, a plain
 *     4 S   store L ^ hashWriting   ┘ read-modify-write
 *     5 P   probe bucket 0: key found in slot 0
 *     6 C2  load h.flags; hashWriting clear → fatal "concurrent map writes"
 *     7 S2  store C2 &^ hashWriting   (h.flags &^= hashWriting)
 *     8 E   store the elem (the caller, through the returned pointer)
 *   Go 1.26 Swiss, runtime_mapassign_fast64 (internal/runtime/maps/runtime_fast64.go),
 *   9 steps: C, H, L, S (m.writing ^= 1), D (load dirLen, used), P (putSlotSmallFast64:
 *   ctrl word and key, found), C2, S2 (m.writing ^= 1), E.
 *
 * Interleavings: C(16,8) = 12870 (classic), C(18,9) = 48620 (Swiss).
 *
 * Which are caught. Only C, L, S, C2, S2 touch the flag; the others never
 * decide a fatal. S2 always stores 0 (C2 saw the bit set, else it was fatal).
 * Say a's S comes before b's S (the other case is the mirror image). a's L
 * then loaded 0, so a's S stores the bit. No fatal happens exactly when:
 *   (i)   a's S2 < b's C: a's write is over before b starts (serial); or
 *   (ii)  b's C < a's S (else b's C sees the bit and dies), and then either
 *     (ii.1) b's L < a's S < b's S, b's C2 < a's S2, a's C2 < b's S2:
 *            both loaded 0 and both store the bit; each one's C2 must run
 *            before the other's S2 stores 0 — the lost-update window in which
 *            both writers run at once and neither check fires; or
 *     (ii.2) a's S2 < b's S, and b's L < a's S or a's S2 < b's L: b's S comes
 *            after a is done and stores the bit (b loaded 0), so b's C2 sees it.
 *            (b's L between a's S and a's S2 loads the bit: b's S stores 0, and
 *            b's C2 dies.)
 * Every other interleaving is caught (C sees the bit, or C2 sees it cleared).
 * The uncaught ones all end with key 1 holding 20 or 30, which are the two
 * serial end states, in an intact map: benign. None is corrupt.
 * `nonFatal` below counts the interleavings meeting (i) or (ii) — positions
 * only, no simulation: classic 3030 (caught 9840), Swiss 9188 (caught 39432).
 * The first writing of (ii.1) omitted "a's C2 < b's S2"; the simulator's
 * count disagreed, and the word it showed (b's S2 stores 0 before a's C2)
 * is a real fatal: the derivation was wrong, not the simulator.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main.js';
import { captureIO } from '../src/cli/io.js';
import { parseRaceScenario, runRace, wilson } from '../src/race/index.js';

const dir = mkdtempSync(join(tmpdir(), 'mapscope-race-'));
let n = 0;
function file(content: unknown): string {
  const p = join(dir, `r${n++}.json`);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}

type Idx = { C: number; L: number; S: number; C2: number; S2: number };

/** All words of `len` a's and `len` b's, as arrays of positions: pos[g][k] = time of goroutine g's step k (1-based). */
function* words(len: number): Generator<number[][]> {
  const pos = [new Array<number>(len + 1), new Array<number>(len + 1)];
  function* rec(a: number, b: number): Generator<number[][]> {
    if (a === len && b === len) { yield pos; return; }
    if (a < len) { pos[0][a + 1] = a + b; yield* rec(a + 1, b); }
    if (b < len) { pos[1][b + 1] = a + b; yield* rec(a, b + 1); }
  }
  yield* rec(0, 0);
}

/** Conditions (i) and (ii) above, for a first to store (x) and its mirror. */
function nonFatal(pos: number[][], I: Idx): boolean {
  const first = (x: number, y: number): boolean => {
    const A = (k: keyof Idx) => pos[x][I[k]];
    const B = (k: keyof Idx) => pos[y][I[k]];
    if (!(A('S') < B('S'))) return false;
    if (A('S2') < B('C')) return true; // (i)
    if (!(B('C') < A('S'))) return false; // (ii)
    if (B('L') < A('S') && B('C2') < A('S2') && A('C2') < B('S2')) return true; // (ii.1)
    return A('S2') < B('S') && (B('L') < A('S') || A('S2') < B('L')); // (ii.2)
  };
  return first(0, 1) || first(1, 0);
}

function handCount(len: number, I: Idx): { total: number; benign: number; caught: number } {
  let total = 0;
  let benign = 0;
  for (const p of words(len)) {
    total++;
    if (nonFatal(p, I)) benign++;
  }
  return { total, benign, caught: total - benign };
}

const update = (go: string) => ({
  go, type: 'map[int64]int64', hash: { seeds: [1] },
  setup: [['insert', 1, 10]],
  goroutines: [[['insert', 1, 20]], [['insert', 1, 30]]],
});

for (const [go, len, I] of [
  ['1.22', 8, { C: 1, L: 3, S: 4, C2: 6, S2: 7 }],
  ['1.26', 9, { C: 1, L: 3, S: 4, C2: 7, S2: 8 }],
] as const) {
  test(`race: Go ${go} insert/insert of one key, exhaustive counts equal the hand derivation`, () => {
    const hand = handCount(len, I);
    const sc = parseRaceScenario(update(go), `update-${go}.json`);
    const r = runRace(sc, { limit: 100_000 });
    assert.equal(r.scenario.impl, go === '1.22' ? 'classic' : 'swiss');
    assert.deepEqual(r.scenario.soloSteps, [len, len]);
    assert.equal(r.mode, 'exhaustive');
    assert.equal(r.interleavings, String(hand.total));
    assert.equal(r.explored, hand.total);
    assert.deepEqual(r.outcomes, { caught: hand.caught, benign: hand.benign, corrupt: 0 });
    assert.deepEqual(r.fatal, { 'concurrent map writes': hand.caught });
    assert.equal(r.serialStates, 2); // key 1 → 20 or → 30
    // The shortest caught run: a checks, hashes, sets the flag; b's first check dies.
    assert.equal(r.witnesses.caught?.steps.length, 5);
    assert.equal(r.shares.benign.share, hand.benign / hand.total);
  });
}

test('race: Go 1.22 insert/insert of two new keys, sampled: caught share within Wilson 95% of the hand count', () => {
  // New keys take 13 steps (C, H, L, S, probe, grow check, tophash, key, count load,
  // count store, C2, S2, elem): C(26,13) = 10400600 interleavings, too many to run
  // all; the flag steps are C=1, L=3, S=4, C2=11, S2=12, so the hand conditions give
  // the caught count exactly.
  const hand = handCount(13, { C: 1, L: 3, S: 4, C2: 11, S2: 12 });
  assert.equal(hand.total, 10400600);
  const sc = parseRaceScenario({ ...update('1.22'), goroutines: [[['insert', 2, 20]], [['insert', 3, 30]]] }, 'new-keys.json');
  const N = 600;
  const r = runRace(sc, { limit: 1000, sample: N, seed: 7 });
  assert.equal(r.mode, 'sample');
  assert.equal(r.explored, N);
  assert.equal(r.outcomes.caught + r.outcomes.benign + r.outcomes.corrupt, N);
  const p = hand.caught / hand.total;
  assert.ok(r.shares.caught.lo <= p && p <= r.shares.caught.hi, `hand share ${p} outside [${r.shares.caught.lo}, ${r.shares.caught.hi}]`);
  assert.deepEqual(r.shares.caught, { share: r.outcomes.caught / N, ...wilson(r.outcomes.caught, N) });
  // Both writers inside the lost-update window pick slot 1: one key is lost.
  assert.ok(r.outcomes.corrupt > 0, JSON.stringify(r.outcomes));
  assert.ok(r.witnesses.corrupt?.detail.some((d) => /key lost|count/.test(d)), JSON.stringify(r.witnesses.corrupt?.detail));
});

const bad: [string, unknown, string[], RegExp][] = [
  ['one goroutine', { ...update('1.22'), goroutines: [[['insert', 1, 2]]] }, [], /: goroutines: 1 goroutine: a race needs at least 2/],
  ['an unknown op', { ...update('1.22'), goroutines: [[['insert', 1, 2]], [['upsert', 1, 2]]] }, [], /: goroutines\[1\]\[0\]\[0\]: unknown operation "upsert"/],
  ['an op not simulated concurrently', { ...update('1.22'), goroutines: [[['insert', 1, 2]], [['clear']]] }, [], /: goroutines\[1\]\[0\]\[0\]: clear is not simulated concurrently/],
  ['a bad setup op', { ...update('1.22'), setup: [['insert', 'x', 1]] }, [], /: setup\[0\]\[1\]: /],
  ['too many steps to enumerate', { ...update('1.22'), goroutines: [[['insert', 2, 20]], [['insert', 3, 30]]] }, [], /: goroutines: 10400600 interleavings of 13 \+ 13 steps: too many to enumerate \(limit 200000\); use --sample N --seed S/],
  ['--seed without --sample', update('1.22'), ['--seed', '3'], /--seed goes with --sample/],
  ['not JSON', '{"go": ', [], /not valid JSON/],
];

for (const [what, content, args, re] of bad) {
  test(`race: ${what} → one line, exit 2`, async () => {
    const io = captureIO();
    const code = await main(['race', file(content), ...args], io);
    assert.equal(code, 2, io.stderr);
    const lines = io.stderr.trim().split('\n');
    assert.equal(lines.length, 1, io.stderr);
    assert.match(lines[0], /^mapscope: /);
    assert.match(lines[0], re);
    assert.equal(io.stdout, '');
  });
}

test('race --json: the documented fields (docs/json.md "race")', async () => {
  const io = captureIO();
  assert.equal(await main(['race', file(update('1.22')), '--json'], io), 0, io.stderr);
  const r = JSON.parse(io.stdout);
  assert.deepEqual(Object.keys(r).sort(), ['executions', 'explored', 'fatal', 'interleavings', 'memoryModel', 'mode', 'notes', 'outcomes', 'scenario', 'serialStates', 'shares', 'witnesses']);
  assert.equal(r.interleavings, '12870');
  assert.deepEqual(Object.keys(r.outcomes), ['caught', 'benign', 'corrupt']);
  const w = r.witnesses.caught;
  assert.equal(w.class, 'caught');
  assert.deepEqual(w.schedule, [0, 0, 0, 0, 1]);
  assert.match(w.steps[4].text, /^fatal error: concurrent map writes$/);
  assert.match(w.steps[0].source, /^runtime\/map_fast64\.go mapassign_fast64$/);
});
