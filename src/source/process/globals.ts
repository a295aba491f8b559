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
import { AT } from '../../binary/dwarfconst.js';

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

type MakeSource = (name: string, addr: bigint, type: MapType, die: Die) => MapSource | undefined;

/** Every map reachable from `roots`, in the order a depth-first walk meets them (see the top of this file). */
export function walkGlobals(reader: MemoryReader, types: DwarfTypes, roots: readonly WalkRoot[], makeSource: MakeSource, opts: WalkOptions): MapSource[] {
  return new GlobalWalk(reader, types, makeSource, opts).run(roots);
}

/**
 * One walk: a stack of values still to visit, one method per kind of value
 * (each pushes what the value leads to), and the bounds that end it.
 */
class GlobalWalk {
  private readonly maxMaps: number;
  private readonly maxDepth: number;
  private readonly maxVisits: number;
  private readonly maxElems: number;
  private readonly W: number;
  /** Whether a type (by DIE offset) can lead to a map. */
  private readonly holds = new Map<number, boolean>();
  private readonly out: MapSource[] = [];
  /** Map header addresses already reported. */
  private readonly seenMaps = new Set<number>();
  /** "address:type" of pointer and interface targets already followed. */
  private readonly seen = new Set<string>();
  private readonly stack: Item[] = [];
  private visits = 0;

  constructor(
    private readonly reader: MemoryReader,
    private readonly types: DwarfTypes,
    private readonly makeSource: MakeSource,
    private readonly opts: WalkOptions,
  ) {
    this.maxMaps = opts.maxMaps ?? 10000;
    this.maxDepth = opts.maxDepth ?? 16;
    this.maxVisits = opts.maxVisits ?? 1_000_000;
    this.maxElems = opts.maxElems ?? 1 << 16;
    this.W = reader.arch.ptrSize;
  }

  run(roots: readonly WalkRoot[]): MapSource[] {
    this.stack.push(...roots.slice().reverse().filter((r) => this.mayHoldMap(r.type)).map((r) => ({ addr: r.addr, die: r.type, name: r.name, depth: 0 })));
    while (this.stack.length > 0 && this.out.length < this.maxMaps && this.visits < this.maxVisits) {
      const it = this.stack.pop() as Item;
      this.visits++;
      try {
        this.visit(it);
      } catch (e) {
        // Memory that cannot be read ends this branch, never the walk.
        if (!(e instanceof MemoryError)) throw e;
      }
    }
    return this.out;
  }

  private visit(it: Item): void {
    const die = this.types.resolve(it.die);
    if (!die) return;
    switch (this.types.kind(die)) {
      case KIND.map: return this.map(it, die);
      case KIND.pointer: return this.pointer(it, die);
      case KIND.slice: return this.slice(it, die);
      case KIND.array: return this.array(it, die);
      case KIND.interface: return this.iface(it, die);
      case KIND.struct: return this.struct(it, die);
    }
  }

  /** Whether a value of this type can lead to a map (memoized; a type on the current path counts as no). */
  private mayHoldMap(die: Die | undefined, path = new Set<number>()): boolean {
    if (!die) return false;
    const known = this.holds.get(die.offset);
    if (known !== undefined) return known;
    if (path.has(die.offset)) return false;
    path.add(die.offset);
    const types = this.types;
    const k = types.kind(die);
    let r = false;
    if (k === KIND.map) r = true;
    else if (k === KIND.interface) r = this.opts.dynamicType !== undefined;
    else if (k === KIND.pointer || k === KIND.array) r = this.mayHoldMap(types.ref(types.resolve(die), AT.type), path);
    else if (k === KIND.slice) r = this.mayHoldMap(types.elem(types.resolve(die) ?? die), path);
    else if (k === KIND.struct) {
      const s = types.resolve(die);
      r = s !== undefined && types.members(s).some((m) => this.mayHoldMap(m.type, path));
    }
    path.delete(die.offset);
    // Only cache definite answers and answers reached without a cycle cut.
    if (r || path.size === 0) this.holds.set(die.offset, r);
    return r;
  }

  /** A pointer-sized word, or -1 when it is too large to be an address here. */
  private word(addr: number): number {
    const v = decodeUint(this.reader.read(addr, this.W), this.reader.arch.bigEndian);
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : Number(v);
  }

  /** A map key as it appears in a name (`m["k"]`, `m[3]`), or … when unreadable or long. */
  private keyText(t: MapType, addr: bigint): string {
    try {
      const v = decodeValue(this.reader, t.key, Number(addr));
      const s = typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
      return s.length <= 64 ? s : '…';
    } catch {
      return '…';
    }
  }

