/**
 * False sharing, measured: builds the benchmark of falsesharego.ts with a
 * real Go toolchain, runs it with GOMAXPROCS = goroutines, reads what it
 * prints, and turns the rounds into ns per add, the slowdown against the
 * 64-byte-padded counters (per round, so its spread shows), and the lines
 * counters really share (from the addresses the program printed, which must
 * agree with the planned offsets wherever those are not a prediction).
 * With `perf` on PATH, each layout is also run under `perf stat` for the
 * cache-miss counters; without perf, or on a machine (a VM) whose kernel
 * exposes no hardware counters, the result says so.
 *
 * The program's output is parsed as untrusted input: bounded, every field
 * checked, one-line errors naming the line.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { InputError } from '../base/errors.js';
import { sharedLines, sharingCount, type Plan, type LayoutName, type SharedLine } from './falseshare.js';
import { benchmarkProgram } from './falsesharego.js';

/** The Go toolchain: `--go PATH`, else `go` on PATH. */
export function findGoTool(given?: string): string {
  if (given !== undefined) {
    if (!existsSync(given)) throw new InputError('--go', undefined, `no Go toolchain at ${given}`);
    return given;
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'go'))) return join(dir, 'go');
  }
  throw new InputError('--go', undefined, 'the benchmark needs a Go toolchain and none is on PATH: install Go or pass --go PATH/TO/bin/go');
}

function toolEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GOTOOLCHAIN: 'local', CGO_ENABLED: '0', GOFLAGS: '-mod=mod', GOWORK: 'off', ...extra };
  delete env.GOROOT; // each toolchain finds its own root
  return env;
}

/** `go env GOVERSION GOARCH` of a toolchain. */
export function goToolInfo(go: string): { version: string; goarch: string } {
  const r = spawnSync(go, ['env', 'GOVERSION', 'GOARCH'], { env: toolEnv(), encoding: 'utf8', timeout: 60_000 });
  const [version, goarch] = (r.stdout ?? '').trim().split('\n');
  if (r.status !== 0 || !/^go1\.\d+/.test(version ?? '') || !goarch) {
    throw new InputError('--go', undefined, `${go} did not answer \`go env GOVERSION GOARCH\`: ${(r.stderr || r.error?.message || '').trim().split('\n')[0]}`);
  }
  return { version, goarch };
}

/** The machine a measurement ran on, for the figures' label. */
export interface Machine {
  readonly cpu: string;
  readonly cpus: number;
  readonly load: readonly number[];
}

export function machine(): Machine {
  let cpu = 'unknown CPU';
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu;
  } catch {
    // Not Linux: the model stays unknown.
  }
  return { cpu, cpus: availableParallelism(), load: loadavg().map((x) => Math.round(x * 100) / 100) };
}

/** A built benchmark: its executable, in a directory remove() deletes. */
export interface Built {
  readonly exe: string;
  readonly dir: string;
  remove(): void;
}

export function buildBenchmark(plan: Plan, go: string, minor: number): Built {
  const dir = mkdtempSync(join(tmpdir(), 'mapscope-falseshare-'));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    writeFileSync(join(dir, 'go.mod'), `module mapscopefalseshare\n\ngo 1.${minor}\n`);
    writeFileSync(join(dir, 'main.go'), benchmarkProgram(plan));
    const r = spawnSync(go, ['build', '-o', 'bench', '.'], { cwd: dir, env: toolEnv({ GOARCH: plan.target.arch.name }), encoding: 'utf8', timeout: 600_000 });
    // Said in one line, exit 2: a broken toolchain is the usual cause; a bug in the generated program would show here too.
    if (r.status !== 0) throw new InputError('--go', undefined, `${go} could not build the generated benchmark: ${(r.stderr || r.error?.message || '').trim().split('\n').slice(0, 3).join(' / ')}`);
    return { exe: join(dir, 'bench'), dir, remove };
  } catch (e) {
    remove();
    throw e;
  }
}

export interface Round {
  readonly round: number;
  readonly t: readonly (readonly [number, number])[];
  readonly iters: number;
}

/** What one run of the program printed, checked. */
export interface RunOutput {
  readonly go: string;
  readonly goarch: string;
  readonly gomaxprocs: number;
  readonly addrs: ReadonlyMap<LayoutName, readonly bigint[]>;
  /** Each goroutine's loop [start, end] (ns since the program began) per round, in round order. */
  readonly rounds: ReadonlyMap<LayoutName, readonly Round[]>;
  readonly finals: ReadonlyMap<LayoutName, readonly bigint[]>;
}

const MAX_OUTPUT_LINES = 100_000;

