/**
 * `mapscope inspect FILE... [--json] [--maps PATTERN] [--write-baseline F | --baseline F [--format text|github|sarif]]`
 *
 * One file: Go version, target, build settings, map implementation, then
 * every map type with its descriptor figures. Several files or a directory:
 * one summary row each, with progress on stderr. The baseline options turn it
 * into a CI gate that exits 1 when map layouts drift.
 */
import { readFileSync, readdirSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { InputError, UsageError, EXIT_BAD_INPUT, EXIT_FINDING, oneLine } from '../../base/errors.js';
import type { CliIO } from '../io.js';
import type { CommandModule } from '../module.js';
import { inspectBytes, type Inspection } from '../../inspect/inspect.js';
import type { MapInfo } from '../../binary/mapdesc.js';
import { compare, driftLine, githubAnnotations, makeBaseline, matcher, parseBaseline, sarif, splitPatterns, type Baseline, type MapNames } from '../../inspect/baseline.js';
import { isELF } from '../../binary/elf.js';
import { machoKind } from '../../binary/macho.js';
import { isPE } from '../../binary/pe.js';

interface Opts {
  json?: boolean;
  maps: string[];
  writeBaseline?: string;
  baseline?: string;
  format: 'text' | 'github' | 'sarif';
}

/**
 * Expands directories (recursively) into the files inside them; explicit files
 * are kept as given. Symbolic links are followed (a bin/ of links to builds is
 * common); each directory is entered once by its real path, so link cycles end.
 */
function expand(paths: string[]): { file: string; fromDir: boolean }[] {
  const out: { file: string; fromDir: boolean }[] = [];
  const entered = new Set<string>();
  const walk = (dir: string, depth: number) => {
    let real: string;
    try {
      real = realpathSync(dir);
    } catch {
      return;
    }
    if (depth > 32 || entered.has(real)) return;
    entered.add(real);
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        try {
          const st = statSync(p);
          isDir = st.isDirectory();
          isFile = st.isFile();
        } catch {
          continue; // a dangling link
        }
      }
      if (isDir) walk(p, depth + 1);
      else if (isFile) out.push({ file: p, fromDir: true });
    }
  };
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new InputError(p, undefined, 'no such file or directory');
    }
    if (st.isDirectory()) walk(p, 0);
    else out.push({ file: p, fromDir: false });
  }
  return out;
}

function looksExecutable(b: Uint8Array): boolean {
  return isELF(b) || machoKind(b) !== undefined || isPE(b);
}

export function mapJSON(m: MapInfo): Record<string, unknown> {
  const o: Record<string, unknown> = { type: m.type, key: m.key, elem: m.elem, impl: m.impl, keySize: m.keySize, elemSize: m.elemSize };
  if (m.impl === 'classic') o.bucketSize = m.bucketSize;
  else {
    o.groupSize = m.groupSize;
    o.slotSize = m.slotSize;
    o.elemOffset = m.elemOffset;
    if (m.keysOff !== undefined) Object.assign(o, { keysOff: m.keysOff, keyStride: m.keyStride, elemsOff: m.elemsOff, elemStride: m.elemStride });
  }
  Object.assign(o, {
    flags: m.flags, indirectKey: m.indirectKey, indirectElem: m.indirectElem, bucketType: m.bucketType,
    implFromName: m.implFromName, model: m.model, dwarf: m.dwarf, descriptor: `0x${m.addr.toString(16)}`,
  });
  return o;
}

export function inspectionJSON(r: Inspection, keep: (m: MapNames) => boolean): Record<string, unknown> {
  return {
    file: r.file, format: r.format, formatDetail: r.formatDetail, goos: r.goos ?? null, goarch: r.goarch ?? null,
    goVersion: r.goVersion ?? null, versionSource: r.versionSource, mapImpl: r.mapImpl, experiments: r.experiments,
    buildSettings: r.buildSettings, mainModule: r.mainModule ?? null, dependencies: r.dependencies, pie: r.pie,
    pclntab: { addr: `0x${r.pclntab.addr.toString(16)}`, magic: r.pclntab.magic, nfunc: r.pclntab.nfunc },
    moduledata: { addr: `0x${r.moduledata.addr.toString(16)}`, layout: r.moduledata.layout, types: `0x${r.moduledata.types.toString(16)}` },
    typeCount: r.typeCount, mapFunctions: r.mapFunctions, findings: r.findings,
    dwarf: { present: r.dwarf.present, mapTypes: r.dwarf.mapTypes, checked: r.dwarf.checked, missing: r.dwarf.missing, mapGlobals: r.dwarf.mapGlobals.map((g) => ({ name: g.name, type: g.type, addr: g.addr === undefined ? null : `0x${g.addr.toString(16)}` })) },
    maps: r.maps.filter(keep).map(mapJSON),
  };
}

