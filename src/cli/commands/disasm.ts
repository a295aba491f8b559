/**
 * `mapscope disasm FILE [FILE2] (--sites [--func RE] [--map TYPE] | --func RE) [--json]`
 *
 * --sites: every call into the runtime's map code, a table per function and
 * a summary per map type. --func alone: the annotated listing of the matching
 * functions (fields named, barriers and atomics marked). Two files with
 * --func: the function side by side, lined up by source line.
 */
import { readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { InputError, UsageError } from '../../base/errors.js';
import { renderTable } from '../../base/table.js';
import type { CliIO } from '../io.js';
import type { CommandModule } from '../module.js';
import { openProgram, type GoProgram } from '../../disasm/program.js';
import { findSites, type Site } from '../../disasm/sites.js';
import { annotate, lineText, type Line } from '../../disasm/annotate.js';
import { accessReport, sideBySide, summarize } from '../../disasm/sidebyside.js';
import type { FuncInfo } from '../../binary/pclnfuncs.js';
import { PERF_LIMITS, parsePerfScript } from '../../binary/perfscript.js';
import { attributePerf } from '../../profile/perfsites.js';

interface Opts {
  sites?: boolean;
  func?: string;
  map?: string;
  json?: boolean;
  perf?: string;
}

function readFile(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch {
    throw new InputError(path, undefined, 'cannot read file');
  }
}

function regex(s: string): RegExp {
  try {
    return new RegExp(s);
  } catch (e) {
    throw new UsageError(`--func: bad regular expression: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Functions named exactly `name`, else those matching it as a regular expression. */
export function matchFuncs(p: GoProgram, name: string): FuncInfo[] {
  const exact = p.funcs.byName(name);
  if (exact.length) return exact;
  const re = regex(name);
  const out = p.funcs.funcs.filter((f) => re.test(f.name));
  if (!out.length) throw new InputError(p.file, undefined, `no function matches ${JSON.stringify(name)}`);
  return out;
}

const hex = (n: number) => `0x${n.toString(16)}`;

export function siteJSON(s: Site): Record<string, unknown> {
  return {
    func: s.func, addr: hex(s.addr), file: s.file, line: s.line, inlined: s.inlined, callee: s.callee, op: s.op,
    path: s.path || 'generic', mapType: s.mapType ?? null, descriptor: s.typeAddr === undefined ? null : hex(s.typeAddr),
    impl: s.impl ?? null, ...(s.why ? { why: s.why } : {}),
    ...(s.dict ? { dictionary: { addr: hex(s.dict.addr), caller: s.dict.caller, offset: s.dict.offset } } : {}),
  };
}

function summary(sites: Site[]): { mapType: string; ops: Record<string, number>; total: number }[] {
  const by = new Map<string, Record<string, number>>();
  for (const s of sites) {
    const k = s.mapType ?? '(unknown)';
    const r = by.get(k) ?? {};
    const op = s.path ? `${s.op}_${s.path}` : s.op;
    r[op] = (r[op] ?? 0) + 1;
    by.set(k, r);
  }
  return [...by.entries()].map(([mapType, ops]) => ({ mapType, ops, total: Object.values(ops).reduce((a, b) => a + b, 0) })).sort((a, b) => b.total - a.total || (a.mapType < b.mapType ? -1 : 1));
}

function progName(p: GoProgram): string {
  return `${p.file}: ${p.goVersion ?? `≥ go1.${p.goMinor}`} ${p.goarch}, ${p.classic ? 'classic' : 'Swiss'} maps, ${p.funcs.funcs.length} functions`;
}

async function runSites(file: string, opts: Opts, io: CliIO): Promise<void> {
  const p = await openProgram(file, readFile(file));
  const started = Date.now();
  const sites = findSites(p, {
    func: opts.func ? regex(opts.func) : undefined,
    map: opts.map,
    progress: (d, n) => {
      if (Date.now() - started > 1000) io.err(`disasm: ${d}/${n} functions`);
    },
  });
  if (opts.json) {
    io.out(JSON.stringify({ file, goVersion: p.goVersion ?? null, goarch: p.goarch, impl: p.classic ? 'classic' : 'swiss', sites: sites.map(siteJSON), summary: summary(sites) }, null, 2));
    return;
  }
  const out: string[] = [progName(p), ''];
  const byFunc = new Map<string, Site[]>();
  for (const s of sites) {
    const l = byFunc.get(s.func);
    if (l) l.push(s);
    else byFunc.set(s.func, [s]);
  }
  for (const [fn, list] of byFunc) {
    out.push(fn);
    out.push(renderTable(['ADDR', 'LINE', 'OP', 'PATH', 'MAP TYPE', 'INLINED FROM'], list.map((s) => [
      hex(s.addr), `${s.file.replace(/^.*\//, '')}:${s.line}`, s.op, s.path || 'generic', s.mapType ?? `? (${s.why ?? 'unknown'})`, s.inlined.join(' < ') || '-',
    ]), '  '));
  }
  const sum = summary(sites);
  out.push(`summary: ${sites.length} map call sites in ${byFunc.size} functions, ${sum.length} map types`);
  out.push(renderTable(['MAP TYPE', 'SITES', 'OPERATIONS'], sum.map((r) => [r.mapType, r.total, Object.entries(r.ops).sort().map(([k, v]) => `${k}×${v}`).join(' ')]), '  '));
  io.out(out.join('\n'));
}

