/**
 * Named types of a Go executable, for `layout --binary APP`.
 *
 * Names come from the type descriptors the compiler wrote (every Go
 * executable has them, stripped or not), spelled as reflect and `inspect`
 * spell them (`main.MyKey`, `store.Pair[string,int]`); each named type is
 * rebuilt from its descriptor as inspect's cross-check does
 * (src/inspect/crosscheck.ts). The Go release, GOARCH and GOEXPERIMENT are
 * the binary's own (build info, else its structure).
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../base/errors.js';
import { openObjects } from '../binary/open.js';
import { decodeMap, type MapInfo } from '../binary/mapdesc.js';
import { Kind, type RuntimeType as DescType } from '../binary/types.js';
import { readBinaryTypes } from '../inspect/inspect.js';
import { modelType } from '../inspect/crosscheck.js';
import { target, type LayoutTarget } from '../layout/index.js';
import type { NameResolver } from '../model/typeparse.js';
import { typeString, type GoType, type MapType } from '../model/types.js';
import { stdTablePackages } from '../model/stdnamed.js';

const TFLAG_NAMED = 4;

/** A type name without import paths or spaces, so `gen.Box[store.Small]` finds `gen.Box[example.com/m/store.Small]`. */
export function normalName(s: string): string {
  return s.replace(/(?:[\w.-]+\/)+(?=\w+\.)/g, '').replace(/\s+/g, '');
}

export interface BinaryNames extends NameResolver {
  readonly file: string;
  readonly target: LayoutTarget;
  /** The Go version the binary names (go1.23.4), or how it was inferred. */
  readonly goVersion: string;
  /** Every map type in the binary, with its descriptor figures and its key and elem rebuilt. */
  readonly maps: readonly { info: MapInfo; type: MapType }[];
  readonly looked: string;
}

/** A named type of the standard library (by its package's name): shown, never proposed for reordering. */
function markFixed(t: GoType): GoType {
  if (t.kind !== 'named') return t;
  const qual = t.name.slice(0, t.name.indexOf('.'));
  const std = stdTablePackages().some((p) => p.slice(p.lastIndexOf('/') + 1) === qual);
  return std ? { ...t, fixed: true } : t;
}

export function binaryNames(file: string): BinaryNames {
  let data: Uint8Array;
  try {
    data = new Uint8Array(readFileSync(file));
  } catch (e) {
    throw new InputError(file, undefined, `cannot read: ${(e as Error).message}`);
  }
  const objs = openObjects(file, data);
  if (objs.length === 0) throw new InputError(file, 0, 'no executable inside');
  const o = objs[0];
  const bt = readBinaryTypes(o);
  const goarch = bt.bi.settings.GOARCH ?? o.goarch;
  if (goarch === undefined) throw new InputError(file, undefined, 'cannot tell the GOARCH it was built for');
  const experiment = bt.exps.includes('noswissmap') ? 'noswissmap' : undefined;
  const t = target(`1.${bt.goMinor}`, goarch, experiment);
  const byName = new Map<string, DescType>();
  for (const d of bt.all) {
    if (!(d.tflag & TFLAG_NAMED)) continue;
    byName.set(d.str, d);
    byName.set(normalName(d.str), d); // type arguments spelled with import paths: gen.Box[example.com/m/store.Small]
  }
  const memo = new Map<string, GoType>();
  const named = (name: string): GoType | undefined => {
    const d = byName.get(name);
    if (!d) return undefined;
    let m = memo.get(name);
    if (!m) memo.set(name, (m = markFixed(modelType(bt.reader, d))));
    return m;
  };
  const W = o.ptrSize;
  const H = W === 8 ? 48 : 32;
  const maps = bt.all.filter((d) => d.kind === Kind.Map).map((d) => {
    const info = decodeMap(bt.reader, d);
    const key = bt.reader.type(bt.mem.word(d.addr + H, 'map key'));
    const elem = bt.reader.type(bt.mem.word(d.addr + H + W, 'map elem'));
    const type: MapType = { kind: 'map', key: markFixed(modelType(bt.reader, key)), elem: markFixed(modelType(bt.reader, elem)) };
    return { info, type };
  }).sort((a, b) => (a.info.type < b.info.type ? -1 : a.info.type > b.info.type ? 1 : 0));
  const looked = `the type descriptors of ${file}`;
  return {
    file, target: t, goVersion: bt.bi.goVersion ?? `go1.${bt.goMinor} (from the binary's structure)`, maps, looked,
    resolve(name, args) {
      if (args.length === 0) return named(name);
      return named(normalName(`${name}[${args.map(typeString).join(',')}]`));
    },
    unknown(name) {
      const near = [...byName.keys()].filter((n) => n.endsWith(`.${name.slice(name.lastIndexOf('.') + 1)}`)).slice(0, 5);
      return `unknown named type ${name}: not among the ${byName.size} named types in ${looked}` +
        (near.length ? ` (it has ${near.join(', ')})` : '') + '; names are spelled as `mapscope inspect` prints them (package name, then the type)';
    },
  };
}
