/**
 * `mapscope race --measure`: the scenario's goroutines run on a real Go map,
 * in real goroutines, many times, and each run's ending is counted.
 *
 * gosrc/racemeasure does the runs (its header comment is the design); this
 * module drives it. `concurrent map writes` kills the process, so a process
 * runs trials in a row, printing one line per trial that ended cleanly, and
 * when the runtime kills it the trial after the last line is the one that
 * died: its `fatal error:` line on stderr says why, and a new process starts
 * at the trial after it. A trial that prints nothing for the hang timeout is a
 * hang: its process is killed and the next trial starts in a new one.
 *
 * Classes, the same as the simulation's:
 * - caught: the runtime's own check fired (`fatal error: concurrent map …`);
 * - benign: a clean exit and a map whose contents some serial order also
 *   leaves, read back consistently (range, len and lookup agree);
 * - corrupt: a clean exit with a map that fails that judgement, a map whose
 *   core `check` finds broken, or any other crash (its message is the reason);
 * - hang: no ending within the timeout.
 *
 * A sample of clean trials (and, always, every corrupt one) is also checked
 * structurally: the program keeps that trial's map in a global and aborts, the
 * kernel or qemu-user writes a core, and `check` reads the map from it. A
 * benign trial whose core has findings is counted corrupt.
 *
 * The program's output is read strictly: a line that is not one it prints,
 * a trial out of order or a line over 1 KiB is an error, never a guess; stderr
 * is kept to its first 64 KiB.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InputError } from '../base/errors.js';
import { checkMap, entriesOf } from '../check/index.js';
import { isBroken } from '../check/report.js';
import { openCoreFile } from '../source/process/index.js';
import { buildRaceMeasure, findGoCommand } from './measurebuild.js';
import { wilson } from './outcome.js';

export type MeasuredClass = 'caught' | 'benign' | 'corrupt' | 'hang';
export type Outcomes = Record<MeasuredClass, number>;
export const MEASURED_CLASSES: readonly MeasuredClass[] = ['caught', 'benign', 'corrupt', 'hang'];

/** The map types gosrc/racemeasure has compiled code for (each its own runtime entry points). */
export const MEASURABLE_TYPES: readonly string[] = ['map[int64]int64', 'map[string]int64'];

// --------------------------------------------------------------- the protocol

export interface MeasureHeader {
  go: string;
  goarch: string;
  gomaxprocs: number;
  goroutines: number;
  serialStates: number;
}

export type MeasureLine =
  | { kind: 'H'; header: MeasureHeader }
  | { kind: 'R'; trial: number; overlap: boolean; skewNs: number; outcome: 'benign' }
  | { kind: 'R'; trial: number; overlap: boolean; skewNs: number; outcome: 'corrupt'; reason: string }
  | { kind: 'C'; trial: number }
  | { kind: 'E'; count: number };

const MAX_LINE = 1024;

function count(text: string, what: string, where: string): number {
  const n = Number(text);
  if (!/^\d{1,9}$/.test(text) || !Number.isSafeInteger(n)) throw new InputError(where, undefined, `${what}: expected a count, got ${JSON.stringify(text.slice(0, 40))}`);
  return n;
}

