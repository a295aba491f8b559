/**
 * False sharing found statically: in a `map[K]*T` read from a core dump or
 * a live process (src/source), which elems point at a T that shares a cache
 * line with the T of a different key. Two goroutines that each update "their
 * own" key's T then write the same line, as the benchmark's mapptr layout
 * measures. The map's live entries come from the checker's own reading
 * (src/check entriesOf), the pointers from the process's memory; nothing is
 * read a second way.
 *
 * A pointee spans lines [addr/L, (addr+size-1)/L]; an elem "shares" when one
 * of those lines holds a pointee of another key. Two keys pointing at the
 * same T share it outright and are also counted as aliased. Nil elems are
 * counted apart and share nothing. The work is bounded: at most MAX_ENTRIES
 * entries, and a pointee of more than MAX_LINES lines is judged by its end lines.
 */
import { InputError } from '../base/errors.js';
import { MemoryError, decodeUint } from '../model/memory.js';
import { sizeOf, typeString, underlying } from '../model/types.js';
import { decodeValue } from '../model/values.js';
import { entriesOf } from '../check/index.js';
import type { MapSource } from '../source/types.js';

/** Entries of one map read at most. */
export const MAX_ENTRIES = 1 << 20;

/** Pointees spanning more lines than this are judged by their first and last line only (bounds the work). */
export const MAX_LINES = 64;

export interface SharedPointeeLine {
  /** The line's address (hex). */
  readonly line: string;
  /** The keys whose pointees touch it, as Go would print them (cut to 64 characters). */
  readonly keys: readonly string[];
}

export interface PointeeSharing {
  readonly map: string;
  readonly address: string;
  readonly type: string;
  readonly pointee: string;
  readonly pointeeSize: number;
  readonly line: number;
  /** Live entries read. */
  readonly elems: number;
  readonly nil: number;
  /** Elems whose pointee shares a line with the pointee of another key. */
  readonly sharing: number;
  /** Elems whose pointee is also another key's pointee (included in sharing). */
  readonly aliased: number;
  /** Distinct lines holding pointees of two or more keys. */
  readonly lines: readonly SharedPointeeLine[];
  /** Entries whose elem word could not be read (counted in none of the above). */
  readonly unreadable: number;
}

/** Whether a map's elems are pointers (the only maps this looks at). */
export function isPointerMap(src: MapSource): boolean {
  return underlying(src.type.elem).kind === 'pointer';
}

function keyText(src: MapSource, key: bigint): string {
  try {
    const v = decodeValue(src.reader, src.type.key, Number(key));
    const s = typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' ? String(v) : JSON.stringify(v);
    return s.length <= 64 ? s : `${s.slice(0, 61)}…`;
  } catch {
    return `key@0x${key.toString(16)}`;
  }
}

/**
 * `namedSize`: the size of a named pointee the model keeps opaque (DWARF's
 * size, from the process's executable); a pointee of unknown size is refused.
 */
export function pointeeSharing(src: MapSource, line: number, namedSize: (name: string) => number | undefined): PointeeSharing {
  const elemT = underlying(src.type.elem);
  if (elemT.kind !== 'pointer') throw new Error(`${src.name}: not a map of pointers`);
  const arch = src.reader.arch;
  const size = elemT.elem.kind === 'opaque' ? namedSize(elemT.elem.name) : sizeOf(elemT.elem, arch).size;
  if (size === undefined) throw new InputError(src.name, undefined, `the size of ${typeString(elemT.elem)} is unknown (no DWARF for it), so which lines its pointees touch cannot be told`);
  const entries = entriesOf(src, MAX_ENTRIES);
  const L = BigInt(line);
  const pointees: { key: string; addr: bigint }[] = [];
  let nil = 0;
  let unreadable = 0;
  for (const e of entries) {
    let p: bigint;
    try {
      p = decodeUint(src.reader.read(e.elem, arch.ptrSize), arch.bigEndian);
    } catch (err) {
      if (!(err instanceof MemoryError)) throw err;
      unreadable++;
      continue;
    }
    if (p === 0n) nil++;
    else pointees.push({ key: keyText(src, e.key), addr: p });
  }
  // Which entries touch each line.
  const byLine = new Map<bigint, number[]>();
  const touch = (l: bigint, i: number) => {
    const on = byLine.get(l);
    if (on) on.push(i);
    else byLine.set(l, [i]);
  };
  pointees.forEach((pt, i) => {
    const first = pt.addr / L;
    const last = (pt.addr + BigInt(Math.max(size, 1)) - 1n) / L;
    // A big pointee's inner lines are its own (unless another key points inside it): its end lines are
    // where another object can sit, so a pointee of more than MAX_LINES lines is judged by those two.
    if (last - first >= BigInt(MAX_LINES)) {
      touch(first, i);
      touch(last, i);
    } else for (let l = first; l <= last; l++) touch(l, i);
  });
  const sharingSet = new Set<number>();
  const lines: SharedPointeeLine[] = [];
  for (const [l, idx] of [...byLine].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (idx.length < 2) continue;
    for (const i of idx) sharingSet.add(i);
    // Keys in address order: the order their pointees sit on the line.
    const inOrder = [...idx].sort((a, b) => (pointees[a].addr < pointees[b].addr ? -1 : pointees[a].addr > pointees[b].addr ? 1 : a - b));
    lines.push({ line: `0x${(l * L).toString(16)}`, keys: inOrder.map((i) => pointees[i].key) });
  }
  const byAddr = new Map<bigint, number>();
  for (const pt of pointees) byAddr.set(pt.addr, (byAddr.get(pt.addr) ?? 0) + 1);
  const aliased = pointees.filter((pt) => (byAddr.get(pt.addr) ?? 0) > 1).length;
  return {
    map: src.name,
    address: `0x${src.addr.toString(16)}`,
    type: typeString(src.type),
    pointee: typeString(elemT.elem),
    pointeeSize: size,
    line,
    elems: entries.length,
    nil,
    sharing: sharingSet.size,
    aliased,
    lines,
    unreadable,
  };
}
