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
 * Shapes: two updates of a present key (updateCase), two inserts of new
 * integer keys (insertCase, below); an insert or a delete with a lookup, a
 * delete with an insert (weakops.ts); a short string key's insert and
 * lookup (weakstr.ts). What is missing: growth, an empty map's first
 * allocation, other string-key shapes, more than two goroutines or ops
 * (WEAK_MISSING, each refused with one line); and counts (a memory model
 * gives the set of allowed outcomes, not how often each occurs).
 */
import { InputError } from '../base/errors.js';
import { parseLitmus } from '../litmus/parse.js';
import { runTest } from '../litmus/run.js';
import { HASH_WRITING } from '../model/runtime/index.js';
import { sizeOf, typeString, underlying } from '../model/types.js';
import type { RaceScenario } from './scenario.js';
import { startRun } from './world.js';
import { GROWTH_STEP, groupAfterSetup, growthRefusal, weakOps, weakShape } from './weakops.js';
import { weakStringInsertLookup } from './weakstr.js';

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

export const WEAK_MISSING = 'weak mode covers two goroutines with one op each on one bucket (classic, B = 0) or the Swiss small group: both updating one key the setup inserted; both inserting new integer keys (the same key or two) with two free slots; or, with integer keys and elems and a setup of inserts, an insert and a lookup of one new key, a delete and a lookup of one present key, or a delete and an insert (the delete not emptying the map, whose reseed the insert would hash with); with a short string key, an insert and a lookup; growth (a grow is hundreds of stores: the litmus enumeration would not end), other string-key shapes, more goroutines or ops are not modelled under ARMv8';

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

/**
 * `slots` (insert shape only) leaves out the counter's load and store and the
 * elem stores: no branch reads them, so the outcomes projected on the flag
 * and the slots' tophash/control bytes and keys are the same, and the litmus
 * run is several times cheaper (the tests use it; the CLI runs the whole).
 */
export interface WeakOptions {
  readonly slotsOnly?: boolean;
}

export function weakRace(sc: RaceScenario, opts: WeakOptions = {}): WeakResult {
  const ops = weakShape(sc);
  if (ops && ops.shape === 'insert/lookup' && underlying(sc.base.type.key).kind === 'string') return { ...weakStringInsertLookup(sc, ops.order, WEAK_MISSING), missing: WEAK_MISSING };
  if (ops) return { ...weakOps(sc, ops.shape, ops.order, WEAK_MISSING), missing: WEAK_MISSING };
  const two = sc.goroutines.length === 2 && sc.goroutines.every((g) => g.length === 1 && g[0].op === 'insert');
  if (two && sc.goroutines.every((g) => presentAfterSetup(sc, g[0].key)) && JSON.stringify(sc.goroutines[0][0].key) === JSON.stringify(sc.goroutines[1][0].key)) return updateCase(sc);
  if (two && sc.goroutines.every((g) => !presentAfterSetup(sc, g[0].key))) return insertCase(sc, opts.slotsOnly === true);
  throw new InputError(sc.base.source, 'goroutines', `--weak: ${WEAK_MISSING}`);
}

