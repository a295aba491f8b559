/**
 * Mach-O reader: 32/64-bit thin files and fat/universal files (each slice is
 * its own ObjectFile). Reads segments (for virtual-address reads), sections
 * and the LC_SYMTAB symbol table, in the manner of Go's debug/macho; all
 * counts and offsets are checked against the file before use.
 */
import type { GoArch } from '../model/arch.js';
import { ByteView } from './bytes.js';
import type { ObjectFile, Section, Segment } from './object.js';
import { LC_DYLD_CHAINED_FIXUPS, applyChainedFixups, type MachSegment } from './machofixups.js';

const LC_SEGMENT = 0x1;
const LC_SYMTAB = 0x2;
const LC_SEGMENT_64 = 0x19;
const FAT_MAGIC = 0xcafebabe;
const FAT_MAGIC_64 = 0xcafebabf;
/** cputype values (Go's debug/macho Cpu*: CpuAmd64 = CpuX86 | cpuArch64). */
const CPU_ARCH_ABI64 = 0x01000000;
const CPU_TYPE_X86 = 7;
const CPU_TYPE_ARM = 12;
const CPU_TYPE_POWERPC = 18;

export function machoKind(b: Uint8Array): 'thin' | 'fat' | undefined {
  if (b.length < 8) return undefined;
  const be = (b[0] << 24 >>> 0) + (b[1] << 16) + (b[2] << 8) + b[3];
  const le = (b[3] << 24 >>> 0) + (b[2] << 16) + (b[1] << 8) + b[0];
  if (be === 0xfeedface || be === 0xfeedfacf || le === 0xfeedface || le === 0xfeedfacf) return 'thin';
  if (be === FAT_MAGIC || be === FAT_MAGIC_64) {
    // A Java class file shares 0xcafebabe; its next word (version) is large.
    const n = (b[4] << 24 >>> 0) + (b[5] << 16) + (b[6] << 8) + b[7];
    return n > 0 && n < 64 ? 'fat' : undefined;
  }
  return undefined;
}

function cpuArch(cpu: number): GoArch | undefined {
  switch (cpu >>> 0) {
    case CPU_TYPE_X86: return '386';
    case CPU_TYPE_X86 | CPU_ARCH_ABI64: return 'amd64';
    case CPU_TYPE_ARM: return 'arm';
    case CPU_TYPE_ARM | CPU_ARCH_ABI64: return 'arm64';
    case CPU_TYPE_POWERPC | CPU_ARCH_ABI64: return 'ppc64';
    default: return undefined;
  }
}

function fixedName(v: ByteView, off: number): string {
  const b = v.slice(off, 16, 'name');
  let n = 0;
  while (n < 16 && b[n] !== 0) n++;
  return new TextDecoder().decode(b.subarray(0, n));
}

/** Reads a Mach-O file; a fat file yields one ObjectFile per slice. */
export function readMachO(file: string, data: Uint8Array): ObjectFile[] {
  if (machoKind(data) === 'fat') return readFat(file, data);
  return [readThin(file, data, 0, data.length, '')];
}

function readFat(file: string, data: Uint8Array): ObjectFile[] {
  const v = new ByteView(data, file, 0, false);
  const magic = v.u32(0, 'fat magic');
  const n = v.u32(4, 'fat nfat_arch');
  const is64 = magic === FAT_MAGIC_64;
  const ent = is64 ? 32 : 20;
  v.need(8, n * ent, `fat header (${n} architectures)`);
  const out: ObjectFile[] = [];
  for (let i = 0; i < n; i++) {
    const o = 8 + i * ent;
    const cpu = v.u32(o);
    const offset = is64 ? v.u64(o + 8, 'fat offset') : v.u32(o + 8);
    const size = is64 ? v.u64(o + 16, 'fat size') : v.u32(o + 12);
    if (offset + size > data.length) v.fail(o, `fat architecture ${i}: slice 0x${offset.toString(16)}+0x${size.toString(16)} past end of file`);
    out.push(readThin(file, data, offset, size, ` (fat slice ${cpuArch(cpu) ?? `cpu 0x${cpu.toString(16)}`})`));
  }
  return out;
}

