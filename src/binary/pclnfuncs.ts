/**
 * The pclntab's per-function tables: bounds, file:line and the inline tree.
 *
 * pclntab.ts reads the header and the names; this file reads what a
 * disassembler needs on top, so stripped binaries (no symbol table, no DWARF)
 * still give every instruction its function, source line and inlined frames.
 * Model: Go's debug/gosym (LineTable.go12PCToLine/go12PCToFile) and the
 * runtime's own readers (runtime/symtab.go pcvalue, runtime/symtabinl.go).
 *
 * Layouts of _func, by pclntab magic (runtime/runtime2.go of each version):
 *   1.2–1.15   entry uintptr, nameoff, args, deferreturn, pcsp, pcfile, pcln,
 *              npcdata int32; funcID u8, 2 pad, nfuncdata u8; then
 *              pcdata [npcdata]u32, funcdata [nfuncdata]uintptr (ptr-aligned)
 *   1.16–1.17  as above plus cuOffset u32 before funcID
 *   1.18–1.19  entryoff u32 instead of entry uintptr; funcdata are u32
 *              offsets from moduledata.gofunc (^0 = none)
 *   1.20–1.27  startLine i32 after cuOffset
 * pcvalue tables: pairs (zig-zag value delta, pc delta × quantum) as uvarints,
 * the value starting at -1; a zero value delta after the first pair ends it.
 * Files: 1.2–1.15 filetab[fileno] is an offset from the header; 1.16+
 * cutab[cuOffset + fileno] is an offset into filetab.
 * Inline tree (FUNCDATA_InlTree = 3, PCDATA_InlTreeIndex = 2):
 *   before 1.20  {parent i16, funcID u8, _ u8, file i32, line i32, nameoff i32, parentPc i32}
 *   1.20 on      {funcID u8, _ [3]u8, nameoff i32, parentPc i32, startLine i32}
 */
import { InputError } from '../base/errors.js';
import type { ModuleData } from './moduledata.js';
import { textAddr } from './moduledata.js';
import type { Memory, ObjectFile } from './object.js';
import type { Pclntab } from './pclntab.js';

const PCDATA_INL_TREE_INDEX = 2;
const FUNCDATA_INL_TREE = 3;

export interface FuncInfo {
  /** Index in the function table. */
  index: number;
  name: string;
  /** Absolute entry address and the end (the next function's entry, or the table's end). */
  entry: number;
  end: number;
  /** Address of the _func record. */
  funcAddr: number;
}

/** A run of pcs [start, end) with one value of a pcvalue table. */
export interface PcRun {
  start: number;
  end: number;
  value: number;
}

export interface InlineFrame {
  /** The inlined function's name. */
  name: string;
  /** Offset from the entry of an instruction whose position is the call site in the parent. */
  parentPc: number;
  /** Index of the parent frame in the tree, -1 for the outer function (before 1.20 only; later read through parentPc). */
  parent: number;
}

export class FuncTable {
  readonly funcs: FuncInfo[] = [];
  private readonly byNameMap = new Map<string, FuncInfo[]>();
  private readonly W: 4 | 8;
  private readonly rel: boolean;
  private readonly hdr: { cutab: number; filetab: number; pctab: number };

  constructor(
    readonly obj: ObjectFile,
    readonly mem: Memory,
    readonly tab: Pclntab,
    readonly md: ModuleData,
  ) {
    this.W = tab.ptrSize;
    this.rel = tab.version === '1.18' || tab.version === '1.20';
    this.hdr = this.headerTables();
    const W = this.W;
    const ent = this.rel ? 8 : 2 * W;
    const ftabAt = tab.version === '1.2' ? tab.addr + 8 + W : tab.pcln;
    // nfunc+1 entries: the last holds the end of the text the table covers.
    const ftab = mem.view(ftabAt, (tab.nfunc + 1) * ent, 'pclntab function table');
    ftab.little = tab.little;
    const base = tab.version === '1.2' ? tab.addr : tab.pcln;
    const at = (i: number) => {
      const e = ent === 8 ? ftab.u32(i * ent) : ftab.word(i * ent, W);
      return this.rel ? textAddr(md, e) : e;
    };
    let next = at(0);
    for (let i = 0; i < tab.nfunc; i++) {
      const entry = next;
      next = at(i + 1);
      const funcoff = ent === 8 ? ftab.u32(i * ent + 4) : ftab.word(i * ent + W, W);
      const funcAddr = base + funcoff;
      const nameoff = mem.i32(funcAddr + (this.rel ? 4 : W), '_func.nameoff');
      const name = mem.cstring(tab.funcnametab + nameoff, 16384, 'function name');
      if (next < entry) throw new InputError(obj.file, mem.fileOffset(ftabAt + i * ent) ?? ftabAt, `pclntab: function ${i} (${name}) ends before it starts`);
      const f: FuncInfo = { index: i, name, entry, end: next, funcAddr };
      this.funcs.push(f);
      const list = this.byNameMap.get(name);
      if (list) list.push(f);
      else this.byNameMap.set(name, [f]);
    }
  }

