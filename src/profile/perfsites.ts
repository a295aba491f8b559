/**
 * `perf script` samples attributed to map work in one Go executable: to the
 * runtime's map functions (self and total, as pprof counts them) and to the
 * compiled map call sites (src/disasm/sites.ts) the map work was called from.
 *
 * A sample is map work when one of its frames in the executable is map code
 * (mapfuncs.ts `classify`: the runtime.map* entry points, internal/runtime/maps,
 * growth helpers, the hash functions). Walking out from the innermost frame,
 * the first map frame and the map frames around it form the map call; the
 * next frame out is the caller, and its address is the return address of the
 * call: the site whose call instruction ends there (src/disasm/siteindex.ts).
 * Frames of other DSOs (the kernel, the vdso) are skipped, so a page fault
 * inside map code counts as map work. Samples without a call chain (perf record without -g) give only self
 * time: their map calls are unattributed, with that reason.
 *
 * Counts add up: every sample is either without frames in the executable, or
 * not map work, or map work; every map sample is either at one site or
 * unattributed with a reason.
 *
 * perf prints a call-chain frame's address relative to its DSO (the file
 * offset, for an executable), mapped here to a virtual address through the
 * executable's segments; the header line's sample address (no -g) is already
 * the virtual address. Where perf printed a symbol, the pclntab's function at that
 * address must bear the same name: a profile of another build is refused
 * (exit 2), not attributed.
 */
import { basename } from 'node:path';
import { InputError } from '../base/errors.js';
import type { PerfSample } from '../binary/perfscript.js';
import type { FuncInfo } from '../binary/pclnfuncs.js';
import type { GoProgram } from '../disasm/program.js';
import type { Site } from '../disasm/sites.js';
import { SiteIndex } from '../disasm/siteindex.js';
import { classify, type Classified } from './mapfuncs.js';

export interface PerfSiteCount {
  site: Site;
  samples: number;
}

export interface PerfFuncCount {
  func: string;
  family: Classified;
  /** Samples whose innermost frame in the executable is in this function. */
  self: number;
  /** Samples with this function anywhere in the executable's frames. */
  total: number;
}

export interface PerfAttribution {
  samples: number;
  /** Samples with no frame in the executable (other processes, kernel threads). */
  outside: number;
  /** Samples in the executable that are not map work. */
  notMap: number;
  /** Samples of map work (attributed to sites + unattributed). */
  map: number;
  sites: PerfSiteCount[];
  unattributed: { reason: string; samples: number }[];
  /** Map functions of the executable by total, then self. */
  funcs: PerfFuncCount[];
}

/** perf's symbol without the offset and the ABI suffix of assembly functions (runtime.clone.abi0+0x52 → runtime.clone). */
function perfName(sym: string): string | undefined {
  if (sym === '[unknown]' || sym === '') return undefined;
  return sym.replace(/\+0x[0-9a-f]+$/, '').replace(/\.abi(0|internal)$/, '');
}

export function attributePerf(p: GoProgram, samples: PerfSample[], sites: Site[], file: string): PerfAttribution {
  const index = new SiteIndex(p, sites);
  const self = basename(p.file);
  const siteCounts = new Map<readonly Site[], number>();
  const unattributed = new Map<string, number>();
  const funcs = new Map<string, PerfFuncCount>();
  const classes = new Map<string, Classified>();
  const cls = (name: string) => {
    let c = classes.get(name);
    if (c === undefined && !classes.has(name)) classes.set(name, (c = classify(name)));
    return c ?? null;
  };
  let outside = 0;
  let notMap = 0;
  let map = 0;
  let dsoSeen = false;
  const dsos = new Set<string>();
  for (const s of samples) {
    const ours: { f: FuncInfo | undefined; addr: number }[] = [];
    for (const fr of s.frames) {
      if (dsos.size < 8) dsos.add(fr.dso);
      if (basename(fr.dso) !== self) continue;
      dsoSeen = true;
      // perf prints a call-chain frame's address as the offset in the executable's file.
      const a = fr.relative ? p.mem.addrOfFileOffset(fr.addr, true) : fr.addr;
      const f = a === undefined ? undefined : p.funcs.find(a);
      const named = perfName(fr.sym);
      if (named !== undefined && f?.name !== named) {
        throw new InputError(file, `line ${s.line}`, `perf names ${named} at 0x${fr.addr.toString(16)} of ${fr.dso}, but ${p.file} has ${f ? f.name : 'no function'} there: the profile is not of this executable`);
      }
      ours.push({ f, addr: a ?? -1 });
    }
    if (!ours.length) {
      outside++;
      continue;
    }
    const names = ours.map((o) => o.f?.name);
    const seen = new Set<string>();
    for (const [i, n] of names.entries()) {
      if (n === undefined || seen.has(n) || cls(n) === null) continue;
      seen.add(n);
      const c = funcs.get(n) ?? { func: n, family: cls(n), self: 0, total: 0 };
      c.total++;
      if (i === 0) c.self++;
      funcs.set(n, c);
    }
    const first = names.findIndex((n) => n !== undefined && cls(n) !== null);
    if (first < 0) {
      notMap++;
      continue;
    }
    map++;
    let k = first;
    while (k + 1 < names.length && names[k + 1] !== undefined && cls(names[k + 1]!) !== null) k++;
    const why = (r: string) => unattributed.set(r, (unattributed.get(r) ?? 0) + 1);
    if (k + 1 >= ours.length) {
      why(ours.length === 1 ? 'no call chain (recorded without -g): only self time' : 'the call chain ends in map code');
      continue;
    }
    const caller = ours[k + 1];
    const hit = index.returningTo(caller.addr);
    if (hit) siteCounts.set(hit, (siteCounts.get(hit) ?? 0) + 1);
    // No site ends there: perf's frame-pointer unwinding skips the immediate caller of a sample taken
    // in a callee's prologue or epilogue (before its frame is set up), or the map call came from runtime
    // code or reflect, which are not compiled map call sites.
    else why(`returns into ${caller.f?.name ?? 'no function'}, where no map call site ends (a caller skipped by frame-pointer unwinding, or a call from runtime code or reflect)`);
  }
  if (samples.length && !dsoSeen) {
    throw new InputError(file, undefined, `no frame of ${self} in the perf samples (DSOs seen: ${[...dsos].join(', ')})`);
  }
  // A shape function's site resolves to one Site per instantiation at the same address: the samples are
  // the call's, counted once, on the first.
  const siteList = [...siteCounts].map(([l, n]) => ({ site: l[0], samples: n })).sort((a, b) => b.samples - a.samples || a.site.addr - b.site.addr);
  return {
    samples: samples.length, outside, notMap, map,
    sites: siteList,
    unattributed: [...unattributed].map(([reason, n]) => ({ reason, samples: n })).sort((a, b) => b.samples - a.samples),
    funcs: [...funcs.values()].sort((a, b) => b.total - a.total || b.self - a.self || (a.func < b.func ? -1 : 1)),
  };
}
