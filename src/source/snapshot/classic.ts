/**
 * classicSnapshotSource: a classic snapshot (docs/json.md, "sim (classic
 * snapshot)" — printed by `mapscope sim` and by the real-runtime probe)
 * rebuilt in simulated memory as the runtime lays the map out, so the checker
 * reads it exactly as it reads a core dump:
 *
 * - the `hmap` at the offsets layoutOf gives, with the snapshot's fields;
 * - the bucket array as makeBucketArray sizes it (2^B buckets, from B = 4 plus
 *   preallocated overflow buckets rounded up to the size class), with
 *   mapextra.nextOverflow and the last preallocated bucket's sentinel when the
 *   snapshot says some are left; the old array likewise;
 * - every further bucket of a chain as its own allocation (newobject), linked
 *   through the overflow word;
 * - keys and elems as their bytes, through a pointer when larger than 128
 *   bytes (null: a nil pointer), string data in allocations of their own;
 * - mapextra with its overflow/oldoverflow slices (length as recorded, filled
 *   with the chains' overflow buckets).
 *
 * The JSON is validated strictly: anything that is not the documented format
 * is an InputError naming the JSON path.
 */
import { fieldOffsets, layoutOf, type ClassicLayout } from '../../layout/index.js';
import { SimMemory } from '../../model/memory.js';
import { sizeOf, structLayout, underlying, typeString, type GoType, type MapType } from '../../model/types.js';
import { encodeValue, ValueError, type JsonValue } from '../../model/values.js';
import { BUCKET_CNT, SAME_SIZE_GROW, bucketArrayLengthFor } from '../../model/runtime/index.js';
import type { MapSource } from '../types.js';
import { JsonReader, brief, jsonPath, snapshotTarget, snapshotType, type JsonObject } from './json.js';
import { snapshotHash } from './hash.js';

/** Bucket arrays rebuilt at most this large (2^B buckets, the snapshot holds each one). */
const MAX_B = 24;

interface Bucket {
  tophash: number[];
  keys: JsonValue[];
  elems: JsonValue[];
}

export interface ClassicSnapshotFacts {
  /** hmap address and the bucket arrays' addresses in the rebuilt memory. */
  readonly hmap: number;
  readonly buckets: number;
  readonly oldbuckets: number;
  /** Every bucket of every chain: [array, index, position in chain] → address. */
  readonly chains: { array: 'buckets' | 'oldbuckets'; bucket: number; addrs: number[] }[];
  readonly layout: ClassicLayout;
  readonly mem: SimMemory;
}

/** The facts of the last rebuild, for tests that corrupt memory (keyed by the MapSource). */
export const rebuilt = new WeakMap<MapSource, ClassicSnapshotFacts>();