function table(rows: string[][]): string {
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i]))).join('  ').trimEnd()).join('\n');
}

function flagNames(m: MapInfo): string {
  const names = m.impl === 'classic'
    ? ['indirectKey', 'indirectElem', 'reflexiveKey', 'needKeyUpdate', 'hashMightPanic']
    : ['needKeyUpdate', 'hashMightPanic', 'indirectKey', 'indirectElem'];
  return names.filter((_, i) => m.flags & (1 << i)).join(',');
}

function detail(r: Inspection, keep: (m: MapNames) => boolean): string {
  const lines: string[] = [];
  const src = { buildinfo: 'build info', 'version-string': 'runtime version string; no build info', structure: 'structure only: a lower bound', none: 'unknown' }[r.versionSource];
  lines.push(`file:        ${r.file}`);
  lines.push(`format:      ${r.formatDetail}${r.pie ? ', PIE' : ''}`);
  lines.push(`go:          ${r.goVersion ?? `≥ go1.${r.goMinor}`} (${src})`);
  lines.push(`target:      ${r.goos ?? '?'}/${r.goarch ?? '?'}`);
  if (r.mainModule) lines.push(`main module: ${r.mainModule}${r.dependencies.length ? ` (${r.dependencies.length} dependencies)` : ''}`);
  const keys = Object.keys(r.buildSettings);
  if (keys.length) lines.push(`settings:    ${keys.map((k) => `${k}=${r.buildSettings[k]}`).join(' ')}`);
  if (r.experiments.length) lines.push(`experiments: ${r.experiments.join(',')}`);
  lines.push(`maps:        ${r.mapImpl} (${r.maps.length} map types among ${r.typeCount} types)`);
  lines.push(`tables:      pclntab 0x${r.pclntab.addr.toString(16)} (magic of Go ${r.pclntab.magic}, ${r.pclntab.nfunc} functions), moduledata 0x${r.moduledata.addr.toString(16)} (Go ${r.moduledata.layout} layout)`);
  lines.push(`dwarf:       ${r.dwarf.present ? `${r.dwarf.mapTypes} map typedefs, ${r.dwarf.checked} checked against their descriptors` : 'absent (stripped)'}`);
  const globals = r.dwarf.mapGlobals.filter((g) => keep({ type: g.type, key: '', elem: '' }));
  if (globals.length) lines.push(`map globals: ${globals.map((g) => `${g.name} ${g.type}`).join('\n             ')}`);
  const shown = r.maps.filter(keep);
  if (shown.length) {
    lines.push('');
    const rows = [['TYPE', 'KEY', 'ELEM', 'IMPL', 'KEYSZ', 'ELEMSZ', 'BUCKET/GROUP', 'SLOT', 'ELEMOFF', 'FLAGS', 'INDIRECT', 'MODEL', 'DWARF']];
    for (const m of shown) {
      const ind = [m.indirectKey ? 'key' : '', m.indirectElem ? 'elem' : ''].filter(Boolean).join('+') || '-';
      rows.push([
        m.type, m.key, m.elem, m.impl, String(m.keySize), String(m.elemSize),
        String(m.impl === 'classic' ? m.bucketSize : m.groupSize), m.slotSize === undefined ? '-' : String(m.slotSize),
        m.elemOffset === undefined ? '-' : String(m.elemOffset), `0x${m.flags.toString(16)}${m.flags ? ` ${flagNames(m)}` : ''}`, ind, m.model, m.dwarf,
      ]);
    }
    lines.push(table(rows));
  }
  if (r.findings.length) {
    lines.push('');
    lines.push(`findings (${r.findings.length}):`);
    for (const f of r.findings) lines.push(`  ${f}`);
  }
  return lines.join('\n');
}

