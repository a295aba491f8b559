/**
 * Map cost by map type: which map type each profile sample's map work
 * belongs to, from the binary the profile was taken of (`profile --binary`).
 *
 * The runtime's map functions take the map type as an argument, so their own
 * frames cannot say which map they worked on; the call into them can.
 * `mapscope disasm` recovers, for every CALL into a runtime map entry point,
 * the *maptype the caller passes (src/disasm/sites.ts). A sample is tied to
 * a call site through the program counters pprof records:
 *
 *   - runtime/pprof writes each Location's address as runtime.Frame.PC, and
 *     runtime.CallersFrames sets that to the return address minus one
 *     ("backs up into the CALL instruction", runtime/symtab.go): for every
 *     frame but a CPU sample's leaf, an address inside the CALL. So a
 *     location is a call site when its address (mapped back to the
 *     binary's virtual addresses through the profile's Mapping) falls inside
 *     the CALL instruction of a site — not merely on its line: one line may
 *     hold calls on two map types (`a[k] = b[k]`).
 *   - Only when a location carries no address (a profile rewritten by a tool
 *     that dropped them) is it matched by function and line, and then only
 *     when every site on that line passes the same type.
 *   - Inlining: a location holds all the frames inlined at one PC, and the
 *     CALL belongs to the physical function (the location's last frame), so
 *     matching by address is right whatever was inlined into what.
 *
 * For each sample, the first location from the leaf that is a map call site
 * decides its type. A call site in a generic shape function has one type per
 * dictionary; the caller that passed the dictionary is the physical function
 * of the next location up the stack, which picks one. The sample is
 * unattributed, with the reason, when no location is a call site, when the
 * site's type is unknown (makemap_small takes none; a type passed in from a
 * caller, as reflect's map primitives are), or when a generic site stays
 * ambiguous.
 *
 * Which samples are map work: CPU (and other) profiles, those with runtime
 * map code on the stack (as mapcost.ts counts them). Heap and allocs
 * profiles: runtime/pprof hides the runtime frames at the leaf of a heap
 * sample (protomem.go, hideRuntime: "runtime." and, from Go 1.24,
 * "internal/runtime/"), so the map code that allocated is invisible by name;
 * but the leaf that remains is the caller's CALL into the runtime. A heap
 * sample whose leaf location is a map call site is map work, attributed to
 * that site: its operation says creation (make) or growth (assign), its type
 * which map. That is exactly the question, and it needs the binary.
 *
 * Refused, not guessed: a binary the profile was not taken of. Every
 * location of the profile's main mapping must name, as its physical
 * function, the function the binary has at that address.
 */
import { InputError } from '../base/errors.js';
import type { GoProgram } from '../disasm/program.js';
import type { Site } from '../disasm/sites.js';
import { SiteIndex } from '../disasm/siteindex.js';
import type { MapOp } from '../disasm/mapcalls.js';
import { classify } from './mapfuncs.js';
import type { DecodedProfile, Location } from './pprof.js';

export interface TypeCost {
  mapType: string;
  impl?: 'classic' | 'swiss';
  values: number[];
  /** By the operation of the call site (make, access, assign, delete, iteration, clear). */
  ops: { op: MapOp; values: number[] }[];
}

export interface SiteCost {
  func: string;
  file: string;
  line: number;
  addr: number;
  op: MapOp;
  path: string;
  /** Undefined when the sample could not be attributed through this site; `why` says so. */
  mapType?: string;
  why?: string;
  values: number[];
}

export interface TypeAttribution {
  binary: string;
  goVersion?: string;
  goarch: string;
  impl: 'classic' | 'swiss';
  /** Sum over the samples that are map work (see the file comment). */
  considered: number[];
  /** Sum over those given a type; considered = attributed + Σ unattributed. */
  attributed: number[];
  types: TypeCost[];
  sites: SiteCost[];
  unattributed: { reason: string; values: number[] }[];
  /** How locations were tied to sites: by address, or by function and line (no address). */
  matchedBy: { address: number; line: number };
}

const zeros = (n: number) => new Array<number>(n).fill(0);
function add(to: number[], v: number[]) {
  for (let i = 0; i < v.length; i++) to[i] += v[i];
}

/** Type parameters as pprof prints them and as the pclntab names them differ in spelling only. */
const plain = (name: string) => name.replace(/\[.*\]/, '[...]');

/**
 * The binary's virtual address of a location of the main mapping, or
 * undefined for a location outside it (vdso, shared libraries).
 */
function addressMapper(p: DecodedProfile, prog: GoProgram): (l: Location) => number | undefined {
  const main = p.mappings[0];
  // No mapping, or runtime/pprof's fake one when /proc/self/maps was unreadable: addresses are the binary's.
  if (!main || (main.start === 0 && main.limit === 0)) return (l) => (l.address > 0 ? l.address : undefined);
  return (l) => {
    if (l.mapping !== 0 || l.address <= 0 || l.address < main.start || l.address >= main.limit) return undefined;
    return prog.mem.addrOfFileOffset(l.address - main.start + main.fileOffset, true);
  };
}

/**
 * onSample, when given, hears for each sample index that is map work the
 * type it was given (undefined: unattributed); tests compare it with truth.
 */
