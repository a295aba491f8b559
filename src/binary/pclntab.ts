/**
 * The Go function table (pclntab): found by section name or by scanning for
 * its magic, header decoded per layout, and function names listed so that
 * later commands can find `runtime.mapaccess1`,
 * `internal/runtime/maps.(*Map).getWithKey`, …
 *
 * Layouts (docs/binary-format.md §3): magic 0xfffffffb (Go 1.2–1.15), 0xfffffffa
 * (1.16–1.17), 0xfffffff0 (1.18–1.19), 0xfffffff1 (1.20 onward, unchanged in
 * 1.27). The first 8 bytes are magic, two zero bytes, the instruction-size
 * quantum and the pointer size; model: Go's debug/gosym LineTable.parsePclnTab.
 */
import { InputError } from '../base/errors.js';
import { indexOf } from './bytes.js';
import { Memory, sectionByName, sectionBytes, type ObjectFile } from './object.js';

export type PclnVersion = '1.2' | '1.16' | '1.18' | '1.20';

const MAGICS: Record<number, PclnVersion> = {
  0xfffffffb: '1.2',
  0xfffffffa: '1.16',
  0xfffffff0: '1.18',
  0xfffffff1: '1.20',
};

export interface Pclntab {
  /** Virtual address of the header (moduledata.pcHeader points here). */
  addr: number;
  version: PclnVersion;
  little: boolean;
  quantum: number;
  ptrSize: 4 | 8;
  nfunc: number;
  /** Absolute addresses of the tables the header points at. */
  funcnametab: number;
  pcln: number;
  /** Header's textStart (1.18–1.25; 0 from 1.26 on). */
  textStart: number;
}

/** Whether the 8 bytes at b[i] look like a pclntab header; returns its byte order. */
function headerAt(b: Uint8Array, i: number): { version: PclnVersion; little: boolean } | undefined {
  if (i + 8 > b.length || b[i + 4] !== 0 || b[i + 5] !== 0) return undefined;
  const q = b[i + 6];
  const p = b[i + 7];
  if ((q !== 1 && q !== 2 && q !== 4) || (p !== 4 && p !== 8)) return undefined;
  const le = (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
  const be = ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
  if (MAGICS[le]) return { version: MAGICS[le], little: true };
  if (MAGICS[be]) return { version: MAGICS[be], little: false };
  return undefined;
}

/**
 * Candidate pclntab addresses: the named section, else every place in the
 * loaded, non-executable sections where a valid-looking header starts.
 */
export function pclntabCandidates(o: ObjectFile): number[] {
  const named = sectionByName(o, '.gopclntab', '__gopclntab', '.data.rel.ro.gopclntab');
  if (named && named.addr !== 0) return [named.addr];
  const out: number[] = [];
  const areas = o.sections.length > 0
    ? o.sections.filter((s) => s.alloc && !s.exec && s.fileSize > 0 && s.addr !== 0).map((s) => ({ addr: s.addr, bytes: sectionBytes(o, s) }))
    : o.segments.filter((g) => g.fileSize > 0).map((g) => ({ addr: g.addr, bytes: o.data.subarray(g.offset, g.offset + g.fileSize) }));
  for (const a of areas) {
    for (const pre of [[0xf1, 0xff, 0xff, 0xff], [0xff, 0xff, 0xff, 0xf1], [0xf0, 0xff, 0xff, 0xff], [0xff, 0xff, 0xff, 0xf0], [0xfa, 0xff, 0xff, 0xff], [0xff, 0xff, 0xff, 0xfa], [0xfb, 0xff, 0xff, 0xff], [0xff, 0xff, 0xff, 0xfb]]) {
      const needle = Uint8Array.from([...pre, 0, 0]);
      let i = indexOf(a.bytes, needle);
      let n = 0;
      while (i >= 0 && n++ < 64) {
        // The linker aligns pclntab; skip unaligned matches quickly.
        if ((a.addr + i) % 4 === 0 && headerAt(a.bytes, i)) out.push(a.addr + i);
        i = indexOf(a.bytes, needle, i + 1);
      }
    }
  }
  return out;
}

export function readPclntab(o: ObjectFile, mem: Memory, addr: number): Pclntab {
  const head = mem.read(addr, 8, 'pclntab header');
  const h = headerAt(head, 0);
  if (!h) throw new InputError(o.file, mem.fileOffset(addr) ?? `address 0x${addr.toString(16)}`, 'pclntab: bad magic');
  const ptrSize = head[7] as 4 | 8;
  const W = ptrSize;
  const v = mem.view(addr, 8 + 8 * W, 'pclntab header');
  v.little = h.little;
  const word = (i: number) => v.word(8 + i * W, W, 'pclntab header word');
  const nfunc = word(0);
  if (nfunc > 10_000_000) v.fail(8, `pclntab: ${nfunc} functions is not plausible`);
  let funcnametab: number, pcln: number, textStart = 0;
  switch (h.version) {
    case '1.2':
      funcnametab = addr;
      pcln = addr;
      break;
    case '1.16':
      funcnametab = addr + word(2);
      pcln = addr + word(6);
      break;
    default:
      textStart = word(2);
      funcnametab = addr + word(3);
      pcln = addr + word(7);
  }
  return { addr, version: h.version, little: h.little, quantum: head[6], ptrSize, nfunc, funcnametab, pcln, textStart };
}

export interface Func {
  name: string;
  /** Entry as recorded: an offset from the text start (1.18+) or an address (older). */
  entry: number;
}

/** Every function's name, in table (address) order. */
export function functions(o: ObjectFile, mem: Memory, t: Pclntab): Func[] {
  const out: Func[] = [];
  const W = t.ptrSize;
  // ftab: 1.18+ {entryoff u32, funcoff u32}; 1.2–1.17 {entry uintptr, funcoff uintptr}.
  const ftabAt = t.version === '1.2' ? t.addr + 8 + W : t.pcln;
  const ent = t.version === '1.18' || t.version === '1.20' ? 8 : 2 * W;
  const ftab = mem.view(ftabAt, t.nfunc * ent, 'pclntab function table');
  ftab.little = t.little;
  for (let i = 0; i < t.nfunc; i++) {
    const entry = ent === 8 ? ftab.u32(i * ent) : ftab.word(i * ent, W);
    const funcoff = ent === 8 ? ftab.u32(i * ent + 4) : ftab.word(i * ent + W, W);
    const fbase = (t.version === '1.2' ? t.addr : t.pcln) + funcoff;
    // _func: entry (u32 from 1.18, uintptr before), then nameoff int32.
    const nameoffAt = fbase + (ent === 8 ? 4 : W);
    const fv = mem.view(nameoffAt, 4, '_func.nameoff');
    fv.little = t.little;
    const nameoff = fv.i32(0);
    const name = mem.cstring(t.funcnametab + nameoff, 16384, 'function name');
    out.push({ name, entry });
  }
  return out;
}

/** The first ftab entry (entryoff or entry), for moduledata validation. */
export function firstEntry(mem: Memory, t: Pclntab): number {
  const W = t.ptrSize;
  if (t.version === '1.18' || t.version === '1.20') {
    const v = mem.view(t.pcln, 4, 'ftab[0]');
    v.little = t.little;
    return v.u32(0);
  }
  const at = t.version === '1.2' ? t.addr + 8 + W : t.pcln;
  const v = mem.view(at, W, 'ftab[0]');
  v.little = t.little;
  return v.word(0, W);
}
