/**
 * An annotated listing of one function: every instruction with its source
 * line, inlined frames, the map-structure field each memory operand names and
 * the ordering each barrier or atomic gives.
 *
 * Fields come from the data-flow pass (flow.ts) seeded at the entry of the
 * runtime's map functions with what their arguments are (the *maptype, the
 * hmap or Swiss Map pointer), and extended through loads: a load of
 * `hmap.buckets` yields a bucket pointer, a load of `Map.dirPtr` a directory,
 * a directory element a table pointer, `table.groups.data` a group pointer.
 * Offsets are those of src/layout's structs for the binary's Go version and
 * GOARCH, so a field is named only where the layout says it sits. The
 * register ABI tells where arguments arrive; under the stack ABI (before Go
 * 1.17 on amd64, 1.18 on arm64, and always on 386 and arm) arguments are read
 * from the caller's frame, which this pass does not follow, so only fields
 * reached through later loads of the arguments are named there.
 *
 * Barriers and atomics (ordering.ts) are marked whatever the function.
 */
import { describeStruct, type StructDesc } from '../layout/index.js';
import { hmap, classicMapType, swissMap, swissMapType, swissTable } from '../layout/runtime-structs.js';
import { archByName } from '../model/arch.js';
import { parseGoVersion } from '../model/goversion.js';
import type { FuncInfo } from '../binary/pclnfuncs.js';
import { valueAt } from '../binary/pclnfuncs.js';
import type { Insn } from './decoder.js';
import { analyze, newState, semanticsFor, type MemRef, type Semantics, type State } from './flow.js';
import { ordering } from './ordering.js';
import { decodeFunc, type GoProgram } from './program.js';
import { mapEntry } from './mapcalls.js';

export interface Line {
  addr: number;
  size: number;
  mnemonic: string;
  ops: string;
  file: string;
  line: number;
  inlined: string[];
  /** Field names of the memory operands (`hmap.B`), in operand order. */
  fields: string[];
  /** Barrier/atomic classification, when it is one. */
  order?: string;
  /** The callee's name for direct calls. */
  call?: string;
}

interface Structs {
  byName: Map<string, StructDesc>;
  /** Field (struct.field) → the structure a load of it points at. */
  pointsTo: Record<string, string>;
}

function structsFor(p: GoProgram): Structs | undefined {
  let arch;
  let v;
  try {
    arch = archByName(p.goarch, 'GOARCH');
    v = parseGoVersion(`1.${p.goMinor}`, 'go version');
  } catch {
    return undefined;
  }
  const byName = new Map<string, StructDesc>();
  const add = (d: StructDesc) => byName.set(d.name, d);
  if (p.classic) {
    add(describeStruct('hmap', hmap(v), arch));
    add(describeStruct('maptype', classicMapType(v), arch));
    return { byName, pointsTo: { 'hmap.buckets': 'bucket', 'hmap.oldbuckets': 'bucket' } };
  }
  add(describeStruct('Map', swissMap(v), arch));
  add(describeStruct('table', swissTable, arch));
  add(describeStruct('maptype', swissMapType(v), arch));
  // Map.dirPtr is a group pointer while dirLen is 0 (small map) and a directory of *table otherwise.
  return { byName, pointsTo: { 'Map.dirPtr': 'dirPtr', 'directory.elem': 'table', 'table.groups.data': 'group' } };
}

/** The name of the field at byte offset `off` of struct s (descending into nested structs by name). */
function fieldAt(S: Structs, s: string, off: number, ptrSize: number): string | undefined {
  if (s === 'bucket') return off < 8 ? `bmap.tophash[${off}]` : `bmap+${off} (keys/elems/overflow)`;
  if (s === 'group') return off < 8 ? `group.ctrl[${off}]` : `group.slots+${off - 8}`;
  if (s === 'dirPtr') return `dirPtr[${off / ptrSize}] (table*, or group.ctrl when dirLen == 0)`;
  const d = S.byName.get(s);
  if (!d) return undefined;
  for (const f of d.fields) {
    if (off >= f.offset && off < f.offset + Math.max(1, f.size)) {
      const inner = off - f.offset;
      // groupsReference {data, lengthMask} is the only nested struct on these paths.
      if (f.name === 'groups') return `${s}.groups.${inner === 0 ? 'data' : 'lengthMask'}`;
      return inner === 0 ? `${s}.${f.name}` : `${s}.${f.name}+${inner}`;
    }
  }
  return undefined;
}

