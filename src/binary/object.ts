/**
 * What the Go-specific readers need from an executable, whatever its format.
 *
 * elf.ts, macho.ts and pe.ts each turn a file into an ObjectFile: a list of
 * sections (named, with their virtual address and file bytes), a list of
 * loadable ranges for reading by virtual address, the byte order, pointer
 * size and the GOARCH its machine type implies. buildinfo, pclntab,
 * moduledata and types only ever talk to this interface, as Go's
 * debug/buildinfo talks to its `exe` interface.
 */
import type { GoArch } from '../model/arch.js';
import { ByteView } from './bytes.js';
import { InputError } from '../base/errors.js';

export type ObjectFormat = 'elf' | 'macho' | 'pe';

export interface Section {
  readonly name: string;
  /** Virtual address (0 when not loaded). */
  readonly addr: number;
  /** Size in memory. */
  readonly size: number;
  /** File offset of the section's bytes (meaningless when fileSize is 0). */
  readonly offset: number;
  /** Bytes present in the file (0 for NOBITS/bss). */
  readonly fileSize: number;
  /** Loaded into memory at run time. */
  readonly alloc: boolean;
  readonly write: boolean;
  readonly exec: boolean;
  /** ELF SHF_COMPRESSED: the bytes start with an Elf_Chdr. */
  readonly compressed?: boolean;
}

/** A file-backed range of virtual memory (an ELF PT_LOAD, a Mach-O segment, a PE section). */
export interface Segment {
  readonly addr: number;
  readonly memSize: number;
  readonly offset: number;
  readonly fileSize: number;
  readonly write: boolean;
  readonly exec: boolean;
}

export interface ObjectFile {
  readonly file: string;
  readonly format: ObjectFormat;
  /** e.g. "ELF64 big-endian", "Mach-O 64-bit (fat slice arm64)", "PE32+". */
  readonly formatDetail: string;
  readonly data: Uint8Array;
  readonly little: boolean;
  readonly ptrSize: 4 | 8;
  /** GOARCH from the machine type, or undefined for machines Go does not target. */
  readonly goarch: GoArch | undefined;
  /** GOOS the container implies when it can (Mach-O: darwin/ios, PE: windows); ELF leaves it to build info. */
  readonly goosHint: string | undefined;
  readonly sections: readonly Section[];
  readonly segments: readonly Segment[];
  /** Names of symbols in a symbol table, when it has one (address by name). */
  readonly symbols: ReadonlyMap<string, number>;
  /** ELF PT_DYNAMIC present and ET_DYN: position independent. */
  readonly pie: boolean;
}

/** A view over the whole file in the object's byte order. */
export function fileView(o: ObjectFile): ByteView {
  return new ByteView(o.data, o.file, 0, o.little);
}

export function sectionByName(o: ObjectFile, ...names: string[]): Section | undefined {
  for (const n of names) {
    const s = o.sections.find((x) => x.name === n);
    if (s) return s;
  }
  return undefined;
}

/** The file bytes of a section, checked against the file size. */
export function sectionBytes(o: ObjectFile, s: Section): Uint8Array {
  if (s.fileSize === 0) return new Uint8Array(0);
  if (s.offset < 0 || s.offset + s.fileSize > o.data.length) {
    throw new InputError(o.file, s.offset, `section ${s.name}: 0x${s.fileSize.toString(16)} bytes past end of file`);
  }
  return o.data.subarray(s.offset, s.offset + s.fileSize);
}

/**
 * Reads virtual memory. Maps `addr` through the segments; bytes beyond a
 * segment's file size (bss) read as zero, as they do at run time.
 */
export class Memory {
  private readonly segs: Segment[];
  private readonly dv: DataView;
  private last: Segment | undefined;
  constructor(readonly obj: ObjectFile) {
    this.dv = new DataView(obj.data.buffer, obj.data.byteOffset, obj.data.byteLength);
    this.segs = obj.segments.filter((s) => s.memSize > 0).slice().sort((a, b) => a.addr - b.addr);
  }

  private find(addr: number): Segment | undefined {
    for (const s of this.segs) if (addr >= s.addr && addr < s.addr + s.memSize) return s;
    return undefined;
  }

  mapped(addr: number, n = 1): boolean {
    const s = this.find(addr);
    return s !== undefined && addr + n <= s.addr + s.memSize;
  }