export function classicSnapshotSource(json: unknown, file: string): MapSource {
  const v = new JsonReader(file);
  const top = v.obj(json, '', ['go', 'arch', 'experiment', 'type', 'hash', 'impl', 'header', 'extra', 'buckets', 'oldbuckets'], ['randDependent']);
  // Fields the engine modelled with hash.rand (B ≥ 16): their values are checked for plausibility only, as a real map's are.
  if (top.randDependent !== undefined) v.arr(top.randDependent, 'randDependent').forEach((f, i) => v.str(f, `randDependent[${i}]`));
  if (top.impl !== 'classic') v.fail('impl', `expected "classic", got ${brief(top.impl)}`);
  const t = snapshotTarget(v, top, 'classic');
  const type = snapshotType(v, top, t);
  const L = layoutOf(type, t) as ClassicLayout;
  // hmap.hash0 is a uint32.
  const hash = snapshotHash(v, top.hash, t.arch, 32, true);
  const ptrMax = t.arch.ptrSize === 8 ? Number.MAX_SAFE_INTEGER : 2 ** 32 - 1;
  const hasClearSeq = L.headers.hmap.fields.some((f) => f.name === 'clearSeq');
  const h = v.obj(top.header, 'header', ['count', 'flags', 'B', 'noverflow', 'hash0', 'nevacuate'], hasClearSeq ? ['clearSeq'] : []);
  const count = v.int(h.count, 'header.count', t.arch.ptrSize === 8 ? Number.MIN_SAFE_INTEGER : -(2 ** 31), t.arch.ptrSize === 8 ? Number.MAX_SAFE_INTEGER : 2 ** 31 - 1);
  const flags = v.int(h.flags, 'header.flags', 0, 255);
  const B = v.int(h.B, 'header.B', 0, 255);
  const noverflow = v.int(h.noverflow, 'header.noverflow', 0, 65535);
  const hash0 = v.int(h.hash0, 'header.hash0', 0, 2 ** 32 - 1);
  const nevacuate = v.int(h.nevacuate, 'header.nevacuate', 0, ptrMax);
  const clearSeq = h.clearSeq === undefined ? 0 : v.int(h.clearSeq, 'header.clearSeq', 0, Number.MAX_SAFE_INTEGER);

  let extra: { nextOverflow: number | null; overflow: number | null; oldoverflow: number | null } | null = null;
  if (top.extra !== null) {
    const e = v.obj(top.extra, 'extra', ['nextOverflow', 'overflow', 'oldoverflow']);
    const opt = (x: JsonValue, p: string, max: number) => (x === null ? null : v.int(x, p, 0, max));
    extra = {
      nextOverflow: opt(e.nextOverflow, 'extra.nextOverflow', 2 ** 30),
      overflow: opt(e.overflow, 'extra.overflow', 2 ** 20),
      oldoverflow: opt(e.oldoverflow, 'extra.oldoverflow', 2 ** 20),
    };
  }

  const mem = new SimMemory(t.arch);
  const ps = t.arch.ptrSize;
  const hmap = mem.alloc(L.headers.hmap.size, 'hmap');
  const off: Record<string, { offset: number; size: number }> = {};
  for (const f of L.headers.hmap.fields) off[f.name] = f;
  const put = (name: string, value: number) => mem.setUint(hmap + off[name].offset, off[name].size, BigInt.asUintN(off[name].size * 8, BigInt(value)));
  put('count', count);
  put('flags', flags);
  put('B', B);
  put('noverflow', noverflow);
  put('hash0', hash0);
  put('nevacuate', nevacuate);
  if (hasClearSeq) put('clearSeq', clearSeq);

  const enc = new Encoder(mem, L, type, v);
  const chains: ClassicSnapshotFacts['chains'] = [];
  const arrayLen = (b: number) => bucketArrayLengthFor(L.bucket.size, L.bucket.overflowIsPointer, t.go, t.arch, b);

  // The current array.
  let buckets = 0;
  if (top.buckets !== null) {
    if (B > MAX_B) v.fail('header.B', `B=${B}: bucket arrays larger than 2^${MAX_B} are not rebuilt`);
    const list = v.arr(top.buckets, 'buckets', 2 ** B);
    const n = arrayLen(B);
    buckets = mem.alloc(n * L.bucket.size, 'buckets');
    enc.table(list, 'buckets', buckets, chains);
    if (extra?.nextOverflow != null) {
      if (extra.nextOverflow < 2 ** B || extra.nextOverflow >= n) {
        v.fail('extra.nextOverflow', `${extra.nextOverflow} is not a preallocated overflow bucket (indices ${2 ** B}..${n - 1} for B=${B})`);
      }
      // makeBucketArray: the last preallocated bucket's overflow word is the array's own address (a "no more" sentinel).
      mem.setPtr(buckets + (n - 1) * L.bucket.size + enc.ovfOff, buckets);
    }
  } else if (extra?.nextOverflow != null) {
    v.fail('extra.nextOverflow', 'set but the map has no buckets');
  }
  put('buckets', buckets);

  // The old array: 2^B buckets in a same-size grow, 2^(B-1) after a doubling (hmap.noldbuckets).
  let oldbuckets = 0;
  if (top.oldbuckets !== null) {
    const same = (flags & SAME_SIZE_GROW) !== 0;
    if (!same && B === 0) v.fail('oldbuckets', 'present but B=0 and sameSizeGrow is clear');
    const oldB = same ? B : B - 1;
    if (oldB > MAX_B) v.fail('header.B', `B=${B}: bucket arrays larger than 2^${MAX_B} are not rebuilt`);
    const list = v.arr(top.oldbuckets, 'oldbuckets', 2 ** oldB);
    oldbuckets = mem.alloc(arrayLen(oldB) * L.bucket.size, 'oldbuckets');
    enc.table(list, 'oldbuckets', oldbuckets, chains);
  }
  put('oldbuckets', oldbuckets);

  if (extra) {
    const x = mem.alloc(L.headers.mapextra.size, 'mapextra');
    const xo = fieldOffsets(L.headers.mapextra);
    const overflowOf = (array: string) => chains.filter((c) => c.array === array).flatMap((c) => c.addrs.slice(1));
    const slice = (len: number | null, bucketsOf: number[]): number => {
      if (len === null) return 0;
      // *[]*bmap: a slice header whose backing array lists overflow buckets.
      const data = len === 0 ? 0 : mem.alloc(len * ps, 'overflow list');
      for (let i = 0; i < len && i < bucketsOf.length; i++) mem.setPtr(data + i * ps, bucketsOf[i]);
      const hdr = mem.alloc(3 * ps, 'overflow slice');
      mem.setPtr(hdr, data);
      mem.setUint(hdr + ps, ps, len);
      mem.setUint(hdr + 2 * ps, ps, len);
      return hdr;
    };
    mem.setPtr(x + xo.overflow, slice(extra.overflow, overflowOf('buckets')));
    mem.setPtr(x + xo.oldoverflow, slice(extra.oldoverflow, overflowOf('oldbuckets')));
    mem.setPtr(x + xo.nextOverflow, extra.nextOverflow === null ? 0 : buckets + extra.nextOverflow * L.bucket.size);
    put('extra', x);
  }

  const src: MapSource = {
    name: 'snapshot',
    reader: mem,
    addr: BigInt(hmap),
    type,
    target: t,
    hash,
    syntheticAddresses: true,
  };
  rebuilt.set(src, { hmap, buckets, oldbuckets, chains, layout: L, mem });
  return src;
}

