/**
 * ELF reader: 32/64-bit, little/big-endian, executables, PIE and shared
 * objects. Reads the header, program headers (for virtual-address reads),
 * section headers (for names) and .symtab, in the manner of Go's debug/elf:
 * every count and offset is checked against the file before it is used.
 *
 * Relocations are not applied: the Go linker and GNU ld keep absolute pointer
 * values in the file for PIE (docs/binary-format.md); a linker that leaves
 * them zero would make moduledata validation fail loudly, not silently.
 */
import type { GoArch } from '../model/arch.js';
import { ByteView } from './bytes.js';
import type { ObjectFile, Section, Segment } from './object.js';
import {
  ELFCLASS32, ELFCLASS64, ELFDATA2LSB, ELFDATA2MSB, ELFOSABI_FREEBSD, ELFOSABI_SOLARIS, EM_386, EM_AARCH64, EM_ARM, EM_LOONGARCH,
  EM_MIPS, EM_PPC64, EM_RISCV, EM_S390, EM_X86_64, ET_DYN, PF_W, PF_X, PT_DYNAMIC, PT_LOAD, R_RELATIVE, SHF_ALLOC, SHF_COMPRESSED,
  SHF_EXECINSTR, SHF_WRITE, SHN_XINDEX, SHT_NOBITS, SHT_RELA, SHT_SYMTAB,
} from './elfconst.js';

export function isELF(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x7f && String.fromCharCode(b[1], b[2], b[3]) === 'ELF';
}

export function machineArch(m: number, is64: boolean, little: boolean): GoArch | undefined {
  switch (m) {
    case EM_386: return '386';
    case EM_X86_64: return 'amd64';
    case EM_AARCH64: return 'arm64';
    case EM_ARM: return 'arm';
    case EM_MIPS: return is64 ? (little ? 'mips64le' : 'mips64') : (little ? 'mipsle' : 'mips');
    case EM_PPC64: return little ? 'ppc64le' : 'ppc64';
    case EM_S390: return 's390x';
    case EM_RISCV: return is64 ? 'riscv64' : undefined;
    case EM_LOONGARCH: return 'loong64';
    default: return undefined;
  }
}

/** GOOS an ELF file implies: EI_OSABI (Go's linker marks FreeBSD) or an OS note section; else Linux. */
function elfGOOS(osabi: number, sections: Section[]): string {
  if (osabi === ELFOSABI_FREEBSD) return 'freebsd';
  const has = (n: string) => sections.some((s) => s.name === n);
  if (has('.note.netbsd.ident')) return 'netbsd';
  if (has('.note.openbsd.ident')) return 'openbsd';
  if (has('.note.dragonfly.ident')) return 'dragonfly';
  if (osabi === ELFOSABI_SOLARIS || has('.SUNW_version')) return 'solaris';
  return 'linux';
}

/**
 * Position-independent executables carry their pointers as relocations. GNU ld
 * and Go's own linker also store the value in the file, but lld leaves the word
 * zero and keeps it only in the RELA addend (verified with lld 14 on a Go 1.26
 * cgo PIE). So RELATIVE RELA entries are applied, at load base 0, to a copy of
 * the file before anything reads pointers. (RELR and REL keep the addend in
 * place, so they need nothing.)
 */
function applyRelativeRelocs(
  v: ByteView,
  raw: { type: number; offset: number; size: number; entsize: number }[],
  segments: Segment[],
  machine: number,
  is64: boolean,
): Uint8Array {
  const rel = R_RELATIVE[machine];
  const W = is64 ? 8 : 4;
  const ent = is64 ? 24 : 12;
  let out: Uint8Array | undefined;
  let dv: DataView | undefined;
  for (const r of raw) {
    if (r.type !== SHT_RELA || rel === undefined || r.size < ent) continue;
    const n = Math.floor(r.size / ent);
    v.need(r.offset, n * ent, 'ELF RELA section');
    for (let i = 0; i < n; i++) {
      const o = r.offset + i * ent;
      // r_info: ELF64 u64 with the type in its low 32 bits; ELF32 u32 with the type in its low 8 bits.
      const type = is64 ? v.u32(v.little ? o + 8 : o + 12) : v.u32(o + 4) & 0xff;
      if (type !== rel) continue;
      const where = v.word(o, W, 'r_offset');
      const addend = is64 ? Number(v.dv.getBigInt64(o + 16, v.little)) : v.i32(o + 8);
      if (addend <= 0 || !Number.isSafeInteger(addend)) continue;
      const seg = segments.find((g) => where >= g.addr && where + W <= g.addr + g.fileSize);
      if (!seg) continue;
      const fo = seg.offset + (where - seg.addr);
      if (!out) {
        out = Uint8Array.from(v.bytes);
        dv = new DataView(out.buffer);
      }
      if (W === 8) dv?.setBigUint64(fo, BigInt(addend), v.little);
      else dv?.setUint32(fo, addend, v.little);
    }
  }
  return out ?? v.bytes;
}

