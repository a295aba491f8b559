/**
 * A Go executable opened for disassembly: its function table (pclntab, so
 * stripped binaries work), type descriptors (to name the map type a call
 * passes), Go version, GOARCH and a Capstone decoder for that GOARCH.
 *
 * The version comes from build info when present, else from the pclntab and
 * moduledata layouts (a lower bound), as inspect reads it.
 */
import { InputError } from '../base/errors.js';
import { experiments, readBuildInfo } from '../binary/buildinfo.js';
import { decodeMap, type MapInfo } from '../binary/mapdesc.js';
import { findModuleData, type ModuleData } from '../binary/moduledata.js';
import { Memory, type ObjectFile } from '../binary/object.js';
import { openObjects } from '../binary/open.js';
import { FuncTable, type FuncInfo } from '../binary/pclnfuncs.js';
import { pclntabCandidates, readPclntab, type Pclntab } from '../binary/pclntab.js';
import { Kind, TypeReader, mapAbiFor } from '../binary/types.js';
import { Decoder, type Insn } from './decoder.js';

export interface GoProgram {
  file: string;
  obj: ObjectFile;
  mem: Memory;
  tab: Pclntab;
  md: ModuleData;
  goVersion: string | undefined;
  goMinor: number;
  goarch: string;
  /** Classic maps (before 1.24, or GOEXPERIMENT=noswissmap in 1.24–1.25). */
  classic: boolean;
  /** Arguments in registers (ABIInternal): amd64 from 1.17, arm64/ppc64/riscv64 from 1.18; never on 386 and arm. */
  regabi: boolean;
  funcs: FuncTable;
  types: TypeReader;
  decoder: Decoder;
}

export async function openProgram(file: string, data: Uint8Array): Promise<GoProgram> {
  const objs = openObjects(file, data);
  const o = objs[0];
  const mem = new Memory(o);
  const bi = readBuildInfo(o, mem);
  const m = /go1\.(\d+)/.exec(bi.goVersion ?? '');
  const known = m ? Number(m[1]) : undefined;
  let tab: Pclntab | undefined;
  let md: ModuleData | undefined;
  let firstError: InputError | undefined;
  for (const addr of pclntabCandidates(o)) {
    try {
      const t = readPclntab(o, mem, addr);
      md = findModuleData(o, mem, t, known);
      tab = t;
      break;
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      firstError ??= e;
    }
  }
  if (!tab || !md) throw firstError ?? new InputError(file, 0, 'not a Go executable: no pclntab found');
  const structural = { '1.8': 13, '1.16': 16, '1.18': 18, '1.20': 20, '1.26': 26, '1.27': 27 }[md.layout];
  const goMinor = Math.max(known ?? structural, md.layout === '1.27' ? 27 : 0);
  const goarch = bi.settings.GOARCH ?? o.goarch;
  if (goarch === undefined) throw new InputError(file, 0, 'GOARCH unknown: the machine type is not one Go targets');
  const decoder = await Decoder.create(goarch);
  const exps = experiments(bi);
  const classic = goMinor < 24 || ((goMinor === 24 || goMinor === 25) && exps.includes('noswissmap'));
  const types = new TypeReader({ mem, md, ptrSize: o.ptrSize, goMinor }, mapAbiFor(goMinor, classic));
  const regabi = (goarch === 'amd64' && goMinor >= 17) || (['arm64', 'ppc64', 'ppc64le', 'riscv64'].includes(goarch) && goMinor >= 18) || (goarch === 's390x' && goMinor >= 23);
  return {
    file, obj: o, mem, tab, md, goVersion: bi.goVersion, goMinor, goarch, classic, regabi,
    funcs: new FuncTable(o, mem, tab, md), types, decoder,
  };
}

/**
 * Every instruction of f. Bytes Capstone cannot decode are malformed input:
 * the Go toolchain pads with decodable instructions (INT3, zero words that
 * are UDF #0), so a `(bad)` unit means the code is not what the pclntab
 * says. Except on arm, where Go's assembler keeps literal pools (constants)
 * among the instructions: there a `(bad)` word is data (x/arch prints `?`).
 */
export function decodeFunc(p: GoProgram, f: FuncInfo): Insn[] {
  const insns = p.decoder.decode(p.mem.read(f.entry, f.end - f.entry, `code of ${f.name}`), f.entry);
  const bad = p.goarch === 'arm' ? undefined : insns.find((i) => i.mnemonic === '(bad)');
  if (bad) {
    throw new InputError(p.file, p.mem.fileOffset(bad.addr) ?? `address 0x${bad.addr.toString(16)}`, `undecodable ${p.goarch} instruction bytes at 0x${bad.addr.toString(16)} in ${f.name}`);
  }
  return insns;
}

const mapCache = new WeakMap<GoProgram, Map<number, MapInfo | undefined>>();

/** The map type whose descriptor is at addr, or undefined when addr holds no map descriptor. */
export function mapTypeAt(p: GoProgram, addr: number): MapInfo | undefined {
  let c = mapCache.get(p);
  if (!c) mapCache.set(p, (c = new Map()));
  if (c.has(addr)) return c.get(addr);
  let out: MapInfo | undefined;
  // Descriptors live in the types region; anything else is not one.
  if (addr >= p.md.types && addr < p.md.etypes) {
    try {
      const t = p.types.type(addr);
      if (t.kind === Kind.Map) out = decodeMap(p.types, t);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
    }
  }
  c.set(addr, out);
  return out;
}
