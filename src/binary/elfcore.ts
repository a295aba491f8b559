/**
 * ELF core files (ET_CORE), as the Linux kernel, gdb's `gcore` and qemu-user
 * write them: program headers only, PT_LOAD for each memory mapping and one
 * or more PT_NOTE segments holding per-thread registers (NT_PRSTATUS), the
 * auxiliary vector (NT_AUXV) and the mapped files (NT_FILE).
 *
 * What a PT_LOAD says about memory (Linux fs/binfmt_elf.c `elf_core_dump`,
 * gdb linux-tdep.c, qemu linux-user/elfload.c):
 * - p_filesz == p_memsz: every byte of the mapping is in the file.
 * - p_filesz < p_memsz: only the first p_filesz bytes were written; the kernel
 *   does this for file-backed text (the first page only, for build ids) and
 *   writes p_filesz 0 for mappings it skipped (coredump_filter, PROT_NONE).
 *   The rest is *not* known to be zero: the process image (src/source/process/image.ts) fills it
 *   from the executable when it can and otherwise treats it as absent.
 *
 * Like debug/elf, every count and offset is checked against the file before
 * use; a truncated or corrupt core is an InputError naming the file offset.
 * Addresses above 2^53 (the x86-64 vsyscall page) are dropped: nothing Go
 * allocates lives there, and every other address is exact as a number.
 */
import type { GoArch } from '../model/arch.js';
import { InputError } from '../base/errors.js';
import { ByteView } from './bytes.js';
import { isELF, machineArch } from './elf.js';
import type { ByteSource } from './bytesource.js';

import { ELFCLASS32, ELFCLASS64, ELFDATA2LSB, ELFDATA2MSB, ET_CORE, NT_AUXV, NT_FILE, NT_PRSTATUS, PF_R, PF_W, PF_X, PN_XNUM, PT_LOAD, PT_NOTE } from './elfconst.js';

/** Notes larger than this are refused (real cores have kilobytes of notes). */
const MAX_NOTES = 1 << 26;
const MAX_NOTE_COUNT = 1 << 16;

export interface CoreSegment {
  readonly addr: number;
  readonly memSize: number;
  readonly offset: number;
  readonly fileSize: number;
  readonly read: boolean;
  readonly write: boolean;
  readonly exec: boolean;
}

export interface CoreNote {
  readonly name: string;
  readonly type: number;
  /** File offset of the descriptor. */
  readonly offset: number;
  readonly desc: Uint8Array;
}

export interface CoreThread {
  readonly pid: number;
  /** The signal that stopped or killed it (pr_cursig). */
  readonly signal: number;
  /** Program counter and stack pointer, for amd64 and arm64 (undefined elsewhere). */
  readonly pc?: bigint;
  readonly sp?: bigint;
}

export interface MappedFile {
  readonly start: number;
  readonly end: number;
  /** Offset in the file of the mapping's first byte. */
  readonly fileOffset: number;
  readonly path: string;
}

export interface CoreFile {
  readonly file: string;
  readonly goarch: GoArch | undefined;
  readonly machine: number;
  readonly ptrSize: 4 | 8;
  readonly little: boolean;
  /** PT_LOAD segments sorted by address. */
  readonly segments: readonly CoreSegment[];
  readonly notes: readonly CoreNote[];
  readonly threads: readonly CoreThread[];
  /** NT_AUXV as type → value (the first of each type). */
  readonly auxv: ReadonlyMap<number, bigint>;
  /** NT_FILE entries (absent from qemu-user cores). */
  readonly files: readonly MappedFile[];
}

