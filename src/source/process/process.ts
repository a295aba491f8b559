/**
 * A Go process to check: its memory (a core or a live process), the facts its
 * executable records, its hash key material, and the ways to choose maps in
 * it — by global name, by address, or every map reachable from globals.
 */
import { InputError } from '../../base/errors.js';
import { MemoryError, decodeUint, type MemoryReader } from '../../model/memory.js';
import { parseType } from '../../model/typeparse.js';
import { typeString, type MapType } from '../../model/types.js';
import { sizeOf } from '../../model/types.js';
import type { LayoutTarget } from '../../layout/index.js';
import type { DynamicTypes, HashState, MapSource } from '../types.js';
import { needsDynamicType } from '../../model/types.js';
import type { GoType } from '../../model/types.js';
import { readDwarf, type Die, type Dwarf } from '../../binary/dwarf.js';
import { AT } from '../../binary/dwarfconst.js';
import { dwarfGlobals } from '../../binary/dwarfgo.js';
import type { ObjectFile } from '../../binary/object.js';
import { DwarfTypes, KIND } from '../../binary/dwarftypes.js';
import { hashState, type GoFacts } from './gofacts.js';
import { directIface, itabType, walkGlobals, type DynamicTypeFn, type EntriesFn, type WalkRoot } from './globals.js';
import { Memory } from '../../binary/object.js';
import { pclntabCandidates, readPclntab } from '../../binary/pclntab.js';
import { findModuleData } from '../../binary/moduledata.js';

export interface GoProcess {
  readonly reader: MemoryReader;
  readonly target: LayoutTarget;
  /** As the executable records it, e.g. "go1.22.12". */
  readonly goVersion: string;
  /** Absent when the key material symbols are missing (a stripped executable). */
  readonly hash?: HashState;
  globalMaps(opts: { entries?: EntriesFn; maxMaps?: number; all?: boolean }): MapSource[];
  mapByName(name: string, opts?: { entries?: EntriesFn }): MapSource;
  mapAt(addr: bigint, type?: string): MapSource;
  /** The byte size DWARF gives a named type (`main.Counter`), which the model keeps opaque behind pointers; undefined when unknown. */
  namedTypeSize(name: string): number | undefined;
}

export class Process implements GoProcess {
  readonly target: LayoutTarget;
  readonly goVersion: string;
  readonly hash?: HashState;
  private dwarf: Dwarf | undefined | null = null;
  private typesCache: DwarfTypes | undefined;

  /**
   * @param source   what errors about addresses name (the core file, "pid N")
   * @param slide    PIE load slide added to the executable's link-time addresses
   */
  constructor(
    readonly reader: MemoryReader,
    readonly exe: ObjectFile,
    readonly facts: GoFacts,
    readonly slide: number,
    readonly where: string,
  ) {
    this.target = facts.target;
    this.goVersion = facts.goVersion;
    try {
      this.hash = hashState(reader, exe, facts, slide);
    } catch (e) {
      if (!(e instanceof MemoryError)) throw e;
      this.hash = undefined;
    }
  }

  private dynamic: Map<number, Die> | null | undefined;

  /**
   * Dynamic types of interfaces: a runtime type descriptor's address, less the
   * slide and moduledata.types, is the DW_AT_go_runtime_type of its DWARF DIE.
   * Undefined when the module data cannot be found.
   */
  private dynamicTypes(types: DwarfTypes): DynamicTypeFn | undefined {
    if (this.dynamic === undefined) {
      this.dynamic = null;
      const mem = new Memory(this.exe);
      for (const addr of pclntabCandidates(this.exe)) {
        try {
          const md = findModuleData(this.exe, mem, readPclntab(this.exe, mem, addr), this.target.go.minor);
          const byOffset = new Map<number, Die>();
          for (const die of types.d.dies.values()) {
            const off = die.attrs.get(AT.goRuntimeType);
            if (typeof off === 'number' && !byOffset.has(off)) byOffset.set(off, die);
          }
          this.typesBase = md.types + this.slide;
          this.dynamic = byOffset;
          break;
        } catch (e) {
          if (!(e instanceof InputError)) throw e;
        }
      }
    }
    const m = this.dynamic;
    const base = this.typesBase;
    return m ? (t) => m.get(t - base) : undefined;
  }

  private typesBase = 0;
  private provider: DynamicTypes | null | undefined;

