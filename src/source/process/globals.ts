/**
 * Every map reachable from a program's global variables, found by walking
 * their DWARF types through the process's memory: struct members, array and
 * slice elements, the targets of typed pointers and, through a callback the
 * checkers provide (they know how to find a map's live entries), the elements
 * of maps, and interfaces through their dynamic type (DynamicTypeFn: the
 * runtime type descriptor's DWARF DIE; the same mapping gives MapSource's
 * dynamicTypes for keys holding interfaces). Channels and functions are not
 * followed.
 *
 * Names read like Go: `main.cfg.byID`, `main.list[3]`, `main.holder.M`
 * (through a pointer), `main.m["k"]` (a map element). Everything is bounded:
 * a visited set (address and type) ends cycles, and caps on depth, visits,
 * slice lengths and maps end pathological or corrupt memory. Memory that
 * cannot be read ends that branch, never the walk.
 */
import { MemoryError, decodeUint, type MemoryReader } from '../../model/memory.js';
import type { MapType } from '../../model/types.js';
import { decodeValue } from '../../model/values.js';
import type { MapSource } from '../types.js';
import type { Die } from '../../binary/dwarf.js';
import { KIND, type DwarfTypes } from '../../binary/dwarftypes.js';

export type EntriesFn = (m: MapSource, limit: number) => { key: bigint; elem: bigint }[];

/**
 * The DWARF type DIE of the runtime type descriptor at a run-time address
 * (an interface's dynamic type), or undefined when it cannot be told.
 */
export type DynamicTypeFn = (descriptor: number) => Die | undefined;

export interface WalkOptions {
  entries?: EntriesFn;
  /** Follows interfaces through their dynamic type; without it interfaces are not followed. */
  dynamicType?: DynamicTypeFn;
  /** Maps returned at most (default 10000). */
  maxMaps?: number;
  /** Pointers, elements and map entries followed from a global (default 16). */
  maxDepth?: number;
  /** Values visited in all (default 1,000,000). */
  maxVisits?: number;
  /** Elements of one slice or array, and entries of one map, visited at most (default 65536). */
  maxElems?: number;
}

export interface WalkRoot {
  name: string;
  addr: number;
  type: Die;
}

interface Item {
  addr: number;
  die: Die;
  name: string;
  depth: number;
}

