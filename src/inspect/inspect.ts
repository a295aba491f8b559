/**
 * Everything `mapscope inspect` reports about one executable, assembled from
 * the format reader, build info, pclntab, moduledata and the type walk.
 *
 * Order of trust: build info for the version and settings; the runtime's
 * version string when the blob is absent; structure (moduledata layout)
 * when both are. The map implementation of each map type comes from its
 * bucket/group type's name (src/binary/mapdesc.ts), never from the version alone.
 */
import { InputError } from '../base/errors.js';
import type { GoArch } from '../model/arch.js';
import { experiments, readBuildInfo, type BuildInfo } from '../binary/buildinfo.js';
import { decodeMap, type MapInfo } from '../binary/mapdesc.js';
import { findModuleData, textAddr, type ModuleData } from '../binary/moduledata.js';
import { Memory, type ObjectFile } from '../binary/object.js';
import { openObjects } from '../binary/open.js';
import { functions, pclntabCandidates, readPclntab, type Pclntab } from '../binary/pclntab.js';
import { Kind, TypeReader, classicMinorBySizes, mapAbiFor, sweepMapTypes, walkTypes, type RuntimeType } from '../binary/types.js';
import { crossCheck } from './crosscheck.js';
import { readDwarf } from '../binary/dwarf.js';
import { dwarfGlobals, dwarfMapTypes } from '../binary/dwarfgo.js';
import { canonicalName, packageNames } from '../binary/typenames.js';
import { ARCHES } from '../model/arch.js';
import { NEWEST_MINOR, OLDEST_MINOR } from '../model/goversion.js';

export interface Inspection {
  file: string;
  format: ObjectFile['format'];
  formatDetail: string;
  goos: string | undefined;
  goarch: GoArch | string | undefined;
  goVersion: string | undefined;
  /** Where goVersion came from: build info, the version string, or the structure (a lower bound). */
  versionSource: BuildInfo['versionSource'] | 'structure';
  /** The Go minor version used to decode (from goVersion, else inferred). */
  goMinor: number;
  mapImpl: 'classic' | 'swiss' | 'mixed' | 'unknown';
  experiments: string[];
  buildSettings: Record<string, string>;
  mainModule: string | undefined;
  /** Module dependencies from the build info (`dep` lines, with `=>` replacements). */
  dependencies: { path: string; version: string; replace?: string }[];
  pie: boolean;
  pclntab: { addr: number; magic: Pclntab['version']; nfunc: number };
  /** types: the start of the types region, which type offsets (and DW_AT_go_runtime_type) count from. */
  moduledata: { addr: number; layout: ModuleData['layout']; types: number };
  typeCount: number;
  maps: MapInfo[];
  /** Map-related runtime functions present (runtime.mapaccess1, internal/runtime/maps.(*Map).getWithKey, …). */
  mapFunctions: string[];
  /** Descriptor inconsistencies found inside the binary, and model disagreements. */
  findings: string[];
  dwarf: DwarfSummary;
}

export interface DwarfSummary {
  present: boolean;
  /** Map typedefs in DWARF, and how many were matched to a descriptor and compared. */
  mapTypes: number;
  checked: number;
  /** Map typedefs whose DW_AT_go_runtime_type names a descriptor inspect did not find (each is also a finding). */
  missing: string[];
  /** Package-level variables of map type. */
  mapGlobals: { name: string; type: string; addr: number | undefined }[];
}

export function goMinorOf(v: string | undefined): number | undefined {
  const m = /go1\.(\d+)/.exec(v ?? '');
  return m ? Number(m[1]) : undefined;
}

export function inspectBytes(file: string, data: Uint8Array): Inspection[] {
  return openObjects(file, data).map((o) => inspectObject(o));
}

const MAP_FUNC = /^(runtime\.(makemap|mapaccess|mapassign|mapdelete|mapiter|mapclear|growWork|hashGrow|evacuate)|internal\/runtime\/maps\.)/;

/** The type walk of a Go executable: what inspect and `layout --binary` read types with. */
export interface BinaryTypes {
  readonly mem: Memory;
  readonly bi: BuildInfo;
  readonly tab: Pclntab;
  readonly md: ModuleData;
  readonly known: number | undefined;
  readonly goMinor: number;
  readonly exps: string[];
  readonly classicDefault: boolean;
  readonly reader: TypeReader;
  readonly all: RuntimeType[];
}