/** The ELF header's fields the reader uses (e_shnum and e_shstrndx before extended numbering is resolved). */
interface ElfHeader {
  readonly is64: boolean;
  readonly type: number;
  readonly machine: number;
  readonly phoff: number;
  readonly shoff: number;
  readonly phentsize: number;
  readonly phnum: number;
  readonly shentsize: number;
  readonly shnum: number;
  readonly shstrndx: number;
}

/** A section header as in the file: name is an offset into the section name table. */
interface RawSection {
  name: number;
  type: number;
  flags: number;
  addr: number;
  offset: number;
  size: number;
  link: number;
  entsize: number;
}

/** e_ident and the header; sets the view's byte order. */
function readHeader(v: ByteView): ElfHeader {
  const data = v.bytes;
  v.need(0, 16, 'ELF ident');
  const cls = data[4];
  const enc = data[5];
  if (cls !== ELFCLASS32 && cls !== ELFCLASS64) v.fail(4, `ELF: unknown class ${cls}`);
  if (enc !== ELFDATA2LSB && enc !== ELFDATA2MSB) v.fail(5, `ELF: unknown data encoding ${enc}`);
  const is64 = cls === ELFCLASS64;
  v.little = enc === ELFDATA2LSB;
  const w = (off: number, what: string) => v.word(off, is64 ? 8 : 4, what);
  v.need(0, is64 ? 64 : 52, 'ELF header');
  return {
    is64,
    type: v.u16(16, 'e_type'),
    machine: v.u16(18, 'e_machine'),
    phoff: w(is64 ? 32 : 28, 'e_phoff'),
    shoff: w(is64 ? 40 : 32, 'e_shoff'),
    phentsize: v.u16(is64 ? 54 : 42, 'e_phentsize'),
    phnum: v.u16(is64 ? 56 : 44, 'e_phnum'),
    shentsize: v.u16(is64 ? 58 : 46, 'e_shentsize'),
    shnum: v.u16(is64 ? 60 : 48, 'e_shnum'),
    shstrndx: v.u16(is64 ? 62 : 50, 'e_shstrndx'),
  };
}

/** The PT_LOAD segments (for virtual-address reads), and whether a PT_DYNAMIC is present. */
function readSegments(v: ByteView, h: ElfHeader): { segments: Segment[]; dynamic: boolean } {
  const { is64, phoff, phentsize, phnum } = h;
  const w = (off: number, what: string) => v.word(off, is64 ? 8 : 4, what);
  const segments: Segment[] = [];
  let dynamic = false;
  if (phnum === 0) return { segments, dynamic };
  if (phentsize < (is64 ? 56 : 32)) v.fail(is64 ? 54 : 42, `ELF: program header entry size ${phentsize} too small`);
  v.need(phoff, phnum * phentsize, 'ELF program headers');
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * phentsize;
    const ptype = v.u32(o);
    if (ptype === PT_DYNAMIC) dynamic = true;
    if (ptype !== PT_LOAD) continue;
    const flags = v.u32(is64 ? o + 4 : o + 24);
    const offset = w(is64 ? o + 8 : o + 4, 'p_offset');
    const addr = w(is64 ? o + 16 : o + 8, 'p_vaddr');
    const fileSize = w(is64 ? o + 32 : o + 16, 'p_filesz');
    const memSize = w(is64 ? o + 40 : o + 20, 'p_memsz');
    if (fileSize > 0 && offset + fileSize > v.bytes.length) {
      v.fail(o, `ELF program header ${i}: segment 0x${offset.toString(16)}+0x${fileSize.toString(16)} past end of file`);
    }
    segments.push({ addr, memSize, offset, fileSize: Math.min(fileSize, memSize), write: (flags & PF_W) !== 0, exec: (flags & PF_X) !== 0 });
  }
  return { segments, dynamic };
}

