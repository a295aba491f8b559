/**
 * `mapscope falseshare`: what sharing a cache line costs, measured with real Go.
 *
 *   mapscope falseshare [--counters N] [--goroutines G] [--type T] [--layout L,...]
 *                       [--go PATH] [--arch A] [--cache-line 64|128] [--iters N] [--rounds R] [--json]
 *     builds and runs a benchmark (src/race/falsesharerun.ts): ns per atomic
 *     add for each placement of the counters, the slowdown against 64-byte
 *     padding, which counters share a line, perf's cache-miss counts when
 *     perf can count them.
 *
 *   mapscope falseshare --core CORE --binary APP [--map NAME]... [--cache-line N] [--json]
 *     the same question asked statically of every `map[K]*T` in a core dump
 *     (src/race/falsesharecore.ts): how many elems' pointees share a line
 *     with another key's pointee. Exit 1 when some do.
 *
 * The static report lives here, not in `mapscope check`: check judges
 * invariants (a finding there means a broken map), while pointees sharing a
 * line is a placement fact with a cost, the same question the benchmark
 * answers, so both answers sit under one command.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { InputError, UsageError, EXIT_FINDING } from '../../base/errors.js';
import { renderTable } from '../../base/table.js';
import type { CliIO } from '../io.js';
import type { CommandModule } from '../module.js';
import { target } from '../../layout/index.js';
import { cacheLinePad, CACHE_LINE_SIZES } from '../../model/arch.js';
import { parseLayouts, plan, type SharedLine } from '../../race/falseshare.js';
import { findGoTool, goToolInfo, measure, MIN_COUNTED, MIN_OVERLAP, type FalseShareResult } from '../../race/falsesharerun.js';
import { isPointerMap, pointeeSharing, type PointeeSharing } from '../../race/falsesharecore.js';
import { entriesOf } from '../../check/index.js';
import { openCoreFile } from '../../source/process/index.js';

interface Opts {
  counters?: string;
  goroutines?: string;
  layout?: string;
  type?: string;
  go?: string;
  arch?: string;
  cacheLine?: string;
  iters: string;
  rounds: string;
  perf: boolean;
  core?: string;
  binary?: string;
  map?: string[];
  json?: boolean;
}

function whole(text: string | undefined, what: string, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) throw new UsageError(`${what}: expected a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
  return Number(text);
}

function cacheLine(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!(CACHE_LINE_SIZES as readonly number[]).includes(n)) throw new UsageError(`--cache-line: expected ${CACHE_LINE_SIZES.join(', ')} (bytes), got ${JSON.stringify(text)}`);
  return n;
}

/** GOARCH of this machine, as Go names it. */
function hostArch(): string {
  return ({ x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm', riscv64: 'riscv64', ppc64: 'ppc64le', s390x: 's390x', loong64: 'loong64' } as Record<string, string>)[process.arch] ?? process.arch;
}

const fmtNs = (x: number) => x.toFixed(2);
const fmtX = (x: number) => `${x.toFixed(2)}x`;

function linesText(ls: readonly SharedLine[], names: readonly string[]): string {
  if (ls.length === 0) return 'none';
  return ls.map((l) => l.counters.map((i) => names[i]).join(' ')).join(' | ');
}

function renderMeasure(r: FalseShareResult): string {
  const out: string[] = [];
  out.push(`${r.go} ${r.goarch}, GOMAXPROCS=${r.gomaxprocs}: ${r.goroutines} goroutine${r.goroutines === 1 ? '' : 's'}, each doing ${r.iters} atomic adds to its own counter, ${r.rounds} rounds per layout`);
  out.push(`machine: ${r.machine.cpu}, ${r.machine.cpus} CPUs, load average ${r.machine.load.join(' ')} (at the start); cache line ${r.line} bytes`);
  out.push('');
  const rows = r.layouts.map((l) => {
    const names = l.counters.map((c) => c.name);
    return [
      l.name,
      l.nsPerAdd ? fmtNs(l.nsPerAdd.median) : '-',
      l.nsPerAdd ? `${fmtNs(l.nsPerAdd.min)}-${fmtNs(l.nsPerAdd.max)}` : '',
      `${l.concurrent}/${l.rounds.length}`,
      l.slowdown ? fmtX(l.slowdown.median) : l.name === r.baseline ? 'baseline' : '-',
      l.slowdown ? `${fmtX(l.slowdown.p10)}-${fmtX(l.slowdown.p90)}` : '',
      linesText(l.real, names),
    ];
  });
  out.push(renderTable(['layout', 'ns/add', 'range', 'rounds', 'slowdown', 'p10-p90', 'written counters sharing a line'], rows).trimEnd());
  out.push('');
  for (const l of r.layouts) {
    const shown = l.counters.slice(0, r.goroutines).map((c) => `${c.name}@${c.offset}`).join(' ');
    out.push(`${l.name}: ${l.what}; written counters at ${shown}${l.counters.length > r.goroutines ? ` (+${l.counters.length - r.goroutines} idle)` : ''}`);
    if (l.name === 'mapptr') {
      const rel = l.counters.slice(0, r.goroutines).map((c) => `${c.name}@${c.addr}`).join(' ');
      out.push(`  predicted from the allocator: ${linesText(l.planned, l.counters.map((c) => c.name))}; real addresses ${l.offsetsAgree ? '(as predicted)' : '(not as predicted: the first pointee can finish a tiny block earlier allocations left)'}: ${rel}`);
    } else if (!l.offsetsAgree) out.push('  MISMATCH: the real addresses disagree with the layout\'s offsets (a bug in mapscope\'s layout: please report it)');
    if (!l.countsAddUp) out.push('  MISMATCH: the counters\' final values are not rounds × iters for the written ones and 0 for the others');
  }
  out.push('');
  if (r.perf.available && r.perf.counts) {
    const events = [...new Set(Object.values(r.perf.counts).flatMap((c) => Object.keys(c)))];
    out.push(`perf: ${r.perf.note}`);
    out.push(renderTable(['layout', ...events], Object.entries(r.perf.counts).map(([n, c]) => [n, ...events.map((e) => (c[e] === null || c[e] === undefined ? 'n/a' : String(c[e])))])).trimEnd());
  } else out.push(`perf: ${r.perf.note}`);
  out.push(`ns/add: a goroutine's own loop time / adds, averaged over the goroutines, median and range over the rounds whose loops overlapped`);
  out.push(`(≥ ${MIN_OVERLAP * 100}% of the longest: "rounds" says how many of all did; on a busy machine the OS often runs the goroutines in turn).`);
  out.push('slowdown: every counted round against every counted round of the baseline, median and 10th-90th percentiles.');
  if (r.layouts.some((l) => l.concurrent < MIN_COUNTED)) out.push(`A layout with fewer than ${MIN_COUNTED} counted rounds has no slowdown: the machine was too busy to run the goroutines at once; try again, or more --rounds.`);
  return out.join('\n');
}

function renderCore(rs: readonly PointeeSharing[], skipped: number): string {
  const out: string[] = [];
  if (rs.length === 0) return `no map[K]*T among the maps found (${skipped} other maps)`;
  out.push(renderTable(
    ['map', 'type', 'pointee bytes', 'elems', 'nil', 'sharing a line', 'aliased', 'lines shared'],
    rs.map((r) => [r.map, r.type, r.pointeeSize, r.elems, r.nil, r.sharing, r.aliased, r.lines.length]),
  ).trimEnd());
  for (const r of rs) {
    for (const l of r.lines.slice(0, 20)) out.push(`  ${r.map}: line ${l.line} holds the pointees of keys ${l.keys.join(', ')}`);
    if (r.lines.length > 20) out.push(`  ${r.map}: … ${r.lines.length - 20} more lines`);
    if (r.unreadable) out.push(`  ${r.map}: ${r.unreadable} elems could not be read (not counted)`);
  }
  out.push(`cache line ${rs[0].line} bytes; ${skipped} maps without pointer elems not shown. "sharing a line": elems whose pointee shares a line with another key's pointee.`);
  return out.join('\n');
}

function runCore(opts: Opts, io: CliIO, setExit: (code: number) => void): void {
  if (!opts.binary) throw new UsageError('--core needs --binary, the executable that wrote the core');
  let exe: Uint8Array;
  try {
    exe = readFileSync(opts.binary);
  } catch (e) {
    throw new InputError(opts.binary, undefined, `cannot read: ${e instanceof Error ? e.message : String(e)}`);
  }
  const p = openCoreFile(opts.core!, opts.binary, exe);
  const line = cacheLine(opts.cacheLine) ?? cacheLinePad(p.target.arch, p.target.go);
  const maps = opts.map?.length ? opts.map.map((n) => p.mapByName(n, { entries: entriesOf })) : p.globalMaps({ entries: entriesOf });
  const ptr = maps.filter(isPointerMap);
  if (opts.map?.length && ptr.length < maps.length) throw new InputError('--map', undefined, `${maps.find((m) => !isPointerMap(m))!.name} is not a map[K]*T`);
  const rs = ptr.map((m) => pointeeSharing(m, line, (n) => p.namedTypeSize(n)));
  if (opts.json) io.out(JSON.stringify({ source: { kind: 'core', file: opts.core, binary: opts.binary, go: p.goVersion, arch: p.target.arch.name }, line, maps: rs, skipped: maps.length - ptr.length }, null, 2));
  else io.out(renderCore(rs, maps.length - ptr.length));
  if (rs.some((r) => r.sharing > 0)) setExit(EXIT_FINDING);
}

function runMeasure(opts: Opts, io: CliIO, setExit: (code: number) => void): void {
  const go = findGoTool(opts.go);
  const info = goToolInfo(go);
  const arch = opts.arch ?? info.goarch;
  if (arch !== hostArch()) throw new UsageError(`--arch ${arch}: the benchmark runs on this machine, which is ${hostArch()} (timings under an emulator mean nothing)`);
  const minor = Number(/^go1\.(\d+)/.exec(info.version)![1]);
  const t = target(`1.${minor}`, arch);
  const p = plan({
    target: t,
    line: cacheLine(opts.cacheLine) ?? cacheLinePad(t.arch, t.go),
    counters: whole(opts.counters, '--counters', 1, 1024),
    goroutines: whole(opts.goroutines, '--goroutines', 1, 256),
    type: opts.type,
    layouts: opts.layout === undefined ? undefined : parseLayouts(opts.layout),
  });
  if (p.goroutines > availableParallelism()) io.err(`warning: ${p.goroutines} goroutines on ${availableParallelism()} CPUs cannot all run at once, so few or no rounds will count`);
  const iters = whole(opts.iters, '--iters', 1, 1e9)!;
  const rounds = whole(opts.rounds, '--rounds', 1, 1000)!;
  const r = measure(p, { go, minor, iters, rounds, perf: opts.perf, progress: (s) => io.err(s) });
  io.out(opts.json ? JSON.stringify(r, null, 2) : renderMeasure(r));
  // Real Go contradicting the layout, or lost adds, is a finding about mapscope or the machine: never a quiet 0.
  if (r.layouts.some((l) => (!l.offsetsAgree && l.name !== 'mapptr') || !l.countsAddUp)) setExit(EXIT_FINDING);
}

export const command: CommandModule = {
  register(program: Command, io: CliIO, setExit: (code: number) => void): void {
    program
      .command('falseshare')
      .description('measure what sharing a cache line costs, with a real Go benchmark; or count map[K]*T pointees sharing lines in a core (--core --binary)')
      .option('--counters <n>', 'counters in the structure (default 8, or as many as --type holds)')
      .option('--goroutines <n>', 'goroutines, each writing its own counter (the first G counters; default 2); GOMAXPROCS is set to it')
      .option('--type <type>', 'the struct or array holding the counters, e.g. \'struct{ a, b int64 }\' or \'[8]int64\' (default [N]int64); counters are its 4- and 8-byte integer fields or elements')
      .option('--layout <names>', 'layouts to run, comma-separated: struct|array (the --type), pad64, pad128, mapptr (default: all that apply)')
      .option('--go <path>', 'the go command to build with (default: go on PATH)')
      .option('--arch <goarch>', 'GOARCH; must be this machine\'s (default: the toolchain\'s)')
      .option('--cache-line <bytes>', 'line size regions are aligned to and sharing is judged by (default: what Go pads to on the GOARCH)')
      .option('--iters <n>', 'atomic adds per goroutine per round', '50000')
      .option('--rounds <n>', 'rounds per layout (the spread comes from them; on a busy machine only some count)', '200')
      .option('--no-perf', 'do not run perf stat even when perf is installed')
      .option('--core <file>', 'static mode: a core dump; reports map[K]*T elems whose pointees share a line with another key\'s')
      .option('--binary <file>', 'with --core: the executable that wrote it')
      .option('--map <name>', 'with --core: only this global map (e.g. main.stats); repeatable', (v: string, a: string[] | undefined) => [...(a ?? []), v])
      .option('--json', 'machine output (docs/json.md, "falseshare")')
      .addHelpText('after', [
        '',
        'Examples:',
        '  mapscope falseshare                                   # [8]int64, 2 goroutines, every layout',
        "  mapscope falseshare --type 'struct{ hits int64; misses int64; _ [48]byte; errs int64 }' --goroutines 3",
        '  mapscope falseshare --layout array,pad64 --rounds 15 --go ~/sdk/go1.26/bin/go',
        '  mapscope falseshare --core core.4242 --binary ./server --map main.stats',
        '',
        'Timings are benchmarks: run on a quiet machine, several times; the load average is printed beside them.',
        'Exit: 0 ok (measured; or no pointee shares a line), 1 pointees share lines (--core) or a layout check failed, 2 bad usage or input.',
      ].join('\n'))
      .action((opts: Opts) => {
        const measureOpts = [opts.counters, opts.goroutines, opts.layout, opts.type, opts.go, opts.arch].some((v) => v !== undefined);
        if (opts.core !== undefined) {
          if (measureOpts) throw new UsageError('--core reads a core dump: --counters, --goroutines, --layout, --type, --go and --arch apply to the benchmark');
          runCore(opts, io, setExit);
          return;
        }
        if (opts.binary !== undefined || opts.map !== undefined) throw new UsageError('--binary and --map apply to --core');
        runMeasure(opts, io, setExit);
      });
  },
};
