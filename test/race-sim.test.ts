/**
 * `mapscope race`, simulated: exhaustive counts against counts derived by
 * hand, sampling against a hand-derived share, and scenario errors.
 *
 * THE HAND DERIVATION. Two goroutines a and b each run m[1] = v on a map
 * that already holds key 1 (setup), so each takes the update path. Steps
 * per goroutine (one load or store each; the compiled code was read to
 * split them: the final check and the clear load the flag separately):
 *
 *   Go 1.22 classic, mapassign_fast64 (runtime/map_fast64.go), 9 steps:
 *     1 C   load h.flags; hashWriting set → fatal "concurrent map writes"
 *     2 H   hash (load hash0)
 *     3 L   load h.flags            ┐ h.flags ^= hashWriting: a plain
 *     4 S   store L ^ hashWriting   ┘ read-modify-write
 *     5 P   probe bucket 0: key found in slot 0
 *     6 C2  load h.flags; hashWriting clear → fatal "concurrent map writes"
 *     7 L2  load h.flags            ┐ h.flags &^= hashWriting
 *     8 S2  store L2 &^ hashWriting ┘ (always stores 0)
 *     9 E   store the elem (the caller, through the returned pointer)
 *   Go 1.26 Swiss, runtime_mapassign_fast64 (internal/runtime/maps/runtime_fast64.go),
 *   10 steps: C, H, L, S (m.writing ^= 1), D (load dirLen, used), P (ctrl word and
 *   key: found), C2, L2, S2 (m.writing ^= 1: stores L2 ^ 1, which is 1 if L2 saw 0), E.
 *
 * Interleavings: C(18,9) = 48620 (classic), C(20,10) = 184756 (Swiss).
 *
 * Only C, L, S, C2, L2, S2 touch the flag. Say a's S is the first store
 * (the other case is the mirror image); a's L saw 0, so a's S stores 1.
 * No fatal happens exactly when:
 *   (i)   a's S2 < b's C: a is done before b starts. Benign.
 *   (ii)  b's C < a's S (else b's C sees 1 and dies), and:
 *     O1  a's S2 < b's S: a stored 0 before b's S; b lives iff b's L did not
 *         see a's 1 (b's L < a's S, or a's S2 < b's L). Benign, flag 0.
 *     O2b/O3  b's L < a's S: both loaded 0 and both store 1 — both writers
 *         are inside the map at once — and each C2 runs before the other's
 *         S2: b's C2 < a's S2 and a's C2 < b's S2. Classic: S2 stores 0, the
 *         flag ends 0. Swiss: the later S2 stores its L2 ^ 1, so the flag is
 *         left 1 iff the later S2's L2 ran after the earlier S2 (writing left
 *         set: corrupt, the next access dies); else 0.
 *     O2a (Swiss only) a's S < b's L: b loaded 1 and its S stores 0; b lives
 *         iff a's C2 < b's S < a's L2 (a's L2 sees 0, its S2 stores 1) and
 *         a's S2 < b's C2 (which then sees that 1). Benign, flag 0.
 * Everything else is caught. Uncaught runs leave key 1 → 20 or → 30, the
 * two serial end states, so they are benign unless the flag is left set.
 *
 * `handCount` counts the interleavings in each case: it goes over the
 * C(12,6) = 924 orders of the twelve flag steps, judges each by the rules
 * above (`verdict`), and counts the words that put the flag steps in that
 * order (lattice paths; the other steps never decide anything). Results:
 * classic 33832 caught / 14788 benign / 0 corrupt; Swiss 127954 caught /
 * 36642 benign / 20160 corrupt. (A first version of O2b/O3 forgot "a's C2 <
 * b's S2"; the simulator disagreed, and the word it showed — b's S2 stores 0
 * before a's C2 — is a real fatal: the derivation was wrong. The split of
 * check and clear into two loads came from reading the compiled code.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main.js';
import { captureIO } from '../src/cli/io.js';
import { parseRaceScenario, runRace, weakRace, wilson } from '../src/race/index.js';
import { assertBadInput } from './support/badinput.js';

const dir = mkdtempSync(join(tmpdir(), 'mapscope-race-'));
let n = 0;
function file(content: unknown): string {
  const p = join(dir, `r${n++}.json`);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}

type Idx = { C: number; L: number; S: number; C2: number; L2: number; S2: number };
type Verdict = 'caught' | 'benign' | 'corrupt';
const FLAG_STEPS = ['C', 'L', 'S', 'C2', 'L2', 'S2'] as const;

/** The rules above, for the flag steps' times pos[g][step] (a = x stores first). */
function verdict(pos: Record<string, number>[], swiss: boolean): Verdict {
  const first = (x: number, y: number): Verdict | undefined => {
    const A = (k: string) => pos[x][k];
    const B = (k: string) => pos[y][k];
    if (!(A('S') < B('S'))) return undefined;
    if (A('S2') < B('C')) return 'benign'; // (i)
    if (!(B('C') < A('S'))) return 'caught';
    if (A('S2') < B('S')) return B('L') < A('S') || A('S2') < B('L') ? 'benign' : 'caught'; // O1
    if (B('L') < A('S')) { // O2b, O3
      if (!(B('C2') < A('S2') && A('C2') < B('S2'))) return 'caught';
      if (!swiss) return 'benign';
      const [laterL2, earlierS2] = A('S2') > B('S2') ? [A('L2'), B('S2')] : [B('L2'), A('S2')];
      return laterL2 > earlierS2 ? 'corrupt' : 'benign';
    }
    if (swiss && A('C2') < B('S') && B('S') < A('L2') && A('S2') < B('C2')) return 'benign'; // O2a
    return 'caught';
  };
  return first(0, 1) ?? (first(1, 0) as Verdict);
}

