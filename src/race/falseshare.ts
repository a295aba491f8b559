/**
 * False sharing, planned: where N counters sit in memory, and which of the
 * ones goroutines write share a cache line.
 *
 * `mapscope falseshare` runs a real Go benchmark (falsesharerun.ts): G
 * goroutines each add to their own counter with sync/atomic, and the time per
 * add is measured for several placements of the same counters:
 *
 *   struct / array  the user's type (or `[N]int64`) at a line-aligned address;
 *                   each counter at the offset src/layout gives it, the
 *                   offsets `mapscope layout` prints for that Go and GOARCH
 *   pad64 / pad128  counter i alone at byte i×64 (i×128) of a line-aligned
 *                   region: the usual cure, and the baseline
 *   mapptr          `map[int]*T`, one `new(T)` per key in key order; the
 *                   allocator packs small pointees one after another (the
 *                   tiny allocator for pointer-free T under 16 bytes, else
 *                   T's size class: src/model/malloc.ts packedOffsets)
 *
 * This file computes each placement's offsets and the lines they share,
 * and writes the Go program; the program prints the real addresses, which
 * falsesharerun.ts checks against these offsets (for mapptr, the real
 * addresses decide, and the prediction is shown beside them).
 */
import { UsageError, InputError } from '../base/errors.js';
import { describeStruct, parseTypeFor, type LayoutTarget } from '../layout/index.js';
import { linesOf } from '../layout/cachelines.js';
import { packedOffsets } from '../model/malloc.js';
import { sizeOf, typeString, underlying, type GoType } from '../model/types.js';

export const LAYOUT_NAMES = ['struct', 'array', 'pad64', 'pad128', 'mapptr'] as const;
export type LayoutName = (typeof LAYOUT_NAMES)[number];

/** Most counters a benchmark holds, and most goroutines it starts. */
export const MAX_COUNTERS = 1024;
export const MAX_GOROUTINES = 256;
/** Largest --type the program places (a region this big is allocated per layout). */
export const MAX_TYPE_BYTES = 1 << 20;

/** One counter: where it sits from the start of its layout's region, and how the program reaches it. */
export interface Counter {
  readonly name: string;
  readonly offset: number;
  /** 8 or 4: the counter is added to with atomic.AddUint64 or AddUint32. */
  readonly size: 4 | 8;
  /** Go type of the counter, as written in the program. */
  readonly goType: string;
}

export interface PlannedLayout {
  readonly name: LayoutName;
  /** One line for people: what the counters are. */
  readonly what: string;
  readonly counters: readonly Counter[];
  /** For mapptr: the offsets are a prediction from the allocator's packing, the real addresses decide. */
  readonly predicted: boolean;
}

export interface Plan {
  readonly target: LayoutTarget;
  readonly line: number;
  readonly goroutines: number;
  /** The user's type, laid out (absent when only pad/mapptr layouts run). */
  readonly userType?: string;
  readonly layouts: readonly PlannedLayout[];
}

export interface PlanOptions {
  readonly target: LayoutTarget;
  /** Cache line size the regions are aligned to and sharing is judged by. */
  readonly line: number;
  readonly counters?: number;
  readonly goroutines?: number;
  /** A struct or array type expression; default `[N]int64`. */
  readonly type?: string;
  /** Which layouts; default the user's (struct or array), pad64, pad128, mapptr. */
  readonly layouts?: readonly LayoutName[];
}

/** A counter's type, when atomic adds can update it: a 4- or 8-byte integer, or sync/atomic's integer types. */
function counterSize(t: GoType, target: LayoutTarget): 4 | 8 | undefined {
  if (t.kind === 'named' && /^atomic\.(Int32|Int64|Uint32|Uint64|Uintptr)$/.test(t.name)) return sizeOf(t, target.arch).size as 4 | 8;
  const u = underlying(t);
  if (!['int', 'uint', 'uintptr', 'int32', 'uint32', 'int64', 'uint64'].includes(u.kind)) return undefined;
  const s = sizeOf(u, target.arch).size;
  return s === 4 || s === 8 ? s : undefined;
}

