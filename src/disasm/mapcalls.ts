/**
 * The runtime entry points the compiler calls for map operations, Go
 * 1.13–1.27, and what each one means.
 *
 * The list restates cmd/compile/internal/typecheck/{builtin,_builtin}/runtime.go
 * and the names walk/{builtin,expr,assign,range,walk}.go pick (mapfn,
 * mapfndel, `mapIterStart`/`mapIterNext` from 1.24). Swiss maps keep the same
 * symbol names: internal/runtime/maps defines `runtime_mapaccess1_fast64` &c.
 * and `//go:linkname`s them to `runtime.mapaccess1_fast64`, so one table
 * serves both implementations. `mapiterinit`/`mapiternext` stay in the
 * runtime after 1.24 only for linkname users; the compiler no longer emits them.
 *
 * typeArg: the argument that carries the *maptype (0 for all but the two that
 * take none: makemap_small allocates an empty header, the iterator's next
 * step reads the type out of the iterator).
 */
export type MapOp = 'make' | 'access' | 'access2' | 'assign' | 'delete' | 'iterinit' | 'iternext' | 'clear';

export interface MapEntry {
  op: MapOp;
  /** '' generic, or fast32/fast32ptr/fast64/fast64ptr/faststr, fat (value > 1 KiB zero area), small, 64. */
  path: string;
  /** Argument index of the map type, or -1 when the call passes none. */
  typeArg: number;
  /** Argument index of the iterator (iterinit: 2, iternext: 0). */
  iterArg?: number;
}

const ENTRIES: Record<string, MapEntry> = {};

function add(name: string, op: MapOp, path: string, typeArg = 0, iterArg?: number): void {
  ENTRIES[`runtime.${name}`] = { op, path, typeArg, ...(iterArg !== undefined ? { iterArg } : {}) };
}

add('makemap', 'make', '');
add('makemap64', 'make', '64');
add('makemap_small', 'make', 'small', -1);
for (const [n, op] of [['mapaccess1', 'access'], ['mapaccess2', 'access2']] as const) {
  add(n, op, '');
  for (const f of ['fast32', 'fast64', 'faststr', 'fat']) add(`${n}_${f}`, op, f);
}
add('mapassign', 'assign', '');
for (const f of ['fast32', 'fast32ptr', 'fast64', 'fast64ptr', 'faststr']) add(`mapassign_${f}`, 'assign', f);
add('mapdelete', 'delete', '');
for (const f of ['fast32', 'fast64', 'faststr']) add(`mapdelete_${f}`, 'delete', f);
add('mapiterinit', 'iterinit', '', 0, 2);
add('mapIterStart', 'iterinit', '', 0, 2);
add('mapiternext', 'iternext', '', -1, 0);
add('mapIterNext', 'iternext', '', -1, 0);
add('mapclear', 'clear', '');

export const MAP_ENTRIES: Readonly<Record<string, MapEntry>> = ENTRIES;

/** The map entry a callee name is, or undefined. */
export function mapEntry(name: string): MapEntry | undefined {
  return Object.prototype.hasOwnProperty.call(ENTRIES, name) ? ENTRIES[name] : undefined;
}