export function attributeTypes(
  p: DecodedProfile, prog: GoProgram, sites: Site[], profileFile: string,
  onSample?: (index: number, mapType: string | undefined) => void,
): TypeAttribution {
  const n = p.sampleTypes.length;
  const toVaddr = addressMapper(p, prog);
  const index = new SiteIndex(prog, sites);
  const byLine = new Map<string, Site[]>();
  for (const s of sites) {
    const k = `${s.func}\0${s.line}`;
    byLine.set(k, [...(byLine.get(k) ?? []), s]);
  }
  const matchedBy = { address: 0, line: 0 };

  // Per location: the sites it is (usually none), and a check that the binary is the profiled one.
  const locSites: (readonly Site[] | undefined)[] = p.locations.map((l) => {
    const phys = p.frames[l.frames[l.frames.length - 1]];
    if (l.address === 0) {
      if (phys.line === 0) return undefined;
      const inner = p.frames[l.frames[0]];
      const list = byLine.get(`${phys.function}\0${inner.line}`);
      if (list) matchedBy.line++;
      return list;
    }
    const v = toVaddr(l);
    if (v === undefined) return undefined;
    if (phys.line !== 0) {
      const f = prog.funcs.find(v);
      // A wrapper's own frame is elided by the traceback (a method value's -fm wrapper shows only the method inlined into it).
      const own = f ? plain(f.name.replace(/-fm$/, '')) : '';
      if (!f || !l.frames.some((i) => plain(p.frames[i].function) === own)) {
        throw new InputError(prog.file, undefined, `not the binary ${profileFile} was taken of: at 0x${v.toString(16)} the profile has ${phys.function}, the binary ${f ? f.name : 'no function'}`);
      }
    }
    const list = index.holding(v);
    if (list) matchedBy.address++;
    return list;
  });

  const isMap: boolean[] = p.frames.map((f) => classify(f.function) !== null);
  const considered = zeros(n);
  const attributed = zeros(n);
  const types = new Map<string, { impl?: 'classic' | 'swiss'; values: number[]; ops: Map<MapOp, number[]> }>();
  const siteCosts = new Map<string, SiteCost>();
  const unattributed = new Map<string, number[]>();
  const miss = (reason: string, v: number[]) => {
    let a = unattributed.get(reason);
    if (!a) unattributed.set(reason, (a = zeros(n)));
    add(a, v);
  };
  for (const [si, s] of p.samples.entries()) {
    const heapLeaf = p.kind === 'heap' && s.locs.length > 0 && locSites[s.locs[0]] !== undefined;
    if (!heapLeaf && !s.stack.some((f) => isMap[f])) continue;
    add(considered, s.values);
    let j = 0;
    while (j < s.locs.length && locSites[s.locs[j]] === undefined) j++;
    if (j === s.locs.length) {
      onSample?.(si, undefined);
      miss('no map call site on the stack', s.values);
      continue;
    }
    let cands = locSites[s.locs[j]]!;
    if (cands.length > 1 && cands.some((c) => c.dict)) {
      const up = j + 1 < s.locs.length ? p.locations[s.locs[j + 1]] : undefined;
      const caller = up ? p.frames[up.frames[up.frames.length - 1]].function : undefined;
      cands = cands.filter((c) => c.dict && caller !== undefined && plain(c.dict.caller) === plain(caller));
    }
    const typesHere = new Set(cands.map((c) => c.mapType));
    const site = cands[0] ?? locSites[s.locs[j]]![0];
    const key = `${site.addr}\0${typesHere.size === 1 ? site.mapType ?? '' : '?'}`;
    let sc = siteCosts.get(key);
    if (!sc) {
      sc = { func: site.func, file: site.file, line: site.line, addr: site.addr, op: site.op, path: site.path, values: zeros(n) };
      if (typesHere.size === 1 && site.mapType) sc.mapType = site.mapType;
      else sc.why = typesHere.size === 0 ? 'generic call site: no dictionary from this caller' : typesHere.size > 1 ? 'call site with several types, none picked' : site.why ?? 'type unknown';
      siteCosts.set(key, sc);
    }
    add(sc.values, s.values);
    onSample?.(si, sc.mapType);
    if (!sc.mapType) {
      miss(`call site's type unknown: ${sc.why}`, s.values);
      continue;
    }
    add(attributed, s.values);
    let t = types.get(sc.mapType);
    if (!t) types.set(sc.mapType, (t = { impl: site.impl, values: zeros(n), ops: new Map() }));
    add(t.values, s.values);
    let o = t.ops.get(site.op);
    if (!o) t.ops.set(site.op, (o = zeros(n)));
    add(o, s.values);
  }
  const last = n - 1;
  return {
    binary: prog.file,
    goVersion: prog.goVersion,
    goarch: prog.goarch,
    impl: prog.classic ? 'classic' : 'swiss',
    considered,
    attributed,
    types: [...types.entries()]
      .map(([mapType, t]) => ({ mapType, ...(t.impl ? { impl: t.impl } : {}), values: t.values, ops: [...t.ops.entries()].map(([op, values]) => ({ op, values })) }))
      .sort((a, b) => b.values[last] - a.values[last] || (a.mapType < b.mapType ? -1 : 1)),
    sites: [...siteCosts.values()].sort((a, b) => b.values[last] - a.values[last] || a.addr - b.addr),
    unattributed: [...unattributed.entries()].map(([reason, values]) => ({ reason, values })).sort((a, b) => b.values[last] - a.values[last]),
    matchedBy,
  };
}