function readThin(file: string, whole: Uint8Array, start: number, len: number, note: string): ObjectFile {
  // Offsets inside a slice are relative to the slice; the view's base keeps errors in file offsets.
  const data = whole.subarray(start, start + len);
  const v = new ByteView(data, file, start, true);
  v.need(0, 28, 'Mach-O header');
  const m = v.dv.getUint32(0, true);
  if (m === 0xfeedface || m === 0xfeedfacf) v.little = true;
  else if (v.dv.getUint32(0, false) === 0xfeedface || v.dv.getUint32(0, false) === 0xfeedfacf) v.little = false;
  else v.fail(0, 'Mach-O: bad magic');
  const is64 = v.u32(0) === 0xfeedfacf;
  const cpu = v.u32(4, 'cputype');
  const ncmds = v.u32(16, 'ncmds');
  const sizeofcmds = v.u32(20, 'sizeofcmds');
  const hdr = is64 ? 32 : 28;
  v.need(hdr, sizeofcmds, 'Mach-O load commands');
  const sections: Section[] = [];
  const segments: Segment[] = [];
  const symbols = new Map<string, number>();
  const allSegments: MachSegment[] = [];
  let fixups: { dataoff: number; datasize: number } | undefined;
  let off = hdr;
  const end = hdr + sizeofcmds;
  for (let i = 0; i < ncmds; i++) {
    if (off + 8 > end) v.fail(off, `Mach-O load command ${i}: past the end of the load commands`);
    const cmd = v.u32(off);
    const size = v.u32(off + 4);
    if (size < 8 || off + size > end) v.fail(off, `Mach-O load command ${i}: bad size ${size}`);
    if (cmd === LC_SEGMENT_64 || cmd === LC_SEGMENT) {
      const s64 = cmd === LC_SEGMENT_64;
      const W = s64 ? 8 : 4;
      if (size < (s64 ? 72 : 56)) v.fail(off, `Mach-O segment command too short (${size})`);
      const segname = fixedName(v, off + 8);
      const vmaddr = v.word(off + 24, W, 'vmaddr');
      const vmsize = v.word(off + 24 + W, W, 'vmsize');
      const fileoff = v.word(off + 24 + 2 * W, W, 'fileoff');
      const filesize = v.word(off + 24 + 3 * W, W, 'filesize');
      const initprot = v.u32(off + 28 + 4 * W);
      const nsects = v.u32(off + 32 + 4 * W);
      if (filesize > 0 && fileoff + filesize > data.length) v.fail(off, `Mach-O segment ${segname}: data 0x${fileoff.toString(16)}+0x${filesize.toString(16)} past end of file`);
      allSegments.push({ vmaddr, fileoff, filesize });
      if (segname !== '__PAGEZERO' && vmsize > 0) {
        segments.push({ addr: vmaddr, memSize: vmsize, offset: fileoff, fileSize: Math.min(filesize, vmsize), write: (initprot & 2) !== 0, exec: (initprot & 4) !== 0 });
      }
      const sectSize = s64 ? 80 : 68;
      const first = off + (s64 ? 72 : 56);
      if (first + nsects * sectSize > off + size) v.fail(off, `Mach-O segment ${segname}: ${nsects} sections overflow the command`);
      for (let j = 0; j < nsects; j++) {
        const so = first + j * sectSize;
        const name = fixedName(v, so);
        const addr = v.word(so + 32, W, 'section addr');
        const ssize = v.word(so + 32 + W, W, 'section size');
        const offset = v.u32(so + 32 + 2 * W);
        const flags = v.u32(so + 32 + 2 * W + 16);
        const t = flags & 0xff;
        const zerofill = t === 1 || t === 0x0c || t === 0x12;
        const fileSize = zerofill ? 0 : ssize;
        if (fileSize > 0 && offset + fileSize > data.length) v.fail(so, `Mach-O section ${name}: data past end of file`);
        sections.push({ name, addr, size: ssize, offset, fileSize, alloc: true, write: (initprot & 2) !== 0, exec: (initprot & 4) !== 0 });
      }
    } else if (cmd === LC_DYLD_CHAINED_FIXUPS) {
      if (size < 16) v.fail(off, 'Mach-O LC_DYLD_CHAINED_FIXUPS too short');
      fixups = { dataoff: v.u32(off + 8), datasize: v.u32(off + 12) };
    } else if (cmd === LC_SYMTAB) {
      if (size < 24) v.fail(off, 'Mach-O LC_SYMTAB too short');
      const symoff = v.u32(off + 8);
      const nsyms = v.u32(off + 12);
      const stroff = v.u32(off + 16);
      const strsize = v.u32(off + 20);
      const ent = is64 ? 16 : 12;
      v.need(symoff, nsyms * ent, 'Mach-O symbol table');
      v.need(stroff, strsize, 'Mach-O string table');
      for (let k = 0; k < nsyms; k++) {
        const so = symoff + k * ent;
        const strx = v.u32(so);
        if (strx === 0 || strx >= strsize) continue;
        const value = is64 ? v.u64(so + 8, 'n_value') : v.u32(so + 8);
        let name = v.cstring(stroff + strx, Math.min(1 << 16, strsize - strx), 'symbol name');
        if (name.startsWith('_')) name = name.slice(1);
        if (!symbols.has(name)) symbols.set(name, value);
      }
    }
    off += size;
  }
  // Pointers held as fixup chains are resolved, at the preferred base, in a copy.
  let image = whole;
  if (fixups) {
    const text = allSegments.find((g) => g.fileoff === 0 && g.filesize > 0);
    const fixed = applyChainedFixups(v, fixups.dataoff, fixups.datasize, allSegments, text?.vmaddr ?? 0);
    image = start === 0 && len === whole.length ? fixed : whole.slice();
    if (image !== fixed) image.set(fixed, start);
  }
  // Segment and section file offsets are slice-relative; make them whole-file offsets.
  const shift = <T extends { offset: number }>(x: T): T => ({ ...x, offset: x.offset + start });
  return {
    file,
    format: 'macho',
    formatDetail: `Mach-O ${is64 ? '64' : '32'}-bit${note}`,
    data: image,
    little: v.little,
    ptrSize: is64 ? 8 : 4,
    goarch: cpuArch(cpu),
    goosHint: 'darwin',
    sections: sections.map(shift),
    segments: segments.map(shift),
    symbols,
    pie: true,
  };
}