/**
 * Go source for a type mapscope parsed: basic types as they are, sync/atomic's
 * types by name (their align64 marker matters), other named types as their
 * underlying type (the same layout), structs and arrays spelled out.
 */
export function goSource(t: GoType): string {
  switch (t.kind) {
    case 'named':
      if (/^atomic\.\w+$/.test(t.name) && t.name !== 'atomic.align64' && t.name !== 'atomic.noCopy') return t.name;
      return goSource(t.underlying);
    case 'struct':
      return t.fields.length === 0 ? 'struct{}' : `struct { ${t.fields.map((f) => `${f.embedded ? `F${f.name.replace(/\W/g, '_')}` : f.name} ${goSource(f.type)}`).join('; ')} }`;
    case 'array':
      return `[${t.len}]${goSource(t.elem)}`;
    case 'pointer':
      return `*${goSource(t.elem)}`;
    case 'opaque':
      throw new InputError('--type', undefined, `${t.name} has no definition mapscope knows, so no program can be written for it`);
    default:
      if (['slice', 'map', 'chan', 'func', 'interface'].includes(t.kind)) return typeString(t);
      return t.kind === 'unsafe.Pointer' ? 'unsafe.Pointer' : t.kind;
  }
}

function int(v: number | undefined, what: string, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isSafeInteger(v) || v < min || v > max) throw new UsageError(`${what}: expected a whole number from ${min} to ${max}, got ${v}`);
  return v;
}

/** The user's type: which layout it is, its counters (offsets from src/layout), and its Go source. */
function userLayout(type: string, target: LayoutTarget): { layout: PlannedLayout; source: string } {
  const t = parseTypeFor(type, target);
  const u = t.kind === 'named' ? t.underlying : t;
  const counters: Counter[] = [];
  let name: LayoutName;
  const bytes = sizeOf(t, target.arch).size;
  if (bytes > MAX_TYPE_BYTES) throw new InputError('--type', undefined, `${typeString(t)} is ${bytes} bytes; the benchmark places at most ${MAX_TYPE_BYTES}`);
  if (u.kind === 'array') {
    if (u.len > MAX_COUNTERS) throw new InputError('--type', undefined, `${typeString(t)} holds ${u.len} counters; at most ${MAX_COUNTERS}`);
    const size = counterSize(u.elem, target);
    if (size === undefined) throw new InputError('--type', undefined, `${typeString(u.elem)} is not a counter: the elements must be 4- or 8-byte integers or sync/atomic integer types`);
    const stride = sizeOf(u.elem, target.arch).size;
    for (let i = 0; i < u.len; i++) counters.push({ name: `[${i}]`, offset: i * stride, size, goType: goSource(u.elem) });
    name = 'array';
  } else if (u.kind === 'struct') {
    // The same layout `mapscope layout` prints for the key or elem struct.
    const d = describeStruct(typeString(u), u, target.arch);
    u.fields.forEach((f, i) => {
      const size = counterSize(f.type, target);
      if (size !== undefined && f.name !== '_' && !f.embedded) counters.push({ name: `.${f.name}`, offset: d.fields[i].offset, size, goType: goSource(f.type) });
    });
    name = 'struct';
  } else {
    throw new InputError('--type', undefined, `${typeString(t)} is neither a struct nor an array`);
  }
  if (counters.length === 0) throw new InputError('--type', undefined, `${typeString(t)} holds no counter (a named 4- or 8-byte integer field, or a sync/atomic integer)`);
  return { layout: { name, what: typeString(t), counters, predicted: false }, source: goSource(u) };
}

/** Counter i alone in its own `pad`-byte slot. */
function padded(pad: number, like: readonly Counter[]): PlannedLayout {
  const counters = like.map((c, i) => ({ name: `[${i}]`, offset: i * pad, size: c.size, goType: c.goType }));
  return { name: pad === 64 ? 'pad64' : 'pad128', what: `[${like.length}]struct { n ${like[0].goType}; _ [${pad - like[0].size}]byte }`, counters, predicted: false };
}

