/**
 * What map code costs in a profile: per runtime map function and per family
 * (src/profile/mapfuncs.ts), flat and cumulative, the way `go tool pprof`
 * counts them (flat: the sample's leaf frame is that function; cum: the
 * function is anywhere on the stack, a sample counted once however often it
 * recurs), and per call site: the first frame outside the runtime that leads
 * into map code, with the operation it asked for (the family of the
 * outermost map frame). Every figure is a vector, one entry per sample type
 * of the profile (CPU: samples and nanoseconds; heap: objects and bytes
 * allocated and in use).
 */
import { classify, isRuntimeFrame, FAMILIES, type Family, type Classified } from './mapfuncs.js';
import type { DecodedProfile } from './pprof.js';

export interface FunctionCost {
  name: string;
  family: Family | 'shared';
  flat: number[];
  cum: number[];
}

export interface FamilyCost {
  family: Family;
  flat: number[];
  cum: number[];
}

export interface CallSite {
  /** The first non-runtime frame on the way into map code. */
  function: string;
  file: string;
  line: number;
  /** Family of the outermost map frame under it: the operation the code asked for. */
  op: Family;
  values: number[];
}

export interface MapCost {
  sampleTypes: { type: string; unit: string }[];
  kind: DecodedProfile['kind'];
  /** Sum over all samples. */
  total: number[];
  /** Sum over samples with map code on the stack. */
  map: number[];
  families: FamilyCost[];
  functions: FunctionCost[];
  callSites: CallSite[];
}

const zeros = (n: number) => new Array<number>(n).fill(0);
function add(to: number[], v: number[]) {
  for (let i = 0; i < v.length; i++) to[i] += v[i];
}

export function mapCost(p: DecodedProfile): MapCost {
  const n = p.sampleTypes.length;
  const classOf: Classified[] = p.frames.map((f) => classify(f.function));
  const total = zeros(n);
  const map = zeros(n);
  const fnFlat = new Map<string, number[]>();
  const fnCum = new Map<string, number[]>();
  const famFlat = new Map<Family, number[]>();
  const famCum = new Map<Family, number[]>();
  const sites = new Map<string, CallSite>();
  const seenFn = new Set<string>();
  const seenFam = new Set<Family>();
  for (const s of p.samples) {
    add(total, s.values);
    const st = s.stack;
    // Resolve shared helpers to the family of the nearest map frame calling them.
    const fam: (Family | null)[] = new Array(st.length).fill(null);
    let outer: Family | null = null;
    for (let i = st.length - 1; i >= 0; i--) {
      const c = classOf[st[i]];
      if (c === null) continue;
      if (c === 'shared') fam[i] = outer ?? 'other';
      else {
        fam[i] = c;
        outer = c;
      }
    }
    let innermost = -1;
    let outermost = -1;
    seenFn.clear();
    seenFam.clear();
    for (let i = 0; i < st.length; i++) {
      if (fam[i] === null) continue;
      if (innermost < 0) innermost = i;
      outermost = i;
      const name = p.frames[st[i]].function;
      if (i === 0) {
        vec(fnFlat, name, n, s.values);
        vec(famFlat, fam[i]!, n, s.values);
      }
      if (!seenFn.has(name)) {
        seenFn.add(name);
        vec(fnCum, name, n, s.values);
      }
      if (!seenFam.has(fam[i]!)) {
        seenFam.add(fam[i]!);
        vec(famCum, fam[i]!, n, s.values);
      }
    }
    if (innermost < 0) continue;
    add(map, s.values);
    let k = outermost + 1;
    while (k < st.length && isRuntimeFrame(p.frames[st[k]].function)) k++;
    const fr = k < st.length ? p.frames[st[k]] : { function: '(runtime)', file: '', line: 0 };
    const op = fam[outermost]!;
    const key = `${fr.function}\0${fr.file}\0${fr.line}\0${op}`;
    let site = sites.get(key);
    if (!site) sites.set(key, (site = { function: fr.function, file: fr.file, line: fr.line, op, values: zeros(n) }));
    add(site.values, s.values);
  }
  const functions: FunctionCost[] = [...fnCum.entries()].map(([name, cum]) => ({
    name,
    family: classify(name) as Family | 'shared',
    flat: fnFlat.get(name) ?? zeros(n),
    cum,
  }));
  const last = n - 1;
  functions.sort((a, b) => b.flat[last] - a.flat[last] || b.cum[last] - a.cum[last] || (a.name < b.name ? -1 : 1));
  const families = FAMILIES.filter((f) => famCum.has(f)).map((f) => ({ family: f, flat: famFlat.get(f) ?? zeros(n), cum: famCum.get(f)! }));
  const callSites = [...sites.values()].sort((a, b) => b.values[last] - a.values[last] || (a.function < b.function ? -1 : 1));
  return { sampleTypes: p.sampleTypes, kind: p.kind, total, map, families, functions, callSites };
}

function vec<K>(m: Map<K, number[]>, k: K, n: number, v: number[]) {
  let a = m.get(k);
  if (!a) m.set(k, (a = zeros(n)));
  add(a, v);
}