/** One line of racemeasure's stdout; `where` names the program for errors. */
export function parseMeasureLine(line: string, where: string): MeasureLine {
  if (line.length > MAX_LINE) throw new InputError(where, undefined, `output line of ${line.length} characters (at most ${MAX_LINE})`);
  let m: RegExpExecArray | null;
  if ((m = /^H (\{.*\})$/.exec(line))) {
    let h: unknown;
    try {
      h = JSON.parse(m[1]);
    } catch {
      throw new InputError(where, undefined, `header is not JSON: ${JSON.stringify(line.slice(0, 80))}`);
    }
    const o = h as Record<string, unknown>;
    const ints = ['gomaxprocs', 'goroutines', 'serialStates'] as const;
    if (typeof o !== 'object' || o === null || typeof o.go !== 'string' || typeof o.goarch !== 'string' || o.go.length > 64 || o.goarch.length > 16
      || !ints.every((k) => Number.isSafeInteger(o[k]) && (o[k] as number) >= 0)) {
      throw new InputError(where, undefined, `header lacks go, goarch, gomaxprocs, goroutines or serialStates: ${JSON.stringify(line.slice(0, 80))}`);
    }
    return { kind: 'H', header: { go: o.go, goarch: o.goarch, gomaxprocs: o.gomaxprocs as number, goroutines: o.goroutines as number, serialStates: o.serialStates as number } };
  }
  if ((m = /^R (\d+) benign ([01]) (\d+)$/.exec(line))) {
    return { kind: 'R', trial: count(m[1], 'trial', where), overlap: m[2] === '1', skewNs: count(m[3], 'skew', where), outcome: 'benign' };
  }
  if ((m = /^R (\d+) corrupt ([01]) (\d+) ("(?:[^"\\]|\\.)*")$/.exec(line))) {
    let reason: unknown;
    try {
      reason = JSON.parse(m[4]);
    } catch {
      reason = undefined;
    }
    // Go's strconv.Quote of printable text is a JSON string; anything else is not this program's.
    if (typeof reason !== 'string') throw new InputError(where, undefined, `corrupt trial's reason is not a quoted string: ${JSON.stringify(line.slice(0, 80))}`);
    return { kind: 'R', trial: count(m[1], 'trial', where), overlap: m[2] === '1', skewNs: count(m[3], 'skew', where), outcome: 'corrupt', reason };
  }
  if ((m = /^C (\d+)$/.exec(line))) return { kind: 'C', trial: count(m[1], 'trial', where) };
  if ((m = /^E (\d+)$/.exec(line))) return { kind: 'E', count: count(m[1], 'count', where) };
  throw new InputError(where, undefined, `unexpected output line ${JSON.stringify(line.slice(0, 80))}`);
}

/** Why a process the runtime killed died: its `fatal error:` message, else its first panic or signal line. */
export function deathOf(stderr: string, code: number | null, signal: string | null): { fatal?: string; crash?: string } {
  const fatal = /^fatal error: (.{1,200})$/m.exec(stderr);
  if (fatal) return { fatal: fatal[1] };
  const first = /^(panic: .{0,200}|unexpected fault address.{0,100}|SIG[A-Z]+: .{0,100})$/m.exec(stderr);
  if (first) return { crash: first[1] };
  return { crash: signal ? `killed by ${signal}` : `exit status ${code} with no message` };
}

/**
 * The runtime's concurrent-write checks: a `fatal` naming a concurrent map
 * access (`concurrent map writes`, `concurrent map read and map write`, the
 * Swiss `small map with no empty slot (concurrent map writes?)`, …) counts as
 * caught, as in the simulation; every other death is a crash.
 */
export function isMapCheck(message: string): boolean {
  return /\bconcurrent map\b/.test(message);
}

// --------------------------------------------------------------- the driver

export interface MeasureOptions {
  /** The scenario file, read by the program itself. */
  readonly scenarioFile: string;
  /** The scenario's `go` ("1.22"), checked against the toolchain's version. */
  readonly goText: string;
  readonly arch: string;
  readonly experiment?: string;
  /** The map type text: selects the kept global for cores. */
  readonly type: string;
  readonly runs: number;
  /** The go command (`--go`); `go` on PATH when absent. */
  readonly go?: string;
  /** Clean trials also checked from a core (spread over the runs); corrupt trials always are. */
  readonly cores?: number;
  /** A trial printing nothing for this long is a hang (default 10 s native, 60 s under qemu). */
  readonly hangMs?: number;
  /** Progress lines (stderr). */
  readonly progress?: (line: string) => void;
}

export interface CoreCheck {
  trial: number;
  /** The in-process judgement of that trial. */
  judged: 'benign' | 'corrupt';
  /** Finding codes `check` reported (empty: intact). */
  findings: string[];
  /** Set when no core could be read: nothing was checked. */
  error?: string;
}

