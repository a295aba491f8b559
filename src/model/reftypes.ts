/**
 * Go types written as JSON references, the form both generators print: the
 * standard-library table (scripts/std-types.mjs, from reflect) and the
 * source resolver (gosrc/typesource, from go/types). A ref is a basic type's
 * name ("int64", "unsafe.Pointer", "error"), {"named": key} for a named type
 * (key = import path + "." + name, type arguments included), or a type
 * literal ({"k": "struct", "f": [...]}, {"k": "array", "n": 4, "e": ref}, …).
 *
 * Named types are followed only where their bytes sit inline (struct fields,
 * array elements, underlying types); behind a pointer, slice, map, chan or
 * func they become opaque names, so recursive types stay finite.
 */
import type { GoType, StructField } from './types.js';

export type Ref = string | { named: string } | LiteralRef;
type LiteralRef =
  | { k: 'ptr' | 'slice'; e: Ref }
  | { k: 'array'; n: number; e: Ref }
  | { k: 'map'; key: Ref; e: Ref }
  | { k: 'chan'; dir: 'both' | 'send' | 'recv'; e: Ref }
  | { k: 'func'; p: Ref[] | null; r: Ref[] | null; v: boolean }
  | { k: 'iface'; m: string[] }
  | { k: 'struct'; f: { name: string; type: Ref; embedded?: boolean }[] };


/** A named type's definition as a RefTypes lookup gives it. */
export interface RefDef {
  /** How it is spelled (reflect's String: `time.Time`, `store.Pair[string,int]`). */
  readonly name: string;
  readonly underlying: Ref;
  /** Not the user's to reorder (the standard library's). */
  readonly fixed?: boolean;
  /** sync/atomic's alignment marker. */
  readonly align64?: boolean;
}

/** `net/netip.Addr` → `netip.Addr` (as reflect and typeString spell names). */
export function displayKey(key: string): string {
  const dot = key.indexOf('.', key.lastIndexOf('/', key.indexOf('[') < 0 ? key.length : key.indexOf('[')));
  const pkg = key.slice(0, dot);
  return pkg.slice(pkg.lastIndexOf('/') + 1) + key.slice(dot);
}

/**
 * Converts refs to GoTypes. `lookup(key)` defines named types; `override(key)`
 * may supply a named type from elsewhere first (the source resolver takes
 * standard-library types from the table of the target's Go release). The same
 * key always gives the same GoType object.
 */
export class RefTypes {
  private readonly memo = new Map<string, GoType>();
  constructor(
    private readonly lookup: (key: string) => RefDef | undefined,
    private readonly override?: (key: string) => GoType | undefined,
  ) {}

  named(key: string): GoType {
    const hit = this.memo.get(key);
    if (hit) return hit;
    const o = this.override?.(key);
    if (o) {
      this.memo.set(key, o);
      return o;
    }
    const d = this.lookup(key);
    if (!d) return { kind: 'opaque', name: displayKey(key) };
    // A named type never holds itself inline (only behind pointers), so the
    // memo entry can be written after its underlying type is built.
    const t: GoType = {
      kind: 'named', name: d.name, underlying: this.convert(d.underlying, true),
      ...(d.fixed ? { fixed: true } : {}), ...(d.align64 ? { align64: true } : {}),
    };
    this.memo.set(key, t);
    return t;
  }

  convert(r: Ref, inline: boolean): GoType {
    if (typeof r === 'string') {
      if (r === 'error') return { kind: 'named', name: 'error', underlying: { kind: 'interface', methods: ['Error() string'] }, fixed: true };
      return { kind: r } as GoType;
    }
    if ('named' in r) return inline ? this.named(r.named) : { kind: 'opaque', name: displayKey(r.named) };
    switch (r.k) {
      case 'ptr':
        return { kind: 'pointer', elem: this.convert(r.e, false) };
      case 'slice':
        return { kind: 'slice', elem: this.convert(r.e, false) };
      case 'array':
        return { kind: 'array', len: r.n, elem: this.convert(r.e, inline) };
      case 'map':
        return { kind: 'map', key: this.convert(r.key, false), elem: this.convert(r.e, false) };
      case 'chan':
        return { kind: 'chan', dir: r.dir, elem: this.convert(r.e, false) };
      case 'func':
        return { kind: 'func', params: (r.p ?? []).map((x) => this.convert(x, false)), results: (r.r ?? []).map((x) => this.convert(x, false)), variadic: r.v };
      case 'iface':
        return { kind: 'interface', methods: r.m };
      case 'struct': {
        const fields: StructField[] = r.f.map((f) => ({ name: f.name, type: this.convert(f.type, true), embedded: Boolean(f.embedded) }));
        return { kind: 'struct', fields };
      }
    }
  }
}
