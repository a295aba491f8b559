/**
 * PE/COFF reader (PE32 and PE32+): sections with long names resolved through
 * the COFF string table (Go writes `.zdebug_*` names as `/4`, `/19`…), the
 * image base for virtual addresses, and the COFF symbol table when present.
 * Modelled on Go's debug/pe; every offset is checked before use.
 */
import type { GoArch } from '../model/arch.js';
import { ByteView } from './bytes.js';
import type { ObjectFile, Section, Segment } from './object.js';

export function isPE(b: Uint8Array): boolean {
  return b.length >= 2 && b[0] === 0x4d && b[1] === 0x5a; // "MZ"
}

/** COFF Machine values (Go's debug/pe IMAGE_FILE_MACHINE_*). */
const IMAGE_FILE_MACHINE_I386 = 0x14c;
const IMAGE_FILE_MACHINE_AMD64 = 0x8664;
const IMAGE_FILE_MACHINE_ARM = 0x1c0;
const IMAGE_FILE_MACHINE_ARMNT = 0x1c4;
const IMAGE_FILE_MACHINE_ARM64 = 0xaa64;

function machineArch(m: number): GoArch | undefined {
  switch (m) {
    case IMAGE_FILE_MACHINE_I386: return '386';
    case IMAGE_FILE_MACHINE_AMD64: return 'amd64';
    case IMAGE_FILE_MACHINE_ARM:
    case IMAGE_FILE_MACHINE_ARMNT: return 'arm';
    case IMAGE_FILE_MACHINE_ARM64: return 'arm64';
    default: return undefined;
  }
}

export function readPE(file: string, data: Uint8Array): ObjectFile {
  const v = new ByteView(data, file, 0, true);
  const lfanew = v.u32(0x3c, 'e_lfanew');
  if (v.u32(lfanew, 'PE signature') !== 0x4550) v.fail(lfanew, 'PE: missing "PE\\0\\0" signature');
  const coff = lfanew + 4;
  const machine = v.u16(coff, 'Machine');
  const nsect = v.u16(coff + 2, 'NumberOfSections');
  const symPtr = v.u32(coff + 8, 'PointerToSymbolTable');
  const nsyms = v.u32(coff + 12, 'NumberOfSymbols');
  const optSize = v.u16(coff + 16, 'SizeOfOptionalHeader');
  const opt = coff + 20;
  let imageBase = 0;
  let is64 = false;
  if (optSize > 0) {
    const magic = v.u16(opt, 'optional header magic');
    if (magic === 0x20b) {
      is64 = true;
      imageBase = v.u64(opt + 24, 'ImageBase');
    } else if (magic === 0x10b) {
      imageBase = v.u32(opt + 28, 'ImageBase');
    } else v.fail(opt, `PE: unknown optional header magic 0x${magic.toString(16)}`);
  }
  // The string table follows the symbol table (18-byte records).
  let strtab = -1;
  let strsize = 0;
  if (symPtr !== 0) {
    strtab = symPtr + nsyms * 18;
    if (strtab + 4 <= data.length) strsize = v.u32(strtab, 'string table size');
    else strtab = -1;
  }
  const longName = (at: number, off: number): string => {
    if (strtab < 0 || off >= strsize) v.fail(at, `PE: name offset ${off} outside the string table`);
    return v.cstring(strtab + off, Math.min(256, strsize - off), 'PE long name');
  };
  const sectTab = opt + optSize;
  v.need(sectTab, nsect * 40, `PE section table (${nsect} sections)`);
  const sections: Section[] = [];
  const segments: Segment[] = [];
  const vaddrs: number[] = [];
  for (let i = 0; i < nsect; i++) {
    const o = sectTab + i * 40;
    const raw = v.slice(o, 8);
    let n = 0;
    while (n < 8 && raw[n] !== 0) n++;
    let name = new TextDecoder().decode(raw.subarray(0, n));
    if (name.startsWith('/') && /^\/\d+$/.test(name)) name = longName(o, Number(name.slice(1)));
    const vsize = v.u32(o + 8);
    const va = v.u32(o + 12);
    const rawSize = v.u32(o + 16);
    const rawPtr = v.u32(o + 20);
    const ch = v.u32(o + 36);
    const memSize = vsize !== 0 ? vsize : rawSize;
    const fileSize = rawPtr === 0 ? 0 : Math.min(rawSize, memSize);
    if (fileSize > 0 && rawPtr + fileSize > data.length) v.fail(o, `PE section ${name}: data 0x${rawPtr.toString(16)}+0x${fileSize.toString(16)} past end of file`);
    const write = (ch & 0x80000000) !== 0;
    const exec = (ch & 0x20000000) !== 0;
    const addr = va === 0 ? 0 : imageBase + va;
    vaddrs.push(addr);
    sections.push({ name, addr, size: memSize, offset: rawPtr, fileSize, alloc: va !== 0, write, exec });
    if (va !== 0) segments.push({ addr, memSize, offset: rawPtr, fileSize, write, exec });
  }
  const symbols = new Map<string, number>();
  if (symPtr !== 0 && strtab >= 0) {
    v.need(symPtr, nsyms * 18, 'PE symbol table');
    for (let i = 0; i < nsyms; i++) {
      const o = symPtr + i * 18;
      const aux = v.u8(o + 17);
      const secNum = v.dv.getInt16(o + 12, true);
      const value = v.u32(o + 8);
      let name: string;
      if (v.u32(o) === 0) {
        const off = v.u32(o + 4);
        if (off >= strsize) {
          i += aux;
          continue;
        }
        name = v.cstring(strtab + off, Math.min(1 << 16, strsize - off), 'symbol name');
      } else {
        const raw = v.slice(o, 8);
        let n = 0;
        while (n < 8 && raw[n] !== 0) n++;
        name = new TextDecoder().decode(raw.subarray(0, n));
      }
      if (secNum > 0 && secNum <= vaddrs.length && !symbols.has(name)) symbols.set(name, vaddrs[secNum - 1] + value);
      i += aux;
    }
  }
  return {
    file,
    format: 'pe',
    formatDetail: is64 ? 'PE32+' : 'PE32',
    data,
    little: true,
    ptrSize: is64 ? 8 : 4,
    goarch: machineArch(machine),
    goosHint: 'windows',
    sections,
    segments,
    symbols,
    pie: false,
  };
}