export interface Measurement {
  /** runtime.Version() of the measured program, e.g. "go1.26.10". */
  go: string;
  goarch: string;
  gomaxprocs: number;
  /** qemu-user binary when the program ran under emulation, else null. */
  emulator: string | null;
  runs: number;
  outcomes: Outcomes;
  /** Each class's share of the runs with its Wilson 95% interval. */
  shares: Record<MeasuredClass, { share: number; lo: number; hi: number }>;
  /** The runtime's messages of caught runs, and crash lines, with their counts. */
  fatal: { message: string; count: number }[];
  crashes: { message: string; count: number }[];
  /** Why corrupt runs were judged corrupt, with counts (at most 20 reasons listed). */
  corrupt: { reason: string; count: number }[];
  cores: CoreCheck[];
  /**
   * How the goroutines' operations met in time, over the runs that ended
   * cleanly (a caught run dies before it can say): `overlapped` runs had every
   * goroutine begin its operations before any had ended; `medianSkewNs` is the
   * median spread of their starts after the barrier.
   */
  timing: { clean: number; overlapped: number; medianSkewNs: number };
  /** Processes started: the cost of the caught runs. */
  processes: number;
  serialStates: number;
  seconds: number;
}

const EMULATOR: Record<string, string> = { arm64: 'qemu-aarch64', arm: 'qemu-arm' };
const HOST: Record<string, string> = { x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm' };
const MAX_STDERR = 64 * 1024;
/** Start spreads kept for the median (the first ones; a run of millions keeps a bounded sample). */
const MAX_SKEWS = 1 << 20;

function tally(m: Map<string, number>, key: string): void {
  m.set(key, (m.get(key) ?? 0) + 1);
}

function listOf(m: Map<string, number>, limit: number): { message: string; count: number }[] {
  return [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, limit).map(([message, count]) => ({ message, count }));
}

interface Child {
  lines: MeasureLine[];
  stderr: string;
  code: number | null;
  signal: string | null;
  /** Set when the driver killed it for a hang. */
  hung: boolean;
}

/** Runs one process from trial `from`; resolves when it ends. Lines are parsed as they come, so a hang is timed per trial. */
function runChild(cmd: string, args: string[], cwd: string, hangMs: number, where: string, onLine: (l: MeasureLine) => void): Promise<Child> {
  return new Promise((done, fail) => {
    const p = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GOTRACEBACK: 'single' } });
    const child: Child = { lines: [], stderr: '', code: null, signal: null, hung: false };
    let partial = '';
    let broken: Error | undefined;
    let timer = setTimeout(() => hang(), hangMs);
    function hang(): void {
      child.hung = true;
      p.kill('SIGKILL');
    }
    p.stdout.setEncoding('utf8');
    p.stdout.on('data', (d: string) => {
      if (broken) return;
      partial += d;
      let nl: number;
      try {
        while ((nl = partial.indexOf('\n')) >= 0) {
          const l = parseMeasureLine(partial.slice(0, nl), where);
          partial = partial.slice(nl + 1);
          child.lines.push(l);
          onLine(l);
          clearTimeout(timer);
          timer = setTimeout(() => hang(), hangMs);
        }
        if (partial.length > MAX_LINE) parseMeasureLine(partial, where);
      } catch (e) {
        broken = e as Error;
        p.kill('SIGKILL');
      }
    });
    p.stderr.setEncoding('utf8');
    p.stderr.on('data', (d: string) => {
      if (child.stderr.length < MAX_STDERR) child.stderr += d.slice(0, MAX_STDERR - child.stderr.length);
    });
    p.on('error', (e) => {
      clearTimeout(timer);
      fail(new InputError(where, undefined, `cannot run: ${e.message}`));
    });
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      child.code = code;
      child.signal = signal;
      if (broken) fail(broken);
      else if (partial !== '' && !child.hung) fail(new InputError(where, undefined, `output ends in an unterminated line ${JSON.stringify(partial.slice(0, 80))}`));
      else done(child);
    });
  });
}

function findCore(dir: string, emulated: boolean): string | undefined {
  const files = readdirSync(dir);
  const name = emulated ? files.find((f) => f.startsWith('qemu_') && f.endsWith('.core')) : files.find((f) => /^core(\.\d+)?$/.test(f));
  return name === undefined ? undefined : path.join(dir, name);
}