/** Parses the program's output (falsesharego.ts) for a plan; anything else is an InputError naming the line. */
export function parseRunOutput(text: string, plan: Plan, source = 'benchmark output'): RunOutput {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length > MAX_OUTPUT_LINES) throw new InputError(source, undefined, `more than ${MAX_OUTPUT_LINES} lines`);
  const names = new Set(plan.layouts.map((l) => l.name as string));
  const sizeOf = (n: string) => plan.layouts.find((l) => l.name === n)!.counters.length;
  let start: { go: string; goarch: string; gomaxprocs: number } | undefined;
  const addrs = new Map<LayoutName, bigint[]>();
  const rounds = new Map<LayoutName, Round[]>();
  const finals = new Map<LayoutName, bigint[]>();
  lines.forEach((l, i) => {
    const where = `line ${i + 1}`;
    let o: Record<string, unknown>;
    try {
      const v: unknown = JSON.parse(l);
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error();
      o = v as Record<string, unknown>;
    } catch {
      throw new InputError(source, where, 'not a JSON object');
    }
    const layout = (): LayoutName => {
      if (typeof o.layout !== 'string' || !names.has(o.layout)) throw new InputError(source, where, `unknown layout ${JSON.stringify(o.layout)}`);
      return o.layout as LayoutName;
    };
    const count = (k: string): number => {
      const v = o[k];
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new InputError(source, where, `"${k}" is not a whole number`);
      return v;
    };
    const list = (k: string, n: number, re: RegExp): bigint[] => {
      const v = o[k];
      if (!Array.isArray(v) || v.length !== n) throw new InputError(source, where, `"${k}" is not a list of ${n}`);
      return v.map((x) => {
        const s = String(x);
        if (!re.test(s)) throw new InputError(source, where, `bad value ${JSON.stringify(x)} in "${k}"`);
        return BigInt(s);
      });
    };
    switch (o.kind) {
      case 'start':
        if (typeof o.go !== 'string' || typeof o.goarch !== 'string') throw new InputError(source, where, 'start line without go and goarch');
        start = { go: o.go, goarch: o.goarch, gomaxprocs: count('gomaxprocs') };
        break;
      case 'layout': {
        const n = layout();
        addrs.set(n, list('addrs', sizeOf(n), /^0x[0-9a-f]{1,16}$/));
        break;
      }
      case 'round': {
        const n = layout();
        const t = o.t;
        const ok = (x: unknown): x is [number, number] => Array.isArray(x) && x.length === 2 && x.every((v) => Number.isSafeInteger(v) && (v as number) >= 0) && x[0] <= x[1];
        if (!Array.isArray(t) || t.length !== plan.goroutines || !t.every(ok)) throw new InputError(source, where, `"t" is not ${plan.goroutines} [start, end] pairs`);
        const iters = count('iters');
        if (iters === 0) throw new InputError(source, where, '"iters" is 0');
        rounds.set(n, [...(rounds.get(n) ?? []), { round: count('round'), t, iters }]);
        break;
      }
      case 'final': {
        const n = layout();
        finals.set(n, list('values', sizeOf(n), /^\d{1,20}$/));
        break;
      }
      default:
        throw new InputError(source, where, `unknown kind ${JSON.stringify(o.kind)}`);
    }
  });
  if (!start) throw new InputError(source, undefined, 'no start line');
  return { ...start, addrs, rounds, finals };
}

export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

function quantile(sorted: readonly number[], q: number): number {
  const i = q * (sorted.length - 1);
  const lo = Math.floor(i);
  return lo === i ? sorted[lo] : sorted[lo] + (sorted[lo + 1] - sorted[lo]) * (i - lo);
}

function spread(xs: readonly number[]): Spread {
  const s = [...xs].sort((a, b) => a - b);
  return { median: quantile(s, 0.5), min: s[0], max: s[s.length - 1] };
}

/**
 * A round counts when the goroutines' loops overlapped for at least this
 * share of the longest loop: then they really ran at once. On a loaded
 * machine the OS often runs them one after the other, and such a round says
 * nothing about sharing a line.
 */
export const MIN_OVERLAP = 0.9;

/**
 * Fewest counted rounds on each side for a slowdown: a round in which the OS
 * stopped both threads at once still overlaps, and one such round alone
 * would be the whole figure.
 */
export const MIN_COUNTED = 5;

/** How much of the longest loop all loops ran together (0 to 1). */
export function overlap(t: readonly (readonly [number, number])[]): number {
  const start = Math.max(...t.map((x) => x[0]));
  const end = Math.min(...t.map((x) => x[1]));
  const longest = Math.max(...t.map((x) => x[1] - x[0]));
  return longest <= 0 ? 1 : Math.max(0, end - start) / longest;
}

