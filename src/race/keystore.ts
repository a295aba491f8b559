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
import { sizeOf, structLayout, underlying, type GoType } from '../model/types.js';
import type { SimMemory } from '../model/memory.js';
import { withSource, type StepInfo } from './steps.js';
import type { Steps } from '../engine/steps.js';

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

/**
 * The stores of `m[k] = v`'s elem, made by the caller's compiled code through
 * the pointer mapassign returned (read in go1.22 and go1.26, amd64 and arm64,
 * `go tool objdump` of `m[k] = v` for each shape):
 *   - a value the compiler keeps in registers (ssa.CanSSA, cmd/compile/internal/ssa/value.go:
 *     at most 4 pointer words, a struct of at most 4 such fields, an array of
 *     at most 1) is stored field by field, ascending (`struct{A, B int64}`:
 *     `MOVQ DX, 0(AX)`, `MOVQ DX, 0x8(AX)`; arm64 go1.22 two MOVDs, go1.26
 *     one STP, two 8-byte single-copy-atomic stores), a string length first
 *     and then its pointer (the write-barrier store), a word wider than a
 *     pointer (int64 on a 32-bit target) low word first;
 *   - a larger value is a Move: amd64 16-byte MOVUPS stores ascending
 *     (`[4]int64`: `MOVUPS X14, 0(AX)`, `MOVUPS X14, 0x10(AX)`), arm64 STPs
 *     (8-byte pieces ascending), read for sizes that are multiples of 16;
 *     other sizes and architectures: memmove's pieces (not read).
 */
export function elemStorePieces(arch: Arch, t: GoType): Piece[] {
  const size = sizeOf(t, arch).size;
  if (size === 0) return [];
  if (canSSA(arch, t)) {
    const out: Piece[] = [];
    leaves(arch, t, 0, out);
    return out;
  }
  if (size % 16 === 0 && arch.name === 'amd64') return words(size, 16);
  if (size % 16 === 0 && arch.name === 'arm64') return words(size, 8);
  return memmovePieces(arch, size);
}

/** ssa.CanSSA (cmd/compile/internal/ssa/value.go, go1.26): whether the compiler keeps a value of t in registers. */
function canSSA(arch: Arch, t: GoType): boolean {
  const size = sizeOf(t, arch).size;
  if (size === 0) return true;
  if (size > 4 * arch.ptrSize) return false;
  const u = underlying(t);
  if (u.kind === 'array') return u.len <= 1 && canSSA(arch, u.elem);
  if (u.kind === 'struct') return u.fields.length <= 4 && u.fields.every((f) => canSSA(arch, f.type));
  return true;
}

/** The stores of a value kept in registers: each scalar field ascending, a string's length before its pointer. */
function leaves(arch: Arch, t: GoType, off: number, out: Piece[]): void {
  const u = underlying(t);
  const size = sizeOf(t, arch).size;
  if (size === 0) return;
  if (u.kind === 'array') {
    if (u.len === 1) leaves(arch, u.elem, off, out);
    return;
  }
  if (u.kind === 'struct') {
    const l = structLayout(u, arch, t.kind === 'named' && Boolean(t.align64));
    for (const f of l.fields) leaves(arch, f.type, off + f.offset, out);
    return;
  }
  if (u.kind === 'string') {
    for (const p of stringHeaderPieces(arch)) out.push({ off: off + p.off, len: p.len });
    return;
  }
  // Scalars, pointers; interfaces, slices and complex numbers a word (or half) at a time, ascending (not read).
  const w = u.kind === 'complex64' || u.kind === 'complex128' ? size / 2 : Math.min(size, arch.ptrSize);
  for (const p of words(size, w)) out.push({ off: off + p.off, len: p.len });
}

/** Copies `size` bytes of a `name` (key, elem) from `src` to `dst` one piece per step (the engines' step texts). */
export function* storePieces(mem: SimMemory, dst: number, src: number, pieces: readonly Piece[], size: number, name: string, what: string): Steps {
  for (const p of pieces) {
    mem.copy(dst + p.off, src + p.off, p.len);
    const range = pieces.length === 1 && p.len === size ? '' : ` bytes [${p.off}, ${p.off + p.len})`;
    yield `store ${name}${range} ${what}`;
  }
}

/** Copies the key from `src` to `dst` one piece per step. */
export function storeKeySteps(mem: SimMemory, dst: number, src: number, pieces: readonly Piece[], size: number, what: string, source: string): Generator<StepInfo, void, void> {
  return withSource(storePieces(mem, dst, src, pieces, size, 'key', what), () => source);
}
