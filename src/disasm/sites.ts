/**
 * Map call sites: every call from a function into the runtime's map entry
 * points (mapcalls.ts), with the map type the call passes.
 *
 * The type is the *maptype argument: whatever the data-flow pass (flow.ts)
 * knows argument 0 to hold at the call — a register under the register ABI,
 * the first argument slot on the stack before it and on 386/arm. A value is
 * named only when it points at a map type descriptor in the binary's types
 * region; anything else leaves the type unknown with the reason, never a guess.
 * Iteration steps (`mapiternext`/`mapIterNext`) pass only the iterator; they
 * take the type of the iterator start in the same function that was given the
 * same stack slot.
 *
 * Speed: a function is decoded only when its bytes hold a direct call whose
 * target is a map entry point (E8 rel32 on x86, BL on arm64/arm), a prefilter
 * that may let through false candidates but never drops a real call.
 */
import { InputError } from '../base/errors.js';
import type { FuncInfo } from '../binary/pclnfuncs.js';
import { valueAt } from '../binary/pclnfuncs.js';
import { MAP_ENTRIES, type MapEntry, type MapOp } from './mapcalls.js';
import { analyze, argValue, blockLocalState, blockStarts, newState, semanticsFor, type Semantics, type State } from './flow.js';
import { decodeFunc, mapTypeAt, type GoProgram } from './program.js';

export interface Site {
  func: string;
  addr: number;
  file: string;
  line: number;
  /** Inlined functions the call sits in, innermost first (empty when not inlined). */
  inlined: string[];
  callee: string;
  op: MapOp;
  /** Fast path chosen by the compiler: '' (generic), fast32, fast64, faststr, fast32ptr, fast64ptr, fat, small, 64. */
  path: string;
  /** The map type as inspect names it, or undefined with `why`. */
  mapType?: string;
  typeAddr?: number;
  impl?: 'classic' | 'swiss';
  why?: string;
  /**
   * For a call in a generic shape function: the generic dictionary the type
   * came from (its address), the caller that passed it, and the entry's offset.
   */
  dict?: { addr: number; caller: string; offset: number };
}

export interface SiteOptions {
  func?: RegExp;
  map?: string;
  /** Called with (functions scanned, total) now and then, for progress on stderr. */
  progress?: (done: number, total: number) => void;
}

export function supportsSites(goarch: string): boolean {
  return semanticsFor(goarch) !== undefined;
}

/** The addresses of the map entry points present in p. */
export function mapTargets(p: GoProgram): Map<number, { name: string; entry: MapEntry }> {
  const out = new Map<number, { name: string; entry: MapEntry }>();
  for (const [name, entry] of Object.entries(MAP_ENTRIES)) {
    for (const f of p.funcs.byName(name)) out.set(f.entry, { name, entry });
  }
  return out;
}

