/**
 * Just enough DWARF (versions 2–5) to name global variables and to
 * cross-check map type descriptors: the debug sections (plain, ELF
 * SHF_COMPRESSED, or Go's `.zdebug_*` / `__zdebug_*` with a "ZLIB" header,
 * docs/binary-format.md §6), the abbreviation table, and every DIE of
 * .debug_info with its attributes decoded by form. Location lists, line
 * tables and macro info are skipped. Modelled on Go's debug/dwarf; every
 * read is bounds-checked and decompression is capped.
 */
import { inflateSync } from 'node:zlib';
import { InputError } from '../base/errors.js';
import { ByteView, uvarint } from './bytes.js';
import { sectionBytes, type ObjectFile, type Section } from './object.js';
import { AT, FORM, TAG } from './dwarfconst.js';
import { COMPRESS_ZLIB } from './elfconst.js';

const MAX_INFLATE = 1 << 28;
/** Go's linker's compressed debug sections (.zdebug_*) start with "ZLIB" and the big-endian uncompressed size. */
const ZLIB_MAGIC = 'ZLIB';
/** A unit length of 0xffffffff says the unit is in the 64-bit DWARF format (DWARF 5 §7.4). */
const DWARF64_ESCAPE = 0xffffffff;

/** Bytes of debug section `name` (e.g. "info"), decompressed; undefined when absent. */
export function debugSection(o: ObjectFile, name: string): Uint8Array | undefined {
  const want = [`.debug_${name}`, `__debug_${name}`, `.zdebug_${name}`, `__zdebug_${name}`].map((n) => n.slice(0, o.format === 'macho' ? 16 : 256));
  const s = o.sections.find((x) => want.includes(x.name));
  if (!s || s.fileSize === 0) return undefined;
  const raw = sectionBytes(o, s);
  if (s.compressed) return elfCompressed(o, s, raw);
  if (raw.length >= 12 && String.fromCharCode(...raw.subarray(0, 4)) === ZLIB_MAGIC) {
    const size = new ByteView(raw, o.file, s.offset, false).u64(4, 'ZLIB size');
    return inflate(o, s, raw.subarray(12), size);
  }
  return raw;
}

function elfCompressed(o: ObjectFile, s: Section, raw: Uint8Array): Uint8Array {
  const v = new ByteView(raw, o.file, s.offset, o.little);
  const type = v.u32(0, 'Elf_Chdr.ch_type');
  if (type !== COMPRESS_ZLIB) v.fail(0, `section ${s.name}: compression type ${type} (only zlib is supported)`);
  const is64 = o.ptrSize === 8;
  const size = is64 ? v.u64(8, 'ch_size') : v.u32(4, 'ch_size');
  return inflate(o, s, raw.subarray(is64 ? 24 : 12), size);
}