  private headerTables(): { cutab: number; filetab: number; pctab: number } {
    const t = this.tab;
    const W = this.W;
    const word = (i: number) => this.mem.word(t.addr + 8 + i * W, 'pclntab header word');
    switch (t.version) {
      case '1.2': {
        // After ftab (nfunc pairs plus the end entry) comes a u32 offset of filetab.
        const filetaboff = this.mem.u32(t.addr + 8 + W + t.nfunc * 2 * W + W, 'pclntab filetab offset');
        return { cutab: 0, filetab: t.addr + filetaboff, pctab: t.addr };
      }
      case '1.16':
        return { cutab: t.addr + word(3), filetab: t.addr + word(4), pctab: t.addr + word(5) };
      default:
        return { cutab: t.addr + word(4), filetab: t.addr + word(5), pctab: t.addr + word(6) };
    }
  }

  byName(name: string): FuncInfo[] {
    return this.byNameMap.get(name) ?? [];
  }

  /** The function whose [entry, end) holds pc. */
  find(pc: number): FuncInfo | undefined {
    let lo = 0;
    let hi = this.funcs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const f = this.funcs[mid];
      if (pc < f.entry) hi = mid - 1;
      else if (pc >= f.end) lo = mid + 1;
      else return f;
    }
    return undefined;
  }

  /** Offsets of the _func fields after nameoff, which shift with the layout. */
  private field(f: FuncInfo, name: 'pcfile' | 'pcln' | 'npcdata' | 'cuOffset' | 'nfuncdata'): number {
    const head = this.rel ? 4 : this.W; // size of entry
    const idx = { pcfile: 4, pcln: 5, npcdata: 6, cuOffset: 7 } as const;
    if (name === 'nfuncdata') {
      const size = this.funcHeaderSize();
      return this.mem.u8(f.funcAddr + size - 1, '_func.nfuncdata');
    }
    // nameoff, args, deferreturn and pcsp come first: field idx is at head + 4*idx
    return this.mem.u32(f.funcAddr + head + 4 * idx[name], `_func.${name}`);
  }

  private funcHeaderSize(): number {
    switch (this.tab.version) {
      case '1.2': return this.W + 32;
      case '1.16': return this.W + 36;
      case '1.18': return 40;
      default: return 44;
    }
  }

  /** Decodes a pcvalue table at `off` (an offset from pctab) over f's pcs. */
  pcvalue(f: FuncInfo, off: number, what: string): PcRun[] {
    const out: PcRun[] = [];
    if (off === 0) return out;
    const mem = this.mem;
    let p = this.hdr.pctab + off;
    let pc = f.entry;
    let val = -1;
    const limit = (f.end - f.entry) / Math.max(1, this.tab.quantum) + 2;
    const uv = (): number => {
      let x = 0;
      let mul = 1;
      for (let i = 0; i < 5; i++) {
        const b = mem.u8(p++, what);
        x += (b & 0x7f) * mul;
        if (b < 0x80) return x;
        mul *= 128;
      }
      throw new InputError(this.obj.file, mem.fileOffset(p) ?? p, `${what} of ${f.name}: varint too long`);
    };
    for (let first = true; ; first = false) {
      const d = uv();
      if (d === 0 && !first) break;
      val += d & 1 ? -((d + 1) / 2) : d / 2;
      const step = uv() * this.tab.quantum;
      if (out.length > limit || step === 0) {
        throw new InputError(this.obj.file, mem.fileOffset(p) ?? p, `${what} of ${f.name}: table does not fit the function`);
      }
      out.push({ start: pc, end: pc + step, value: val });
      pc += step;
      if (pc >= f.end) break;
    }
    return out;
  }

  /** Source lines of f by pc range. */
  lines(f: FuncInfo): PcRun[] {
    return this.pcvalue(f, this.field(f, 'pcln'), 'pcln table');
  }

  /** Source file numbers of f by pc range; names through fileName. */
  files(f: FuncInfo): PcRun[] {
    return this.pcvalue(f, this.field(f, 'pcfile'), 'pcfile table');
  }

  fileName(f: FuncInfo, fileno: number): string {
    if (fileno < 0) return '?';
    const mem = this.mem;
    if (this.tab.version === '1.2') {
      const off = mem.u32(this.hdr.filetab + 4 * fileno, 'filetab entry');
      return mem.cstring(this.tab.addr + off, 4096, 'file name');
    }
    const cu = this.field(f, 'cuOffset');
    const off = mem.u32(this.hdr.cutab + 4 * (cu + fileno), 'cutab entry');
    if (off === 0xffffffff) return '?';
    return mem.cstring(this.hdr.filetab + off, 4096, 'file name');
  }

  /** pcdata table i of f, or [] when absent. */
  pcdata(f: FuncInfo, i: number): PcRun[] {
    const n = this.field(f, 'npcdata');
    if (i >= n) return [];
    const off = this.mem.u32(f.funcAddr + this.funcHeaderSize() + 4 * i, '_func.pcdata');
    return this.pcvalue(f, off, `pcdata ${i}`);
  }

  /** Address of funcdata i of f, or undefined. */
  funcdata(f: FuncInfo, i: number): number | undefined {
    const nfd = this.field(f, 'nfuncdata');
    if (i >= nfd) return undefined;
    const npc = this.field(f, 'npcdata');
    const at = f.funcAddr + this.funcHeaderSize() + 4 * npc;
    if (this.rel) {
      const off = this.mem.u32(at + 4 * i, '_func.funcdata');
      if (off === 0xffffffff || this.md.gofunc === undefined) return undefined;
      return this.md.gofunc + off;
    }
    const W = this.W;
    const aligned = at % W === 0 ? at : at + (W - (at % W));
    const p = this.mem.word(aligned + W * i, '_func.funcdata');
    return p === 0 ? undefined : p;
  }

  /**
   * The inlined frames at each pc of f, innermost first, as names; empty runs
   * are omitted. Reads the inline tree where the version has one.
   */
  inlineRuns(f: FuncInfo): { start: number; end: number; frames: string[] }[] {
    const idx = this.pcdata(f, PCDATA_INL_TREE_INDEX).filter((r) => r.value >= 0);
    if (idx.length === 0) return [];
    const tree = this.funcdata(f, FUNCDATA_INL_TREE);
    if (tree === undefined) return [];
    const nodes = new Map<number, InlineFrame>();
    const node = (i: number): InlineFrame => {
      const hit = nodes.get(i);
      if (hit) return hit;
      let n: InlineFrame;
      if (this.tab.version === '1.20') {
        const at = tree + 16 * i;
        const nameoff = this.mem.i32(at + 4, 'inlinedCall.nameOff');
        n = { name: this.mem.cstring(this.tab.funcnametab + nameoff, 16384, 'inlined function name'), parentPc: this.mem.i32(at + 8, 'inlinedCall.parentPc'), parent: -2 };
      } else {
        const at = tree + 20 * i;
        const parent = (this.mem.u16(at, 'inlinedCall.parent') << 16) >> 16;
        const nameoff = this.mem.i32(at + 12, 'inlinedCall.func');
        n = { name: this.mem.cstring(this.tab.funcnametab + nameoff, 16384, 'inlined function name'), parentPc: this.mem.i32(at + 16, 'inlinedCall.parentPc'), parent };
      }
      nodes.set(i, n);
      return n;
    };
    const indexAt = (pc: number): number => {
      for (const r of idx) if (pc >= r.start && pc < r.end) return r.value;
      return -1;
    };
    const out: { start: number; end: number; frames: string[] }[] = [];
    for (const r of idx) {
      const frames: string[] = [];
      let i = r.value;
      // Depth is bounded by the tree's size; a cycle in a hostile table stops here.
      for (let depth = 0; i >= 0 && depth < 256; depth++) {
        const n = node(i);
        frames.push(n.name);
        i = n.parent === -2 ? indexAt(f.entry + n.parentPc) : n.parent;
      }
      out.push({ start: r.start, end: r.end, frames });
    }
    return out;
  }
}

/** The value of a run list at pc, or undefined. */
export function valueAt(runs: readonly PcRun[], pc: number): number | undefined {
  let lo = 0;
  let hi = runs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = runs[mid];
    if (pc < r.start) hi = mid - 1;
    else if (pc >= r.end) lo = mid + 1;
    else return r.value;
  }
  return undefined;
}
