/**
 * Mach-O chained fixups (LC_DYLD_CHAINED_FIXUPS), as Apple's ld64/ld-prime
 * write them for macOS 12+ and every arm64 target: each pointer slot in the
 * file holds not the pointer but a packed record (target, next-slot distance,
 * bind bit), chained page by page from dyld_chained_starts_in_segment. A Go
 * binary linked externally (cgo) on darwin/arm64 keeps moduledata's pointers
 * to pclntab, types and typelinks this way, so nothing Go-specific can be
 * read until the chains are resolved.
 *
 * Layout (mach-o/fixup-chains.h in Apple's dyld sources, also described in
 * LLVM's MachO.h and Go's cmd/link/internal/ld/macho.go comments):
 *   dyld_chained_fixups_header: version, starts_offset, imports_offset, …
 *   dyld_chained_starts_in_image: seg_count, seg_info_offset[seg_count]
 *   dyld_chained_starts_in_segment: size u32, page_size u16, pointer_format u16,
 *     segment_offset u64, max_valid_pointer u32, page_count u16, page_start[] u16
 * Pointer formats resolved (rebases; binds to dylib symbols become 0, as no Go
 * structure points outside the image):
 *   DYLD_CHAINED_PTR_64 (2) and _64_OFFSET (6): target:36 high8:8 reserved:7
 *     next:12 bind:1, stride 4; _64 targets are addresses, _64_OFFSET offsets
 *     from the image base.
 *   DYLD_CHAINED_PTR_ARM64E (1), _ARM64E_USERLAND (9), _USERLAND24 (12):
 *     target:43 high8:8 next:11 bind:1 auth:1 (auth rebase: target:32 …),
 *     stride 8; auth targets and the userland formats' targets are offsets.
 * Like ELF RELATIVE relocations in elf.ts, the chains are applied, at the
 * image's preferred base, to a copy of the file before anything reads pointers.
 */
import type { ByteView } from './bytes.js';

export const LC_DYLD_CHAINED_FIXUPS = 0x80000034;

export interface MachSegment {
  vmaddr: number;
  fileoff: number;
  filesize: number;
}

const PTR_START_NONE = 0xffff;
const MAX_PAGES = 1 << 20;

/**
 * Resolves every chain in the fixups blob at [dataoff, dataoff+datasize) of
 * the slice `v`; returns a copy of the slice with each slot holding its
 * pointer. `segments` are all LC_SEGMENT(_64) commands in order (the blob
 * indexes them), `base` the image's preferred load address (__TEXT's vmaddr).
 */
export function applyChainedFixups(v: ByteView, dataoff: number, datasize: number, segments: MachSegment[], base: number): Uint8Array {
  v.need(dataoff, Math.max(datasize, 28), 'chained fixups header');
  const version = v.u32(dataoff, 'fixups_version');
  if (version !== 0) v.fail(dataoff, `chained fixups: version ${version}, expected 0`);
  const starts = dataoff + v.u32(dataoff + 4, 'starts_offset');
  const segCount = v.u32(starts, 'seg_count');
  if (segCount > segments.length) v.fail(starts, `chained fixups: ${segCount} segments, the file has ${segments.length}`);
  const out = v.bytes.slice();
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const little = v.little;
  // A real image has at most one slot per 8 bytes; crafted chains (segments sharing file
  // ranges, pages revisited) must not cost more than that either.
  const budget = out.length / 4;
  let slots = 0;
  for (let s = 0; s < segCount; s++) {
    const infoOff = v.u32(starts + 4 + 4 * s, 'seg_info_offset');
    if (infoOff === 0) continue;
    const si = starts + infoOff;
    const pageSize = v.u16(si + 4, 'page_size');
    const format = v.u16(si + 6, 'pointer_format');
    const pageCount = v.u16(si + 20, 'page_count');
    if (pageSize === 0 || pageCount > MAX_PAGES) v.fail(si, `chained fixups: segment ${s} page_size ${pageSize}, page_count ${pageCount}`);
    const seg = segments[s];
    const arm64e = format === 1 || format === 9 || format === 12;
    if (format !== 2 && format !== 6 && !arm64e) v.fail(si + 6, `chained fixups: pointer format ${format} not supported (64, 64_OFFSET and arm64e are)`);
    const stride = arm64e ? 8 : 4;
    for (let p = 0; p < pageCount; p++) {
      const first = v.u16(si + 22 + 2 * p, 'page_start');
      if (first === PTR_START_NONE) continue;
      let at = seg.fileoff + p * pageSize + first;
      for (let n = 0; n <= pageSize / stride; n++) {
        if (at + 8 > seg.fileoff + seg.filesize || at + 8 > out.length) v.fail(at, `chained fixups: slot past segment ${s}`);
        if (++slots > budget) v.fail(at, 'chained fixups: more slots than the file has words');
        const raw = dv.getBigUint64(at, little);
        const bind = (raw >> 63n) & 1n;
        let next: bigint;
        let value = 0n;
        if (arm64e) {
          const auth = (raw >> 63n) & 1n;
          const isBind = (raw >> 62n) & 1n;
          next = (raw >> 51n) & 0x7ffn;
          if (!isBind) {
            if (auth) value = BigInt(base) + (raw & 0xffffffffn);
            else {
              const target = raw & 0x7ffffffffffn;
              const high8 = (raw >> 43n) & 0xffn;
              value = (format === 1 ? target : BigInt(base) + target) | (high8 << 56n);
            }
          }
        } else {
          next = (raw >> 51n) & 0xfffn;
          if (!bind) {
            const target = raw & 0xfffffffffn;
            const high8 = (raw >> 36n) & 0xffn;
            value = (format === 2 ? target : BigInt(base) + target) | (high8 << 56n);
          }
        }
        dv.setBigUint64(at, value, little);
        if (next === 0n) break;
        at += Number(next) * stride;
      }
    }
  }
  return out;
}