/** Reads build info, pclntab, moduledata and every type descriptor reachable in `o`. */
export function readBinaryTypes(o: ObjectFile): BinaryTypes {
  const mem = new Memory(o);
  const bi = readBuildInfo(o, mem);
  const known = goMinorOf(bi.goVersion);
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
  if (!tab || !md) throw firstError ?? new InputError(o.file, 0, 'not a Go executable: no pclntab found');
  // The structure bounds the version when nothing names it.
  const structural = { '1.8': 13, '1.16': 16, '1.18': 18, '1.20': 20, '1.26': 26, '1.27': 27 }[md.layout];
  let goMinor = known ?? structural;
  if (md.layout === '1.27') goMinor = Math.max(goMinor, 27);
  // The 1.8 layout spans Go 1.8–1.15, whose classic descriptors differ: their own sizes tell which.
  if (known === undefined && md.layout === '1.8') goMinor = classicMinorBySizes(new TypeReader({ mem, md, ptrSize: o.ptrSize, goMinor }, 'classic')) ?? goMinor;
  const exps = experiments(bi);
  const classicDefault = goMinor < 24 || ((goMinor === 24 || goMinor === 25) && exps.includes('noswissmap'));
  const reader = new TypeReader({ mem, md, ptrSize: o.ptrSize, goMinor }, mapAbiFor(goMinor, classicDefault));
  const walked = walkTypes(reader);
  // Map descriptors only code refers to (src/binary/types.ts sweepMapTypes), and what they reach.
  const swept = sweepMapTypes(reader, new Set(walked.map((t) => t.addr)));
  const all = swept.length ? walkTypes(reader, undefined, swept) : walked;
  return { mem, bi, tab, md, known, goMinor, exps, classicDefault, reader, all };
}