/** Reads perf script text, refusing a file past the parser's byte limit before reading it. */
function readPerf(path: string): string {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new InputError(path, undefined, 'cannot read file');
  }
  if (st.size > PERF_LIMITS.bytes) throw new InputError(path, undefined, `${st.size} bytes of perf script text (at most ${PERF_LIMITS.bytes})`);
  return new TextDecoder().decode(readFile(path));
}

const pct = (n: number, of: number) => (of ? `${((100 * n) / of).toFixed(1)}%` : '-');

/** --perf: perf script samples attributed to map call sites and runtime map functions. */
async function runPerf(file: string, opts: Opts, io: CliIO): Promise<void> {
  const p = await openProgram(file, readFile(file));
  const text = readPerf(opts.perf!);
  const samples = parsePerfScript(opts.perf!, text);
  const sites = findSites(p);
  const a = attributePerf(p, samples, sites, opts.perf!);
  const fre = opts.func ? regex(opts.func) : undefined;
  const shown = a.sites.filter((s) => (!fre || fre.test(s.site.func)) && (!opts.map || s.site.mapType === opts.map));
  if (opts.json) {
    io.out(JSON.stringify({
      file, perf: opts.perf, goVersion: p.goVersion ?? null, goarch: p.goarch,
      samples: a.samples, outside: a.outside, notMap: a.notMap, map: a.map,
      sites: shown.map((s) => ({ ...siteJSON(s.site), samples: s.samples })),
      unattributed: a.unattributed,
      functions: a.funcs.map((f) => ({ func: f.func, family: f.family, self: f.self, total: f.total })),
    }, null, 2));
    return;
  }
  const out = [
    progName(p),
    `${opts.perf}: ${a.samples} samples: ${a.map} in map code (${pct(a.map, a.samples)}), ${a.notMap} elsewhere in ${file}, ${a.outside} with no frame of it`,
    '',
    'map call sites by samples (the map work each call did, callees included)',
    renderTable(['SAMPLES', '%', 'FUNCTION', 'LINE', 'OP', 'PATH', 'MAP TYPE'], shown.map((s) => [
      s.samples, pct(s.samples, a.map), s.site.func, `${s.site.file.replace(/^.*\//, '')}:${s.site.line}`, s.site.op, s.site.path || 'generic', s.site.mapType ?? `? (${s.site.why ?? 'unknown'})`,
    ]), '  ').trimEnd(),
  ];
  if (a.unattributed.length) out.push('', 'map samples at no call site', renderTable(['SAMPLES', 'WHY'], a.unattributed.map((u) => [u.samples, u.reason]), '  ').trimEnd());
  out.push('', 'runtime map functions (self: innermost frame of the executable; total: anywhere in the call chain)',
    renderTable(['SELF', 'TOTAL', 'FAMILY', 'FUNCTION'], a.funcs.map((f) => [f.self, f.total, f.family ?? '-', f.func]), '  ').trimEnd());
  io.out(out.join('\n'));
}

function lineJSON(l: Line): Record<string, unknown> {
  return {
    addr: hex(l.addr), size: l.size, mnemonic: l.mnemonic, ops: l.ops, file: l.file, line: l.line, inlined: l.inlined,
    fields: l.fields, order: l.order ?? null, call: l.call ?? null,
  };
}

function listing(lines: Line[]): string {
  const out: string[] = [];
  let at = '';
  for (const l of lines) {
    const here = `${l.file}:${l.line}${l.inlined.length ? ` (inlined ${l.inlined.join(' < ')})` : ''}`;
    if (here !== at) {
      out.push(`${l.file.replace(/^.*\//, '')}:${l.line}${l.inlined.length ? `  [inlined ${l.inlined.join(' < ')}]` : ''}`);
      at = here;
    }
    out.push(lineText(l));
  }
  return out.join('\n');
}

