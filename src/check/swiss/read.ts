/**
 * The map's structures decoded from raw bytes with the layout's offsets
 * (src/layout headers Map, table, groupsReference), without trusting them.
 * Reads go through the MemoryReader; a MemoryError is turned into an
 * "unreadable" finding by the caller.
 */
import { decodeUint, type MemoryReader } from '../../model/memory.js';
import { fieldOffsets, type SwissLayout } from '../../layout/index.js';


export interface MapHeader {
  readonly used: bigint;
  readonly seed: bigint;
  readonly dirPtr: bigint;
  /** int: negative values are kept as such. */
  readonly dirLen: bigint;
  readonly globalDepth: number;
  readonly globalShift: number;
  readonly writing: number;
  /** 1.25+ only. */
  readonly tombstonePossible?: number;
  readonly clearSeq: bigint;
}

export interface TableHeader {
  readonly used: number;
  readonly capacity: number;
  readonly growthLeft: number;
  readonly localDepth: number;
  /** int: -1 once the table was replaced. */
  readonly index: bigint;
  readonly data: bigint;
  readonly lengthMask: bigint;
}

/** Field readers over one struct's bytes. */
export class Fields {
  constructor(private readonly b: Uint8Array, private readonly bigEndian: boolean) {}

  uint(off: number, size: number): bigint {
    return decodeUint(this.b.subarray(off, off + size), this.bigEndian);
  }

  int(off: number, size: number): bigint {
    return BigInt.asIntN(size * 8, this.uint(off, size));
  }

  num(off: number, size: number): number {
    return Number(this.uint(off, size));
  }
}

export function readMapHeader(r: MemoryReader, L: SwissLayout, addr: bigint): MapHeader {
  const M = fieldOffsets(L.headers.Map);
  const p = r.arch.ptrSize;
  const f = new Fields(r.read(addr, L.headers.Map.size), r.arch.bigEndian);
  return {
    used: f.uint(M.used, 8),
    seed: f.uint(M.seed, p),
    dirPtr: f.uint(M.dirPtr, p),
    dirLen: f.int(M.dirLen, p),
    globalDepth: f.num(M.globalDepth, 1),
    globalShift: f.num(M.globalShift, 1),
    writing: f.num(M.writing, 1),
    ...(M.tombstonePossible !== undefined ? { tombstonePossible: f.num(M.tombstonePossible, 1) } : {}),
    clearSeq: f.uint(M.clearSeq, 8),
  };
}

export function readTableHeader(r: MemoryReader, L: SwissLayout, addr: bigint): TableHeader {
  const T = fieldOffsets(L.headers.table);
  const G = fieldOffsets(L.headers.groupsReference);
  const p = r.arch.ptrSize;
  const f = new Fields(r.read(addr, L.headers.table.size), r.arch.bigEndian);
  return {
    used: f.num(T.used, 2),
    capacity: f.num(T.capacity, 2),
    growthLeft: f.num(T.growthLeft, 2),
    localDepth: f.num(T.localDepth, 1),
    index: f.int(T.index, p),
    data: f.uint(T.groups + G.data, p),
    lengthMask: f.uint(T.groups + G.lengthMask, 8),
  };
}

/**
 * How many directory entries to follow. The runtime keeps dirLen equal to
 * 1 << globalDepth; when a corrupt header breaks that, the smaller of the two
 * is read: a dirLen of 0x7fff under globalDepth 0 would otherwise send the
 * walk through 32767 words of unrelated heap, each taken for a table of up
 * to 128 groups (seconds and hundreds of megabytes for one map). The
 * mismatch itself is a swiss/dir-len finding, and the map is then incomplete.
 */
export function directoryEntriesToRead(h: MapHeader): number {
  const dl = h.dirLen < 0n ? 0 : h.dirLen > 1n << 40n ? 2 ** 40 : Number(h.dirLen);
  if (h.globalDepth >= 40) return dl;
  return Math.min(dl, 2 ** h.globalDepth);
}
