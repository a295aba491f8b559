/**
 * `mapscope layout [type] [--go V,...] [--arch A,...] [--experiment noswissmap]
 *   [--entries N] [--source DIR]... [--goroot DIR] [--binary APP] [--json]`
 *
 * One target: the bucket or group with every field's offset, size, alignment,
 * padding and cache lines, the headers and the descriptor. Several targets
 * (lists in --go/--arch): a side-by-side comparison saying what differs. A
 * target the compiler rejects shows the compiler's error in its column; the
 * others still print. When the key or elem holds structs, each struct's
 * fields and holes follow, with fieldalignment's better order and what it
 * saves per bucket/group (and for N entries with --entries).
 *
 * Named types resolve from --binary (its DWARF or type descriptors), the Go
 * packages of --source, then the standard-library table shipped with
 * mapscope (no Go toolchain needed for that).
 */
import { Option, type Command } from 'commander';
import { layoutOf, parseTypeFor, target, type LayoutTarget, type MapLayout } from '../../layout/index.js';
import { findGo, resolveInSource, sourceGoType, type SourceType } from '../../names/source.js';
import { binaryNames, normalName, type BinaryNames } from '../../names/binary.js';
import { renderTable } from '../../base/table.js';
import {
  layoutReport, comparisonReportWithFailures, holesReport, savingsReport, isFailed, type FailedTarget,
} from '../../layout/report.js';
import { mapSavings, structHoles, type MapSavings, type StructHoles } from '../../layout/reorder.js';
import { NEWEST_MINOR } from '../../model/goversion.js';
import { ARCH_NAMES, CACHE_LINE_SIZES } from '../../model/arch.js';
import { InputError, UsageError } from '../../base/errors.js';
import type { GoType, MapType } from '../../model/types.js';
import type { CommandModule } from '../module.js';

export const DEFAULT_GO = `1.${NEWEST_MINOR}`;

export function splitList(value: string, option: string): string[] {
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new UsageError(`${option} needs at least one value`);
  return items;
}

/** One target's result: the layout with its structs' holes and savings, or why it cannot be built. */
export type TargetLayout = (MapLayout & { structs: StructHoles[]; savings?: MapSavings }) | FailedTarget;

/**
 * Every (go, arch) pair in the order given, go varying slowest. A target that
 * fails (the compiler rejects the map there, or a name is unknown there) is
 * kept as a FailedTarget; when every target fails the first error is thrown.
 */
export function layoutsFor(
  type: string, gos: string[], arches: string[], experiment?: string, resolve?: (t: LayoutTarget) => GoType, entries?: number, cacheLine?: string,
): TargetLayout[] {
  const targets: LayoutTarget[] = [];
  for (const go of gos) for (const arch of arches) targets.push(target(go, arch, experiment, cacheLine));
  const out: TargetLayout[] = [];
  let firstError: unknown;
  for (const t of targets) {
    try {
      const parsed = resolve ? resolve(t) : parseTypeFor(type, t);
      const l = layoutOf(parsed, t);
      const m = parsed as MapType; // layoutOf refuses anything but a map
      const structs = [...structHoles('key', m.key, t.arch), ...structHoles('elem', m.elem, t.arch)];
      const withSavings = structs.some((s) => s.better) || entries !== undefined;
      out.push({ ...l, structs, ...(withSavings ? { savings: mapSavings(m, t, entries) } : {}) });
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      firstError ??= e;
      out.push({ go: `1.${t.go.minor}`, arch: t.arch.name, experiment: t.experiment, type, error: e.message });
    }
  }
  if (out.every(isFailed)) throw firstError;
  return out;
}

function parseEntries(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0 || n > 2 ** 40) throw new UsageError(`--entries must be a whole number from 0 to 2^40, not ${JSON.stringify(v)}`);
  return n;
}

