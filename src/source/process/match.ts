/**
 * Whether a core dump was written by the executable given with it. Checking a
 * core against another build reads every map at the wrong addresses with the
 * wrong types; worse, a build whose globals moved finds no map at all and
 * would report "0 maps checked" as if all were well. So the pair is proved
 * before anything is read:
 *
 * - bytes: every byte the core holds of the executable's read-only segments
 *   (the kernel writes the first page of text — the ELF header and the Go
 *   build ID note; qemu-user writes rodata whole) must equal the file's;
 * - layout: NT_FILE names the file mapped at each address; the executable's
 *   PT_LOAD segments must each be mapped from it at their page, at their
 *   file offset.
 *
 * Identities for the message: the Go build ID (the ELF note "Go", type 4,
 * that cmd/link writes near the start of text), the core's AT_EXECFN string
 * (the path the program was started as) and its NT_FILE path.
 */
import { InputError } from '../../base/errors.js';
import type { ByteSource } from '../../binary/bytesource.js';
import type { CoreFile } from '../../binary/elfcore.js';
import { PT_NOTE } from '../../binary/elfconst.js';
import type { ObjectFile } from '../../binary/object.js';
import type { MemoryReader } from '../../model/memory.js';

/** AT_EXECFN (include/uapi/linux/auxvec.h): the address of the path the program was exec'd as. */
const AT_EXECFN = 31;
const PAGE = 4096;
/** Bytes compared at most (a gcore core may hold all of a large text segment). */
const MAX_COMPARE = 64 << 20;

/** The Go build ID in a note "Go"/4 found in the first bytes given, or undefined. */
export function goBuildID(b: Uint8Array, little: boolean): string | undefined {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let p = 0; p + 16 <= b.length; p += 4) {
    if (b[p + 12] !== 0x47 || b[p + 13] !== 0x6f || b[p + 14] !== 0 || b[p + 15] !== 0) continue;
    if (dv.getUint32(p, little) !== 4 || dv.getUint32(p + 8, little) !== 4) continue;
    const n = dv.getUint32(p + 4, little);
    if (n === 0 || n > 256 || p + 16 + n > b.length) continue;
    const id = new TextDecoder().decode(b.subarray(p + 16, p + 16 + n)).replace(/\0+$/, '');
    if (/^[\x21-\x7e]+$/.test(id)) return id;
  }
  return undefined;
}

/** The core's AT_EXECFN string, when the stack page holding it was dumped. */
function execfn(c: CoreFile, mem: MemoryReader): string | undefined {
  const at = c.auxv.get(AT_EXECFN);
  if (at === undefined || at === 0n) return undefined;
  const out: number[] = [];
  try {
    for (let i = 0; i < 4096; i++) {
      const b = mem.read(at + BigInt(i), 1)[0];
      if (b === 0) break;
      out.push(b);
    }
  } catch {
    return undefined;
  }
  return new TextDecoder().decode(new Uint8Array(out));
}

export interface CoreMatch {
  /** What was compared, for people ("4096 bytes of text and 3 mappings"); undefined when nothing could be. */
  readonly evidence: string | undefined;
}

/**
 * Throws an InputError naming both identities when the core was not written
 * by this executable. `mem` reads the core's own bytes only (no fallback to
 * the executable), for AT_EXECFN.
 */