export function readCore(src: ByteSource): CoreFile {
  const file = src.name;
  const ident = src.read(0, Math.min(16, src.size), 'ELF ident');
  if (!isELF(ident)) throw new InputError(file, 0, 'not an ELF core file (no ELF magic)');
  if (ident.length < 16) throw new InputError(file, 0, 'ELF ident truncated');
  const cls = ident[4];
  const enc = ident[5];
  if (cls !== ELFCLASS32 && cls !== ELFCLASS64) throw new InputError(file, 4, `ELF: unknown class ${cls}`);
  if (enc !== ELFDATA2LSB && enc !== ELFDATA2MSB) throw new InputError(file, 5, `ELF: unknown data encoding ${enc}`);
  const is64 = cls === ELFCLASS64;
  const little = enc === ELFDATA2LSB;
  const W = is64 ? 8 : 4;
  const hsize = is64 ? 64 : 52;
  const h = new ByteView(src.read(0, hsize, 'ELF header'), file, 0, little);
  const type = h.u16(16, 'e_type');
  if (type !== ET_CORE) throw new InputError(file, 16, `not a core file: e_type ${type} (a core has ${ET_CORE})`);
  const machine = h.u16(18, 'e_machine');
  const phoff = h.word(is64 ? 32 : 28, W, 'e_phoff');
  const shoff = h.word(is64 ? 40 : 32, W, 'e_shoff');
  const phentsize = h.u16(is64 ? 54 : 42, 'e_phentsize');
  let phnum = h.u16(is64 ? 56 : 44, 'e_phnum');
  if (phnum === PN_XNUM) {
    // More than 65534 mappings: the real count is section header 0's sh_info.
    const s0 = new ByteView(src.read(shoff, is64 ? 64 : 40, 'section header 0 (extended program header count)'), file, shoff, little);
    phnum = s0.u32(is64 ? 44 : 28, 'sh_info');
  }
  const minEnt = is64 ? 56 : 32;
  if (phnum === 0) throw new InputError(file, is64 ? 56 : 44, 'core has no program headers');
  if (phentsize < minEnt) throw new InputError(file, is64 ? 54 : 42, `program header entry size ${phentsize} too small`);
  if (phnum > (1 << 22)) throw new InputError(file, is64 ? 56 : 44, `${phnum} program headers is too many`);
  const ph = new ByteView(src.read(phoff, phnum * phentsize, `program headers (${phnum})`), file, phoff, little);

  const segments: CoreSegment[] = [];
  const notes: CoreNote[] = [];
  let noteBytes = 0;
  for (let i = 0; i < phnum; i++) {
    const o = i * phentsize;
    const ptype = ph.u32(o, 'p_type');
    if (ptype !== PT_LOAD && ptype !== PT_NOTE) continue;
    const flags = ph.u32(is64 ? o + 4 : o + 24, 'p_flags');
    const offset = ph.word(is64 ? o + 8 : o + 4, W, 'p_offset');
    const fileSize = ph.word(is64 ? o + 32 : o + 16, W, 'p_filesz');
    if (offset + fileSize > src.size) {
      throw new InputError(file, phoff + o, `program header ${i}: data 0x${offset.toString(16)}+0x${fileSize.toString(16)} past end of file (size 0x${src.size.toString(16)}): the core is truncated`);
    }
    if (ptype === PT_NOTE) {
      noteBytes += fileSize;
      if (noteBytes > MAX_NOTES) throw new InputError(file, phoff + o, `notes larger than ${MAX_NOTES} bytes`);
      readNotes(src, offset, fileSize, little, notes);
      continue;
    }
    // Read p_vaddr and p_memsz as 64-bit values: the vsyscall page sits above 2^53.
    const addr = is64 ? ph.dv.getBigUint64(o + 16, little) : BigInt(ph.u32(o + 8));
    const memSize = is64 ? ph.dv.getBigUint64(o + 40, little) : BigInt(ph.u32(o + 20));
    if (addr + memSize > BigInt(Number.MAX_SAFE_INTEGER)) continue;
    if (BigInt(fileSize) > memSize) throw new InputError(file, phoff + o, `program header ${i}: p_filesz 0x${fileSize.toString(16)} larger than p_memsz 0x${memSize.toString(16)}`);
    segments.push({ addr: Number(addr), memSize: Number(memSize), offset, fileSize, read: (flags & PF_R) !== 0, write: (flags & PF_W) !== 0, exec: (flags & PF_X) !== 0 });
  }
  segments.sort((a, b) => a.addr - b.addr);
  for (let i = 1; i < segments.length; i++) {
    const p = segments[i - 1];
    if (segments[i].addr < p.addr + p.memSize) throw new InputError(file, phoff, `PT_LOAD segments overlap at 0x${segments[i].addr.toString(16)}`);
  }

  const threads: CoreThread[] = [];
  const auxv = new Map<number, bigint>();
  const files: MappedFile[] = [];
  const goarch = machineArch(machine, is64, little);
  for (const n of notes) {
    if (n.name !== 'CORE') continue;
    const d = new ByteView(n.desc, file, n.offset, little);
    if (n.type === NT_PRSTATUS) threads.push(prstatus(d, is64, goarch));
    else if (n.type === NT_AUXV) {
      for (let p = 0; p + 2 * W <= d.length; p += 2 * W) {
        const t = Number(word(d, p, W));
        if (t === 0) break;
        if (!auxv.has(t)) auxv.set(t, word(d, p + W, W));
      }
    } else if (n.type === NT_FILE) files.push(...ntFile(d, W));
  }
  return { file, goarch, machine, ptrSize: is64 ? 8 : 4, little, segments, notes, threads, auxv, files };
}