/** The section headers as in the file (none after sstrip), with extended numbering resolved; returns the name table's index too. */
function readSectionHeaders(v: ByteView, h: ElfHeader): { raw: RawSection[]; shstrndx: number } {
  const { is64, shoff, shentsize } = h;
  const w = (off: number, what: string) => v.word(off, is64 ? 8 : 4, what);
  let { shnum, shstrndx } = h;
  const raw: RawSection[] = [];
  if (shoff === 0) return { raw, shstrndx };
  if (shentsize < (is64 ? 64 : 40)) v.fail(is64 ? 58 : 46, `ELF: section header entry size ${shentsize} too small`);
  if (shnum === 0 || shstrndx === SHN_XINDEX) {
    // Extended numbering: the real values live in section header 0.
    v.need(shoff, shentsize, 'ELF section header 0');
    if (shnum === 0) shnum = w(is64 ? shoff + 32 : shoff + 20, 'sh_size of section 0');
    if (shstrndx === SHN_XINDEX) shstrndx = v.u32(is64 ? shoff + 40 : shoff + 24, 'sh_link of section 0');
  }
  if (shnum > 0) v.need(shoff, shnum * shentsize, `ELF section headers (${shnum})`);
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * shentsize;
    raw.push({
      name: v.u32(o),
      type: v.u32(o + 4),
      flags: w(o + 8, 'sh_flags'),
      addr: w(is64 ? o + 16 : o + 12, 'sh_addr'),
      offset: w(is64 ? o + 24 : o + 16, 'sh_offset'),
      size: w(is64 ? o + 32 : o + 20, 'sh_size'),
      link: v.u32(is64 ? o + 40 : o + 24),
      entsize: w(is64 ? o + 56 : o + 36, 'sh_entsize'),
    });
  }
  if (shnum > 0 && shstrndx >= shnum) v.fail(is64 ? 62 : 50, `ELF: section name table index ${shstrndx} out of range (${shnum} sections)`);
  return { raw, shstrndx };
}

/** The sections, named from the section name table, each checked to lie in the file. */
function nameSections(v: ByteView, h: ElfHeader, raw: RawSection[], shstrndx: number): Section[] {
  const sections: Section[] = [];
  const strtab = raw.length > 0 ? raw[shstrndx] : undefined;
  for (let i = 0; i < raw.length; i++) {
    const r = raw[i];
    const at = h.shoff + i * h.shentsize;
    const fileSize = r.type === SHT_NOBITS ? 0 : r.size;
    if (fileSize > 0 && r.offset + fileSize > v.bytes.length) {
      v.fail(at, `ELF section header ${i}: data 0x${r.offset.toString(16)}+0x${fileSize.toString(16)} past end of file`);
    }
    let name = '';
    if (strtab && strtab.type !== SHT_NOBITS) {
      if (r.name >= strtab.size) v.fail(at, `ELF section header ${i}: name offset ${r.name} outside the name table`);
      name = v.cstring(strtab.offset + r.name, Math.min(256, strtab.size - r.name), 'section name');
    }
    sections.push({
      name,
      addr: r.addr,
      size: r.size,
      offset: r.offset,
      fileSize,
      alloc: (r.flags & SHF_ALLOC) !== 0,
      write: (r.flags & SHF_WRITE) !== 0,
      exec: (r.flags & SHF_EXECINSTR) !== 0,
      compressed: (r.flags & SHF_COMPRESSED) !== 0,
    });
  }
  return sections;
}

/** .symtab's named symbols and their values (the first of a repeated name wins). */
function readSymbols(v: ByteView, raw: RawSection[], is64: boolean): Map<string, number> {
  const symbols = new Map<string, number>();
  const st = raw.find((r) => r.type === SHT_SYMTAB);
  if (!st) return symbols;
  const str = raw[st.link];
  const entsize = is64 ? 24 : 16;
  if (!str || str.type === SHT_NOBITS || st.size < entsize) return symbols;
  const n = Math.floor(st.size / entsize);
  for (let i = 1; i < n; i++) {
    const o = st.offset + i * entsize;
    const nameOff = v.u32(o);
    const value = is64 ? v.u64(o + 8, 'st_value') : v.u32(o + 4);
    if (nameOff === 0 || nameOff >= str.size) continue;
    const name = v.cstring(str.offset + nameOff, Math.min(1 << 16, str.size - nameOff), 'symbol name');
    if (!symbols.has(name)) symbols.set(name, value);
  }
  return symbols;
}

export function readELF(file: string, data: Uint8Array): ObjectFile {
  const v = new ByteView(data, file, 0, true);
  const h = readHeader(v);
  const { segments, dynamic } = readSegments(v, h);
  const { raw, shstrndx } = readSectionHeaders(v, h);
  const sections = nameSections(v, h, raw, shstrndx);
  // Without program headers (a relocatable object), fall back to allocated sections.
  if (segments.length === 0) {
    for (const s of sections) {
      if (s.alloc && s.addr !== 0) segments.push({ addr: s.addr, memSize: s.size, offset: s.offset, fileSize: s.fileSize, write: s.write, exec: s.exec });
    }
  }
  const image = applyRelativeRelocs(v, raw, segments, h.machine, h.is64);
  const symbols = readSymbols(v, raw, h.is64);
  return {
    file,
    format: 'elf',
    formatDetail: `ELF${h.is64 ? 64 : 32} ${v.little ? 'little' : 'big'}-endian${h.type === ET_DYN ? (dynamic ? ' (PIE/shared)' : ' (ET_DYN)') : ''}`,
    data: image,
    little: v.little,
    ptrSize: h.is64 ? 8 : 4,
    goarch: machineArch(h.machine, h.is64, v.little),
    goosHint: elfGOOS(data[7], sections),
    sections,
    segments,
    symbols,
    pie: h.type === ET_DYN,
  };
}