/** What the runtime map function's arguments are, by argument index. */
function entrySeeds(name: string, classic: boolean): Record<number, string> {
  const e = mapEntry(name);
  const header = classic ? 'hmap' : 'Map';
  if (e && e.typeArg === 0) return { 0: 'maptype', 1: header };
  if (classic && /^runtime\.(growWork|evacuate|hashGrow|mapaccessK|growWork_fast\w*|evacuate_fast\w*)$/.test(name)) return { 0: 'maptype', 1: header };
  if (!classic) {
    // internal/runtime/maps methods take the receiver first: (*Map).getWithKey(typ, key) → m, typ, …
    const m = /^internal\/runtime\/maps\.\(\*(Map|table)\)\./.exec(name);
    if (m) return { 0: m[1] === 'Map' ? 'Map' : 'table', 1: 'maptype' };
  }
  return {};
}

/** Field names of ins's memory operands under st, and the one it loads (if any). */
function fieldsOf(S: Structs, sem: Semantics, st: State, ins: Insn, ptrSize: number): { names: string[]; loaded?: string } {
  const names: string[] = [];
  let loaded: string | undefined;
  for (const m of sem.mem(ins) as MemRef[]) {
    const v = st.regs.get(m.base);
    if (v?.k !== 'ptr') continue;
    const name = m.disp === undefined ? `${v.s}[index]` : fieldAt(S, v.s, m.disp, ptrSize);
    if (!name) continue;
    names.push(name);
    if (!m.store) loaded = name;
  }
  return { names, loaded };
}

export function annotate(p: GoProgram, f: FuncInfo): Line[] {
  const insns = decodeFunc(p, f);
  const lines = p.funcs.lines(f);
  const files = p.funcs.files(f);
  const inl = p.funcs.inlineRuns(f);
  const sem = semanticsFor(p.goarch);
  const S = structsFor(p);
  let states: State[] | undefined;
  if (sem && S) {
    const init = newState();
    if (p.regabi) {
      for (const [i, what] of Object.entries(entrySeeds(f.name, p.classic))) {
        const loc = sem.argLoc(Number(i), true);
        if ('reg' in loc) init.regs.set(loc.reg, { k: 'ptr', s: what });
      }
    }
    const read = (a: number) => (p.mem.mapped(a, p.obj.ptrSize) ? p.mem.word(a) : undefined);
    states = analyze(sem, insns, init, (st, ins) => {
      const { loaded } = fieldsOf(S, sem, st, ins, p.obj.ptrSize);
      const dest = sem.dest(ins);
      sem.step(st, ins, read);
      // A load of a pointer field gives a pointer to the structure it points at.
      if (dest && loaded && /^(mov|ldr|ldar|ldapr|ldxr|ldaxr)/.test(ins.mnemonic)) {
        const field = loaded.replace(/\+\d+.*$/, '');
        const to = S.pointsTo[field] ?? (field.startsWith('dirPtr[') ? 'table' : undefined);
        if (to) st.regs.set(dest, { k: 'ptr', s: to });
      }
    });
  }
  const fileCache = new Map<number, string>();
  return insns.map((ins, i) => {
    const fno = valueAt(files, ins.addr);
    let file = '?';
    if (fno !== undefined) {
      file = fileCache.get(fno) ?? p.funcs.fileName(f, fno);
      fileCache.set(fno, file);
    }
    const line: Line = {
      addr: ins.addr, size: ins.size, mnemonic: ins.mnemonic, ops: ins.ops, file, line: valueAt(lines, ins.addr) ?? 0,
      inlined: inl.find((r) => ins.addr >= r.start && ins.addr < r.end)?.frames ?? [], fields: [],
    };
    const ord = ordering(p.goarch, ins);
    if (ord) line.order = ord;
    if (sem) {
      const t = sem.callTarget(ins);
      if (t !== undefined) line.call = p.funcs.find(t)?.name;
      if (states && S) line.fields = fieldsOf(S, sem, states[i], ins, p.obj.ptrSize).names;
    }
    return line;
  });
}

/** One line of text for a listing. */
export function lineText(l: Line, width = 44): string {
  const ins = `${l.mnemonic} ${l.ops}`.trimEnd();
  const notes = [...l.fields];
  if (l.call) notes.push(`→ ${l.call}`);
  if (l.order) notes.push(`[${l.order}]`);
  const text = `  0x${l.addr.toString(16)}  ${ins}`;
  return notes.length ? `${text.padEnd(width)}  ; ${notes.join('; ')}` : text;
}