/** Whether f's bytes hold a direct call to one of the targets. */
function mayCall(p: GoProgram, f: FuncInfo, targets: Map<number, unknown>): boolean {
  const b = p.mem.read(f.entry, f.end - f.entry, `code of ${f.name}`);
  const n = b.length;
  if (p.goarch === 'amd64' || p.goarch === '386') {
    for (let i = 0; i + 5 <= n; i++) {
      if (b[i] !== 0xe8) continue;
      const rel = b[i + 1] | (b[i + 2] << 8) | (b[i + 3] << 16) | (b[i + 4] << 24);
      if (targets.has(f.entry + i + 5 + rel)) return true;
    }
    return false;
  }
  const little = p.obj.little;
  for (let i = 0; i + 4 <= n; i += 4) {
    const w = little ? (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0 : ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
    if (p.goarch === 'arm64') {
      if ((w & 0xfc000000) >>> 0 !== 0x94000000) continue;
      const imm = (w & 0x03ffffff) << 6 >> 6;
      if (targets.has(f.entry + i + imm * 4)) return true;
    } else {
      if ((w & 0x0f000000) >>> 0 !== 0x0b000000 || w >>> 28 === 0xf) continue;
      const imm = (w & 0x00ffffff) << 8 >> 8;
      if (targets.has(f.entry + i + 8 + imm * 4)) return true;
    }
  }
  return false;
}

export function findSites(p: GoProgram, opts: SiteOptions = {}): Site[] {
  const sem = semanticsFor(p.goarch);
  if (!sem) throw new InputError(p.file, undefined, `--sites: GOARCH ${p.goarch} is not supported (amd64, arm64, 386, arm)`);
  const targets = mapTargets(p);
  const out: Site[] = [];
  const funcs = p.funcs.funcs;
  for (let i = 0; i < funcs.length; i++) {
    const f = funcs[i];
    if (opts.progress && i % 2000 === 0) opts.progress(i, funcs.length);
    if (opts.func && !opts.func.test(f.name)) continue;
    if (f.end <= f.entry || !mayCall(p, f, targets)) continue;
    out.push(...sitesIn(p, sem, f, targets));
  }
  const resolved = resolveDictionaries(p, sem, out);
  return opts.map ? resolved.filter((s) => s.mapType === opts.map) : resolved;
}

/** Offsets of dictionary entries that shape-function sites still need, by function entry. */
const pendingDict = new WeakMap<Site, number>();

/**
 * A shape function (Go 1.18+ generics) takes its map type from the
 * dictionary its caller passes as argument 0. Every direct caller's
 * constant dictionary gives one instantiation: the type is the word at the
 * entry's offset of that dictionary. One site per instantiation results.
 */
function resolveDictionaries(p: GoProgram, sem: Semantics, sites: Site[]): Site[] {
  const waiting = sites.filter((s) => pendingDict.has(s));
  if (!waiting.length) return sites;
  const shapes = new Map<number, FuncInfo>();
  for (const s of waiting) {
    const f = p.funcs.find(s.addr);
    if (f) shapes.set(f.entry, f);
  }
  const callers = new Map<number, { dict: number; caller: string }[]>();
  const read = (a: number) => (p.mem.mapped(a, p.obj.ptrSize) ? p.mem.word(a) : undefined);
  for (const f of p.funcs.funcs) {
    if (f.end <= f.entry || !mayCall(p, f, shapes)) continue;
    const insns = decodeFunc(p, f);
    const calls = insns.map((ins) => {
      const t = sem.callTarget(ins);
      return t !== undefined && shapes.has(t);
    });
    const states = analyze(sem, insns, newState(), (s, ins) => sem.step(s, ins, read), (i) => calls[i]);
    insns.forEach((ins, i) => {
      if (!calls[i]) return;
      const v = argValue(sem, states[i], 0, p.regabi);
      if (v?.k !== 'const') return;
      const t = sem.callTarget(ins)!;
      const list = callers.get(t) ?? [];
      if (!list.some((c) => c.dict === v.v)) list.push({ dict: v.v, caller: f.name });
      callers.set(t, list);
    });
  }
  const out: Site[] = [];
  for (const s of sites) {
    const off = pendingDict.get(s);
    if (off === undefined) {
      out.push(s);
      continue;
    }
    const f = p.funcs.find(s.addr);
    const list = f ? callers.get(f.entry) ?? [] : [];
    let any = false;
    for (const c of list) {
      const t = read(c.dict + off);
      const m = t === undefined ? undefined : mapTypeAt(p, t);
      if (!m) continue;
      any = true;
      const r: Site = { ...s, mapType: m.type, typeAddr: m.addr, impl: m.impl, dict: { addr: c.dict, caller: c.caller, offset: off } };
      delete r.why;
      out.push(r);
    }
    if (!any) out.push({ ...s, why: `type from the generic dictionary (entry +${off}); no direct caller passes a constant dictionary` });
  }
  return out;
}

/**
 * The states at the map calls from each call's own basic block (flow.ts blockLocalState), when they
 * already know every argument the sites read (the map type, the iterator): most calls load the
 * type descriptor right before the call. Undefined when one call needs more, and the whole-function
 * analysis runs instead. The answers are the same either way; this is only faster.
 */
function fromBlocks(sem: Semantics, insns: ReturnType<typeof decodeFunc>, calls: boolean[], callees: (number | undefined)[], targets: Map<number, { name: string; entry: MapEntry }>, regabi: boolean, step: (s: State, ins: (typeof insns)[number]) => void): State[] | undefined {
  const leader = blockStarts(sem, insns);
  const out: State[] = [];
  const empty = newState();
  for (let i = 0; i < insns.length; i++) {
    if (!calls[i]) continue;
    const e = targets.get(callees[i]!)!.entry;
    const st = blockLocalState(insns, leader, i, step);
    if (e.typeArg >= 0 && !argValue(sem, st, e.typeArg, regabi)) return undefined;
    if (e.iterArg !== undefined && !argValue(sem, st, e.iterArg, regabi)) return undefined;
    out[i] = st;
  }
  for (let i = 0; i < insns.length; i++) out[i] ??= empty;
  return out;
}

function sitesIn(p: GoProgram, sem: Semantics, f: FuncInfo, targets: Map<number, { name: string; entry: MapEntry }>): Site[] {
  const insns = decodeFunc(p, f);
  const read = (a: number) => (p.mem.mapped(a, p.obj.ptrSize) ? p.mem.word(a) : undefined);
  const callees = insns.map((ins) => sem.callTarget(ins));
  const calls = callees.map((t) => t !== undefined && targets.has(t));
  if (!calls.includes(true)) return [];
  const init = newState();
  // A shape function's dictionary arrives as argument 0.
  const shape = f.name.includes('go.shape.');
  if (shape) {
    const loc = sem.argLoc(0, p.regabi);
    if ('reg' in loc) init.regs.set(loc.reg, { k: 'ptr', s: 'dict' });
    // Stack ABI: at entry x86's return address sits at 0(SP), so arguments are one word further than at the call.
    else init.stack.set(loc.stack + (p.goarch === '386' || p.goarch === 'amd64' ? p.obj.ptrSize : 0), { k: 'ptr', s: 'dict' });
  }
  const step = (s: State, ins: (typeof insns)[number]) => sem.step(s, ins, read);
  const states = (!shape && fromBlocks(sem, insns, calls, callees, targets, p.regabi, step)) || analyze(sem, insns, init, step, (i) => calls[i]);
  const found: Site[] = [];
  // Iterator stack slot → the map type its start was given.
  const iterTypes = new Map<number, Site>();
  for (let i = 0; i < insns.length; i++) {
    const hit = calls[i] ? targets.get(callees[i]!) : undefined;
    if (hit) {
      const ins = insns[i];
      const st = states[i];
      const e = hit.entry;
      const site: Site = { func: f.name, addr: ins.addr, file: '', line: 0, inlined: [], callee: hit.name, op: e.op, path: e.path };
      if (e.typeArg >= 0) {
        const v = argValue(sem, st, e.typeArg, p.regabi);
        if (v?.k === 'const') {
          const m = mapTypeAt(p, v.v);
          if (m) Object.assign(site, { mapType: m.type, typeAddr: m.addr, impl: m.impl });
          else site.why = `argument ${e.typeArg} is 0x${v.v.toString(16)}, not a map type descriptor`;
        } else if (v?.k === 'dict') {
          pendingDict.set(site, v.v);
          site.why = `type from the generic dictionary (entry +${v.v})`;
        } else site.why = `argument ${e.typeArg} not loaded from a constant in this function`;
      } else if (e.op === 'make') {
        site.why = `${hit.name} takes no type`;
      }
      if (e.iterArg !== undefined) {
        const it = argValue(sem, st, e.iterArg, p.regabi);
        if (it?.k === 'slot') {
          if (e.op === 'iterinit') iterTypes.set(it.v, site);
          else {
            const start = iterTypes.get(it.v);
            if (start?.mapType) Object.assign(site, { mapType: start.mapType, typeAddr: start.typeAddr, impl: start.impl });
            else site.why = 'no iterator start on the same stack slot';
          }
        } else if (e.op === 'iternext') site.why = 'iterator not a stack slot of this function';
      }
      found.push(site);
    }
  }
  if (found.length) {
    const lines = p.funcs.lines(f);
    const files = p.funcs.files(f);
    const inl = p.funcs.inlineRuns(f);
    for (const s of found) {
      s.line = valueAt(lines, s.addr) ?? 0;
      const fno = valueAt(files, s.addr);
      s.file = fno === undefined ? '?' : p.funcs.fileName(f, fno);
      s.inlined = inl.find((r) => s.addr >= r.start && s.addr < r.end)?.frames ?? [];
    }
  }
  return found;
}
