/**
 * `race --weak` for deletes and lookups: the shapes weak.ts's update and
 * insert cases leave out, each two goroutines with one op on one bucket
 * (classic, B = 0) or the Swiss small group, integer keys and elems:
 *
 *   insert/lookup  one goroutine inserts new key N, the other looks N up;
 *   delete/lookup  one deletes key A (present), the other looks A up;
 *   delete/insert  one deletes A, the other inserts new key N.
 *
 * Each goroutine is written out as AArch64 code, one load or store per
 * shared access the compiled runtime makes, in its order (read in
 * `go tool objdump` of go1.22 and go1.26 for arm64; docs/race.md "Weak
 * memory" cites the instructions): plain LDRB/STRB of the flag byte, the
 * fatal checks as branches, the probe's loads, the slot's stores, the
 * counter's load and store, the elem store or clear. Accesses whose value
 * no branch and no outcome depends on are left out, each with its reason
 * beside it (the hash seed's load, which the litmus test cannot hash with,
 * is refused where a racing store could change it). The test runs under SC
 * and ARMv8 (src/litmus, herd7-equal); the outcomes are the final slot
 * contents, the counter, the flag, the lookup's result, or the fatal error.
 */
import { InputError } from '../base/errors.js';
import { parseLitmus } from '../litmus/parse.js';
import { runTest } from '../litmus/run.js';
import { HASH_WRITING } from '../model/runtime/index.js';
import { sizeOf, typeString, underlying } from '../model/types.js';
import type { RaceOp, RaceScenario } from './scenario.js';
import { serialSim, startRun } from './world.js';

export interface WeakOutcomes {
  readonly litmus: string;
  readonly sc: readonly string[];
  readonly armv8: readonly string[];
  readonly armOnly: readonly string[];
}

export type WeakShape = 'insert/lookup' | 'delete/lookup' | 'delete/insert';

const INT_KINDS = ['int', 'int8', 'int16', 'int32', 'int64', 'uint', 'uint8', 'uint16', 'uint32', 'uint64', 'uintptr'];
const EMPTY_ONE = 1; // classic tophash of a deleted slot; emptyRest is 0
const CTRL_EMPTY = 0x80; // Swiss

/** The one bucket or small group after the setup, from the engine's snapshot. */
export interface Group {
  readonly tops: number[];
  /** As the snapshot gives them (docs/json.md "sim"): numbers or decimal strings for integers, strings for strings. */
  readonly keys: unknown[];
  readonly elems: unknown[];
  readonly count: number;
}

export function groupAfterSetup(sc: RaceScenario, refuse: (why: string) => never): Group {
  const snap = serialSim(sc).snapshot() as unknown as Record<string, unknown>;
  if (sc.base.impl === 'classic') {
    const h = snap.header as { count: number; B: number; flags: number };
    const buckets = snap.buckets as { tophash: number[]; keys: unknown[]; elems: unknown[] }[][] | null;
    if (!buckets) refuse('the map has no bucket array yet: the insert allocates it (h.buckets = newobject(t.Bucket)), a pointer store this litmus test does not model; give the setup an insert');
    if (h.B !== 0 || snap.oldbuckets !== null || buckets.length !== 1 || buckets[0].length !== 1) refuse('the map after the setup is not one bucket (B = 0, no overflow, not growing)');
    const b = buckets[0][0];
    return { tops: b.tophash, keys: b.keys, elems: b.elems, count: h.count };
  }
  const h = snap.header as { used: number; dirLen: number };
  const small = snap.small as { ctrl: number[]; keys: unknown[]; elems: unknown[] } | null;
  if (h.dirLen === 0 && !small) refuse('the map has no group yet: the insert allocates it (growToSmall stores dirPtr), a pointer store this litmus test does not model; give the setup an insert');
  if (h.dirLen !== 0 || !small) refuse('the map after the setup is not a small map (one group, no table)');
  return { tops: small.ctrl, keys: small.keys, elems: small.elems, count: h.used };
}

/**
 * A step of an insert that starts or runs a grow (classic hashGrow, evacuate,
 * newoverflow; Swiss growToSmall, growToTable, a table's grow or split,
 * stepped or coarse).
 */
export const GROWTH_STEP = /coarse step|: grow$|newoverflow|hashGrow|evacuate|^(growToSmall|growToTable|grow|split|replaceTable|installTableSplit):/;

/**
 * Why growth is refused: the litmus enumeration multiplies every load's
 * candidate writes and every location's write orders, and one grow is
 * dozens to hundreds of them.
 */
