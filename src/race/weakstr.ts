/**
 * `race --weak` for a string key: one goroutine inserts new key S, the other
 * looks S up, on one bucket (classic, B = 0) or the Swiss small group.
 *
 * A string key is a header of two words, and the compiled code stores and
 * loads them separately (arm64 `go tool objdump`, go1.22.12 and go1.26.10):
 *
 *   classic mapassign_faststr (map_faststr.go): `MOVB` tophash (:285), then
 *     `MOVD R4, 8(R2)` the length, `MOVD R6, (R2)` the pointer (:289);
 *   classic mapaccess2_faststr, one bucket, key shorter than 32 bytes:
 *     per slot `MOVD 8(R4)` the length and compare, `MOVBU (R3)(R1)` the
 *     tophash (isEmpty), `MOVD (R4)` the pointer (:127–133), then
 *     `runtime.memequal(k.str, key.str, len)` unless the pointers are equal;
 *   Swiss putSlotSmallFastStr (runtime_faststr.go): `MOVD R4, 8(R9)` the
 *     length, `MOVD R3, (R6)(R5)` the pointer (:252), then `MOVB R7, (R2)`
 *     the ctrl byte (group.go:142);
 *   Swiss getWithoutKeySmallFastStr, key at most 64 bytes: the hash, `MOVD
 *     (R2)` the ctrl word (:59), per slot with a matching H2 `LDP (R2),
 *     (R5, R6)` pointer and length (:63), the length compare, memequal.
 *
 * memequal reads through the slot's pointer: a reader that sees the length
 * but not the pointer (still nil in a fresh slot) faults there. The key's
 * bytes are taken as written before the insert and visible (their own
 * message passing is not modelled); the reader's key is another copy of S
 * (a string built at run time), so the pointers differ and memequal runs.
 */
import { InputError } from '../base/errors.js';
import { parseLitmus } from '../litmus/parse.js';
import { runTest } from '../litmus/run.js';
import { HASH_WRITING } from '../model/runtime/index.js';
import { sizeOf, typeString, underlying } from '../model/types.js';
import type { RaceScenario } from './scenario.js';
import { groupAfterSetup, soloInsert, type WeakOutcomes } from './weakops.js';

/** Stand-ins for the two copies of the key's bytes: the inserting goroutine's and the reader's. */
const WRITER_DATA = 4096;
const READER_DATA = 8192;

