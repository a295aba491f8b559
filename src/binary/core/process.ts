/**
 * A Go process to check: its memory (a core or a live process), the facts its
 * executable records, its hash key material, and the ways to choose maps in
 * it — by global name, by address, or every map reachable from globals.
 */
import { InputError } from '../../cli/errors.js';
import { MemoryError, decodeUint, type MemoryReader } from '../../model/memory.js';
import { parseType } from '../../model/typeparse.js';
import { typeString, type MapType } from '../../model/types.js';
import { sizeOf } from '../../model/types.js';
import type { LayoutTarget } from '../../layout/index.js';
import type { HashState, MapSource } from '../../check/types.js';
import { readDwarf, type Dwarf } from '../dwarf.js';
import { dwarfGlobals } from '../dwarfgo.js';
import type { ObjectFile } from '../object.js';
import { DwarfTypes, KIND } from './dwarftypes.js';
import { hashState, type GoFacts } from './gofacts.js';
import { walkGlobals, type EntriesFn, type WalkRoot } from './globals.js';

export interface GoProcess {
  readonly reader: MemoryReader;
  readonly target: LayoutTarget;
  /** As the executable records it, e.g. "go1.22.12". */
  readonly goVersion: string;
  /** Absent when the key material symbols are missing (a stripped executable). */
  readonly hash?: HashState;
  globalMaps(opts: { entries?: EntriesFn; maxMaps?: number; all?: boolean }): MapSource[];
  mapByName(name: string): MapSource;
  mapAt(addr: bigint, type?: string): MapSource;
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
    return { name, reader: this.reader, addr, type, target: this.target, hash: this.hash };
  }

  /** A map type from DWARF whose key and element sizes our model reproduces (else the layout would be wrong). */
  private checkedType(types: DwarfTypes, mapDie: import('../dwarf.js').Die, name: string): MapType {
    const mt = types.mapType(mapDie);
    if (!mt) throw new InputError(this.exe.file, undefined, `${name}: DWARF type is not a map`);
    for (const [part, die] of [['key', types.ref(mapDie, 0x2901)], ['elem', types.ref(mapDie, 0x2902)]] as const) {
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

  globalMaps(opts: { entries?: EntriesFn; maxMaps?: number; all?: boolean } = {}): MapSource[] {
    const types = this.needTypes('cannot find global variables');
    let roots = this.roots(types);
    if (!opts.all) {
      // The program's own packages: main and the main module's; the standard library and runtime are left out.
      const mod = this.facts.mainModule;
      roots = roots.filter((r) => r.name.startsWith('main.') || (mod !== undefined && mod !== 'command-line-arguments' && r.name.startsWith(`${mod}`)));
    }
    roots.sort((a, b) => a.name.localeCompare(b.name));
    return walkGlobals(
      this.reader,
      types,
      roots,
      (name, addr, t) => {
        try {
          return this.source(name, addr, t);
        } catch {
          return undefined;
        }
      },
      opts,
    ).filter((m) => {
      // Drop maps whose key or element our model cannot size like DWARF does.
      try {
        sizeOf(m.type.key, this.target.arch);
        sizeOf(m.type.elem, this.target.arch);
        return true;
      } catch {
        return false;
      }
    });
  }

  mapByName(name: string): MapSource {
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
    const found = walkGlobals(this.reader, types, roots.filter((r) => name.startsWith(r.name)), (n, a, t) => this.source(n, a, t), {}).find((m) => m.name === name);
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
    if (type !== undefined) {
      const t = parseType(type);
      if (t.kind !== 'map') throw new InputError('--type', undefined, `${type} is not a map type`);
      return this.source(`0x${addr.toString(16)}`, addr, t);
    }
    const types = this.types();
    if (types) {
      const m = walkGlobals(this.reader, types, this.roots(types), (n, a, t) => this.source(n, a, t), { maxMaps: 100000 }).find((x) => x.addr === addr);
      if (m) return m;
    }
    throw new InputError('--type', undefined, `no global map is at 0x${addr.toString(16)}: give its type with --type`);
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