/** Interleavings of two goroutines of `len` steps per verdict (see the comment at the top). */
function handCount(len: number, I: Idx, swiss: boolean): Record<Verdict, number> & { total: number } {
  const idx = FLAG_STEPS.map((k) => I[k]);
  const flagAt = (i: number): number => idx.indexOf(i); // which flag step the goroutine's step i is, or -1
  const flagsUpTo = (i: number): number => idx.filter((x) => x <= i).length;
  const out = { total: 0, caught: 0, benign: 0, corrupt: 0 };
  const order: number[] = [];
  const orders = (na: number, nb: number): void => {
    if (na === 0 && nb === 0) {
      const pos = [{}, {}] as Record<string, number>[];
      const seen = [0, 0];
      order.forEach((g, t) => { pos[g][FLAG_STEPS[seen[g]++]] = t; });
      // Words whose flag steps come in `order`: paths over (a's steps done, b's steps done).
      const f = Array.from({ length: len + 1 }, () => new Array<number>(len + 1).fill(0));
      f[0][0] = 1;
      for (let i = 0; i <= len; i++) {
        for (let j = 0; j <= len; j++) {
          if (!f[i][j]) continue;
          const k = flagsUpTo(i) + flagsUpTo(j);
          if (i < len && (flagAt(i + 1) < 0 || order[k] === 0)) f[i + 1][j] += f[i][j];
          if (j < len && (flagAt(j + 1) < 0 || order[k] === 1)) f[i][j + 1] += f[i][j];
        }
      }
      const words = f[len][len];
      out.total += words;
      out[verdict(pos, swiss)] += words;
      return;
    }
    for (const [g, left] of [[0, na], [1, nb]] as const) {
      if (!left) continue;
      order.push(g);
      orders(g === 0 ? na - 1 : na, g === 1 ? nb - 1 : nb);
      order.pop();
    }
  };
  orders(6, 6);
  return out;
}

const update = (go: string) => ({
  go, type: 'map[int64]int64', hash: { seeds: [1] },
  setup: [['insert', 1, 10]],
  goroutines: [[['insert', 1, 20]], [['insert', 1, 30]]],
});