  /** File offset holding `addr`, or undefined when it is not file-backed. */
  fileOffset(addr: number): number | undefined {
    const s = this.find(addr);
    if (!s || addr - s.addr >= s.fileSize) return undefined;
    return s.offset + (addr - s.addr);
  }

  /**
   * The virtual address that file offset `off` is loaded at, or undefined when
   * no segment loads it. `code`: only executable segments (a program counter
   * given as an offset in the file, as perf and pprof mappings give one).
   */
  addrOfFileOffset(off: number, code = false): number | undefined {
    for (const s of this.segs) if ((!code || s.exec) && off >= s.offset && off < s.offset + s.fileSize) return s.addr + (off - s.offset);
    return undefined;
  }

  /** n bytes at addr; throws InputError when unmapped. */
  read(addr: number, n: number, what = 'memory'): Uint8Array {
    if (!Number.isSafeInteger(addr) || !Number.isSafeInteger(n) || n < 0) {
      throw new InputError(this.obj.file, undefined, `${what}: bad address 0x${addr.toString(16)}`);
    }
    const s = this.find(addr);
    if (!s || addr + n > s.addr + s.memSize) {
      throw new InputError(this.obj.file, `address 0x${addr.toString(16)}`, `${what}: ${n} bytes not mapped by any segment`);
    }
    if (n > 1 << 26) throw new InputError(this.obj.file, `address 0x${addr.toString(16)}`, `${what}: ${n} bytes is too large`);
    const rel = addr - s.addr;
    if (rel + n <= s.fileSize) {
      const off = s.offset + rel;
      if (off + n > this.obj.data.length) throw new InputError(this.obj.file, off, `${what}: segment data past end of file`);
      return this.obj.data.subarray(off, off + n);
    }
    const out = new Uint8Array(n);
    const avail = Math.max(0, s.fileSize - rel);
    if (avail > 0) {
      const off = s.offset + rel;
      if (off + avail > this.obj.data.length) throw new InputError(this.obj.file, off, `${what}: segment data past end of file`);
      out.set(this.obj.data.subarray(off, off + avail));
    }
    return out;
  }

  view(addr: number, n: number, what = 'memory'): ByteView {
    const b = this.read(addr, n, what);
    return new ByteView(b, this.obj.file, this.fileOffset(addr) ?? 0, this.obj.little);
  }

  /**
   * File offset of n bytes at addr when they are all file-backed in one
   * segment (the fast path for scalar reads), else -1.
   */
  private direct(addr: number, n: number): number {
    let s = this.last;
    if (!s || addr < s.addr || addr >= s.addr + s.memSize) {
      s = this.find(addr);
      if (!s) return -1;
      this.last = s;
    }
    const rel = addr - s.addr;
    if (rel + n > s.fileSize) return -1;
    const off = s.offset + rel;
    return off + n <= this.obj.data.length ? off : -1;
  }

  u8(addr: number, what?: string): number {
    const off = this.direct(addr, 1);
    return off >= 0 ? this.obj.data[off] : this.read(addr, 1, what)[0];
  }
  u16(addr: number, what?: string): number {
    const off = this.direct(addr, 2);
    return off >= 0 ? this.dv.getUint16(off, this.obj.little) : this.view(addr, 2, what).u16(0, what);
  }
  u32(addr: number, what?: string): number {
    const off = this.direct(addr, 4);
    return off >= 0 ? this.dv.getUint32(off, this.obj.little) : this.view(addr, 4, what).u32(0, what);
  }
  i32(addr: number, what?: string): number {
    const off = this.direct(addr, 4);
    return off >= 0 ? this.dv.getInt32(off, this.obj.little) : this.view(addr, 4, what).i32(0, what);
  }
  word(addr: number, what?: string): number {
    const p = this.obj.ptrSize;
    const off = this.direct(addr, p);
    if (off >= 0) {
      if (p === 4) return this.dv.getUint32(off, this.obj.little);
      const v = this.dv.getBigUint64(off, this.obj.little);
      if (v <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(v);
    }
    return this.view(addr, p, what).word(0, p, what);
  }
  cstring(addr: number, max = 4096, what = 'string'): string {
    const s = this.find(addr);
    if (!s) throw new InputError(this.obj.file, `address 0x${addr.toString(16)}`, `${what}: not mapped`);
    const n = Math.min(max + 1, s.addr + s.memSize - addr);
    return this.view(addr, n, what).cstring(0, max, what);
  }
}