export function renderLayouts(ls: TargetLayout[]): string {
  const ok = ls.filter((x): x is Exclude<TargetLayout, FailedTarget> => !isFailed(x));
  const parts: string[] = [];
  if (ls.length === 1 && ok.length === 1) parts.push(layoutReport(ok[0]));
  else parts.push(comparisonReportWithFailures(ls));
  // Struct tables once per distinct layout of them (they differ by GOARCH, rarely by version).
  const seen = new Map<string, string[]>();
  for (const l of ok) {
    if (l.structs.length === 0) continue;
    const k = JSON.stringify(l.structs);
    seen.set(k, [...(seen.get(k) ?? []), `${l.go}/${l.arch}`]);
  }
  for (const [k, labels] of seen) parts.push(holesReport(JSON.parse(k) as StructHoles[], labels.join(', ')));
  if (ok.some((l) => l.savings)) {
    parts.push(savingsReport(ls.map((l) => (isFailed(l) ? l : l.savings!))));
  }
  return parts.join('\n');
}

/** A type expression against a binary: the binary's own map type when it has one so spelled, else names resolved in it. */
function binaryType(b: BinaryNames, type: string, t: LayoutTarget): GoType {
  const own = b.maps.find((m) => normalName(m.info.type) === normalName(type));
  if (own) return own.type;
  return parseTypeFor(type, t, () => b);
}

/** Every map type of a binary laid out for the binary's own target (one failing type keeps its entry). */
export function binaryMapLayouts(b: BinaryNames, entries?: number): TargetLayout[] {
  return b.maps.map((m) => {
    try {
      return layoutsFor(m.info.type, [`1.${b.target.go.minor}`], [b.target.arch.name], b.target.experiment || undefined, () => m.type, entries)[0];
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      return { go: `1.${b.target.go.minor}`, arch: b.target.arch.name, experiment: b.target.experiment, type: m.info.type, error: e.message };
    }
  });
}

function renderBinaryMaps(b: BinaryNames, all: TargetLayout[]): string {
  const rows = all.map((l) => {
    if (isFailed(l)) return [l.type, 'error', '-', '-', '-', '-', '-', '-'];
    const unit = l.impl === 'classic' ? l.bucket.size : l.group.size;
    const slot = l.impl === 'classic' ? l.key.storedSize + l.elem.storedSize : l.group.slotSize;
    const saves = l.savings ? l.savings.unitSize - l.savings.betterUnitSize : 0;
    return [l.type, l.impl, `${l.key.size}/${l.key.align}`, `${l.elem.size}/${l.elem.align}`, unit, slot, l.structs.reduce((n, s) => n + (s.path === 'key' || s.path === 'elem' ? s.padding : 0), 0), saves > 0 ? saves : ''];
  });
  const out = [`${b.file}: ${b.goVersion} ${b.target.arch.name}${b.target.experiment ? ' GOEXPERIMENT=' + b.target.experiment : ''}, ${all.length} map types`];
  out.push(renderTable(['map type', 'impl', 'key size/align', 'elem size/align', 'bucket/group', 'slot', 'padding in key+elem', 'reorder saves per bucket/group'], rows, '  '));
  for (const l of all) if (isFailed(l)) out.push(`  ${l.type}: ${l.error}`);
  const better = all.filter((l): l is Exclude<TargetLayout, FailedTarget> => !isFailed(l) && l.structs.some((s) => s.better));
  for (const l of better) out.push(`${l.type}:\n` + holesReport(l.structs.filter((s) => s.better), `${l.go}/${l.arch}`));
  return out.join('\n') + '\n';
}