/** Per-layout result: times, slowdown, and the lines shared, planned and real. */
export interface LayoutResult {
  readonly name: LayoutName;
  readonly what: string;
  readonly counters: readonly { name: string; offset: number; size: number; addr: string }[];
  /**
   * ns per atomic add by one goroutine (its loop time / iters, averaged over
   * the goroutines), over the rounds whose loops overlapped (MIN_OVERLAP);
   * absent when none did.
   */
  readonly nsPerAdd?: Spread;
  /** Every round: ns per add, and the loops' overlap. */
  readonly rounds: readonly { readonly nsPerAdd: number; readonly overlap: number }[];
  /** Rounds that count (loops overlapped). */
  readonly concurrent: number;
  /**
   * Against the baseline: the ratio of every concurrent round of this layout
   * to every concurrent round of the baseline; median, and 10th and 90th
   * percentiles as the spread. Absent for the baseline, without one, or
   * with fewer than MIN_COUNTED counted rounds on either side.
   */
  readonly slowdown?: { readonly median: number; readonly p10: number; readonly p90: number };
  /** Lines two or more written counters share, from the planned offsets (for mapptr: the allocator's packing, predicted). */
  readonly planned: readonly SharedLine[];
  /** The same from the addresses the program printed (line = address / line size). */
  readonly real: readonly SharedLine[];
  readonly sharing: number;
  /** Whether the planned offsets agree with the real addresses (relative to the first counter); always checked. */
  readonly offsetsAgree: boolean;
  /** Each written counter ends at rounds × iters and the others at 0. */
  readonly countsAddUp: boolean;
}

export interface PerfResult {
  readonly available: boolean;
  /** Why there are no counts, or which events were counted. */
  readonly note: string;
  /** Event counts per layout (null: the event is not supported here). */
  readonly counts?: Readonly<Record<string, Readonly<Record<string, number | null>>>>;
}

export interface FalseShareResult {
  readonly go: string;
  readonly goarch: string;
  readonly gomaxprocs: number;
  readonly machine: Machine;
  readonly line: number;
  readonly goroutines: number;
  readonly counters: number;
  readonly iters: number;
  readonly rounds: number;
  readonly baseline?: LayoutName;
  readonly layouts: readonly LayoutResult[];
  readonly perf: PerfResult;
}

/** Turns a parsed run into results (pure: the tests feed it real output). */
export function summarize(plan: Plan, out: RunOutput, iters: number, nRounds: number, m: Machine, perf: PerfResult): FalseShareResult {
  const baseline = plan.layouts.find((l) => l.name === 'pad64')?.name ?? plan.layouts.find((l) => l.name === 'pad128')?.name;
  const roundsOf = (n: LayoutName) => {
    const rs = out.rounds.get(n) ?? [];
    if (rs.length !== nRounds) throw new InputError('benchmark output', undefined, `${n}: ${rs.length} rounds, expected ${nRounds}`);
    // One goroutine's time per add, averaged over the goroutines.
    return rs.map((r) => ({ nsPerAdd: r.t.reduce((a, x) => a + x[1] - x[0], 0) / r.t.length / r.iters, overlap: Math.round(overlap(r.t) * 1000) / 1000 }));
  };
  const good = (rs: { nsPerAdd: number; overlap: number }[]) => rs.filter((r) => r.overlap >= MIN_OVERLAP).map((r) => r.nsPerAdd);
  const base = baseline ? good(roundsOf(baseline)) : [];
  const layouts = plan.layouts.map((l): LayoutResult => {
    const addrs = out.addrs.get(l.name);
    const finals = out.finals.get(l.name);
    if (!addrs || !finals) throw new InputError('benchmark output', undefined, `${l.name}: no addresses or final values`);
    const rounds = roundsOf(l.name);
    const ns = good(rounds);
    const ratios = base.length >= MIN_COUNTED && ns.length >= MIN_COUNTED && l.name !== baseline ? ns.flatMap((x) => base.map((y) => x / y)).sort((p, q) => p - q) : [];
    const sizes = l.counters.map((c) => c.size);
    const a0 = addrs[0];
    const offsetsAgree = l.counters.every((c, i) => addrs[i] - a0 === BigInt(c.offset - l.counters[0].offset));
    // Real lines, numbered from the line of the first counter (the program aligned the regions itself).
    const L = BigInt(plan.line);
    const baseLine = (a0 / L) * L;
    const rel = addrs.map((a) => Number(a - baseLine));
    const real = sharedLines(rel, sizes, plan.goroutines, plan.line);
    const want = BigInt(iters * nRounds);
    const countsAddUp = finals.every((v, i) => v === (i < plan.goroutines ? want : 0n));
    return {
      name: l.name,
      what: l.what,
      counters: l.counters.map((c, i) => ({ name: c.name, offset: c.offset, size: c.size, addr: `0x${addrs[i].toString(16)}` })),
      ...(ns.length ? { nsPerAdd: spread(ns) } : {}),
      rounds,
      concurrent: ns.length,
      ...(ratios.length ? { slowdown: { median: quantile(ratios, 0.5), p10: quantile(ratios, 0.1), p90: quantile(ratios, 0.9) } } : {}),
      planned: sharedLines(l.counters.map((c) => c.offset), sizes, plan.goroutines, plan.line),
      real,
      sharing: sharingCount(real),
      offsetsAgree,
      countsAddUp,
    };
  });
  return {
    go: out.go, goarch: out.goarch, gomaxprocs: out.gomaxprocs, machine: m, line: plan.line, goroutines: plan.goroutines,
    counters: plan.layouts[0].counters.length, iters, rounds: nRounds, ...(baseline ? { baseline } : {}), layouts, perf,
  };
}

