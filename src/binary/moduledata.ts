/**
 * runtime.firstmoduledata: where the type descriptors, typelinks and text
 * range live. Found as the whole `.go.module`/`__go_module` section (Go 1.26+)
 * or by scanning writable data for a pointer to pclntab and confirming the
 * candidate (GoReSym's method, docs/binary-format.md §4).
 *
 * Layouts are listed as word indices (every field used precedes `hasmain`
 * and is a word, a string or a slice, so offset = index × pointer size),
 * from docs/binary-format.md §4 and, for 1.27, runtime/symtab.go of go1.27.3.
 * When the Go version is unknown every layout the pclntab magic allows is
 * tried and the one that validates wins.
 */
import { InputError } from '../base/errors.js';
import type { Pclntab } from './pclntab.js';
import { firstEntry } from './pclntab.js';
import { Memory, sectionByName, sectionBytes, type ObjectFile } from './object.js';

export type ModuleLayout = '1.8' | '1.16' | '1.18' | '1.20' | '1.26' | '1.27';

interface Layout {
  first: 'pcHeader' | 'pclntable';
  ftab: number;
  minpc: number;
  text: number;
  types: number;
  typedesclen?: number;
  etypes: number;
  itaboffset?: number;
  textsectmap: number;
  typelinks?: number;
  itablinks?: number;
  /** go.func.*: the base the 1.18+ funcdata offsets are relative to. */
  gofunc?: number;
}

const LAYOUTS: Record<ModuleLayout, Layout> = {
  '1.8': { first: 'pclntable', ftab: 3, minpc: 10, text: 12, types: 25, etypes: 26, textsectmap: 27, typelinks: 30, itablinks: 33 },
  '1.16': { first: 'pcHeader', ftab: 16, minpc: 20, text: 22, types: 35, etypes: 36, textsectmap: 37, typelinks: 40, itablinks: 43 },
  '1.18': { first: 'pcHeader', ftab: 16, minpc: 20, text: 22, types: 35, etypes: 36, gofunc: 38, textsectmap: 39, typelinks: 42, itablinks: 45 },
  '1.20': { first: 'pcHeader', ftab: 16, minpc: 20, text: 22, types: 37, etypes: 38, gofunc: 40, textsectmap: 41, typelinks: 44, itablinks: 47 },
  '1.26': { first: 'pcHeader', ftab: 16, minpc: 20, text: 22, types: 37, etypes: 38, gofunc: 40, textsectmap: 42, typelinks: 45, itablinks: 48 },
  '1.27': { first: 'pcHeader', ftab: 16, minpc: 20, text: 22, types: 37, typedesclen: 38, etypes: 39, itaboffset: 40, gofunc: 43, textsectmap: 45 },
};

export interface ModuleData {
  addr: number;
  layout: ModuleLayout;
  text: number;
  minpc: number;
  types: number;
  etypes: number;
  /** Go 1.27: bytes of sorted descriptors at the start of the types region. */
  typedesclen?: number;
  /** Go 1.27: the itabs, as an offset from `types` and a byte size (they replace itablinks). */
  itaboffset?: number;
  itabsize?: number;
  /** Offsets from `types` (Go 1.7–1.26). */
  typelinks: number[];
  /** Addresses of itabs (Go 1.7–1.26). */
  itablinks: number[];
  textsect: { vaddr: number; end: number; baseaddr: number }[];
  /** go.func.* (Go 1.18+): funcdata offsets in _func are relative to it. */
  gofunc?: number;
}

/** Layout versions to try for a pclntab of this magic, most likely first given the Go version. */
export function layoutsFor(t: Pclntab, goMinor: number | undefined): ModuleLayout[] {
  const byMagic: Record<Pclntab['version'], ModuleLayout[]> = {
    '1.2': ['1.8'],
    '1.16': ['1.16'],
    '1.18': ['1.18'],
    '1.20': ['1.26', '1.20', '1.27'],
  };
  const all = byMagic[t.version];
  if (goMinor === undefined) return all;
  const want: ModuleLayout = goMinor >= 27 ? '1.27' : goMinor >= 26 ? '1.26' : goMinor >= 20 ? '1.20' : goMinor >= 18 ? '1.18' : goMinor >= 16 ? '1.16' : '1.8';
  return [want, ...all.filter((l) => l !== want)];
}