export const command: CommandModule = {
  register(program: Command, io) {
    program
      .command('layout')
      .description('the exact bucket/group layout of a map type for Go versions and GOARCHes, with its structs\' holes')
      .argument('[type]', "a Go map type, e.g. 'map[string]int', 'map[string]time.Time' or 'map[struct{a int8; b int64}][]string'")
      .option('--go <versions>', `Go version(s), comma-separated (default ${DEFAULT_GO})`)
      .option('--arch <goarchs>', `GOARCH(es), comma-separated (${ARCH_NAMES.join(', ')}; default amd64)`)
      .option('--binary <app>', "resolve names from a Go executable's type descriptors, for its Go version and GOARCH; without a type, list every map type in it")
      .addOption(new Option('--experiment <name>', 'GOEXPERIMENT for Go 1.24–1.25 (noswissmap builds classic maps)'))
      .addOption(new Option('--cache-line <bytes>', `the cache line size for the cache-line figures (${CACHE_LINE_SIZES.join(', ')}); default what Go pads to on the GOARCH`))
      .option('--entries <n>', 'also price the better field order for a map made with room for N entries')
      .option('--source <dir>', 'resolve named types in the Go package in DIR (repeatable; needs a Go toolchain)', (v: string, acc: string[]) => [...acc, v], [] as string[])
      .option('--goroot <dir>', 'the Go toolchain for --source (default: go on PATH)')
      .option('--json', 'machine output (docs/json.md#layout)')
      .addHelpText('after', `
Named types: the standard library's (time.Time, sync.Mutex, netip.Addr, json.RawMessage, …) come from a
table read from real Go 1.19–1.27 compilers and need no Go installed.

--source DIR: names resolve in DIR's package as Go would (Session, store.Pair[string, int], time.Time), with
its imports from the same module, the module cache or vendor/; the toolchain found reads the packages, and
sizes follow gc's rules for each --go and --arch.

Examples:
  mapscope layout 'map[string]int' --go 1.23,1.24 --arch amd64,arm64
  mapscope layout 'map[string]Session' --source ./internal/store --go 1.23,1.27 --arch amd64,arm
  mapscope layout --binary ./app
  mapscope layout 'map[main.MyKey]main.MyStruct' --binary ./app --entries 100000
  mapscope layout 'map[string]time.Time' --go 1.22,1.27 --arch amd64,386
  mapscope layout 'map[int64]struct{a bool; b int64; c bool}' --entries 1000000
  mapscope layout 'map[[16]byte]*T' --arch 386
  mapscope layout 'map[int64]struct{}' --go 1.24 --experiment noswissmap --json
  mapscope layout 'map[string]int' --arch arm64 --cache-line 64     # Graviton's 64-byte lines, not Go's 128 pad

Cache lines: Go pads to internal/cpu.CacheLinePadSize (64 on x86, 128 on arm64 since Go 1.20, 32 on
arm and mips); hardware can differ: Arm Neoverse (AWS Graviton) has 64-byte lines, Apple M-series 128.`)
      .action((type: string | undefined, opts: {
        go?: string; arch?: string; experiment?: string; cacheLine?: string; json?: boolean; entries?: string; source: string[]; goroot?: string; binary?: string;
      }) => {
        const entries = parseEntries(opts.entries);
        if (opts.binary !== undefined) {
          if (opts.go !== undefined || opts.arch !== undefined || opts.experiment !== undefined) {
            throw new UsageError('--binary takes the Go version, GOARCH and experiment from the executable: drop --go, --arch and --experiment');
          }
          if (opts.source.length > 0) throw new UsageError('--binary and --source cannot be combined');
          const b = binaryNames(opts.binary);
          if (type === undefined) {
            const all = binaryMapLayouts(b, entries);
            io.out(opts.json ? JSON.stringify(all, null, 2) : renderBinaryMaps(b, all));
            return;
          }
          const layouts = layoutsFor(type, [`1.${b.target.go.minor}`], [b.target.arch.name], b.target.experiment || undefined, (t) => binaryType(b, type, t), entries, opts.cacheLine);
          io.out(opts.json ? JSON.stringify(layouts, null, 2) : `${b.file}: ${b.goVersion} ${b.target.arch.name}\n` + renderLayouts(layouts));
          return;
        }
        if (type === undefined) throw new UsageError('layout needs a map type (or --binary APP to list the maps of an executable)');
        const gos = splitList(opts.go ?? DEFAULT_GO, '--go');
        const arches = splitList(opts.arch ?? 'amd64', '--arch');
        let resolve: ((t: LayoutTarget) => GoType) | undefined;
        if (opts.source.length > 0) {
          for (const g of gos) for (const a of arches) target(g, a, opts.experiment); // bad --go/--arch before any toolchain work
          const go = findGo(opts.goroot);
          const perArch = new Map<string, SourceType>();
          for (const a of new Set(arches.map((x) => x.trim()))) perArch.set(a, resolveInSource(type, opts.source, a, go));
          resolve = (t) => sourceGoType(perArch.get(t.arch.name)!, t.go, t.arch);
        }
        const layouts = layoutsFor(type, gos, arches, opts.experiment, resolve, entries, opts.cacheLine);
        if (opts.json) io.out(JSON.stringify(layouts, null, 2));
        else io.out(renderLayouts(layouts));
      });
  },
};