/** Finding codes of the kept map in a core (an empty list: intact). */
function checkCore(core: string, exe: string, global: string): string[] {
  const p = openCoreFile(core, exe, readFileSync(exe));
  const report = checkMap(p.mapByName(global, { entries: entriesOf }), {});
  if (!isBroken(report)) return [];
  return [...new Set([...report.findings.filter((f) => f.severity !== 'info').map((f) => f.code), ...report.omitted.filter((o) => o.severity !== 'info').map((o) => o.code)])];
}

/** Runs the scenario `runs` times on the real runtime and counts how each run ended. */
export async function measureRace(o: MeasureOptions): Promise<Measurement> {
  if (!Number.isSafeInteger(o.runs) || o.runs < 1 || o.runs > 10_000_000) throw new InputError('--runs', undefined, `expected 1 to 10000000 runs, got ${o.runs}`);
  if (!MEASURABLE_TYPES.includes(o.type.replace(/\s+/g, ''))) {
    throw new InputError(o.scenarioFile, 'type', `--measure runs ${MEASURABLE_TYPES.join(' and ')} on real Go, not ${o.type}`);
  }
  const go = findGoCommand(o.go);
  const build = buildRaceMeasure(go, o.arch, o.experiment);
  if (!`${build.goVersion}.`.startsWith(`go${o.goText}.`)) {
    throw new InputError(o.scenarioFile, 'go', `the scenario is for Go ${o.goText} but ${go} is ${build.goVersion}: measure with that release's go command (--go PATH)`);
  }
  const host = HOST[process.arch];
  const emulator = o.arch === host ? null : EMULATOR[o.arch] ?? null;
  if (o.arch !== host && emulator === null) throw new InputError(o.scenarioFile, 'arch', `cannot run ${o.arch} programs on this ${host ?? process.arch} host`);
  const hangMs = o.hangMs ?? (emulator ? 60_000 : 10_000);
  const global = o.type.replace(/\s+/g, '') === 'map[string]int64' ? 'main.raceStr' : 'main.raceI64';
  const where = `racemeasure (${build.goVersion} ${o.arch})`;

  const outcomes: Outcomes = { caught: 0, benign: 0, corrupt: 0, hang: 0 };
  const fatal = new Map<string, number>();
  const crashes = new Map<string, number>();
  const reasons = new Map<string, number>();
  const cores: CoreCheck[] = [];
  // Clean trials to check from a core: spread evenly; a target whose trial dies moves to the next trial.
  const targets = Array.from({ length: Math.min(o.cores ?? 0, o.runs) }, (_, i) => Math.floor(((i + 0.5) * o.runs) / Math.min(o.cores ?? 0, o.runs)));
  let header: MeasureHeader | undefined;
  const timing = { clean: 0, overlapped: 0 };
  const skews: number[] = [];
  let next = 0;
  let processes = 0;
  const started = Date.now();
  let lastProgress = started;
  const work = mkdtempSync(path.join(tmpdir(), 'mapscope-race-'));
  try {
    while (next < o.runs) {
      const coreAt = targets.length ? Math.max(targets[0], next) : -1;
      const dir = path.join(work, String(processes));
      mkdirSync(dir);
      // qemu-user writes the guest's core itself; a directory named `core` keeps the kernel from also dumping qemu.
      if (emulator) mkdirSync(path.join(dir, 'core'));
      const args = ['-from', String(next), '-to', String(o.runs), '-core', String(coreAt), '-core-corrupt', path.resolve(o.scenarioFile)];
      const cmd = emulator ?? build.exe;
      const cmdArgs = emulator ? [build.exe, ...args] : args;
      processes++;
      let kept: { trial: number; judged: 'benign' | 'corrupt' } | undefined;
      let ended = false;
      let expect = next;
      let last: { trial: number; judged: 'benign' | 'corrupt'; reason?: string } | undefined;
      const child = await runChild(cmd, cmdArgs, dir, hangMs, where, (l) => {
        if (l.kind === 'H') {
          if (header === undefined) header = l.header;
          if (l.header.goarch !== o.arch) throw new InputError(where, undefined, `reports GOARCH ${l.header.goarch}, not ${o.arch}`);
        } else if (l.kind === 'R') {
          if (l.trial !== expect || ended) throw new InputError(where, undefined, `reported trial ${l.trial} where ${expect} was due`);
          expect++;
          last = { trial: l.trial, judged: l.outcome, reason: l.outcome === 'corrupt' ? l.reason : undefined };
          timing.clean++;
          if (l.overlap) timing.overlapped++;
          if (skews.length < MAX_SKEWS) skews.push(l.skewNs);
          if (l.outcome === 'benign') outcomes.benign++;
          else {
            outcomes.corrupt++;
            tally(reasons, l.reason);
          }
        } else if (l.kind === 'C') {
          if (!last || l.trial !== last.trial) throw new InputError(where, undefined, `core of trial ${l.trial}, which it did not report`);
          kept = { trial: l.trial, judged: last.judged };
        } else {
          if (l.count !== expect - next) throw new InputError(where, undefined, `says it ran ${l.count} trials but reported ${expect - next}`);
          ended = true;
        }
      });
      if (header === undefined && !child.hung) {
        throw new InputError(where, undefined, `printed no header: ${child.stderr.trim().split('\n')[0] ?? `exit ${child.code}`}`);
      }
      if (kept) {
        // The process aborted on purpose after trial `kept.trial`: check the core it left.
        const core = findCore(dir, emulator !== null);
        const check: CoreCheck = { trial: kept.trial, judged: kept.judged, findings: [] };
        if (!core) check.error = `no core written (core_pattern ${JSON.stringify(readFileSync('/proc/sys/kernel/core_pattern', 'utf8').trim())}; it must name a plain file such as "core")`;
        else {
          try {
            check.findings = checkCore(core, build.exe, global);
          } catch (e) {
            check.error = e instanceof Error ? e.message.split('\n')[0] : String(e);
          }
        }
        cores.push(check);
        if (check.findings.length && kept.judged === 'benign') {
          outcomes.benign--;
          outcomes.corrupt++;
          tally(reasons, `core check: ${check.findings.join(', ')}`);
        }
        if (targets.length && kept.trial >= targets[0]) targets.shift();
      } else if (child.hung) {
        outcomes.hang++;
        expect++;
      } else if (!ended) {
        const death = deathOf(child.stderr, child.code, child.signal);
        if (death.fatal !== undefined && isMapCheck(death.fatal)) {
          outcomes.caught++;
          tally(fatal, death.fatal);
        } else {
          const why = death.fatal !== undefined ? `fatal error: ${death.fatal}` : death.crash!;
          outcomes.corrupt++;
          tally(crashes, why);
          tally(reasons, `crash: ${why}`);
        }
        expect++;
      } else if (child.code !== 0) {
        throw new InputError(where, undefined, `ended its trials but exited with ${child.code ?? child.signal}: ${child.stderr.trim().split('\n')[0] ?? ''}`);
      }
      next = expect;
      rmSync(dir, { recursive: true, force: true });
      if (o.progress && Date.now() - lastProgress > 2000) {
        lastProgress = Date.now();
        o.progress(`measured ${next}/${o.runs} runs (${processes} processes)`);
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const total = MEASURED_CLASSES.reduce((s, c) => s + outcomes[c], 0);
  if (total !== o.runs) throw new Error(`internal: ${total} outcomes counted for ${o.runs} runs`);
  const h = header;
  if (h === undefined) throw new InputError(where, undefined, 'printed no header in any run');
  return {
    go: h.go, goarch: h.goarch, gomaxprocs: h.gomaxprocs, emulator, runs: o.runs, outcomes,
    shares: Object.fromEntries(MEASURED_CLASSES.map((c) => {
      return [c, { share: outcomes[c] / o.runs, ...wilson(outcomes[c], o.runs) }];
    })) as Measurement['shares'],
    fatal: listOf(fatal, 20), crashes: listOf(crashes, 20),
    corrupt: listOf(reasons, 20).map(({ message, count }) => ({ reason: message, count })),
    cores, processes, serialStates: h.serialStates,
    timing: { ...timing, medianSkewNs: skews.length ? skews.sort((a, b) => a - b)[skews.length >> 1] : 0 },
    seconds: (Date.now() - started) / 1000,
  };
}
