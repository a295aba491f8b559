/**
 * A key's store into its slot, store instruction by store instruction, as
 * the compiled code makes it: a key wider than one store is written in
 * pieces, and another goroutine can run between them (a torn key: one
 * goroutine's string pointer with the other's length).
 *
 * - String keys (mapassign_faststr, Go ≤ 1.23; runtime_mapassign_faststr
 *   and putSlotSmallFastStr, 1.24+): `*((*stringStruct)(insertk)) = *key`
 *   and `*(*string)(slotKey) = key` store the length word, then the data
 *   pointer (the pointer store is the one the write barrier guards). Read in
 *   go1.22 and go1.26 on amd64 (`MOVQ len, 0x8(slot)` … `MOVQ ptr, 0(slot)`)
 *   and arm64 (`MOVD len, 8(slot)` … `MOVD ptr, (slot)`). Classic's update of
 *   a present string key stores the pointer only (`k.str = key.str`,
 *   map_faststr.go); the Swiss one stores both words again.
 * - 8-byte keys of the fast64 path on a 32-bit target: `*(*uint64)(insertk)
 *   = key` is two 4-byte stores, low word first (go1.22 386: `MOVL BX,
 *   0(CX); MOVL BP, 0x4(CX)`).
 * - Other keys (the generic path): typedmemmove → memmove, whose stores for
 *   a small size are fixed by its code: memmove_amd64.s (`move_9through16`:
 *   two 8-byte MOVQ, the second ending at the last byte, so they overlap when
 *   the size is not 16; `move_17through32` … `move_129through256`: 16-byte
 *   MOVOUs) and memmove_arm64.s (`copy16`: two MOVD/MOVW/MOVH; `copy32_128`
 *   up to 64 bytes: STPs, each two 8-byte single-copy-atomic stores). Sizes
 *   those tables do not cover, and the other architectures, are stored one
 *   pointer-sized word at a time, ascending: not read from their code
 *   (docs/race.md, limits).
 */
import type { Arch } from '../model/arch.js';
import type { SimMemory } from '../model/memory.js';
import type { StepInfo } from './steps.js';

/** One store instruction: `len` bytes at offset `off` of the key. */
export interface Piece {
  readonly off: number;
  readonly len: number;
}

/** Two stores of `w` bytes, the second ending at the last byte (memmove's overlapping pair). */
const pair = (size: number, w: number): Piece[] => [{ off: 0, len: w }, { off: size - w, len: w }];

function words(size: number, w: number): Piece[] {
  const out: Piece[] = [];
  for (let off = 0; off < size; off += w) out.push({ off, len: Math.min(w, size - off) });
  return out;
}

/** The stores memmove makes to copy `size` bytes (see the comment at the top). */
export function memmovePieces(arch: Arch, size: number): Piece[] {
  if (size === 0) return [];
  if (arch.name === 'amd64') {
    if (size <= 2) return size === 1 ? [{ off: 0, len: 1 }] : pair(size, 1);
    if (size === 3) return [{ off: 0, len: 2 }, { off: 2, len: 1 }];
    if (size === 4) return [{ off: 0, len: 4 }];
    if (size < 8) return pair(size, 4);
    if (size === 8) return [{ off: 0, len: 8 }];
    if (size <= 16) return pair(size, 8);
    if (size <= 32) return pair(size, 16);
    const head = (n: number): Piece[] => Array.from({ length: n }, (_, i) => ({ off: 16 * i, len: 16 }));
    const tail = (n: number): Piece[] => Array.from({ length: n }, (_, i) => ({ off: size - 16 * (n - i), len: 16 }));
    if (size <= 64) return [...head(2), ...tail(2)];
    if (size <= 128) return [...head(4), ...tail(4)];
    if (size <= 256) return [...head(8), ...tail(8)];
  }
  if (arch.name === 'arm64') {
    if (size === 1) return [{ off: 0, len: 1 }];
    if (size <= 16) {
      const w = size >= 8 ? 8 : size >= 4 ? 4 : 2;
      return pair(size, w);
    }
    if (size <= 32) return [{ off: 0, len: 8 }, { off: 8, len: 8 }, { off: size - 16, len: 8 }, { off: size - 8, len: 8 }];
    if (size <= 64) return [0, 8, 16, 24].map((o) => ({ off: o, len: 8 })).concat([32, 24, 16, 8].map((o) => ({ off: size - o, len: 8 })));
  }
  return words(size, arch.ptrSize);
}

/** The stores of a string header: the length word, then the data pointer. */
export function stringHeaderPieces(arch: Arch): Piece[] {
  return [{ off: arch.ptrSize, len: arch.ptrSize }, { off: 0, len: arch.ptrSize }];
}

/** The stores of a fast32/fast64 key: one, or pointer-sized words low first when the key is wider. */
export function fastKeyPieces(arch: Arch, size: number): Piece[] {
  return size <= arch.ptrSize ? [{ off: 0, len: size }] : words(size, arch.ptrSize);
}

/** Copies the key from `src` to `dst` one piece per step. */
export function* storeKeySteps(mem: SimMemory, dst: number, src: number, pieces: readonly Piece[], size: number, what: string, source: string): Generator<StepInfo, void, void> {
  for (const p of pieces) {
    mem.copy(dst + p.off, src + p.off, p.len);
    const range = pieces.length === 1 && p.len === size ? '' : ` bytes [${p.off}, ${p.off + p.len})`;
    yield { text: `store key${range} ${what}`, source };
  }
}