function word(d: ByteView, off: number, W: number): bigint {
  d.need(off, W, 'word');
  return W === 8 ? d.dv.getBigUint64(off, d.little) : BigInt(d.dv.getUint32(off, d.little));
}

function readNotes(src: ByteSource, offset: number, size: number, little: boolean, out: CoreNote[]): void {
  const v = new ByteView(src.read(offset, size, 'PT_NOTE'), src.name, offset, little);
  let p = 0;
  while (p + 12 <= size) {
    if (out.length >= MAX_NOTE_COUNT) v.fail(p, `more than ${MAX_NOTE_COUNT} notes`);
    const namesz = v.u32(p, 'n_namesz');
    const descsz = v.u32(p + 4, 'n_descsz');
    const type = v.u32(p + 8, 'n_type');
    const nameAt = p + 12;
    const descAt = nameAt + align4(namesz);
    if (descAt + descsz > size) v.fail(p, `note: name ${namesz} and descriptor ${descsz} bytes run past the PT_NOTE segment (${size} bytes)`);
    const nb = v.slice(nameAt, namesz, 'note name');
    const nul = nb.indexOf(0);
    const name = new TextDecoder().decode(nul >= 0 ? nb.subarray(0, nul) : nb);
    out.push({ name, type, offset: offset + descAt, desc: v.slice(descAt, descsz, 'note descriptor') });
    p = descAt + align4(descsz);
  }
}

function align4(n: number): number {
  return Math.ceil(n / 4) * 4;
}

/**
 * struct elf_prstatus (include/uapi/linux/elfcore.h): pr_info (3 ints),
 * pr_cursig (short), pr_sigpend and pr_sighold (longs), pr_pid…pr_sid (4 ints),
 * four timevals, then pr_reg (the arch's user_regs_struct).
 */
function prstatus(d: ByteView, is64: boolean, goarch: GoArch | undefined): CoreThread {
  const L = is64 ? 8 : 4;
  const cursigAt = 12;
  const pidAt = 16 + 2 * L;
  const regsAt = pidAt + 16 + 4 * 2 * L;
  const signal = d.u16(cursigAt, 'pr_cursig');
  const pid = d.u32(pidAt, 'pr_pid');
  const reg = (i: number): bigint | undefined => (regsAt + (i + 1) * 8 <= d.length ? d.dv.getBigUint64(regsAt + i * 8, d.little) : undefined);
  // user_regs_struct: amd64 rip is word 16 and rsp word 19; arm64 is x0..x30, sp, pc.
  if (goarch === 'amd64') return { pid, signal, pc: reg(16), sp: reg(19) };
  if (goarch === 'arm64') return { pid, signal, pc: reg(32), sp: reg(31) };
  return { pid, signal };
}

/** NT_FILE: count, page size, count × (start, end, page offset), then count NUL-terminated paths. */
function ntFile(d: ByteView, W: number): MappedFile[] {
  const count = Number(word(d, 0, W));
  const page = Number(word(d, W, W));
  if (count > (d.length - 2 * W) / (3 * W)) d.fail(0, `NT_FILE: ${count} entries do not fit in ${d.length} bytes`);
  let names = 2 * W + count * 3 * W;
  const out: MappedFile[] = [];
  for (let i = 0; i < count; i++) {
    const e = 2 * W + i * 3 * W;
    const start = word(d, e, W);
    const end = word(d, e + W, W);
    const pg = word(d, e + 2 * W, W);
    const path = d.cstring(names, Math.min(4096, d.length - names), 'NT_FILE path');
    names += new TextEncoder().encode(path).length + 1;
    if (end > BigInt(Number.MAX_SAFE_INTEGER) || start > end) continue;
    out.push({ start: Number(start), end: Number(end), fileOffset: Number(pg) * page, path });
  }
  return out;
}

/** The segment holding addr (binary search over the sorted segments), or undefined. */
export function segmentAt(segs: readonly CoreSegment[], addr: number): CoreSegment | undefined {
  let lo = 0;
  let hi = segs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = segs[mid];
    if (addr < s.addr) hi = mid - 1;
    else if (addr >= s.addr + s.memSize) lo = mid + 1;
    else return s;
  }
  return undefined;
}