/** `map[int]*T`, one new(T) per key in key order: where the allocator puts them, predicted. */
function mapPointees(like: readonly Counter[], target: LayoutTarget): PlannedLayout {
  const c0 = like[0];
  const { offsets, tiny } = packedOffsets(like.length, c0.size, true, target.go, target.arch);
  const counters = like.map((_, i) => ({ name: `m[${i}]`, offset: offsets[i], size: c0.size, goType: c0.goType }));
  const how = tiny ? 'tiny allocator, 16-byte blocks' : `size class ${offsets[1] ?? c0.size}`;
  return { name: 'mapptr', what: `map[int]*${c0.goType} (pointees from the ${how})`, counters, predicted: true };
}

export function plan(o: PlanOptions): Plan {
  const line = o.line;
  let nCounters = int(o.counters, '--counters', 1, MAX_COUNTERS);
  let user: { layout: PlannedLayout; source: string } | undefined;
  if (o.type !== undefined) {
    user = userLayout(o.type, o.target);
    if (nCounters !== undefined && nCounters !== user.layout.counters.length) {
      throw new UsageError(`--counters ${nCounters} disagrees with --type, which holds ${user.layout.counters.length} counters (give one or the other)`);
    }
    nCounters = user.layout.counters.length;
  }
  nCounters ??= 8;
  user ??= userLayout(`[${nCounters}]int64`, o.target);
  const goroutines = int(o.goroutines, '--goroutines', 1, MAX_GOROUTINES) ?? Math.min(2, nCounters);
  if (goroutines > nCounters) throw new UsageError(`--goroutines ${goroutines} is more than the ${nCounters} counters: each goroutine needs its own`);
  const wanted = o.layouts ?? [user.layout.name, 'pad64', 'pad128', 'mapptr'];
  const layouts: PlannedLayout[] = [];
  for (const name of wanted) {
    if (layouts.some((l) => l.name === name)) continue;
    if (name === 'struct' || name === 'array') {
      if (name !== user.layout.name) throw new UsageError(`--layout ${name}: the type ${user.layout.what} is ${user.layout.name === 'array' ? 'an array' : 'a struct'} (--type chooses it)`);
      layouts.push(user.layout);
    } else if (name === 'pad64' || name === 'pad128') layouts.push(padded(name === 'pad64' ? 64 : 128, user.layout.counters));
    else layouts.push(mapPointees(user.layout.counters, o.target));
  }
  const usesUser = layouts.includes(user.layout);
  return { target: o.target, line, goroutines, ...(usesUser ? { userType: user.source } : {}), layouts };
}

export function parseLayouts(text: string): LayoutName[] {
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new UsageError('--layout needs at least one of ' + LAYOUT_NAMES.join(', '));
  for (const n of names) if (!(LAYOUT_NAMES as readonly string[]).includes(n)) throw new UsageError(`--layout: unknown layout ${JSON.stringify(n)} (known: ${LAYOUT_NAMES.join(', ')})`);
  return names as LayoutName[];
}

/** A set of written counters that share one cache line. */
export interface SharedLine {
  /** Line number from the region's start (predicted) or the address / line size (real). */
  readonly line: number;
  readonly counters: readonly number[];
}

/**
 * Lines on which two or more of the first `hot` counters sit: those are the
 * counters written by different goroutines that bounce a line between cores.
 * `at` gives each counter's offset or address.
 */
export function sharedLines(at: readonly number[], sizes: readonly number[], hot: number, line: number): SharedLine[] {
  const byLine = new Map<number, number[]>();
  for (let i = 0; i < hot; i++) {
    const s = linesOf(at[i], sizes[i], line);
    for (let l = s.first; l <= s.last; l++) byLine.set(l, [...(byLine.get(l) ?? []), i]);
  }
  return [...byLine].filter(([, cs]) => cs.length > 1).map(([l, cs]) => ({ line: l, counters: cs })).sort((a, b) => a.line - b.line);
}

/** How many written counters share a line with another written counter. */
export function sharingCount(lines: readonly SharedLine[]): number {
  return new Set(lines.flatMap((l) => l.counters)).size;
}
