/**
 * `race --weak`: the smallest case under ARMv8's memory model, by
 * src/litmus's model (herd7-equal), not a second model.
 *
 * The case: two goroutines each assign to a key the setup inserted (the
 * update path). Its shared accesses are the write flag's protocol (classic
 * h.flags' hashWriting bit, Swiss m.writing) and the elem store; they are
 * written out as an AArch64 litmus test, one thread per goroutine, as the
 * compiled code does them: plain LDRB/STRB of the flag byte (no barrier, no
 * atomic), the toggle's data dependency (EOR/BIC of the loaded value), the
 * fatal checks as conditional branches (so later stores carry a control
 * dependency, which ARMv8 respects), then the elem store. A taken branch
 * stands for fatal(): the thread stops, and its X7 stays 1.
 *
 * The outcomes — caught, or the final elem and flag — are computed under
 * SC and under ARMv8; those ARMv8 allows and SC does not exist only on arm64.
 *
 * What is missing: new keys (the probe reading another goroutine's
 * tophash/control byte and key, where message passing without a barrier can
 * show a tophash before its key), deletes, lookups, growth; more than two
 * goroutines or ops; and counts (a memory model gives the set of allowed
 * outcomes, not how often each occurs).
 */
import { InputError } from '../base/errors.js';
import { parseLitmus } from '../litmus/parse.js';
import { runTest } from '../litmus/run.js';
import { HASH_WRITING } from '../model/runtime/index.js';
import type { RaceScenario } from './scenario.js';

export interface WeakResult {
  /** The generated litmus test (run it with `mapscope litmus`). */
  readonly litmus: string;
  /** Outcomes under sequential consistency and under ARMv8, for people: `caught`, `key 1 → 20, writing 0`. */
  readonly sc: readonly string[];
  readonly armv8: readonly string[];
  /** Outcomes ARMv8 allows and SC does not. */
  readonly armOnly: readonly string[];
  /** What the weak mode does not cover. */
  readonly missing: string;
}

export const WEAK_MISSING = 'weak mode covers two goroutines each updating a key the setup inserted (the write flag and the elem store); new keys, deletes, lookups and growth are not modelled under ARMv8 yet';

/** The key the setup leaves present for `key`, by JSON equality over the setup's inserts and deletes. */
function presentAfterSetup(sc: RaceScenario, key: unknown): boolean {
  let present = false;
  const k = JSON.stringify(key);
  for (const op of sc.base.ops) {
    if ((op.op === 'insert' || op.op === 'delete') && JSON.stringify(op.key) === k) present = op.op === 'insert';
    if (op.op === 'clear') present = false;
  }
  return present;
}

export function weakRace(sc: RaceScenario): WeakResult {
  const ok = sc.goroutines.length === 2 && sc.goroutines.every((g) => g.length === 1 && g[0].op === 'insert' && presentAfterSetup(sc, g[0].key))
    && JSON.stringify(sc.goroutines[0][0].key) === JSON.stringify(sc.goroutines[1][0].key);
  if (!ok) throw new InputError(sc.base.source, 'goroutines', `--weak: ${WEAK_MISSING}`);
  const classic = sc.base.impl === 'classic';
  const bit = classic ? HASH_WRITING : 1;
  const flag = classic ? 'hashWriting' : 'writing';
  const thread = (g: number): string[] => [
    'LDRB W0,[X8]', // check: classic h.flags&hashWriting != 0, Swiss m.writing != 0 → fatal
    `AND W0,W0,#${bit}`,
    'CBNZ W0,Lfatal' + g,
    'LDRB W1,[X8]', // flags ^= hashWriting / writing ^= 1: load…
    `EOR W2,W1,#${bit}`,
    'STRB W2,[X8]', // …store
    'LDRB W3,[X8]', // check: the bit must still be set
    `AND W3,W3,#${bit}`,
    'CBZ W3,Lfatal' + g,
    'LDRB W4,[X8]', // clear: classic flags &^= hashWriting, Swiss writing ^= 1
    classic ? `BIC W5,W4,#${bit}` : `EOR W5,W4,#${bit}`,
    'STRB W5,[X8]',
    `MOV W6,#${g + 1}`, // the elem store: which goroutine's value
    'STR W6,[X9]',
    'MOV W7,#0', // no fatal
    `Lfatal${g}:`,
  ];
  const cols = [thread(0), thread(1)];
  const rows = Math.max(cols[0].length, cols[1].length);
  const lines: string[] = [
    `AArch64 race-${sc.base.impl}-update`,
    `"Two goroutines assign to one present key of a ${sc.base.impl} map (Go ${sc.base.goText}): the ${flag} protocol and the elem store, as mapscope race --weak generates it."`,
    '{',
    ' F=0; E=0;',
    ' 0:X7=1; 0:X8=F; 0:X9=E;',
    ' 1:X7=1; 1:X8=F; 1:X9=E;',
    '}',
    ` P0${' '.repeat(18)}| P1${' '.repeat(18)};`,
  ];
  for (let i = 0; i < rows; i++) lines.push(` ${(cols[0][i] ?? '').padEnd(20)}| ${(cols[1][i] ?? '').padEnd(20)};`);
  lines.push('locations [F; E;]');
  lines.push('exists (0:X7=0 /\\ 1:X7=0)');
  const litmus = lines.join('\n') + '\n';
  const test = parseLitmus(litmus, `${sc.base.source} (--weak)`);
  const values = [JSON.stringify(setupValue(sc)), ...sc.goroutines.map((g) => JSON.stringify((g[0] as { value: unknown }).value))];
  const key = JSON.stringify(sc.goroutines[0][0].key);
  const outcomes = (model: 'sc' | 'aarch64'): string[] => {
    const r = runTest(test, model);
    const set = new Set<string>();
    for (const st of r.states) {
      const v = Object.fromEntries([...st.matchAll(/(\S+?)=(\d+);/g)].map((m) => [m[1], Number(m[2])]));
      if (v['0:X7'] === 1 || v['1:X7'] === 1) set.add('caught (fatal error: concurrent map writes)');
      else set.add(`key ${key} → ${values[v['[E]'] ?? v.E]}, ${flag} ${v['[F]'] ?? v.F}${(v['[F]'] ?? v.F) ? ' (left set: corrupt)' : ''}`);
    }
    return [...set].sort();
  };
  const scOut = outcomes('sc');
  const armOut = outcomes('aarch64');
  return { litmus, sc: scOut, armv8: armOut, armOnly: armOut.filter((o) => !scOut.includes(o)), missing: WEAK_MISSING };
}

function setupValue(sc: RaceScenario): unknown {
  let v: unknown;
  const k = JSON.stringify(sc.goroutines[0][0].key);
  for (const op of sc.base.ops) if (op.op === 'insert' && JSON.stringify(op.key) === k) v = op.value;
  return v;
}