export function walkGlobals(
  reader: MemoryReader,
  types: DwarfTypes,
  roots: readonly WalkRoot[],
  makeSource: (name: string, addr: bigint, type: MapType, die: Die) => MapSource | undefined,
  opts: WalkOptions,
): MapSource[] {
  const maxMaps = opts.maxMaps ?? 10000;
  const maxDepth = opts.maxDepth ?? 16;
  const maxVisits = opts.maxVisits ?? 1_000_000;
  const maxElems = opts.maxElems ?? 1 << 16;
  const W = reader.arch.ptrSize;
  const big = reader.arch.bigEndian;
  const holds = new Map<number, boolean>();
  const out: MapSource[] = [];
  const seenMaps = new Set<number>();
  const seen = new Set<string>();
  let visits = 0;

  /** Whether a value of this type can lead to a map (memoized; a type on the current path counts as no). */
  const mayHoldMap = (die: Die | undefined, path = new Set<number>()): boolean => {
    if (!die) return false;
    const known = holds.get(die.offset);
    if (known !== undefined) return known;
    if (path.has(die.offset)) return false;
    path.add(die.offset);
    const k = types.kind(die);
    let r = false;
    if (k === KIND.map) r = true;
    else if (k === KIND.interface) r = opts.dynamicType !== undefined;
    else if (k === KIND.pointer || k === KIND.array) r = mayHoldMap(types.ref(types.resolve(die), 0x49), path);
    else if (k === KIND.slice) r = mayHoldMap(types.elem(types.resolve(die) ?? die), path);
    else if (k === KIND.struct) {
      const s = types.resolve(die);
      r = s !== undefined && types.members(s).some((m) => mayHoldMap(m.type, path));
    }
    path.delete(die.offset);
    // Only cache definite answers and answers reached without a cycle cut.
    if (r || path.size === 0) holds.set(die.offset, r);
    return r;
  };

  const word = (addr: number): number => {
    const v = decodeUint(reader.read(addr, W), big);
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : Number(v);
  };

  const keyText = (t: MapType, addr: bigint): string => {
    try {
      const v = decodeValue(reader, t.key, Number(addr));
      const s = typeof v === 'string' ? JSON.stringify(v) : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
      return s.length <= 64 ? s : '…';
    } catch {
      return '…';
    }
  };

  const stack: Item[] = roots.slice().reverse().filter((r) => mayHoldMap(r.type)).map((r) => ({ addr: r.addr, die: r.type, name: r.name, depth: 0 }));
  while (stack.length > 0 && out.length < maxMaps && visits < maxVisits) {
    const it = stack.pop() as Item;
    visits++;
    try {
      const die = types.resolve(it.die);
      if (!die) continue;
      const k = types.kind(die);
      if (k === KIND.map) {
        const h = word(it.addr);
        if (h <= 0 || seenMaps.has(h)) continue;
        seenMaps.add(h);
        const mt = types.mapType(die);
        if (!mt) continue;
        const src = makeSource(it.name, BigInt(h), mt, die);
        if (!src) continue;
        out.push(src);
        const elemDie = types.ref(die, 0x2902);
        if (opts.entries && it.depth < maxDepth && mayHoldMap(elemDie) && elemDie) {
          let entries: { key: bigint; elem: bigint }[] = [];
          try {
            entries = opts.entries(src, maxElems);
          } catch (e) {
            if (!(e instanceof MemoryError)) throw e;
          }
          const next: Item[] = entries.slice(0, maxElems).map((e) => ({ addr: Number(e.elem), die: elemDie, name: `${it.name}[${keyText(mt, e.key)}]`, depth: it.depth + 1 }));
          stack.push(...next.reverse());
        }
      } else if (k === KIND.pointer) {
        if (it.depth >= maxDepth) continue;
        const p = word(it.addr);
        const target = types.ref(die, 0x49);
        if (p <= 0 || !target) continue;
        const key = `${p}:${target.offset}`;
        if (seen.has(key)) continue;
        seen.add(key);
        stack.push({ addr: p, die: target, name: it.name, depth: it.depth + 1 });
      } else if (k === KIND.slice) {
        if (it.depth >= maxDepth) continue;
        const elem = types.elem(die);
        const es = types.size(elem);
        const base = word(it.addr);
        const len = word(it.addr + W);
        if (!elem || es === undefined || base <= 0 || len <= 0) continue;
        const n = Math.min(len, maxElems);
        for (let i = n - 1; i >= 0; i--) stack.push({ addr: base + i * es, die: elem, name: `${it.name}[${i}]`, depth: it.depth + 1 });
      } else if (k === KIND.array) {
        const elem = types.ref(die, 0x49);
        const es = types.size(elem);
        const n = Math.min(types.arrayLen(die) ?? 0, maxElems);
        if (!elem || es === undefined || !mayHoldMap(elem)) continue;
        for (let i = n - 1; i >= 0; i--) stack.push({ addr: it.addr + i * es, die: elem, name: `${it.name}[${i}]`, depth: it.depth });
      } else if (k === KIND.interface && opts.dynamicType) {
        if (it.depth >= maxDepth) continue;
        // eface {_type, data}; iface {tab, data} with itab._type one word into the itab.
        const rep = types.structOf(die);
        const first = rep ? types.members(rep)[0]?.name : undefined;
        let t = word(it.addr);
        if (t <= 0) continue;
        if (first === 'tab') t = Number(itabType(reader, BigInt(t)));
        const dyn = t > 0 ? opts.dynamicType(t) : undefined;
        if (!dyn || !mayHoldMap(dyn)) continue;
        // Pointer-shaped values sit in the data word itself; others are pointed to by it.
        const at = directIface(types, dyn) ? it.addr + W : word(it.addr + W);
        if (at <= 0) continue;
        const key = `${at}:${dyn.offset}`;
        if (seen.has(key)) continue;
        seen.add(key);
        stack.push({ addr: at, die: dyn, name: `${it.name}.(${types.name(dyn) || '?'})`, depth: it.depth + 1 });
      } else if (k === KIND.struct) {
        const ms = types.members(die).filter((m) => mayHoldMap(m.type));
        for (let i = ms.length - 1; i >= 0; i--) {
          const m = ms[i];
          if (m.type) stack.push({ addr: it.addr + m.offset, die: m.type, name: `${it.name}.${m.name}`, depth: it.depth });
        }
      }
    } catch (e) {
      if (!(e instanceof MemoryError)) throw e;
    }
  }
  return out;
}

/**
 * The `_type` word of the itab at `tab`: itab{inter, _type, …} (runtime2.go
 * up to 1.22) and abi.ITab{Inter, Type, …} (1.24 and 1.27 read) both keep it one word in.
 * Throws MemoryError when unreadable.
 */
export function itabType(reader: MemoryReader, tab: bigint): bigint {
  const W = reader.arch.ptrSize;
  return decodeUint(reader.read(tab + BigInt(W), W), reader.arch.bigEndian);
}

/**
 * Whether a value of this type is stored in an interface's data word itself
 * (cmd/compile types.IsDirectIface): pointer-shaped types, and structs with
 * one field and arrays of one element that are themselves direct.
 */
export function directIface(types: DwarfTypes, die: Die, depth = 0): boolean {
  if (depth > 16) return false;
  const d = types.resolve(die) ?? die;
  const k = types.kind(d);
  if (k === KIND.pointer || k === KIND.map || k === KIND.chan || k === KIND.func || k === KIND.unsafePointer) return true;
  if (k === KIND.array) {
    const e = types.ref(d, 0x49);
    return types.arrayLen(d) === 1 && e !== undefined && directIface(types, e, depth + 1);
  }
  if (k === KIND.struct) {
    const ms = types.members(d);
    return ms.length === 1 && ms[0].type !== undefined && directIface(types, ms[0].type, depth + 1);
  }
  return false;
}