async function runListing(files: string[], opts: Opts, io: CliIO): Promise<void> {
  const name = opts.func!;
  const progs: GoProgram[] = [];
  for (const f of files) progs.push(await openProgram(f, readFile(f)));
  if (progs.length === 1) {
    const p = progs[0];
    const fs = matchFuncs(p, name);
    const res = fs.map((f) => ({ func: f.name, entry: f.entry, end: f.end, lines: annotate(p, f) }));
    if (opts.json) {
      io.out(JSON.stringify({ file: p.file, goVersion: p.goVersion ?? null, goarch: p.goarch, impl: p.classic ? 'classic' : 'swiss', functions: res.map((r) => ({ func: r.func, entry: hex(r.entry), end: hex(r.end), instructions: r.lines.map(lineJSON) })) }, null, 2));
      return;
    }
    const out = [progName(p)];
    for (const r of res) out.push('', `TEXT ${r.func} ${hex(r.entry)}-${hex(r.end)}`, listing(r.lines));
    io.out(out.join('\n'));
    return;
  }
  const [a, b] = progs;
  const fa = matchFuncs(a, name);
  const fb = matchFuncs(b, name);
  if (fa.length !== 1 || fb.length !== 1 || fa[0].name !== fb[0].name) {
    throw new UsageError(`--func must name one function present in both files (${a.file}: ${fa.length} match, ${b.file}: ${fb.length} match)`);
  }
  const sa = { label: a.file, goarch: a.goarch, lines: annotate(a, fa[0]) };
  const sb = { label: b.file, goarch: b.goarch, lines: annotate(b, fb[0]) };
  const ra = summarize(sa);
  const rb = summarize(sb);
  if (opts.json) {
    io.out(JSON.stringify({ func: fa[0].name, sides: [ra, rb].map((r) => ({ ...r, accesses: r.accesses.map((x) => ({ ...x, addr: hex(x.addr) })), orderings: r.orderings.map((x) => ({ ...x, addr: hex(x.addr) })) })) }, null, 2));
    return;
  }
  io.out([`${fa[0].name}: ${progName(a)}\n${' '.repeat(fa[0].name.length + 2)}${progName(b)}`, '', sideBySide(sa, sb), accessReport(ra), accessReport(rb),
    'Plain loads are ordered only by each architecture\'s memory model; `mapscope litmus` checks what x86-TSO and ARMv8 allow (e.g. the MP shape).'].join('\n'));
}

export async function runDisasm(files: string[], opts: Opts, io: CliIO): Promise<void> {
  if (files.length > 2) throw new UsageError('disasm takes one executable, or two with --func for a side-by-side view');
  if (opts.perf !== undefined) {
    if (files.length !== 1) throw new UsageError('--perf takes one executable');
    if (opts.sites) throw new UsageError('--perf lists the sites it attributes samples to: give it without --sites');
    return runPerf(files[0], opts, io);
  }
  if (opts.sites) {
    if (files.length !== 1) throw new UsageError('--sites takes one executable');
    return runSites(files[0], opts, io);
  }
  if (!opts.func) throw new UsageError('give --sites, or --func NAME for a listing');
  if (opts.map) throw new UsageError('--map goes with --sites');
  return runListing(files, opts, io);
}

export const command: CommandModule = {
  register(program: Command, io) {
    program
      .command('disasm')
      .description("map operations in a Go executable's machine code: call sites by map type, annotated runtime map code, amd64 beside arm64")
      .argument('<files...>', 'one executable, or two (e.g. amd64 and arm64 builds) with --func')
      .option('--sites', 'every call into the runtime\'s map code, by function and by map type')
      .option('--func <re>', 'function name (exact, else a regular expression); with --sites, only functions matching it')
      .option('--map <type>', "with --sites, only sites of this map type (as inspect names it, e.g. 'map[string]int')")
      .option('--perf <file>', "`perf script` text of a run of this executable: samples by map call site and runtime map function (with --func/--map: only those sites)")
      .option('--json', 'machine output (docs/json.md#disasm)')
      .addHelpText('after', `
Decoding is Capstone's (x86 in AT&T syntax, as \`go tool objdump -gnu\` prints it);
functions, lines and inlined frames come from the pclntab, so stripped binaries work.
Exit codes: 0 ok, 2 bad usage or input (unreadable code, unknown function, unsupported GOARCH).

Examples:
  mapscope disasm ./app --sites
  mapscope disasm ./app --sites --func '^main\\.' --map 'map[string]int' --json
  mapscope disasm ./app --func runtime.mapaccess1_fast64
  mapscope disasm ./app-amd64 ./app-arm64 --func runtime.mapaccess1
  perf record -e cpu-clock -g -- ./app && perf script > perf.script && mapscope disasm ./app --perf perf.script`)
      .action((files: string[], opts: Opts) => runDisasm(files, opts, io));
  },
};