  /** Pushes a pointer or interface target once per (address, type): cycles end here. */
  private follow(addr: number, die: Die, name: string, depth: number): void {
    const key = `${addr}:${die.offset}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.stack.push({ addr, die, name, depth });
  }

  /** A map variable: report its map once, then walk its elements if they can hold maps. */
  private map(it: Item, die: Die): void {
    const h = this.word(it.addr);
    if (h <= 0 || this.seenMaps.has(h)) return;
    this.seenMaps.add(h);
    const mt = this.types.mapType(die);
    if (!mt) return;
    const src = this.makeSource(it.name, BigInt(h), mt, die);
    if (!src) return;
    this.out.push(src);
    const elemDie = this.types.ref(die, AT.goElem);
    if (!this.opts.entries || it.depth >= this.maxDepth || !elemDie || !this.mayHoldMap(elemDie)) return;
    let entries: { key: bigint; elem: bigint }[] = [];
    try {
      entries = this.opts.entries(src, this.maxElems);
    } catch (e) {
      if (!(e instanceof MemoryError)) throw e;
    }
    const next = entries.slice(0, this.maxElems).map((e) => ({ addr: Number(e.elem), die: elemDie, name: `${it.name}[${this.keyText(mt, e.key)}]`, depth: it.depth + 1 }));
    this.stack.push(...next.reverse());
  }

  private pointer(it: Item, die: Die): void {
    if (it.depth >= this.maxDepth) return;
    const p = this.word(it.addr);
    const target = this.types.ref(die, AT.type);
    if (p <= 0 || !target) return;
    this.follow(p, target, it.name, it.depth + 1);
  }

  private slice(it: Item, die: Die): void {
    if (it.depth >= this.maxDepth) return;
    const elem = this.types.elem(die);
    const es = this.types.size(elem);
    const base = this.word(it.addr);
    const len = this.word(it.addr + this.W);
    if (!elem || es === undefined || base <= 0 || len <= 0) return;
    const n = Math.min(len, this.maxElems);
    for (let i = n - 1; i >= 0; i--) this.stack.push({ addr: base + i * es, die: elem, name: `${it.name}[${i}]`, depth: it.depth + 1 });
  }

  /** An array's elements sit in place: same depth. */
  private array(it: Item, die: Die): void {
    const elem = this.types.ref(die, AT.type);
    const es = this.types.size(elem);
    const n = Math.min(this.types.arrayLen(die) ?? 0, this.maxElems);
    if (!elem || es === undefined || !this.mayHoldMap(elem)) return;
    for (let i = n - 1; i >= 0; i--) this.stack.push({ addr: it.addr + i * es, die: elem, name: `${it.name}[${i}]`, depth: it.depth });
  }

  /** An interface, through its dynamic type (only when the caller can map descriptors to DIEs). */
  private iface(it: Item, die: Die): void {
    if (!this.opts.dynamicType || it.depth >= this.maxDepth) return;
    // eface {_type, data}; iface {tab, data} with itab._type one word into the itab.
    const rep = this.types.structOf(die);
    const first = rep ? this.types.members(rep)[0]?.name : undefined;
    let t = this.word(it.addr);
    if (t <= 0) return;
    if (first === 'tab') t = Number(itabType(this.reader, BigInt(t)));
    const dyn = t > 0 ? this.opts.dynamicType(t) : undefined;
    if (!dyn || !this.mayHoldMap(dyn)) return;
    // Pointer-shaped values sit in the data word itself; others are pointed to by it.
    const at = directIface(this.types, dyn) ? it.addr + this.W : this.word(it.addr + this.W);
    if (at <= 0) return;
    this.follow(at, dyn, `${it.name}.(${this.types.name(dyn) || '?'})`, it.depth + 1);
  }

  /** A struct's members sit in place: same depth; only members that can hold maps. */
  private struct(it: Item, die: Die): void {
    const ms = this.types.members(die).filter((m) => this.mayHoldMap(m.type));
    for (let i = ms.length - 1; i >= 0; i--) {
      const m = ms[i];
      if (m.type) this.stack.push({ addr: it.addr + m.offset, die: m.type, name: `${it.name}.${m.name}`, depth: it.depth });
    }
  }
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
    const e = types.ref(d, AT.type);
    return types.arrayLen(d) === 1 && e !== undefined && directIface(types, e, depth + 1);
  }
  if (k === KIND.struct) {
    const ms = types.members(d);
    return ms.length === 1 && ms[0].type !== undefined && directIface(types, ms[0].type, depth + 1);
  }
  return false;
}