const PERF_EVENTS = ['cache-misses', 'cache-references', 'L1-dcache-load-misses'];

function findPerf(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'perf'))) return join(dir, 'perf');
  }
  return undefined;
}

/** `perf stat -x,` of one short run per layout; what it says when the counters are missing. */
function perfStat(exe: string, plan: Plan, iters: number, env: NodeJS.ProcessEnv): PerfResult {
  const perf = findPerf();
  if (!perf) return { available: false, note: 'perf is not installed (no cache-miss counters; Debian: linux-perf)' };
  const counts: Record<string, Record<string, number | null>> = {};
  for (const l of plan.layouts) {
    const r = spawnSync(perf, ['stat', '-x', ',', '-e', PERF_EVENTS.join(','), '--', exe, '-only', l.name, '-iters', String(iters), '-rounds', '1'], { env, encoding: 'utf8', timeout: 600_000 });
    if (r.status !== 0) return { available: false, note: `perf stat failed: ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-1)[0]}` };
    const c: Record<string, number | null> = {};
    for (const line of (r.stderr ?? '').split('\n')) {
      const f = line.split(',');
      const ev = PERF_EVENTS.find((e) => f[2] === e || f[2]?.startsWith(`${e}:`));
      if (ev) c[ev] = /^\d+$/.test(f[0]) ? Number(f[0]) : null;
    }
    counts[l.name] = c;
  }
  const any = Object.values(counts).some((c) => Object.values(c).some((v) => v !== null));
  if (!any) return { available: false, note: `perf is installed but counts none of ${PERF_EVENTS.join(', ')} here (<not supported>: no hardware performance counters, as in most VMs)` };
  return { available: true, note: `perf stat -e ${PERF_EVENTS.join(',')}, one round of each layout alone`, counts };
}

export interface RunOptions {
  readonly go: string;
  readonly minor: number;
  readonly iters: number;
  readonly rounds: number;
  /** Progress lines (stderr). */
  readonly progress: (line: string) => void;
  /** Skip perf even if installed (tests). */
  readonly perf?: boolean;
}

/** Builds, runs, checks and summarizes. */
export function measure(plan: Plan, o: RunOptions): FalseShareResult {
  o.progress(`building the benchmark with ${o.go}`);
  const built = buildBenchmark(plan, o.go, o.minor);
  try {
    const env = { ...process.env, GOMAXPROCS: String(plan.goroutines) };
    const m = machine();
    o.progress(`running ${plan.layouts.length} layouts × ${o.rounds} rounds × ${o.iters} adds per goroutine (GOMAXPROCS=${plan.goroutines}, load ${m.load.join(' ')})`);
    const r = spawnSync(built.exe, ['-iters', String(o.iters), '-rounds', String(o.rounds)], { env, encoding: 'utf8', timeout: 3_600_000, maxBuffer: 64 << 20 });
    if (r.status !== 0) throw new InputError('benchmark', undefined, `the generated program failed (exit ${r.status}${r.signal ? `, ${r.signal}` : ''}): ${(r.stderr || r.error?.message || '').trim().split('\n').slice(0, 3).join(' / ')}`);
    const out = parseRunOutput(r.stdout, plan);
    const perf = o.perf === false ? { available: false, note: 'perf not run (--no-perf)' } : perfStat(built.exe, plan, o.iters, env);
    return summarize(plan, out, o.iters, o.rounds, m, perf);
  } finally {
    built.remove();
  }
}