/** Reads and validates moduledata at addr with a layout; returns a reason string when it does not fit. */
export function tryModuleData(o: ObjectFile, mem: Memory, t: Pclntab, addr: number, layout: ModuleLayout): ModuleData | string {
  const L = LAYOUTS[layout];
  const W = o.ptrSize;
  const size = (L.itablinks ?? L.textsectmap) * W + 3 * W;
  if (!mem.mapped(addr, size)) return 'moduledata not mapped';
  const md = mem.view(addr, size, 'moduledata');
  const w = (i: number) => md.word(i * W, W, 'moduledata word');
  if (w(0) !== t.addr) return 'first word does not point to pclntab';
  const ftabLen = w(L.ftab + 1);
  if (t.version !== '1.2' && ftabLen !== t.nfunc + 1) return `ftab length ${ftabLen} != nfunc+1 (${t.nfunc + 1})`;
  const minpc = w(L.minpc);
  const maxpc = w(L.minpc + 1);
  const text = w(L.text);
  const etext = w(L.text + 1);
  if (!(text <= minpc && minpc <= maxpc && maxpc <= etext)) return 'text range inconsistent';
  const types = w(L.types);
  const etypes = w(L.etypes);
  if (!(types < etypes) || etypes - types > 1 << 30 || !mem.mapped(types, etypes - types)) return 'types range inconsistent';
  const tsm = w(L.textsectmap);
  const tsmLen = w(L.textsectmap + 1);
  if (tsmLen > 0x100 || w(L.textsectmap + 2) !== tsmLen) return 'textsectmap implausible';
  const textsect: ModuleData['textsect'] = [];
  if (tsmLen > 0) {
    if (!mem.mapped(tsm, tsmLen * 3 * W)) return 'textsectmap not mapped';
    const tv = mem.view(tsm, tsmLen * 3 * W, 'textsectmap');
    for (let i = 0; i < tsmLen; i++) textsect.push({ vaddr: tv.word(i * 3 * W, W), end: tv.word(i * 3 * W + W, W), baseaddr: tv.word(i * 3 * W + 2 * W, W) });
  }
  const out: ModuleData = { addr, layout, text, minpc, types, etypes, typelinks: [], itablinks: [], textsect };
  if (L.gofunc !== undefined) out.gofunc = w(L.gofunc);
  // The first function's entry must be minpc.
  const e0 = firstEntry(mem, t);
  const entry0 = t.version === '1.18' || t.version === '1.20' ? textAddr(out, e0) : e0;
  if (entry0 !== minpc) return `ftab[0] entry 0x${entry0.toString(16)} != minpc 0x${minpc.toString(16)}`;
  if (L.typelinks !== undefined && L.itablinks !== undefined) {
    const tl = w(L.typelinks);
    const tlLen = w(L.typelinks + 1);
    if (w(L.typelinks + 2) !== tlLen || tlLen > (etypes - types) / 8 + 1) return 'typelinks implausible';
    if (tlLen > 0) {
      if (!mem.mapped(tl, 4 * tlLen)) return 'typelinks not mapped';
      const v = mem.view(tl, 4 * tlLen, 'typelinks');
      for (let i = 0; i < tlLen; i++) out.typelinks.push(v.i32(4 * i));
    }
    const il = w(L.itablinks);
    const ilLen = w(L.itablinks + 1);
    if (w(L.itablinks + 2) !== ilLen || ilLen > 1 << 22) return 'itablinks implausible';
    if (ilLen > 0) {
      if (!mem.mapped(il, W * ilLen)) return 'itablinks not mapped';
      const v = mem.view(il, W * ilLen, 'itablinks');
      for (let i = 0; i < ilLen; i++) out.itablinks.push(v.word(W * i, W));
    }
  }
  if (L.typedesclen !== undefined) {
    const tdl = w(L.typedesclen);
    if (tdl > etypes - types) return 'typedesclen past etypes';
    out.typedesclen = tdl;
  }
  if (L.itaboffset !== undefined) {
    const io = w(L.itaboffset);
    const is = w(L.itaboffset + 1);
    if (io > etypes - types || is > etypes - types - io) return 'itabs past etypes';
    out.itaboffset = io;
    out.itabsize = is;
  }
  return out;
}

/** runtime.moduledata.textAddr: a text offset to an address, through textsectmap when there are several text sections. */
export function textAddr(md: ModuleData, off: number): number {
  if (md.textsect.length > 1) {
    for (let i = 0; i < md.textsect.length; i++) {
      const s = md.textsect[i];
      if (off >= s.vaddr && (off < s.end || (i === md.textsect.length - 1 && off === s.end))) return s.baseaddr + off - s.vaddr;
    }
  }
  return md.text + off;
}

/** Finds moduledata for this pclntab: the `.go.module` section, else a validated pointer scan. */
export function findModuleData(o: ObjectFile, mem: Memory, t: Pclntab, goMinor: number | undefined): ModuleData {
  const layouts = layoutsFor(t, goMinor);
  const reasons: string[] = [];
  const sec = sectionByName(o, '.go.module', '__go_module');
  if (sec && sec.addr !== 0) {
    for (const l of layouts) {
      const r = tryModuleData(o, mem, t, sec.addr, l);
      if (typeof r !== 'string') return r;
      reasons.push(`${l}: ${r}`);
    }
  }
  const W = o.ptrSize;
  const needle = new Uint8Array(W);
  const dv = new DataView(needle.buffer);
  if (W === 8) dv.setBigUint64(0, BigInt(t.addr), o.little);
  else dv.setUint32(0, t.addr, o.little);
  // Writable, loaded, non-relocation sections; segments when there is no section table.
  const areas = o.sections.length > 0
    ? o.sections.filter((s) => s.alloc && s.write && s.fileSize > 0 && !/^\.rela?\b|^\.rel\./.test(s.name)).map((s) => ({ addr: s.addr, bytes: sectionBytes(o, s) }))
    : o.segments.filter((g) => g.write && g.fileSize > 0).map((g) => ({ addr: g.addr, bytes: o.data.subarray(g.offset, g.offset + g.fileSize) }));
  let tries = 0;
  for (const a of areas) {
    const b = a.bytes;
    for (let i = (W - (a.addr % W)) % W; i + W <= b.length; i += W) {
      let hit = true;
      for (let j = 0; j < W; j++) {
        if (b[i + j] !== needle[j]) {
          hit = false;
          break;
        }
      }
      if (!hit) continue;
      if (++tries > 64) break;
      for (const l of layouts) {
        const r = tryModuleData(o, mem, t, a.addr + i, l);
        if (typeof r !== 'string') return r;
        reasons.push(`0x${(a.addr + i).toString(16)} as ${l}: ${r}`);
      }
    }
  }
  throw new InputError(o.file, mem.fileOffset(t.addr) ?? 0, `no moduledata points to the pclntab at 0x${t.addr.toString(16)}${reasons.length ? ` (${reasons.slice(0, 3).join('; ')})` : ''}`);
}