export function growthRefusal(g: number, step: string): string {
  return `goroutine ${g} alone grows the map (${step.split(':')[0]}): a grow is hundreds of stores (one classic insert into a full bucket is 58 steps, 42 of them the grow's), and the litmus enumeration, exponential in the accesses, would not end`;
}

/** The slot and tophash / H2 goroutine g's insert writes when it runs alone (the engine's steps). */
export function soloInsert(sc: RaceScenario, g: number, refuse: (why: string) => never): { slot: number; top: number } {
  const run = startRun(sc);
  let slot = -1;
  let top = -1;
  for (let st = run.threads[g].step(); st; st = run.threads[g].step()) {
    const t = st.info.text;
    if (GROWTH_STEP.test(t)) refuse(growthRefusal(g, t));
    const m = /^store (?:tophash|ctrl) 0x([0-9a-f]+) in slot (\d+)/.exec(t);
    if (m) [top, slot] = [parseInt(m[1], 16), Number(m[2])];
  }
  if (slot < 0) refuse(`goroutine ${g} alone does not insert a new key`);
  return { slot, top };
}

/** Which shape two one-op goroutines make, with the delete or insert first; undefined if none. */
export function weakShape(sc: RaceScenario): { shape: WeakShape; order: [number, number] } | undefined {
  if (sc.goroutines.length !== 2 || sc.goroutines.some((g) => g.length !== 1)) return undefined;
  const [a, b] = sc.goroutines.map((g) => g[0].op);
  const pick = (x: string, y: string): [number, number] | undefined => (a === x && b === y ? [0, 1] : a === y && b === x ? [1, 0] : undefined);
  for (const [x, y, shape] of [['insert', 'lookup', 'insert/lookup'], ['delete', 'lookup', 'delete/lookup'], ['delete', 'insert', 'delete/insert']] as const) {
    const o = pick(x, y);
    if (o) return { shape, order: o };
  }
  return undefined;
}