for (const [go, len, I, swiss] of [
  ['1.22', 9, { C: 1, L: 3, S: 4, C2: 6, L2: 7, S2: 8 }, false],
  ['1.26', 10, { C: 1, L: 3, S: 4, C2: 7, L2: 8, S2: 9 }, true],
] as const) {
  test(`race: Go ${go} insert/insert of one key, exhaustive counts equal the hand derivation`, () => {
    const hand = handCount(len, I, swiss);
    assert.deepEqual(hand, swiss
      ? { total: 184756, caught: 127954, benign: 36642, corrupt: 20160 }
      : { total: 48620, caught: 33832, benign: 14788, corrupt: 0 });
    const sc = parseRaceScenario(update(go), `update-${go}.json`);
    const r = runRace(sc, { limit: 200_000 });
    assert.equal(r.scenario.impl, swiss ? 'swiss' : 'classic');
    assert.deepEqual(r.scenario.soloSteps, [len, len]);
    assert.equal(r.mode, 'exhaustive');
    assert.equal(r.interleavings, String(hand.total));
    assert.equal(r.explored, hand.total);
    assert.deepEqual(r.outcomes, { caught: hand.caught, benign: hand.benign, corrupt: hand.corrupt });
    assert.deepEqual(r.fatal, { 'concurrent map writes': hand.caught });
    assert.equal(r.serialStates, 2); // key 1 → 20 or → 30
    // The shortest caught run: a checks, hashes, sets the flag; b's first check dies.
    assert.equal(r.witnesses.caught?.steps.length, 5);
    assert.equal(r.shares.benign.share, hand.benign / hand.total);
    if (swiss) assert.match(r.witnesses.corrupt?.detail.join(' ') ?? '', /writing left set \(1\)/);
  });
}