export function verifyCoreMatchesExe(c: CoreFile, src: ByteSource, exe: ObjectFile, slide: number, mem: MemoryReader): CoreMatch {
  const exeID = goBuildID(exe.data.subarray(0, Math.min(exe.data.length, 1 << 16)), exe.little);
  // The core's copy of its executable's first page (ELF header, then the build ID note), wherever it was loaded.
  const coreText = c.segments.find((s) => s.fileSize >= 64 && c.files.some((f) => f.start === s.addr && f.fileOffset === 0) && src.read(s.offset, 4, 'core segment')[0] === 0x7f);
  const coreID = coreText ? goBuildID(src.read(coreText.offset, Math.min(coreText.fileSize, 1 << 16), 'core text'), exe.little) : undefined;
  const mappedAt = (addr: number) => c.files.find((f) => addr >= f.start && addr < f.end)?.path;
  const text = exe.segments.find((s) => s.exec && s.fileSize > 0) ?? exe.segments[0];
  const corePath = text ? mappedAt(text.addr + slide) : undefined;
  const identities = (): string => {
    const fn = execfn(c, mem);
    const core = [fn !== undefined ? `started as ${fn}` : undefined, corePath && corePath !== fn ? `mapped ${corePath}` : undefined, coreID ? `Go build ID ${coreID}` : undefined].filter(Boolean).join(', ');
    return `the core's program (${core || 'no path or build ID recorded'}) is not ${exe.file}${exeID ? ` (Go build ID ${exeID})` : ''}`;
  };
  const fail = (how: string): never => {
    throw new InputError(c.file, undefined, `was not written by ${exe.file}: ${identities()}: ${how}`);
  };

  // Bytes of read-only segments that the core holds, past the ELF file and program headers: strip and objcopy
  // rewrite those while every loaded byte of the program stays the same (the Go build ID still names the build).
  const skip = elfHeaderSize(exe.data, exe.little);
  let compared = 0;
  for (const s of exe.segments) {
    if (s.write || s.fileSize <= 0) continue;
    const lo = s.addr + slide;
    const hi = lo + s.fileSize;
    for (const cs of c.segments) {
      if (cs.fileSize <= 0) continue;
      const a = Math.max(lo, cs.addr);
      const b = Math.min(hi, cs.addr + cs.fileSize);
      if (a >= b || compared >= MAX_COMPARE) continue;
      const n = Math.min(b - a, MAX_COMPARE - compared);
      const fromCore = src.read(cs.offset + (a - cs.addr), n, `core segment at 0x${cs.addr.toString(16)}`);
      const fromExe = exe.data.subarray(s.offset + (a - lo), s.offset + (a - lo) + n);
      for (let i = Math.max(0, skip - (s.offset + (a - lo))); i < n; i++) {
        if (fromCore[i] !== fromExe[i]) {
          fail(`the byte at 0x${(a + i).toString(16)} (the executable's ${s.exec ? 'text' : 'read-only data'}) is 0x${fromCore[i].toString(16).padStart(2, '0')} in the core and 0x${fromExe[i].toString(16).padStart(2, '0')} in the executable`);
        }
      }
      compared += n;
    }
  }

  // The mappings NT_FILE records for the executable's file.
  let mappings = 0;
  if (corePath !== undefined) {
    for (const [i, s] of exe.segments.entries()) {
      if (s.fileSize <= 0) continue;
      const start = Math.floor((s.addr + slide) / PAGE) * PAGE;
      const offset = Math.floor(s.offset / PAGE) * PAGE;
      // Adjacent mappings of the same file with the same rights merge into one VMA: check the page, not the entry's start.
      const m = c.files.find((f) => f.path === corePath && start >= f.start && start < f.end);
      if (!m || m.fileOffset + (start - m.start) !== offset) {
        const there = c.files.filter((f) => f.path === corePath).map((f) => `0x${f.start.toString(16)} (file offset 0x${f.fileOffset.toString(16)})`).join(', ');
        fail(`its segment ${i} belongs at 0x${start.toString(16)} (file offset 0x${offset.toString(16)}), but the core maps ${corePath} at ${there}`);
      }
      mappings++;
    }
  }
  const parts = [compared ? `${compared} bytes of its read-only segments` : '', mappings ? `${mappings} file mappings` : ''].filter(Boolean);
  return { evidence: parts.length ? parts.join(' and ') : undefined };
}

/**
 * Where an ELF file's headers end (0 for other formats): the file header, the program headers and the
 * reserved gap after them. strip and objcopy rewrite the header's section-table fields and program
 * headers of unloaded parts; none of it is the program.
 */
function elfHeaderSize(b: Uint8Array, little: boolean): number {
  if (b.length < 64 || b[0] !== 0x7f || b[1] !== 0x45 || b[2] !== 0x4c || b[3] !== 0x46) return 0;
  const is64 = b[4] === 2;
  const u16 = (at: number) => (little ? b[at] | (b[at + 1] << 8) : (b[at] << 8) | b[at + 1]);
  const u32 = (at: number) => (little ? (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16)) + b[at + 3] * 2 ** 24 : b[at] * 2 ** 24 + ((b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]));
  const phoff = is64 ? u32(little ? 32 : 36) : u32(28);
  const [ehsize, phentsize, phnum] = is64 ? [u16(52), u16(54), u16(56)] : [u16(40), u16(42), u16(44)];
  const end = Math.max(ehsize, phoff + phentsize * Math.min(phnum, 64));
  // The linker reserves the rest of the header page up to the first note (cmd/link ELFRESERVE); strip
  // rewrites that gap too. The notes (the Go build ID first) are compared.
  let firstNote = PAGE;
  for (let i = 0; i < Math.min(phnum, 64); i++) {
    const at = phoff + i * phentsize;
    if (at + (is64 ? 16 : 8) > b.length) break;
    if (u32(at) !== PT_NOTE) continue;
    const off = is64 ? u32(at + (little ? 8 : 12)) : u32(at + 4);
    if (off >= end && off < firstNote) firstNote = off;
  }
  return firstNote < PAGE ? firstNote : end;
}