  /**
   * MapSource.dynamicTypes: the same descriptor → DWARF mapping as the walk
   * (dynamicTypes above), the DIE's model type, and IsDirectIface from DWARF
   * (globals.ts directIface). An itab word is first followed to its `_type`.
   */
  private dynamicProvider(): DynamicTypes | undefined {
    if (this.provider === undefined) {
      this.provider = null;
      const types = this.types();
      const fn = types ? this.dynamicTypes(types) : undefined;
      if (types && fn) {
        const memo = new Map<number, { type: GoType; direct: boolean } | undefined>();
        const reader = this.reader;
        this.provider = {
          dynamicType(word: bigint, itab: boolean) {
            const t = itab ? itabType(reader, word) : word;
            if (t <= 0n || t > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
            const n = Number(t);
            if (memo.has(n)) return memo.get(n);
            const die = fn(n);
            const r = die ? { type: types.model(die), direct: directIface(types, die) } : undefined;
            memo.set(n, r);
            return r;
          },
        };
      }
    }
    return this.provider ?? undefined;
  }

  private types(): DwarfTypes | undefined {
    if (this.dwarf === null) this.dwarf = readDwarf(this.exe);
    if (this.dwarf && !this.typesCache) this.typesCache = new DwarfTypes(this.dwarf, this.exe.ptrSize);
    return this.typesCache;
  }

  private needTypes(what: string): DwarfTypes {
    const t = this.types();
    if (!t) throw new InputError(this.exe.file, undefined, `no DWARF debug information (stripped?): ${what}; choose the map with --addr and --type`);
    return t;
  }

  /** Global variables with an address and a type DIE, moved by the slide. */
  private roots(types: DwarfTypes): WalkRoot[] {
    const out: WalkRoot[] = [];
    for (const g of dwarfGlobals(types.d, this.exe.ptrSize, this.exe.little)) {
      const type = types.die(g.typeOffset);
      if (g.addr === undefined || !type || !g.name) continue;
      out.push({ name: g.name, addr: g.addr + this.slide, type });
    }
    return out;
  }

  private source(name: string, addr: bigint, type: MapType): MapSource {
    // Only keys holding interfaces need dynamic types (building the descriptor map reads all of DWARF).
    const dynamicTypes = needsDynamicType(type.key) ? this.dynamicProvider() : undefined;
    return { name, reader: this.reader, addr, type, target: this.target, hash: this.hash, ...(dynamicTypes ? { dynamicTypes } : {}) };
  }

  /** A map type from DWARF whose key and element sizes our model reproduces (else the layout would be wrong). */
  private checkedType(types: DwarfTypes, mapDie: Die, name: string): MapType {
    const mt = types.mapType(mapDie);
    if (!mt) throw new InputError(this.exe.file, undefined, `${name}: DWARF type is not a map`);
    for (const [part, die] of [['key', types.ref(mapDie, AT.goKey)], ['elem', types.ref(mapDie, AT.goElem)]] as const) {
      const want = types.size(die);
      let got: number | undefined;
      try {
        got = sizeOf(part === 'key' ? mt.key : mt.elem, this.target.arch).size;
      } catch {
        got = undefined;
      }
      if (want !== undefined && got !== want) {
        throw new InputError(this.exe.file, undefined, `${name}: ${typeString(mt)}: DWARF says the ${part} is ${want} bytes, mapscope's model of it ${got ?? 'has no size'}`);
      }
    }
    return mt;
  }

  /** A MapSource for a map the walk found, or undefined when our model of its type disagrees with DWARF. */
  private walkSource(types: DwarfTypes): (name: string, addr: bigint, t: MapType, die: Die) => MapSource | undefined {
    return (name, addr, _t, die) => {
      try {
        return this.source(name, addr, this.checkedType(types, die, name));
      } catch (e) {
        if (e instanceof InputError) return undefined;
        throw e;
      }
    };
  }

  /**
   * Every map reachable from the program's global variables. By default only
   * the program's own packages (main and its module); `all` adds the standard
   * library and the runtime. Map elements are followed through `entries`.
   */
  globalMaps(opts: { entries?: EntriesFn; maxMaps?: number; all?: boolean } = {}): MapSource[] {
    const types = this.needTypes('cannot find global variables');
    let roots = this.roots(types);
    if (!opts.all) {
      const mod = this.facts.mainModule;
      roots = roots.filter((r) => r.name.startsWith('main.') || (mod !== undefined && mod !== 'command-line-arguments' && r.name.startsWith(`${mod}.`)) || (mod !== undefined && r.name.startsWith(`${mod}/`)));
    }
    roots.sort((a, b) => a.name.localeCompare(b.name));
    return walkGlobals(this.reader, types, roots, this.walkSource(types), { ...opts, dynamicType: this.dynamicTypes(types) });
  }

  /** A global map variable, or a path inside one (`main.cfg.byID`, `main.list[2]`, `main.m["k"]` with `entries`). */
  mapByName(name: string, opts: { entries?: EntriesFn } = {}): MapSource {
    const types = this.needTypes(`cannot find ${name}`);
    const roots = this.roots(types);
    const g = roots.find((r) => r.name === name);
    if (g) {
      const die = types.resolve(g.type);
      if (!die || types.kind(die) !== KIND.map) throw new InputError('--map', undefined, `${name} is a ${types.name(g.type) || 'non-map'}, not a map`);
      const mt = this.checkedType(types, die, name);
      const h = this.word(g.addr, name);
      if (h === 0n) throw new InputError('--map', undefined, `${name} is a nil map`);
      return this.source(name, h, mt);
    }
    // A path inside a global (main.cfg.byID, main.list[2]): walk and match.
    const root = name.split(/[.[]/).slice(0, 2).join('.');
    const found = walkGlobals(this.reader, types, roots.filter((r) => name.startsWith(r.name)), this.walkSource(types), { entries: opts.entries, dynamicType: this.dynamicTypes(types) }).find((m) => m.name === name);
    if (found) return found;
    throw new InputError('--map', undefined, `no global map ${name}${roots.some((r) => r.name === root) ? '' : ' (no such global variable)'}`);
  }

  mapAt(addr: bigint, type?: string): MapSource {
    // The header must be readable: an address outside the process is bad input, not a finding.
    try {
      this.reader.read(addr, this.exe.ptrSize);
    } catch (e) {
      if (e instanceof MemoryError) throw new InputError(this.where, `address 0x${addr.toString(16)}`, e.message);
      throw e;
    }
    const types = this.types();
    // The map DWARF finds at this address (a global's, or one reachable from globals), if any.
    const known = types ? walkGlobals(this.reader, types, this.roots(types), this.walkSource(types), { maxMaps: 100000, dynamicType: this.dynamicTypes(types) }).find((x) => x.addr === addr) : undefined;
    if (type === undefined) {
      if (known) return known;
      throw new InputError('--type', undefined, `no global map is at 0x${addr.toString(16)}: give its type with --type`);
    }
    const t = this.typeNamed(type, types);
    if (known && typeString(known.type) !== typeString(t)) {
      throw new InputError('--type', undefined, `${type} contradicts the binary: DWARF says the map at 0x${addr.toString(16)} (${known.name}) is ${typeString(known.type)}; give that type, or leave --type out`);
    }
    return this.source(known?.name ?? `0x${addr.toString(16)}`, addr, t);
  }

  /**
   * A map type as --type spells it: DWARF's own spelling of a map type in
   * this binary (map[main.Key]main.Val, with package paths as DWARF writes
   * them), read from DWARF; else a Go type expression.
   */
  private typeNamed(type: string, types: DwarfTypes | undefined): MapType {
    const want = type.replace(/\s+/g, '');
    if (types) {
      for (const die of types.d.dies.values()) {
        if (types.kind(die) !== KIND.map || types.name(die).replace(/\s+/g, '') !== want) continue;
        return this.checkedType(types, die, type);
      }
    }
    let t: GoType;
    try {
      t = parseType(type);
    } catch (e) {
      if (e instanceof InputError && types) throw new InputError('--type', undefined, `${type}: neither a map type this binary's DWARF names nor a Go type expression (${e.message})`);
      throw e;
    }
    if (t.kind !== 'map') throw new InputError('--type', undefined, `${type} is not a map type`);
    return t;
  }

  namedTypeSize(name: string): number | undefined {
    const types = this.types();
    if (!types) return undefined;
    for (const die of types.d.dies.values()) {
      if (types.name(die) !== name) continue;
      const size = types.size(die);
      if (size !== undefined) return size;
    }
    return undefined;
  }

  private word(addr: number, what: string): bigint {
    try {
      return decodeUint(this.reader.read(addr, this.exe.ptrSize), this.target.arch.bigEndian);
    } catch (e) {
      if (e instanceof MemoryError) throw new InputError(this.where, `address 0x${addr.toString(16)}`, `${what}: ${e.message}`);
      throw e;
    }
  }
}