/** Writes buckets, keys and elems into memory. */
class Encoder {
  readonly topOff: number;
  readonly keysOff: number;
  readonly elemsOff: number;
  readonly ovfOff: number;
  constructor(
    private readonly mem: SimMemory,
    private readonly L: ClassicLayout,
    private readonly type: MapType,
    private readonly v: JsonReader,
  ) {
    const o = fieldOffsets(L.bucket);
    this.topOff = o.topbits;
    this.keysOff = o.keys;
    this.elemsOff = o.elems;
    this.ovfOff = o.overflow;
  }

  table(list: unknown[], array: 'buckets' | 'oldbuckets', base: number, chains: ClassicSnapshotFacts['chains']): void {
    const size = this.L.bucket.size;
    list.forEach((c, i) => {
      const path = `${array}[${i}]`;
      const chain = this.v.arr(c, path);
      if (chain.length === 0) this.v.fail(path, 'a chain has at least its bucket in the array');
      const addrs: number[] = [];
      let prev = 0;
      chain.forEach((bv, j) => {
        const b = j === 0 ? base + i * size : this.mem.alloc(size, 'overflow bucket', this.L.bucket.align);
        if (j > 0) this.mem.setPtr(prev + this.ovfOff, b);
        this.bucket(bv, `${path}[${j}]`, b);
        addrs.push(b);
        prev = b;
      });
      chains.push({ array, bucket: i, addrs });
    });
  }