test('race: Go 1.22 insert/insert of two new keys, sampled: caught share within Wilson 95% of the hand count', () => {
  // New keys take 14 steps (C, H, L, S, probe, grow check, tophash, key, count load,
  // count store, C2, L2, S2, elem): C(28,14) = 40116600 interleavings, too many to run
  // all; the flag steps are C=1, L=3, S=4, C2=11, L2=12, S2=13, and the rules above
  // give the caught count exactly.
  const hand = handCount(14, { C: 1, L: 3, S: 4, C2: 11, L2: 12, S2: 13 }, false);
  assert.equal(hand.total, 40116600);
  const sc = parseRaceScenario({ ...update('1.22'), goroutines: [[['insert', 2, 20]], [['insert', 3, 30]]] }, 'new-keys.json');
  const N = 600;
  const r = runRace(sc, { limit: 1000, sample: N, seed: 7 });
  assert.equal(r.mode, 'sample');
  assert.deepEqual(r.scenario.soloSteps, [14, 14]);
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
  ['too many steps to enumerate', { ...update('1.22'), goroutines: [[['insert', 2, 20]], [['insert', 3, 30]]] }, [], /: goroutines: 40116600 interleavings of 14 \+ 14 steps: too many to enumerate \(limit 200000\); use --sample N --seed S/],
  ['--seed without --sample', update('1.22'), ['--seed', '3'], /--seed goes with --sample/],
  ['not JSON', '{"go": ', [], /not valid JSON/],
];

for (const [what, content, args, re] of bad) {
  test(`race: ${what} → one line, exit 2`, async () => {
    const io = captureIO();
    assertBadInput(await main(['race', file(content), ...args], io), io.stderr, { want: re, stdout: io.stdout });
  });
}

test('race --json: the documented fields (docs/json.md "race")', async () => {
  const io = captureIO();
  assert.equal(await main(['race', file(update('1.22')), '--json'], io), 0, io.stderr);
  const r = JSON.parse(io.stdout);
  assert.deepEqual(Object.keys(r).sort(), ['executions', 'explored', 'fatal', 'interleavings', 'memoryModel', 'mode', 'notes', 'outcomes', 'scenario', 'serialStates', 'shares', 'witnesses']);
  assert.equal(r.interleavings, '48620');
  assert.deepEqual(Object.keys(r.outcomes), ['caught', 'benign', 'corrupt']);
  const w = r.witnesses.caught;
  assert.equal(w.class, 'caught');
  assert.deepEqual(w.schedule, [0, 0, 0, 0, 1]);
  assert.match(w.steps[4].text, /^fatal error: concurrent map writes$/);
  assert.match(w.steps[0].source, /^runtime\/map_fast64\.go mapassign_fast64$/);
});

test('race --weak: the update case under SC gives the outcomes the hand derivation names; ARMv8 adds none', () => {
  // Under SC the litmus test's outcomes are those of the rules above: caught, key 1 → 20
  // or → 30 with the flag 0, and (Swiss only, O2b/O3) the same with writing left 1. The
  // flag protocol touches one byte, and ARMv8 keeps every location coherent (herd's
  // CoRR/CoWR/CoRW shapes), so it can add no outcome to it.
  for (const [go, swiss] of [['1.22', false], ['1.26', true]] as const) {
    const w = weakRace(parseRaceScenario(update(go), `update-${go}.json`));
    const flag = swiss ? 'writing' : 'hashWriting';
    const expected = [
      'caught (fatal error: concurrent map writes)',
      `key 1 → 20, ${flag} 0`,
      ...(swiss ? ['key 1 → 20, writing 1 (left set: corrupt)'] : []),
      `key 1 → 30, ${flag} 0`,
      ...(swiss ? ['key 1 → 30, writing 1 (left set: corrupt)'] : []),
    ];
    assert.deepEqual(w.sc, expected, go);
    assert.deepEqual(w.armv8, expected, go);
    assert.deepEqual(w.armOnly, [], go);
    assert.match(w.litmus, /^AArch64 race-/);
  }
});

test('race --weak: a case the weak mode does not model → one line, exit 2', async () => {
  const io = captureIO();
  const code = await main(['race', file({ ...update('1.22'), goroutines: [[['insert', 2, 20]], [['insert', 3, 30]]] }), '--weak', '--sample', '10'], io);
  assertBadInput(code, io.stderr, { want: /: goroutines: --weak: weak mode covers two goroutines each updating a key the setup inserted/ });
});

test('race: Go 1.22 lookup/insert, exhaustive counts equal the hand derivation', () => {
  // Reader r: mapaccess2_fast64 on a one-bucket map (B = 0, so no hash), 3 steps:
  //   R1 load count (1, from the setup), R2 load h.flags (hashWriting set → fatal
  //   "concurrent map read and map write"), R3 probe bucket 0.
  // Writer w: mapassign_fast64 of new key 2, 14 steps; its S (store hashWriting) is
  //   step 4 and its S2 (store flags &^ hashWriting) step 13. The reader never
  //   writes, so the writer's checks never fire.
  // Interleavings: C(17,3) = 680. Caught exactly when S < R2 < S2: with R2 after g
  //   writer steps (4 ≤ g ≤ 12), R1 has g+1 places before it and R3 15-g after it:
  //   Σ_{g=4..12} (g+1)(15-g) = 55+60+63+64+63+60+55+48+39 = 507.
  //   Otherwise the reader finds key 2 or not, as the serial orders "lookup then
  //   insert" (absent) and "insert then lookup" (found) do: benign, 680-507 = 173.
  const sc = parseRaceScenario({ ...update('1.22'), goroutines: [[['lookup', 2]], [['insert', 2, 20]]] }, 'lookup.json');
  const r = runRace(sc, { limit: 1000 });
  assert.deepEqual(r.scenario.soloSteps, [3, 14]);
  assert.equal(r.interleavings, '680');
  assert.deepEqual(r.outcomes, { caught: 507, benign: 173, corrupt: 0 });
  assert.deepEqual(r.fatal, { 'concurrent map read and map write': 507 });
  assert.equal(r.serialStates, 2);
  const w = r.witnesses.caught;
  assert.deepEqual(w?.steps.at(-1), { g: 0, op: 0, opText: 'lookup 2', text: 'fatal error: concurrent map read and map write', source: 'runtime/map_fast64.go mapaccess2_fast64' });
});
