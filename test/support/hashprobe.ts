/**
 * Reading gosrc/hashprobe's JSON (what the real runtime's hash functions
 * returned) and recomputing every value with src/hash.
 *
 * `checkProbe` returns one line per mismatch, so a test can print them all.
 */
import { ARCHES, type GoArch } from '../../src/model/arch.js';
import { GoHasher, hasherFor, type HashTarget, type HashType, type HashKind, type KeyMemory, type Recipe } from '../../src/hash/index.js';

export interface ProbeType {
  name: string; kind: string; size: number; align: number;
  fields?: { name: string; offset: number; type: ProbeType }[];
  len?: number; elem?: ProbeType; methods?: number;
}

export interface ProbeReport {
  goVersion: string; goarch: string; goos: string; ptrSize: number; godebug: string;
  useAeshash: boolean; keyHome: string; hashkey: string[]; aeskeysched: string;
  seeds: string[]; data: string;
  series: { fn: string; seed: string; offset?: number; hashes: [string, string][] }[];
  values: { fn: string; input: string; note?: string; hashes: string[] }[];
  keys: {
    label: string; type: ProbeType; hasher?: string; bytes: string;
    heap?: Record<string, string>; dyn?: Record<string, { type: ProbeType; direct: boolean }>; hashes: string[];
  }[];
}

const KINDS: Record<string, HashKind> = {
  bool: 'bool', int8: 'int8', int16: 'int16', int32: 'int32', int64: 'int64', int: 'int',
  uint8: 'uint8', uint16: 'uint16', uint32: 'uint32', uint64: 'uint64', uint: 'uint', uintptr: 'uintptr',
  float32: 'float32', float64: 'float64', complex64: 'complex64', complex128: 'complex128',
  string: 'string', 'unsafe.Pointer': 'unsafe.Pointer', ptr: 'pointer', chan: 'chan', func: 'func', map: 'map',
  slice: 'slice', array: 'array', struct: 'struct', interface: 'interface',
};

/** reflect's description of a type, as printed by the probe, to a HashType. */
export function toHashType(t: ProbeType): HashType {
  const kind = KINDS[t.kind];
  if (!kind) throw new Error(`probe kind ${t.kind} unknown`);
  return {
    kind, size: t.size, align: t.align,
    fields: (t.fields ?? (kind === 'struct' ? [] : undefined))?.map((f) => ({ name: f.name, offset: f.offset, type: toHashType(f.type) })),
    len: t.len ?? (kind === 'array' ? 0 : undefined),
    elem: t.elem && toHashType(t.elem),
    methods: t.methods ?? 0,
  };
}

export const unhex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
const big = (s: string): bigint => BigInt(s);

export function targetOf(r: ProbeReport): HashTarget {
  const arch = ARCHES[r.goarch as GoArch];
  if (!arch) throw new Error(`unknown GOARCH ${r.goarch}`);
  return { arch, go: r.goVersion, aes: r.useAeshash };
}

export function hasherOf(r: ProbeReport): GoHasher {
  return new GoHasher(targetOf(r), { hashkey: r.hashkey.map(big), aeskeysched: unhex(r.aeskeysched) });
}

function memoryOf(k: ProbeReport['keys'][number]): KeyMemory {
  return {
    read(addr, len) {
      const h = k.heap?.[`0x${addr.toString(16)}`];
      if (h === undefined) throw new Error(`no heap bytes recorded at 0x${addr.toString(16)}`);
      return unhex(h).subarray(0, len);
    },
    dynamicType(word) {
      const d = k.dyn?.[`0x${word.toString(16)}`];
      if (!d) throw new Error(`no dynamic type recorded for 0x${word.toString(16)}`);
      return { type: toHashType(d.type), direct: d.direct };
    },
  };
}

/** "S[9M4]G" -> "S[...]G", as Go prints symbol names. */
function collapseBrackets(sig: string): string {
  let outStr = '';
  let depth = 0;
  for (const c of sig) {
    if (c === '[') {
      if (depth++ === 0) outStr += '[...]';
    } else if (c === ']') depth--;
    else if (depth === 0) outStr += c;
  }
  return outStr;
}

const fmt = (x: bigint): string => `0x${x.toString(16)}`;

/** Recomputes everything in a probe report; returns a description of each mismatch. */
export function checkProbe(r: ProbeReport): { checked: number; failures: string[] } {
  const h = hasherOf(r);
  const target = targetOf(r);
  const data = unhex(r.data);
  const seeds = r.seeds.map(big);
  const failures: string[] = [];
  let checked = 0;
  const expect = (what: string, got: bigint, want: string): void => {
    checked++;
    if (got !== big(want)) failures.push(`${what}: got ${fmt(got)}, runtime ${want}`);
  };

  for (const s of r.series) {
    const seed = big(s.seed);
    const off = s.offset ?? 0;
    for (const [n, want] of s.hashes) {
      const len = Number(n);
      const got = s.fn === 'strhash' ? h.strhash(data.subarray(0, len), seed) : h.memhash(data, seed, off, len);
      expect(`${s.fn}(len ${len}, off ${off}, seed ${s.seed})`, got, want);
    }
  }
  for (const v of r.values) {
    const input = unhex(v.input);
    v.hashes.forEach((want, i) => {
      let got: bigint;
      if (v.fn === 'memhash32') got = h.memhash32(input, seeds[i]);
      else if (v.fn === 'memhash64') got = h.memhash64(input, seeds[i]);
      else if (v.fn === 'memhash') got = h.memhash(input, seeds[i]);
      else got = h.hashKey({ op: v.fn, fn: `runtime.${v.fn}` } as Recipe, input, seeds[i]);
      expect(`${v.fn}(${v.note ?? v.input}, seed ${r.seeds[i]})`, got, want);
    });
  }
  for (const k of r.keys) {
    const type = toHashType(k.type);
    let recipe: Recipe;
    if (k.label.startsWith('nilinterhash/')) recipe = { op: 'nilinterhash', fn: 'runtime.nilinterhash' };
    else if (k.label.startsWith('interhash/')) recipe = { op: 'interhash', fn: 'runtime.interhash' };
    else {
      recipe = hasherFor(type, target);
      checked++;
      const name = k.hasher ?? '';
      const generated = !name.startsWith('runtime.');
      if (generated ? recipe.op !== 'seq' : recipe.fn !== name) {
        failures.push(`${k.label}: compiler installed ${name}, hasherFor says ${recipe.fn}`);
      }
      // Go 1.27 names generated hashers after the signature ("type:.hash.M4K4S");
      // the symbol printer shows any bracketed part as "[...]".
      const m = /^type:\.hash\.(.*)$/.exec(name);
      if (m && recipe.op === 'seq' && recipe.sig !== undefined && collapseBrackets(recipe.sig) !== m[1]) {
        failures.push(`${k.label}: compiler's signature ${m[1]}, eqSignature says ${recipe.sig}`);
      }
    }
    const mem = memoryOf(k);
    const bytes = unhex(k.bytes);
    k.hashes.forEach((want, i) => {
      expect(`${k.label} [${k.type.name}] seed ${r.seeds[i]}`, h.hashKey(recipe, bytes, seeds[i], mem), want);
    });
  }
  return { checked, failures };
}