export function weakOps(sc: RaceScenario, shape: WeakShape, order: [number, number], missing: string): WeakOutcomes {
  const b = sc.base;
  const classic = b.impl === 'classic';
  const refuse = (why: string): never => {
    throw new InputError(b.source, 'goroutines', `--weak: ${why}; ${missing}`);
  };
  const oneReg = (t: typeof b.type.key) => INT_KINDS.includes(underlying(t).kind) && sizeOf(t, b.arch).size <= b.arch.ptrSize;
  if (!oneReg(b.type.key)) refuse(`keys of type ${typeString(b.type.key)} are not one register`);
  if (!oneReg(b.type.elem)) refuse(`elems of type ${typeString(b.type.elem)} are not one register`);
  if (b.ops.some((op) => op.op !== 'insert')) refuse('the setup has other ops than inserts (a deleted slot changes the probes)');
  const setup = groupAfterSetup(sc, refuse);
  const big = (v: unknown): bigint => BigInt(String(v));
  const grp = { ...setup, keys: setup.keys.map(big), elems: setup.elems.map(big) };
  const empty = classic ? 0 : CTRL_EMPTY;
  const isEmpty = (t: number): boolean => (classic ? t <= EMPTY_ONE : (t & 0x80) !== 0);
  const [first, second] = order.map((g) => sc.goroutines[g][0]) as [RaceOp, RaceOp];
  const num = (v: unknown): bigint => BigInt(v as number);
  const keyOf = (op: RaceOp): bigint => num(op.key);
  const present = (k: bigint): number => grp.keys.findIndex((x, i) => !isEmpty(grp.tops[i]) && x === k);
  const bit = classic ? HASH_WRITING : 1;
  const flag = classic ? 'hashWriting' : 'writing';
  const counter = classic ? 'count' : 'used';

  // The slots: a (the deleted or looked-up key's, or the insert's alone) and n (the insert's, delete/insert).
  let a: number;
  let n = -1;
  let topN = -1;
  if (shape === 'insert/lookup') {
    if (keyOf(first) !== keyOf(second)) refuse('the lookup is of another key than the insert');
    if (present(keyOf(first)) >= 0) refuse('the inserted key is present after the setup (the update path: no slot store for the lookup to see)');
    const s = soloInsert(sc, order[0], refuse);
    [a, topN] = [s.slot, s.top];
  } else {
    a = present(keyOf(first));
    if (a < 0) refuse('the deleted key is not present after the setup');
    if (shape === 'delete/lookup' && keyOf(second) !== keyOf(first)) refuse('the lookup is of another key than the delete');
    if (shape === 'delete/insert') {
      if (present(keyOf(second)) >= 0) refuse('the inserted key is present after the setup');
      // Delete reseeds the hash when it empties the map (map_fast64.go mapdelete_fast64: h.hash0 = uint32(rand());
      // maps/map.go Delete: m.seed = uintptr(rand())), and the insert hashes with whichever seed it loads.
      if (grp.count <= 1) refuse('the delete empties the map, which reseeds the hash the racing insert may load; a litmus test cannot hash');
      const s = soloInsert(sc, order[1], refuse);
      [n, topN] = [s.slot, s.top];
      if (n === a || n >= 8) refuse('the insert alone does not take a free slot after the deleted one');
    }
  }
  // delete/insert leaves the counter out: no branch reads it (the count/used == 0 return and the growth check
  // cannot fire here), and its two plain load/store pairs, a lost update under SC already (the simulator counts
  // it), multiply the enumeration several times over.
  const lean = shape === 'delete/insert';

  // Registers: X8 flag, X9 counter, X10/X11/X12 slot a's tophash-or-ctrl / key / elem, X13/X14/X15 slot n's;
  // X7 stays 1 when the thread dies (fatal); a reader leaves found in X5 and the elem it read in X4.
  const start = (g: number): string[] => [
    'LDRB W0,[X8]', `AND W0,W0,#${bit}`, `CBNZ W0,Lfatal${g}`, // check: flag set → fatal("concurrent map writes")
    'LDRB W1,[X8]', `EOR W1,W1,#${bit}`, 'STRB W1,[X8]', //       flags ^= hashWriting / writing ^= 1
  ];
  const finish = (g: number): string[] => [
    'LDRB W0,[X8]', `AND W0,W0,#${bit}`, `CBZ W0,Lfatal${g}`, //  check: flag clear → fatal
    'LDRB W1,[X8]', classic ? `BIC W1,W1,#${bit}` : `EOR W1,W1,#${bit}`, 'STRB W1,[X8]', // clear
  ];
  const count = (delta: '+' | '-'): string[] => (lean ? [] : ['LDR X6,[X9]', `${delta === '+' ? 'ADD' : 'SUB'} X6,X6,#1`, 'STR X6,[X9]']);
  const done = (g: number): string[] => [`Ldone${g}:`, 'MOV W7,#0', `Lfatal${g}:`];

  /** mapassign_fast64 / putSlotSmallFast64 after the probe: the slot's stores in the compiled order, the counter, the final check and clear, the caller's elem store. */
  const insertTail = (g: number, op: RaceOp, t: string, k: string, e: string): string[] => {
    const stores = classic
      ? [`MOV W5,#${topN}`, `STRB W5,[${t}]`, `MOV X5,#${keyOf(op)}`, `STR X5,[${k}]`]
      : [`MOV X5,#${keyOf(op)}`, `STR X5,[${k}]`, `MOV W5,#${topN}`, `STRB W5,[${t}]`];
    return [...stores, ...count('+'), ...finish(g), `MOV X5,#${num((op as { value: unknown }).value)}`, `STR X5,[${e}]`, `B Ldone${g}`];
  };

  /** The inserting goroutine. insert/lookup: slot a, no other writer, so its probe finds a empty. delete/insert: the probe of a. */
  const inserter = (g: number, op: RaceOp): string[] => {
    if (shape === 'insert/lookup') return [...start(g), ...insertTail(g, op, 'X10', 'X11', 'X12'), ...done(g)];
    // Classic: tophash[a] empty (the delete's emptyOne or emptyRest) → insertb = a; full → the key there (A, not N:
    // no other thread writes N) and on to n, the first emptyRest (the slots between hold setup keys), so slot n.
    // Swiss: matchH2(H2(N)) matches no slot holding N (only this thread writes N), then matchEmptyOrDeleted's
    // lowest slot is a if its ctrl is empty, else n. Either way one load of slot a's byte decides.
    const probe = classic ? ['LDRB W3,[X10]', `CMP W3,#${EMPTY_ONE}`, `B.LS Lreuse${g}`] : ['LDRB W3,[X10]', 'TST W3,#128', `B.NE Lreuse${g}`];
    return [...start(g), ...probe, ...insertTail(g, op, 'X13', 'X14', 'X15'), `Lreuse${g}:`, ...insertTail(g, op, 'X10', 'X11', 'X12'), ...done(g)];
  };

  /** The deleting goroutine: mapdelete_fast64 (classic) or Delete/deleteSmall (Swiss). */
  const deleter = (g: number, op: RaceOp): string[] => {
    const A = keyOf(op);
    // The count/used == 0 early return never fires: the counter starts at ≥ 1 and only this thread lowers it.
    const probe = classic
      ? ['LDR X2,[X11]', `CMP X2,#${A}`, `B.NE Lnf${g}`, 'LDRB W3,[X10]', `CMP W3,#${EMPTY_ONE}`, `B.LS Lnf${g}`] // key, then isEmpty(tophash)
      : ['LDRB W3,[X10]', `CMP W3,#${grp.tops[a]}`, `B.NE Lnf${g}`, 'LDR X2,[X11]', `CMP X2,#${A}`, `B.NE Lnf${g}`]; // matchH2, then the key
    // Other slots cannot hold A (the setup's keys are distinct, and no thread writes A), so a miss is "not found".
    const clearElem = ['MOV X4,#0', 'STR X4,[X12]'];
    let body: string[];
    if (classic) {
      // tophash = emptyOne; then if the next slot is emptyRest (or a is the last slot, with no overflow), emptyRest.
      // The next slot is a setup key (full: no emptyRest), the insert's slot n (loaded), or empty and unwritten.
      const next = a + 1 === 8 ? 'rest' : a + 1 === n ? 'load' : isEmpty(grp.tops[a + 1]) ? 'rest' : 'full';
      const rest = next === 'rest' ? ['MOV W4,#0', 'STRB W4,[X10]'] : next === 'load' ? ['LDRB W5,[X13]', `CBNZ W5,Lnl${g}`, 'MOV W4,#0', 'STRB W4,[X10]', `Lnl${g}:`] : [];
      // The walk back from a stops at once: slot a-1 holds a setup key (not emptyOne), or a is 0.
      body = [...clearElem, `MOV W4,#${EMPTY_ONE}`, 'STRB W4,[X10]', ...rest, ...count('-')];
    } else {
      body = [...count('-'), ...clearElem, `MOV W4,#${CTRL_EMPTY}`, 'STRB W4,[X10]'];
    }
    // The reseed when the counter reaches 0 stores a seed no racing thread loads (lookups of a one-bucket / small map do not hash).
    return [...start(g), ...probe, ...body, `Lnf${g}:`, ...finish(g), `B Ldone${g}`, ...done(g)];
  };

  /** The looking-up goroutine: mapaccess2_fast64 (classic) or runtime_mapaccess2_fast64 (Swiss small), then the caller's load of the elem. */
  const reader = (g: number, op: RaceOp): string[] => {
    const K = keyOf(op);
    // Classic compares the key, then checks the tophash; Swiss loads the ctrl word, then compares the key.
    // Only slot a can hold K (it is nowhere else after the setup, and the other thread writes it to a only).
    const probe = classic
      ? ['LDR X2,[X11]', `CMP X2,#${K}`, `B.NE Labs${g}`, 'LDRB W3,[X10]', `CMP W3,#${EMPTY_ONE}`, `B.LS Labs${g}`]
      : ['LDRB W3,[X10]', 'TST W3,#128', `B.NE Labs${g}`, 'LDR X2,[X11]', `CMP X2,#${K}`, `B.NE Labs${g}`];
    return [
      'LDR X0,[X9]', `CBZ X0,Labs${g}`, // count/used == 0 → the zero value, false
      'LDRB W1,[X8]', `AND W1,W1,#${bit}`, `CBNZ W1,Lfatal${g}`, // fatal("concurrent map read and map write")
      ...probe,
      'LDR X4,[X12]', 'MOV W5,#1', `B Ldone${g}`,
      `Labs${g}:`, 'MOV W5,#0', `B Ldone${g}`,
      ...done(g),
    ];
  };

  const thread = (p: number): string[] => {
    const op = p === 0 ? first : second;
    if (op.op === 'lookup') return reader(p, op);
    if (op.op === 'delete') return deleter(p, op);
    return inserter(p, op);
  };
  const cols = [thread(0), thread(1)];
  const rows = Math.max(cols[0].length, cols[1].length);
  const slotN = n >= 0;
  const init = (p: number) => ` ${p}:X7=1; ${p}:X8=F; ${p}:X9=C; ${p}:X10=T${a}; ${p}:X11=K${a}; ${p}:X12=E${a};${slotN ? ` ${p}:X13=T${n}; ${p}:X14=K${n}; ${p}:X15=E${n};` : ''}`;
  const mem = [`F=0;`, lean ? '' : ` C=${grp.count};`, ` T${a}=${grp.tops[a]}; K${a}=${grp.keys[a]}; E${a}=${grp.elems[a]};`];
  if (slotN) mem.push(` T${n}=${empty}; K${n}=0; E${n}=0;`);
  const locs = ['F', ...(lean ? [] : ['C']), `T${a}`, `K${a}`, `E${a}`, ...(slotN ? [`T${n}`, `K${n}`, `E${n}`] : [])];
  const name = `race-${b.impl}-${shape.replace('/', '-')}`;
  const lines = [
    `AArch64 ${name}`,
    `"${shape} on one ${classic ? 'bucket' : 'small group'} of a ${b.impl} map (Go ${b.goText}): P0 ${opTextOf(first)}, P1 ${opTextOf(second)}${lean ? ` (${counter} left out: no branch reads it)` : ''}, as mapscope race --weak generates it."`,
    '{', ` ${mem.join('')}`, init(0), init(1), '}',
    ` P0${' '.repeat(18)}| P1${' '.repeat(18)};`,
  ];
  for (let i = 0; i < rows; i++) lines.push(` ${(cols[0][i] ?? '').padEnd(20)}| ${(cols[1][i] ?? '').padEnd(20)};`);
  lines.push(`locations [${locs.join('; ')};${shape.endsWith('lookup') ? ` 1:X5; 1:X4;` : ''}]`);
  lines.push('exists (0:X7=0 /\\ 1:X7=0)');
  const litmus = lines.join('\n') + '\n';
  const test = parseLitmus(litmus, `${b.source} (--weak)`);

  const topKey = new Map<number, bigint>();
  grp.tops.forEach((t, i) => { if (!isEmpty(t)) topKey.set(t, grp.keys[i]); });
  if (topN >= 0) topKey.set(topN, shape === 'delete/insert' ? keyOf(second) : keyOf(first));
  const describe = (v: Record<string, bigint>): string => {
    const dead: string[] = [];
    if (v['0:X7'] === 1n) dead.push(first.op === 'lookup' ? 'concurrent map read and map write' : 'concurrent map writes');
    if (v['1:X7'] === 1n) dead.push(second.op === 'lookup' ? 'concurrent map read and map write' : 'concurrent map writes');
    if (dead.length) return `caught (fatal error: ${[...new Set(dead)].join(' / ')})`;
    const parts: string[] = [];
    for (const s of slotN ? [a, n] : [a]) {
      const t = Number(v[`T${s}`]);
      if (isEmpty(t)) {
        parts.push(`slot ${s}: empty${v[`K${s}`] !== 0n || v[`E${s}`] !== 0n ? ` (key ${v[`K${s}`]}, elem ${v[`E${s}`]} left)` : ''}`);
        continue;
      }
      const k = v[`K${s}`];
      const torn = topKey.get(t) !== k ? ` (${classic ? 'tophash' : 'H2'} of key ${topKey.get(t)})` : '';
      parts.push(`slot ${s}: ${k} → ${v[`E${s}`]}${torn}`);
    }
    if (shape.endsWith('lookup')) parts.push(`lookup ${keyOf(second)}: ${v['1:X5'] === 1n ? `found → ${v['1:X4']}` : 'absent'}`);
    if (!lean) parts.push(`${counter} ${v.C}`);
    parts.push(`${flag} ${v.F}${v.F ? ' (left set)' : ''}`);
    return parts.join('; ');
  };
  const outcomes = (model: 'sc' | 'aarch64'): string[] => {
    const set = new Set<string>();
    for (const st of runTest(test, model).states) {
      const v = Object.fromEntries([...st.matchAll(/(\S+?)=(-?\d+);/g)].map((m) => [m[1].replace(/^\[(.*)\]$/, '$1'), BigInt(m[2])]));
      set.add(describe(v));
    }
    return [...set].sort();
  };
  const scOut = outcomes('sc');
  const armOut = outcomes('aarch64');
  return { litmus, sc: scOut, armv8: armOut, armOnly: armOut.filter((o) => !scOut.includes(o)) };
}

function opTextOf(op: RaceOp): string {
  return op.op === 'insert' ? `m[${String(op.key)}] = ${String(op.value)}` : op.op === 'delete' ? `delete(m, ${String(op.key)})` : `_, ok := m[${String(op.key)}]`;
}