export function weakStringInsertLookup(sc: RaceScenario, order: [number, number], missing: string): WeakOutcomes {
  const b = sc.base;
  const classic = b.impl === 'classic';
  const refuse = (why: string): never => {
    throw new InputError(b.source, 'goroutines', `--weak: ${why}; ${missing}`);
  };
  const elemInt = ['int', 'int8', 'int16', 'int32', 'int64', 'uint', 'uint8', 'uint16', 'uint32', 'uint64', 'uintptr'].includes(underlying(b.type.elem).kind);
  if (!elemInt || sizeOf(b.type.elem, b.arch).size > b.arch.ptrSize) refuse(`elems of type ${typeString(b.type.elem)} are not one register`);
  if (b.arch.ptrSize !== 8) refuse('a string header of two 4-byte words (32-bit targets) is not modelled');
  if (b.ops.some((op) => op.op !== 'insert')) refuse('the setup has other ops than inserts');
  const [ins, look] = order.map((g) => sc.goroutines[g][0]);
  const S = ins.key as string;
  if (look.key !== S) refuse('the lookup is of another key than the insert');
  const len = Buffer.byteLength(S, 'utf8');
  // Longer keys take other paths: classic's long-key probe (map_faststr.go, key.len >= 32), Swiss's quick test and hash (> 64).
  if (len === 0 || len >= (classic ? 32 : 65)) refuse(`a key of ${len} bytes takes another path than the short-key compare`);
  const grp = groupAfterSetup(sc, refuse);
  if (grp.keys.some((k, i) => (classic ? grp.tops[i] > 1 : (grp.tops[i] & 0x80) === 0) && k === S)) refuse('the inserted key is present after the setup');
  const { slot: s, top } = soloInsert(sc, order[0], refuse);
  const bit = classic ? HASH_WRITING : 1;
  const flag = classic ? 'hashWriting' : 'writing';
  const counter = classic ? 'count' : 'used';
  const empty = classic ? 0 : 0x80;
  const value = BigInt((ins as { value: unknown }).value as number);

  // Registers: X8 flag, X9 counter, X10 tophash/ctrl, X11 length word, X12 pointer word, X13 elem; X7 stays 1 on a
  // fatal; the reader leaves found in X5, the elem in X4, and 1 in X6 when memequal faults.
  const writer = [
    'LDRB W0,[X8]', `AND W0,W0,#${bit}`, 'CBNZ W0,Lfatal0', 'LDRB W1,[X8]', `EOR W1,W1,#${bit}`, 'STRB W1,[X8]',
    ...(classic
      ? [`MOV W5,#${top}`, 'STRB W5,[X10]', `MOV X5,#${len}`, 'STR X5,[X11]', `MOV X5,#${WRITER_DATA}`, 'STR X5,[X12]']
      : [`MOV X5,#${len}`, 'STR X5,[X11]', `MOV X5,#${WRITER_DATA}`, 'STR X5,[X12]', `MOV W5,#${top}`, 'STRB W5,[X10]']),
    'LDR X6,[X9]', 'ADD X6,X6,#1', 'STR X6,[X9]',
    'LDRB W0,[X8]', `AND W0,W0,#${bit}`, 'CBZ W0,Lfatal0', 'LDRB W1,[X8]', classic ? `BIC W1,W1,#${bit}` : `EOR W1,W1,#${bit}`, 'STRB W1,[X8]',
    `MOV X5,#${value}`, 'STR X5,[X13]', 'MOV W7,#0', 'Lfatal0:',
  ];
  const probe = classic
    ? ['LDR X1,[X11]', `CMP X1,#${len}`, 'B.NE Labs1', 'LDRB W3,[X10]', 'CMP W3,#1', 'B.LS Labs1', 'LDR X2,[X12]']
    : ['LDRB W3,[X10]', `CMP W3,#${top}`, 'B.NE Labs1', 'LDR X2,[X12]', 'LDR X1,[X11]', `CMP X1,#${len}`, 'B.NE Labs1'];
  const reader = [
    'LDR X0,[X9]', 'CBZ X0,Labs1', // count/used == 0
    'LDRB W0,[X8]', `AND W0,W0,#${bit}`, 'CBNZ W0,Lfatal1', // fatal("concurrent map read and map write")
    ...probe,
    `CMP X2,#${READER_DATA}`, 'B.EQ Lfound1', // pointers equal: no compare (never: two copies)
    'CBZ X2,Lfault1', // memequal(nil, …, len): the load faults
    'Lfound1:', 'LDR X4,[X13]', 'MOV W5,#1', 'B Ldone1',
    'Lfault1:', 'MOV W6,#1', 'B Lfatal1',
    'Labs1:', 'MOV W5,#0',
    'Ldone1:', 'MOV W7,#0', 'Lfatal1:',
  ];
  const rows = Math.max(writer.length, reader.length);
  const regs = (p: number) => ` ${p}:X7=1; ${p}:X8=F; ${p}:X9=C; ${p}:X10=T${s}; ${p}:X11=L${s}; ${p}:X12=P${s}; ${p}:X13=E${s};`;
  const lines = [
    `AArch64 race-${b.impl}-string-insert-lookup`,
    `"insert/lookup of the string key ${JSON.stringify(S).replace(/"/g, "'")} on one ${classic ? 'bucket' : 'small group'} of a ${b.impl} map (Go ${b.goText}): the header's two words, as mapscope race --weak generates it."`,
    '{', ` F=0; C=${grp.count}; T${s}=${empty}; L${s}=0; P${s}=0; E${s}=0;`, regs(0), regs(1), '}',
    ` P0${' '.repeat(18)}| P1${' '.repeat(18)};`,
  ];
  for (let i = 0; i < rows; i++) lines.push(` ${(writer[i] ?? '').padEnd(20)}| ${(reader[i] ?? '').padEnd(20)};`);
  lines.push(`locations [F; C; T${s}; L${s}; P${s}; E${s}; 1:X5; 1:X4; 1:X6;]`);
  lines.push('exists (0:X7=0 /\\ 1:X7=0)');
  const litmus = lines.join('\n') + '\n';
  const test = parseLitmus(litmus, `${b.source} (--weak)`);
  const describe = (v: Record<string, bigint>): string => {
    if (v['1:X6'] === 1n) return 'fault (the lookup saw the slot\'s length without its pointer: memequal through nil)';
    if (v['0:X7'] === 1n || v['1:X7'] === 1n) return 'caught (fatal error: concurrent map read and map write)';
    const header = v[`P${s}`] === BigInt(WRITER_DATA) && v[`L${s}`] === BigInt(len) ? JSON.stringify(S) : `(length ${v[`L${s}`]}, pointer ${v[`P${s}`]})`;
    return [
      `slot ${s}: ${header} → ${v[`E${s}`]}`,
      `lookup ${JSON.stringify(S)}: ${v['1:X5'] === 1n ? `found → ${v['1:X4']}` : 'absent'}`,
      `${counter} ${v.C}`, `${flag} ${v.F}`,
    ].join('; ');
  };
  const outcomes = (model: 'sc' | 'aarch64'): string[] => {
    const set = new Set<string>();
    for (const st of runTest(test, model).states) {
      set.add(describe(Object.fromEntries([...st.matchAll(/(\S+?)=(-?\d+);/g)].map((m) => [m[1].replace(/^\[(.*)\]$/, '$1'), BigInt(m[2])]))));
    }
    return [...set].sort();
  };
  const scOut = outcomes('sc');
  const armOut = outcomes('aarch64');
  return { litmus, sc: scOut, armv8: armOut, armOnly: armOut.filter((o) => !scOut.includes(o)) };
}
