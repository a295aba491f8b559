/**
 * classicEntries: the addresses of a classic map's live keys and elems (the
 * values an indirect slot points to), for the global-map walker to follow
 * typed pointers into map elements. Live slots are those of the current
 * array and of unevacuated old buckets (tophash ≥ minTopHash). Corrupt memory
 * ends the walk early; nothing here throws on bad bytes.
 */
import { fieldOffsets, type ClassicLayout } from '../../layout/index.js';
import { decodeUint } from '../../model/memory.js';
import { BUCKET_CNT, EVACUATED_X, EVACUATED_EMPTY, MIN_TOP_HASH, SAME_SIZE_GROW } from '../../model/runtime/index.js';
import { LIMITS, type MapSource } from '../types.js';
import { collectEntries, type Entry } from '../entries.js';
import { decodeHeader, maxB } from './check.js';

export function classicEntries(src: MapSource, limit: number): Entry[] {
  return collectEntries(src, limit, { classic: walk });
}

function walk(src: MapSource, L: ClassicLayout, limit: number, out: { key: bigint; elem: bigint }[]): void {
  const r = src.reader;
  const be = src.target.arch.bigEndian;
  const ps = src.target.arch.ptrSize;
  const h = decodeHeader(L, r.read(src.addr, L.headers.hmap.size), be);
  if (h.B > maxB(L, src.target.arch)) return;
  const off = fieldOffsets(L.bucket);
  const size = L.bucket.size;
  const word = (b: Uint8Array, o: number) => decodeUint(b.subarray(o, o + ps), be);
  const arrays: [bigint, number][] = [];
  if (h.buckets !== 0n) arrays.push([h.buckets, 2 ** h.B]);
  if (h.oldbuckets !== 0n) {
    const same = (h.flags & SAME_SIZE_GROW) !== 0;
    if (same || h.B > 0) arrays.push([h.oldbuckets, 2 ** (same ? h.B : h.B - 1)]);
  }
  let visited = 0;
  const seen = new Set<bigint>();
  for (const [base, n] of arrays) {
    for (let i = 0; i < n; i++) {
      let addr = base + BigInt(i) * BigInt(size);
      for (let ov = 0; addr !== 0n && ov < LIMITS.maxChain; ov++) {
        if (++visited > LIMITS.maxGroups || seen.has(addr)) return;
        seen.add(addr);
        const b = r.read(addr, size);
        const t0 = b[off.topbits];
        if (ov === 0 && t0 >= EVACUATED_X && t0 <= EVACUATED_EMPTY) break; // evacuated: its keys live in the new array
        for (let s = 0; s < BUCKET_CNT; s++) {
          if (b[off.topbits + s] < MIN_TOP_HASH) continue;
          let key = addr + BigInt(off.keys + s * L.key.storedSize);
          let elem = addr + BigInt(off.elems + s * L.elem.storedSize);
          if (L.key.indirect) key = word(b, off.keys + s * L.key.storedSize);
          if (L.elem.indirect) elem = word(b, off.elems + s * L.elem.storedSize);
          out.push({ key, elem });
          if (out.length >= limit) return;
        }
        addr = word(b, off.overflow);
      }
    }
  }
}