function progress(io: CliIO, i: number, n: number, file: string): void {
  if (n < 2) return;
  const width = 24;
  const done = Math.round((width * i) / n);
  const line = `[${'#'.repeat(done)}${'.'.repeat(width - done)}] ${i}/${n} ${file}`;
  if (io.errIsTTY) io.err(`${i > 1 ? '\x1b[1A\x1b[2K' : ''}${line}`);
  else if (i === n || i % Math.max(1, Math.floor(n / 10)) === 0) io.err(line);
}

export function runInspect(paths: string[], opts: Opts, io: CliIO, setExit: (code: number) => void): void {
  if (opts.writeBaseline && opts.baseline) throw new UsageError('--write-baseline and --baseline cannot be used together');
  if (opts.format !== 'text' && !opts.baseline) throw new UsageError('--format github|sarif applies to --baseline');
  const patterns = opts.maps.flatMap(splitPatterns);
  // With --baseline, the baseline's own recorded filter applies too (to both sides).
  let base: Baseline | undefined;
  if (opts.baseline) {
    let textIn: string;
    try {
      textIn = readFileSync(opts.baseline, 'utf8');
    } catch {
      throw new InputError(opts.baseline, undefined, 'cannot read baseline');
    }
    base = parseBaseline(opts.baseline, textIn);
  }
  const stored = base?.maps ?? [];
  const now = matcher(patterns);
  const recorded = matcher(stored);
  const keep = (m: MapNames) => now(m) && recorded(m);
  const files = expand(paths);
  if (files.length === 0) throw new InputError(paths.join(' '), undefined, 'no files to inspect');
  const results: Inspection[] = [];
  const errors: { file: string; error: string }[] = [];
  const summary: string[][] = [['FILE', 'FORMAT', 'GO', 'TARGET', 'MAPS', 'TYPES', 'FINDINGS']];
  for (const [i, f] of files.entries()) {
    progress(io, i + 1, files.length, f.file);
    let data: Uint8Array;
    try {
      data = readFileSync(f.file);
    } catch (e) {
      throw new InputError(f.file, undefined, `cannot read: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (f.fromDir && !looksExecutable(data)) continue;
    try {
      for (const r of inspectBytes(f.file, data)) {
        results.push(r);
        summary.push([r.file, r.formatDetail, r.goVersion ?? `≥go1.${r.goMinor}`, `${r.goos ?? '?'}/${r.goarch ?? '?'}`, `${r.mapImpl}:${r.maps.filter(keep).length}`, String(r.typeCount), String(r.findings.length)]);
        if (r.findings.length) setExit(EXIT_FINDING);
      }
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      if (!f.fromDir || files.length === 1) {
        if (files.length === 1) throw e;
        io.err(`mapscope: ${oneLine(e.message)}`);
        setExit(EXIT_BAD_INPUT);
      }
      errors.push({ file: f.file, error: e.message });
      summary.push([f.file, '-', '-', '-', '-', '-', f.fromDir ? 'not a Go executable' : 'error']);
    }
  }

  const filters = [...stored, ...patterns.filter((p) => !stored.includes(p))];
  if (filters.length && results.length) {
    const total = results.reduce((n, r) => n + r.maps.length, 0);
    const kept = results.reduce((n, r) => n + r.maps.filter(keep).length, 0);
    if (kept === 0) {
      const from = stored.length ? ` (${stored.map((p) => `'${p}'`).join(', ')} recorded in ${opts.baseline})` : '';
      throw new InputError(results.length === 1 ? results[0].file : `${results.length} files`, undefined,
        `--maps ${filters.map((p) => `'${p}'`).join(', ')}${from} matches none of ${total} map types: a pattern matches a map type's spelling (map[string]*) or the named type of its key or elem (main.*); see mapscope inspect --help`);
    }
  }
  if (opts.writeBaseline) {
    const b = makeBaseline(results, keep, patterns);
    writeFileSync(opts.writeBaseline, JSON.stringify(b, null, 2) + '\n');
    io.err(`wrote ${opts.writeBaseline}: ${b.files.map((f) => `${f.file} (${f.maps.length} map types)`).join(', ')}`);
  }
  if (opts.baseline && base) {
    const current = makeBaseline(results, keep);
    const drifts = compare(base, current, keep);
    const compared = current.files.reduce((n, f) => n + f.maps.length, 0);
    const findings = results.flatMap((r) => r.findings.map((f) => `${r.file}: ${f}`));
    if (opts.format === 'sarif') io.out(JSON.stringify(sarif(drifts, findings, opts.baseline), null, 2));
    else if (opts.format === 'github') io.out(githubAnnotations(drifts, findings, opts.baseline, compared));
    else if (opts.json) io.out(JSON.stringify({ drift: drifts, findings, compared, filter: filters }, null, 2));
    else {
      // "no map layout drift" is said only when nothing else makes the exit code non-zero.
      const lines: string[] = [];
      const against = `against ${opts.baseline} (${compared} map types compared${filters.length ? `, --maps ${filters.join(',')}` : ''})`;
      const unread = errors.filter((e) => !files.find((f) => f.file === e.file)?.fromDir);
      if (drifts.length) lines.push(`map layout drift ${against} (${drifts.length}):`, ...drifts.map((d) => `  ${driftLine(d)}`));
      else if (findings.length) lines.push(`map layouts unchanged ${against}, but the binaries have findings:`);
      else if (unread.length) lines.push(`map layouts unchanged ${against}, but not every file was read:`);
      else lines.push(`no map layout drift ${against}`);
      if (findings.length) lines.push(`findings (${findings.length}):`, ...findings.map((f) => `  ${f}`));
      if (unread.length) lines.push(`not compared (${unread.length} unreadable):`, ...unread.map((e) => `  ${e.error}`));
      io.out(lines.join('\n'));
    }
    if (drifts.length || findings.length) setExit(EXIT_FINDING);
    return;
  }
  if (opts.json) {
    const all = [...results.map((r) => inspectionJSON(r, keep)), ...errors.map((e) => ({ file: e.file, error: e.error }))];
    const single = files.length === 1 && !files[0].fromDir && results.length === 1;
    io.out(JSON.stringify(single ? all[0] : all, null, 2));
    return;
  }
  if (opts.writeBaseline) return;
  if (results.length === 1 && files.length === 1) io.out(detail(results[0], keep));
  else io.out(table(summary));
}

export const command: CommandModule = {
  register(program: Command, io, setExit) {
    program
      .command('inspect')
      .description('read Go executables (ELF, Mach-O, PE): Go version, target, map implementation and every map type; CI gate on layout drift')
      .argument('<files...>', 'executables or directories')
      .option('--json', 'machine output (docs/json.md#inspect)')
      .option('--maps <pattern>', "only map types whose spelling, or whose key or elem type, matches this glob (e.g. 'map[string]*' or 'main.*'); repeatable or comma-separated; matching nothing is an error", (v: string, acc: string[]) => [...acc, v], [] as string[])
      .option('--write-baseline <file>', 'record the map layouts to a baseline file')
      .option('--baseline <file>', 'compare with a baseline; exit 1 on drift')
      .addOption(new Option('--format <format>', 'drift report format with --baseline').choices(['text', 'github', 'sarif']).default('text'))
      .addHelpText('after', `
Exit codes: 0 ok, 1 drift or a finding (a descriptor that disagrees with itself, DWARF or mapscope's model), 2 bad input.

--maps patterns: '*' matches any run of characters, '?' one. A pattern selects a map type when it matches
  the map type's spelling (map[string]int, or a named map type's name: main.Cache), or
  the type its key or elem is built from (*main.Node, []main.Node and [4]main.Node come from main.Node).
So 'main.*' selects map[string]*main.Node and main.Cache but not map[string]int, which names no package:
select that by spelling ('map[string]*'). A filter that selects nothing is an error (exit 2). The baseline
records its filter; --baseline applies it, and any --maps given then, to both sides.

Examples:
  mapscope inspect ./app
  mapscope inspect ./app --maps 'map[string]*' --json
  mapscope inspect ./bin/                       # one row per executable (symlinks followed)
  mapscope inspect ./app --write-baseline maps.json --maps 'main.*,map[string]*'
  mapscope inspect ./app --baseline maps.json --format github   # annotations only`)
      .action((files: string[], opts: Opts) => runInspect(files, opts, io, setExit));
  },
};