function inflate(o: ObjectFile, s: Section, z: Uint8Array, size: number): Uint8Array {
  if (size > MAX_INFLATE) throw new InputError(o.file, s.offset, `section ${s.name}: uncompressed size ${size} too large`);
  try {
    return inflateSync(z, { maxOutputLength: Math.max(1, size) });
  } catch (e) {
    throw new InputError(o.file, s.offset, `section ${s.name}: zlib: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export type AttrValue = number | string | Uint8Array | boolean;

export interface Die {
  offset: number;
  tag: number;
  attrs: Map<number, AttrValue>;
  children: Die[];
  parent: Die | undefined;
}

interface Abbrev {
  tag: number;
  children: boolean;
  specs: { at: number; form: number; implicit?: number }[];
}

function parseAbbrevs(v: ByteView, off: number): Map<number, Abbrev> {
  const out = new Map<number, Abbrev>();
  let p = off;
  for (let guard = 0; guard < 1 << 20; guard++) {
    const [code, n1] = uvarint(v, p, 'abbrev code');
    p += n1;
    if (code === 0) return out;
    const [tag, n2] = uvarint(v, p, 'abbrev tag');
    p += n2;
    const children = v.u8(p, 'abbrev children') === 1;
    p++;
    const specs: Abbrev['specs'] = [];
    for (let g = 0; g < 4096; g++) {
      const [at, a] = uvarint(v, p, 'abbrev attribute');
      p += a;
      const [form, f] = uvarint(v, p, 'abbrev form');
      p += f;
      if (at === 0 && form === 0) break;
      let implicit: number | undefined;
      if (form === FORM.implicitConst) {
        const [val, n] = sleb(v, p);
        p += n;
        implicit = val;
      }
      specs.push({ at, form, implicit });
    }
    out.set(code, { tag, children, specs });
  }
  return v.fail(off, 'abbreviation table too long');
}

function sleb(v: ByteView, off: number): [number, number] {
  let x = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    const b = v.u8(off + i, 'sleb128');
    x += (b & 0x7f) * mul;
    mul *= 128;
    if (b < 0x80) {
      if (b & 0x40) x -= mul;
      return [x, i + 1];
    }
  }
  return v.fail(off, 'sleb128 too long');
}

/**
 * Function bodies (subprograms, their parameters, blocks, inlined calls and
 * locals) are most of Go's DWARF and say nothing about types or globals, so
 * they are parsed but not kept; this bounds memory on large binaries.
 */
const SKIP = new Set<number>([TAG.subprogram, TAG.formalParameter, TAG.lexicalBlock, TAG.inlinedSubroutine, TAG.label, TAG.callSite]);

export interface Dwarf {
  /** DIEs by .debug_info offset. */
  dies: Map<number, Die>;
  units: Die[];
}

/** Parses .debug_info; undefined when the file has no DWARF. */
export function readDwarf(o: ObjectFile, maxDies = 5_000_000): Dwarf | undefined {
  const info = debugSection(o, 'info');
  const abbrev = debugSection(o, 'abbrev');
  if (!info || !abbrev) return undefined;
  const str = debugSection(o, 'str');
  const lineStr = debugSection(o, 'line_str');
  const strOffsets = debugSection(o, 'str_offsets');
  const iv = new ByteView(info, `${o.file} .debug_info`, 0, o.little);
  const av = new ByteView(abbrev, `${o.file} .debug_abbrev`, 0, o.little);
  const sv = str ? new ByteView(str, `${o.file} .debug_str`, 0, o.little) : undefined;
  const lsv = lineStr ? new ByteView(lineStr, `${o.file} .debug_line_str`, 0, o.little) : undefined;
  const sov = strOffsets ? new ByteView(strOffsets, `${o.file} .debug_str_offsets`, 0, o.little) : undefined;
  const dies = new Map<number, Die>();
  const units: Die[] = [];
  const abbrevCache = new Map<number, Map<number, Abbrev>>();
  let p = 0;
  while (p < info.length) {
    const unitStart = p;
    let len = iv.u32(p, 'unit length');
    let offSize = 4;
    p += 4;
    if (len === DWARF64_ESCAPE) {
      len = iv.u64(p, 'unit length');
      offSize = 8;
      p += 8;
    }
    const end = p + len;
    if (end > info.length) iv.fail(unitStart, `unit length ${len} past end of .debug_info`);
    const version = iv.u16(p, 'unit version');
    p += 2;
    if (version < 2 || version > 5) iv.fail(unitStart, `DWARF version ${version} not supported`);
    let addrSize: number;
    let abbrevOff: number;
    if (version >= 5) {
      const unitType = iv.u8(p++);
      addrSize = iv.u8(p++);
      abbrevOff = offSize === 8 ? iv.u64(p) : iv.u32(p);
      p += offSize;
      if (unitType === 2 || unitType === 6) p += 8 + offSize; // type units: signature, type offset
      else if (unitType === 4 || unitType === 5) p += 8; // skeleton/split: dwo id
    } else {
      abbrevOff = offSize === 8 ? iv.u64(p) : iv.u32(p);
      p += offSize;
      addrSize = iv.u8(p++);
    }
    if (addrSize !== 4 && addrSize !== 8) iv.fail(unitStart, `address size ${addrSize}`);
    let abbrevs = abbrevCache.get(abbrevOff);
    if (!abbrevs) abbrevCache.set(abbrevOff, (abbrevs = parseAbbrevs(av, abbrevOff)));
    // null marks a DIE that is not kept (see SKIP): its whole subtree is parsed but not stored.
    const stack: (Die | null)[] = [];
    let unitDie: Die | undefined;
    const ctx: FormCtx = { offSize, addrSize, version, unitStart, spec: {}, sv, lsv, sov, strOffBase: 8 };
    while (p < end) {
      const dieOff = p;
      const [code, n] = uvarint(iv, p, 'abbrev code');
      p += n;
      if (code === 0) {
        stack.pop();
        continue;
      }
      const ab = abbrevs.get(code) ?? iv.fail(dieOff, `unknown abbreviation code ${code}`);
      const parent = stack.length ? stack[stack.length - 1] : undefined;
      const keep = parent !== null && !SKIP.has(ab.tag);
      const attrs = new Map<number, AttrValue>();
      for (const spec of ab.specs) {
        let form = spec.form;
        if (form === FORM.indirect) {
          const [f, k] = uvarint(iv, p);
          p += k;
          form = f;
        }
        ctx.spec = spec;
        const [val, used] = readForm(iv, p, form, ctx);
        p += used;
        if (keep) attrs.set(spec.at, val);
      }
      if (!keep) {
        if (ab.children) stack.push(null);
        continue;
      }
      const die: Die = { offset: dieOff, tag: ab.tag, attrs, children: [], parent: parent ?? undefined };
      if (die.parent) die.parent.children.push(die);
      if (dies.size >= maxDies) iv.fail(dieOff, `more than ${maxDies} DIEs`);
      dies.set(dieOff, die);
      if (!unitDie) {
        unitDie = die;
        units.push(die);
        const b = attrs.get(AT.strOffsetsBase);
        if (typeof b === 'number') ctx.strOffBase = b;
      }
      if (ab.children) stack.push(die);
    }
    p = end;
  }
  return { dies, units };
}

interface FormCtx {
  offSize: number;
  addrSize: number;
  version: number;
  unitStart: number;
  spec: { implicit?: number };
  sv?: ByteView;
  lsv?: ByteView;
  sov?: ByteView;
  strOffBase: number;
}

/** Reads one attribute value of `form` at p; returns [value, bytes used]. References are made absolute. */
function readForm(v: ByteView, p: number, form: number, c: FormCtx): [AttrValue, number] {
  const off = (at: number) => (c.offSize === 8 ? v.u64(at, 'offset') : v.u32(at, 'offset'));
  const strAt = (sv: ByteView | undefined, o: number): string => (sv && o < sv.length ? sv.cstring(o, 1 << 16, 'DWARF string') : '');
  const strx = (i: number): string => {
    if (!c.sov) return '';
    const o = c.offSize === 8 ? c.sov.u64(c.strOffBase + i * 8) : c.sov.u32(c.strOffBase + i * 4);
    return strAt(c.sv, o);
  };
  switch (form) {
    case FORM.addr: return [c.addrSize === 8 ? v.u64(p, 'addr') : v.u32(p, 'addr'), c.addrSize];
    case FORM.data1: return [v.u8(p), 1];
    case FORM.data2: return [v.u16(p), 2];
    case FORM.data4: return [v.u32(p), 4];
    case FORM.data8: return [safe64(v, p), 8];
    case FORM.data16: return [v.slice(p, 16), 16];
    case FORM.sdata: return sleb(v, p);
    case FORM.udata: return uvarint(v, p);
    case FORM.string: {
      const s = v.cstring(p, 1 << 16, 'DWARF inline string');
      return [s, new TextEncoder().encode(s).length + 1];
    }
    case FORM.strp: return [strAt(c.sv, off(p)), c.offSize];
    case FORM.lineStrp: return [strAt(c.lsv, off(p)), c.offSize];
    case FORM.strx: { const [i, n] = uvarint(v, p); return [strx(i), n]; }
    case FORM.strx1: return [strx(v.u8(p)), 1];
    case FORM.strx2: return [strx(v.u16(p)), 2];
    case FORM.strx3: return [strx(v.u16(p) + (v.u8(p + 2) << 16)), 3];
    case FORM.strx4: return [strx(v.u32(p)), 4];
    case FORM.addrx: return uvarint(v, p); // an index, left unresolved
    case FORM.addrx1: return [v.u8(p), 1];
    case FORM.addrx2: return [v.u16(p), 2];
    case FORM.addrx3: return [v.u16(p) + (v.u8(p + 2) << 16), 3];
    case FORM.addrx4: return [v.u32(p), 4];
    case FORM.ref1: return [c.unitStart + v.u8(p), 1];
    case FORM.ref2: return [c.unitStart + v.u16(p), 2];
    case FORM.ref4: return [c.unitStart + v.u32(p), 4];
    case FORM.ref8: return [c.unitStart + safe64(v, p), 8];
    case FORM.refUdata: { const [r, n] = uvarint(v, p); return [c.unitStart + r, n]; }
    case FORM.refAddr: {
      const sz = c.version <= 2 ? c.addrSize : c.offSize;
      return [sz === 8 ? v.u64(p) : v.u32(p), sz];
    }
    case FORM.refSig8: return [safe64(v, p), 8];
    case FORM.secOffset: return [off(p), c.offSize];
    case FORM.exprloc: { const [n, k] = uvarint(v, p); return [v.slice(p + k, n, 'exprloc'), k + n]; }
    case FORM.block: { const [n, k] = uvarint(v, p); return [v.slice(p + k, n, 'block'), k + n]; }
    case FORM.block1: { const n = v.u8(p); return [v.slice(p + 1, n, 'block1'), 1 + n]; }
    case FORM.block2: { const n = v.u16(p); return [v.slice(p + 2, n, 'block2'), 2 + n]; }
    case FORM.block4: { const n = v.u32(p); return [v.slice(p + 4, n, 'block4'), 4 + n]; }
    case FORM.flag: return [v.u8(p) !== 0, 1];
    case FORM.flagPresent: return [true, 0];
    case FORM.implicitConst: return [c.spec.implicit ?? 0, 0];
    case FORM.loclistx:
    case FORM.rnglistx: return uvarint(v, p);
    default: return v.fail(p, `unknown DWARF form 0x${form.toString(16)}`);
  }
}

function safe64(v: ByteView, p: number): number {
  const lo = v.u32(p);
  const hi = v.u32(p + 4);
  const [l, h] = v.little ? [lo, hi] : [hi, lo];
  return h * 2 ** 32 + l;
}