/** Two goroutines assign to one present key: the flag protocol and the elem store. */
function updateCase(sc: RaceScenario): WeakResult {
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

/**
 * Two goroutines insert new keys (the same key, or two) into one bucket
 * (classic, one bucket: B = 0) or the Swiss small map's group. Each thread,
 * as mapassign_fast64/32 (classic) or runtime_mapassign_fast64/32 with
 * putSlotSmallFast* (Swiss) does it:
 *   the flag check, load and store (as in the update case);
 *   the probe of the first free slot s: its tophash (classic: a byte, empty
 *     is 0) or control byte (Swiss: empty is 0x80); if it is taken, the key
 *     there (classic fast: whenever the slot is not empty; Swiss: when the
 *     control byte equals the key's H2) and a compare: equal is the update
 *     path (elem of slot s), else slot s+1, which the other thread never
 *     writes (it writes s+1 only after reading s taken, and then s was
 *     written by this thread, which read it empty: at most one thread sees
 *     slot s taken, under any model), so its empty bytes are not loaded;
 *   the slot's stores: classic tophash then key, Swiss key then control
 *     byte; count/used++ as a load and a store;
 *   the final check, the clear, the elem store (as in the update case).
 * Tophashes and H2s are the engine's, for the scenario's hash seed. Store
 * ordering matters here: a key store and the tophash/control store are
 * message passing to the other thread's probe with no barrier between.
 */
function insertCase(sc: RaceScenario, slotsOnly: boolean): WeakResult {
  const b = sc.base;
  const classic = b.impl === 'classic';
  const intKey = ['int', 'int8', 'int16', 'int32', 'int64', 'uint', 'uint8', 'uint16', 'uint32', 'uint64', 'uintptr'].includes(underlying(b.type.key).kind);
  const refuse = (why: string): never => {
    throw new InputError(b.source, 'goroutines', `--weak: ${why}; ${WEAK_MISSING}`);
  };
  if (!intKey || sizeOf(b.type.key, b.arch).size > b.arch.ptrSize) refuse(`keys of type ${typeString(b.type.key)} are not one register`);
  if (b.ops.some((op) => op.op !== 'insert')) refuse('the setup has other ops than inserts');
  // An empty map has no bucket or group yet: each insert would allocate one and store its pointer, unmodelled here.
  groupAfterSetup(sc, refuse);
  // Each goroutine alone: its slot and tophash / H2, and no growth on its path.
  const alone = sc.goroutines.map((_, g) => {
    const run = startRun(sc);
    let slot = -1;
    let top = -1;
    let bucket = '';
    for (let st = run.threads[g].step(); st; st = run.threads[g].step()) {
      const t = st.info.text;
      if (GROWTH_STEP.test(t)) refuse(growthRefusal(g, t));
      const m = /^store (?:tophash|ctrl) 0x([0-9a-f]+) in slot (\d+)/.exec(t);
      if (m) [top, slot] = [parseInt(m[1], 16), Number(m[2])];
      const pb = /^probe bucket (\d+)/.exec(t);
      if (pb) bucket = pb[1];
    }
    if (slot < 0) refuse(`goroutine ${g} alone does not insert a new key`);
    return { slot, top, bucket };
  });
  if (alone[0].slot !== alone[1].slot || alone[0].bucket !== alone[1].bucket) refuse('the two keys go to different buckets or slots');
  const s1 = alone[0].slot;
  if (s1 + 1 >= 8) refuse('the bucket has fewer than two free slots');
  const empty = classic ? 0 : 0x80;
  const keyVal = (g: number): bigint => BigInt(sc.goroutines[g][0].key as number);
  const bit = classic ? HASH_WRITING : 1;
  const flag = classic ? 'hashWriting' : 'writing';
  // The setup is inserts only: its entries are its distinct keys.
  const used = new Set(b.ops.map((op) => (op.op === 'insert' ? JSON.stringify(op.key) : ''))).size;
  const thread = (g: number): string[] => {
    const L = (n: string) => `L${n}${g}`;
    const kv = keyVal(g);
    const slotStores = (t: string, k: string): string[] => classic
      ? [`MOV W5,#${alone[g].top}`, `STRB W5,[${t}]`, `MOV X5,#${kv}`, `STR X5,[${k}]`]
      : [`MOV X5,#${kv}`, `STR X5,[${k}]`, `MOV W5,#${alone[g].top}`, `STRB W5,[${t}]`];
    const count = slotsOnly ? [] : ['LDR X6,[X16]', 'ADD X6,X6,#1', 'STR X6,[X16]'];
    const done = (e: string): string[] => [
      'LDRB W3,[X8]', `AND W3,W3,#${bit}`, `CBZ W3,${L('fatal')}`,
      'LDRB W4,[X8]', classic ? `BIC W4,W4,#${bit}` : `EOR W4,W4,#${bit}`, 'STRB W4,[X8]',
      ...(slotsOnly ? [] : [`MOV W6,#${g + 1}`, `STR W6,[${e}]`]), `B ${L('end')}`,
    ];
    return [
      'LDRB W0,[X8]', `AND W0,W0,#${bit}`, `CBNZ W0,${L('fatal')}`,
      'LDRB W1,[X8]', `EOR W2,W1,#${bit}`, 'STRB W2,[X8]',
      'LDRB W3,[X10]', `CMP W3,#${empty}`, `B.EQ ${L('s')}`,
      ...(classic ? [] : [`CMP W3,#${alone[g].top}`, `B.NE ${L('t')}`]),
      'LDR X4,[X11]', `CMP X4,#${kv}`, `B.EQ ${L('f')}`,
      `${L('t')}:`,
      ...slotStores('X13', 'X14'), ...count, ...done('X15'),
      `${L('s')}:`,
      ...slotStores('X10', 'X11'), ...count, ...done('X12'),
      `${L('f')}:`,
      ...done('X12'),
      `${L('end')}:`,
      'MOV W7,#0',
      `${L('fatal')}:`,
    ];
  };
  const cols = [thread(0), thread(1)];
  const rows = Math.max(cols[0].length, cols[1].length);
  const init = (p: number) => ` ${p}:X7=1; ${p}:X8=F; ${p}:X10=T1; ${p}:X11=K1; ${p}:X12=E1; ${p}:X13=T2; ${p}:X14=K2; ${p}:X15=E2; ${p}:X16=C;`;
  const lines: string[] = [
    `AArch64 race-${b.impl}-insert`,
    `"Two goroutines insert new keys into slot ${s1} (or ${s1 + 1}) of one ${classic ? 'bucket' : 'group'} of a ${b.impl} map (Go ${b.goText}): the ${flag} protocol, the probe, the slot's stores, the counter and the elem store, as mapscope race --weak generates it."`,
    '{',
    ` F=0; T1=${empty}; K1=0; E1=0; T2=${empty}; K2=0; E2=0; C=${used};`,
    init(0), init(1),
    '}',
    ` P0${' '.repeat(18)}| P1${' '.repeat(18)};`,
  ];
  for (let i = 0; i < rows; i++) lines.push(` ${(cols[0][i] ?? '').padEnd(20)}| ${(cols[1][i] ?? '').padEnd(20)};`);
  lines.push(slotsOnly ? 'locations [F; T1; K1; T2; K2;]' : 'locations [F; T1; K1; E1; T2; K2; E2; C;]');
  lines.push('exists (0:X7=0 /\\ 1:X7=0)');
  const litmus = lines.join('\n') + '\n';
  const test = parseLitmus(litmus, `${b.source} (--weak)`);
  const elems = sc.goroutines.map((g) => JSON.stringify((g[0] as { value: unknown }).value));
  const keyOfTop = new Map(alone.map((a, g) => [a.top, keyVal(g)]));
  const outcomes = (model: 'sc' | 'aarch64'): string[] => {
    const r = runTest(test, model);
    const set = new Set<string>();
    for (const st of r.states) {
      const v = Object.fromEntries([...st.matchAll(/(\S+?)=(-?\d+);/g)].map((m) => [m[1].replace(/^\[(.*)\]$/, '$1'), BigInt(m[2])]));
      if (v['0:X7'] === 1n || v['1:X7'] === 1n) {
        set.add('caught (fatal error: concurrent map writes)');
        continue;
      }
      const parts: string[] = [];
      const keys: bigint[] = [];
      for (const [i, t, k, e] of [[s1, v.T1, v.K1, v.E1], [s1 + 1, v.T2, v.K2, v.E2]] as const) {
        if (Number(t) === empty) continue;
        keys.push(k);
        const torn = keyOfTop.get(Number(t)) !== k ? ` (${classic ? 'tophash' : 'H2'} of key ${keyOfTop.get(Number(t))})` : '';
        parts.push(`slot ${i}: ${k}${slotsOnly ? '' : ` → ${e === 0n ? '(no elem stored)' : elems[Number(e) - 1]}`}${torn}`);
      }
      const dup = keys.length === 2 && keys[0] === keys[1] ? `, key ${keys[0]} twice` : '';
      const lost = sc.goroutines.map((_, g) => keyVal(g)).filter((k, i, a) => a.indexOf(k) === i && !keys.includes(k));
      const counter = classic ? 'count' : 'used';
      const cnt = slotsOnly ? '' : `${counter} ${v.C} (${used + keys.length} entries); `;
      set.add(`${parts.join(', ')}${dup}${lost.length ? `, key ${lost.join(', ')} lost` : ''}; ${cnt}${flag} ${v.F}${v.F ? ' (left set)' : ''}`);
    }
    return [...set].sort();
  };
  const scOut = outcomes('sc');
  const armOut = outcomes('aarch64');
  return { litmus, sc: scOut, armv8: armOut, armOnly: armOut.filter((o) => !scOut.includes(o)), missing: WEAK_MISSING };
}