  private bucket(bv: unknown, path: string, b: number): void {
    const o = this.v.obj(bv, path, ['tophash', 'keys', 'elems']) as unknown as Bucket;
    const tops = this.v.arr(o.tophash, `${path}.tophash`, BUCKET_CNT);
    const keys = this.v.arr(o.keys, `${path}.keys`, BUCKET_CNT) as JsonValue[];
    const elems = this.v.arr(o.elems, `${path}.elems`, BUCKET_CNT) as JsonValue[];
    for (let i = 0; i < BUCKET_CNT; i++) {
      this.mem.setU8(b + this.topOff + i, this.v.int(tops[i], `${path}.tophash[${i}]`, 0, 255));
      this.slot(this.type.key, this.L.key.indirect, b + this.keysOff + i * this.L.key.storedSize, keys[i], `${path}.keys[${i}]`);
      this.slot(this.type.elem, this.L.elem.indirect, b + this.elemsOff + i * this.L.elem.storedSize, elems[i], `${path}.elems[${i}]`);
    }
  }

  private slot(t: GoType, indirect: boolean, addr: number, value: JsonValue, path: string): void {
    if (!indirect) {
      this.value(t, addr, value, path);
      return;
    }
    if (value === null) return; // a nil pointer (cleared by mapdelete)
    const s = sizeOf(t, this.mem.arch);
    const p = this.mem.alloc(Math.max(s.size, 1), 'indirect key or elem', Math.max(s.align, 8));
    this.value(t, p, value, path);
    this.mem.setPtr(addr, p);
  }

  /** encodeValue, plus the forms decodeValue prints that scenarios do not take (raw string headers, slices, interfaces, maps, funcs). */
  private value(t: GoType, addr: number, v: JsonValue, path: string): void {
    const u = underlying(t);
    const ps = this.mem.arch.ptrSize;
    const word = (x: JsonValue, p: string, a: number) => {
      const n = typeof x === 'number' ? x : typeof x === 'string' && /^\d{1,20}$/.test(x) ? Number(x) : NaN;
      if (!Number.isSafeInteger(n) || n < 0 || (ps === 4 && n >= 2 ** 32)) this.v.fail(p, `expected an address, got ${brief(x)}`);
      this.mem.setUint(a, ps, n);
    };
    const fields = (names: string[]): JsonObject => this.v.obj(v, path, names);
    try {
      switch (u.kind) {
        case 'string':
          if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
            const o = fields(['stringPtr', 'len']);
            word(o.stringPtr, jsonPath(path, 'stringPtr'), addr);
            word(o.len, jsonPath(path, 'len'), addr + ps);
            return;
          }
          break;
        case 'slice': {
          const o = fields(['ptr', 'len', 'cap']);
          word(o.ptr, jsonPath(path, 'ptr'), addr);
          word(o.len, jsonPath(path, 'len'), addr + ps);
          word(o.cap, jsonPath(path, 'cap'), addr + 2 * ps);
          return;
        }
        case 'interface': {
          const o = fields(['type', 'data']);
          word(o.type, jsonPath(path, 'type'), addr);
          word(o.data, jsonPath(path, 'data'), addr + ps);
          return;
        }
        case 'map':
        case 'func':
          word(v, path, addr);
          return;
        case 'array': {
          const arr = this.v.arr(v, path, u.len) as JsonValue[];
          const es = sizeOf(u.elem, this.mem.arch).size;
          arr.forEach((e, i) => this.value(u.elem, addr + i * es, e, `${path}[${i}]`));
          return;
        }
        case 'struct': {
          const l = structLayout(u, this.mem.arch, t.kind === 'named' && Boolean(t.align64));
          const o = fields(l.fields.filter((f) => f.name !== '_').map((f) => f.name));
          for (const f of l.fields) if (f.name !== '_') this.value(f.type, addr + f.offset, o[f.name], jsonPath(path, f.name));
          return;
        }
        case 'opaque':
          this.v.fail(path, `values of type ${typeString(t)} cannot be rebuilt`);
      }
      encodeValue(this.mem, t, addr, v, path);
    } catch (e) {
      if (e instanceof ValueError) this.v.fail(path, e.message.startsWith(path + ': ') ? e.message.slice(path.length + 2) : e.message);
      throw e;
    }
  }
}