export function inspectObject(o: ObjectFile): Inspection {
  const { mem, bi, tab, md, known, goMinor, exps, classicDefault, reader, all } = readBinaryTypes(o);
  const findings: string[] = [];
  const maps: MapInfo[] = [];
  const goarch = bi.settings.GOARCH ?? o.goarch;
  const modelOK = goarch !== undefined && goarch in ARCHES && goMinor >= OLDEST_MINOR && goMinor <= NEWEST_MINOR;
  const experiment = exps.includes('noswissmap') ? 'noswissmap' : '';
  const mapTypes = all.filter((t) => t.kind === Kind.Map);
  const decoded = mapTypes.map((t) => decodeMap(reader, t));
  // Without a recorded version the structure only bounds it from below (1.20 for
  // 1.20–1.25); Swiss groups named in the binary prove at least 1.24.
  const modelMinor = known === undefined && goMinor < 24 && decoded.some((m) => m.impl === 'swiss' && m.implFromName) ? 24 : goMinor;
  for (const [i, t] of mapTypes.entries()) {
    const info = decoded[i];
    for (const p of info.problems) findings.push(`${info.type}: ${p}`);
    if (modelOK) {
      try {
        const diff = crossCheck(reader, t, info, modelMinor, goarch as GoArch, experiment);
        info.model = diff.length === 0 ? 'agrees' : 'disagrees';
        for (const d of diff) findings.push(`${info.type}: model disagrees: ${d}`);
      } catch (e) {
        if (e instanceof InputError && e.source === o.file) throw e;
        info.model = 'disagrees';
        findings.push(`${info.type}: model cannot lay it out: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    maps.push(info);
  }
  maps.sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  const pkgs = packageNames(reader, all);
  const dwarf = dwarfCheck(o, md, maps, findings, (p) => pkgs.get(p));
  const impls = new Set(maps.map((m) => m.impl));
  const mapImpl = impls.size === 2 ? 'mixed' : impls.size === 1 ? [...impls][0] : maps.length === 0 ? (classicDefault ? 'classic' : 'swiss') : 'unknown';
  const funcs = functions(o, mem, tab);
  const mapFunctions = [...new Set(funcs.map((f) => f.name).filter((n) => MAP_FUNC.test(n)))].sort();
  return {
    file: o.file,
    format: o.format,
    formatDetail: o.formatDetail,
    goos: bi.settings.GOOS ?? o.goosHint,
    goarch,
    goVersion: bi.goVersion,
    versionSource: bi.goVersion ? bi.versionSource : 'structure',
    goMinor: modelMinor,
    mapImpl,
    experiments: exps,
    buildSettings: bi.settings,
    mainModule: bi.main?.path ?? bi.path,
    dependencies: bi.deps.map((d) => ({ path: d.path, version: d.version, ...(d.replace ? { replace: `${d.replace.path}${d.replace.version ? ` ${d.replace.version}` : ''}` } : {}) })),
    pie: o.pie || bi.settings['-buildmode'] === 'pie',
    pclntab: { addr: tab.addr, magic: tab.version, nfunc: tab.nfunc },
    moduledata: { addr: md.addr, layout: md.layout, types: md.types },
    typeCount: all.length,
    maps,
    mapFunctions,
    findings,
    dwarf,
  };
}


/**
 * With DWARF: names the package-level variables of map type and checks every
 * map typedef's runtime structures against the descriptor it points at.
 * Unreadable DWARF is a finding, not a failure: the descriptors stand alone.
 */
function dwarfCheck(o: ObjectFile, md: ModuleData, maps: MapInfo[], findings: string[], pkgName: (path: string) => string | undefined): DwarfSummary {
  const out: DwarfSummary = { present: false, mapTypes: 0, checked: 0, missing: [], mapGlobals: [] };
  let dw;
  try {
    dw = readDwarf(o);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    findings.push(`DWARF unreadable: ${e.message}`);
    return out;
  }
  if (!dw) return out;
  out.present = true;
  const dmaps = dwarfMapTypes(dw, o.ptrSize);
  out.mapTypes = dmaps.length;
  const byAddr = new Map(maps.map((m) => [m.addr, m]));
  for (const dm of dmaps) {
    if (dm.runtimeType === undefined) continue;
    const m = byAddr.get(md.types + dm.runtimeType);
    if (!m) {
      // DWARF names a descriptor the walk and the sweep both missed: say so, never drop it silently.
      out.missing.push(dm.name);
      findings.push(`${dm.name}: DWARF names a map descriptor at 0x${(md.types + dm.runtimeType).toString(16)} that inspect did not find`);
      continue;
    }
    out.checked++;
    const diffs: string[] = [];
    const cmp = (what: string, a: number | string | undefined, b: number | string | undefined) => {
      if (a !== undefined && a !== b) diffs.push(`${what}: DWARF ${a}, descriptor ${b ?? '-'}`);
    };
    // DWARF spells types with import paths (example.com/lib/v2.Vendor) and qualified field names;
    // descriptors with package names (lib.Vendor). Both are brought to one spelling, the package
    // names read from the binary's own named types (src/binary/typenames.ts), never guessed from the path.
    if (dm.name !== m.type) cmp('name', canonicalName(dm.name, pkgName), canonicalName(m.type, pkgName));
    cmp('impl', dm.impl, m.impl);
    if (m.impl === 'classic') cmp('bucketSize', dm.bucketSize, m.bucketSize);
    else {
      cmp('groupSize', dm.groupSize, m.groupSize);
      cmp('slotSize', dm.slotSize, m.slotSize);
      cmp('elemOffset', dm.elemOffset, m.elemOffset);
    }
    m.dwarf = diffs.length ? 'disagrees' : 'agrees';
    for (const d of diffs) findings.push(`${m.type}: DWARF disagrees: ${d}`);
  }
  const mapNames = new Set(dmaps.map((m) => m.name));
  out.mapGlobals = dwarfGlobals(dw, o.ptrSize, o.little).filter((g) => mapNames.has(g.type)).map((g) => ({ name: g.name, type: g.type, addr: g.addr }));
  return out;
}

/**
 * Every function of a Go executable with its entry address, from pclntab
 * (works on stripped binaries): the table later commands use to find
 * `runtime.mapaccess1` or `internal/runtime/maps.(*Map).getWithKey`.
 */
export function functionTable(o: ObjectFile): { name: string; addr: number }[] {
  const mem = new Memory(o);
  const known = goMinorOf(readBuildInfo(o, mem).goVersion);
  let firstError: InputError | undefined;
  for (const at of pclntabCandidates(o)) {
    try {
      const t = readPclntab(o, mem, at);
      const md = findModuleData(o, mem, t, known);
      const rel = t.version === '1.18' || t.version === '1.20';
      return functions(o, mem, t).map((f) => ({ name: f.name, addr: rel ? textAddr(md, f.entry) : f.entry }));
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      firstError ??= e;
    }
  }
  throw firstError ?? new InputError(o.file, 0, 'not a Go executable: no pclntab found');
}
