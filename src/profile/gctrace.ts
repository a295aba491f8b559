/**
 * Reader of `GODEBUG=gctrace=1` logs, Go 1.13 to 1.27.
 *
 * The runtime prints one line per collection from gcMarkTermination in
 * runtime/mgc.go. Its shape, as printed by each release:
 *
 *   gc N @S.SSSs U%: C+C+C ms clock, C+C/C/C+C ms cpu, H->H->H MB, G MB goal, P P
 *       Go 1.13–1.17
 *   gc N @S.SSSs U%: …, G MB goal, K MB stacks, L MB globals, P P
 *       Go 1.18 on (stack and globals scan sizes added with the pacer redesign)
 *   gc N @S.SSSs U% (checking for goroutine leaks): …
 *       Go 1.26 on, when a goroutine leak check ran in this cycle
 *
 * and " (forced)" at the end of a cycle started by runtime.GC(). The clock
 * triple is the wall-clock length of STW sweep termination, concurrent mark
 * and STW mark termination; the cpu quintuple is sweep termination, mark
 * assist / background mark (dedicated + fractional workers) / idle mark, and
 * mark termination. Times come from fmtNSAsMS: whole milliseconds from 10 ms
 * up, below that two significant digits with at most three decimals, so every
 * printed time is an exact number of microseconds and is kept as one here
 * (sums and percentiles stay exact). Heap sizes are bytes >> 20 (MiB,
 * truncated), which the runtime labels "MB".
 *
 * A line is a gctrace line when it starts with `gc <digits> @`, possibly
 * after a prefix ending in a space (timestamps added by a log collector).
 * Every such line must parse in full, or the reader throws an InputError
 * naming the file and line; any other line is program output and skipped.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { InputError } from '../base/errors.js';

/** Longest gctrace line accepted; real ones are under 200 bytes. */
const MAX_LINE = 1024;

export interface GcCycle {
  /** 1-based line of the log the cycle was printed on. */
  line: number;
  /** The runtime's cycle number (memstats.numgc). */
  gc: number;
  /** Start of the cycle, milliseconds since the program started. */
  atMs: number;
  /** Percentage of CPU time spent in GC since the program started, as printed. */
  gcCpuPercent: number;
  /** Wall-clock phases, microseconds. */
  clock: { sweepTermUs: number; markUs: number; markTermUs: number };
  /** CPU time per phase, microseconds; mark split into assist / background / idle. */
  cpu: { sweepTermUs: number; assistUs: number; backgroundUs: number; idleUs: number; markTermUs: number };
  /** MiB (bytes >> 20): heap at start, at end, live (marked) heap, the goal; stacks and globals scanned (null before Go 1.18). */
  heap: { beforeMB: number; afterMB: number; liveMB: number; goalMB: number; stacksMB: number | null; globalsMB: number | null };
  /** GOMAXPROCS during the cycle. */
  procs: number;
  /** Started by runtime.GC(). */
  forced: boolean;
  /** Go 1.26+: a goroutine leak check ran in this cycle. */
  leakCheck: boolean;
  /** Stop-the-world time: sweep termination plus mark termination wall-clock, microseconds. */
  pauseUs: number;
  /** Mark assist CPU as a share of all mark CPU (assist + background + idle), 0..1; null when no mark CPU was recorded. */
  assistShare: number | null;
}

// One printed time: fmtNSAsMS output.
const T = '(\\d{1,15}(?:\\.\\d{1,3})?)';
const N = '(\\d{1,15})';
const LINE = new RegExp(
  `^gc ${N} @(\\d{1,12}\\.\\d{3})s ${N}%( \\(checking for goroutine leaks\\))?: ` +
    `${T}\\+${T}\\+${T} ms clock, ` +
    `${T}\\+${T}/${T}/${T}\\+${T} ms cpu, ` +
    `${N}->${N}->${N} MB, ${N} MB goal, ` +
    `(?:${N} MB stacks, ${N} MB globals, )?` +
    `${N} P( \\(forced\\))?$`,
);
// Where a gctrace line starts: at the start of the line or after a prefix ending in a space.
const START = /(?:^|\s)(gc \d+ @)/;

/** Milliseconds as printed by fmtNSAsMS → microseconds, exactly. */
function us(ms: string): number {
  const dot = ms.indexOf('.');
  if (dot < 0) return Number(ms) * 1000;
  const frac = ms.slice(dot + 1).padEnd(3, '0');
  return Number(ms.slice(0, dot)) * 1000 + Number(frac);
}

/** Parses one gctrace line (without its prefix); null when it does not have the shape of any release. */
export function parseGcLine(text: string, line: number): GcCycle | null {
  const m = LINE.exec(text);
  if (!m) return null;
  const clock = { sweepTermUs: us(m[5]), markUs: us(m[6]), markTermUs: us(m[7]) };
  const cpu = { sweepTermUs: us(m[8]), assistUs: us(m[9]), backgroundUs: us(m[10]), idleUs: us(m[11]), markTermUs: us(m[12]) };
  const mark = cpu.assistUs + cpu.backgroundUs + cpu.idleUs;
  return {
    line,
    gc: Number(m[1]),
    atMs: us(m[2]),
    gcCpuPercent: Number(m[3]),
    clock,
    cpu,
    heap: {
      beforeMB: Number(m[13]),
      afterMB: Number(m[14]),
      liveMB: Number(m[15]),
      goalMB: Number(m[16]),
      stacksMB: m[17] === undefined ? null : Number(m[17]),
      globalsMB: m[18] === undefined ? null : Number(m[18]),
    },
    procs: Number(m[19]),
    forced: m[20] !== undefined,
    leakCheck: m[4] !== undefined,
    pauseUs: clock.sweepTermUs + clock.markTermUs,
    assistShare: mark === 0 ? null : cpu.assistUs / mark,
  };
}

/**
 * A streaming reader: push() the log in chunks of any size, end() at its
 * end; each cycle goes to onCycle as its line completes. Lines end at \n (a
 * trailing \r is dropped). Only the head of a line (MAX_LINE + 1 bytes) is
 * ever kept, so a log with an endless line of program output costs no more
 * memory than a short one. A gctrace line that does not parse throws,
 * naming `source` and the line number.
 */
export class GctraceReader {
  private carry: Buffer | null = null;
  /** Inside a line longer than MAX_LINE whose head was already handled. */
  private skipping = false;
  private lineNo = 0;

  constructor(private readonly source: string, private readonly onCycle: (c: GcCycle) => void) {}

  push(chunk: Buffer): void {
    const buf = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = null;
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl >= 0; nl = buf.indexOf(10, start)) {
      if (this.skipping) this.skipping = false;
      else this.handle(buf.toString('latin1', start, Math.min(nl, start + MAX_LINE + 1)), ++this.lineNo);
      start = nl + 1;
    }
    if (this.skipping) return;
    if (buf.length - start > MAX_LINE + 1) {
      // No end in sight: the head decides; the rest of the line is skipped as it arrives.
      this.handle(buf.toString('latin1', start, start + MAX_LINE + 1), ++this.lineNo);
      this.skipping = true;
    } else if (start < buf.length) this.carry = Buffer.from(buf.subarray(start));
  }

  end(): void {
    if (this.carry && !this.skipping) this.handle(this.carry.toString('latin1'), ++this.lineNo);
    this.carry = null;
  }

  private handle(head: string, lineNo: number): void {
    const text = head.endsWith('\r') ? head.slice(0, -1) : head;
    const s = START.exec(text);
    if (!s) return;
    if (text.length > MAX_LINE) throw new InputError(this.source, `line ${lineNo}`, `gctrace line longer than ${MAX_LINE} bytes`);
    const body = text.slice(s.index + s[0].length - s[1].length);
    const c = parseGcLine(body, lineNo);
    if (!c) throw new InputError(this.source, `line ${lineNo}`, `malformed gctrace line: ${quote(body)}`);
    this.onCycle(c);
  }
}

/** Every gctrace cycle of a log held in memory, in order (GctraceReader's rules). */
export function parseGctrace(log: Buffer | string, source: string): GcCycle[] {
  const cycles: GcCycle[] = [];
  const r = new GctraceReader(source, (c) => cycles.push(c));
  r.push(typeof log === 'string' ? Buffer.from(log, 'utf8') : log);
  r.end();
  return cycles;
}

/** What summaries and pictures read: an array of cycles, or a CycleStore. */
export interface CycleList {
  readonly length: number;
  at(i: number): GcCycle | undefined;
}

const BLOCK = 1 << 16;
/** Float64 columns: line, atMs, 3 clock phases, 5 cpu phases; Int32: gc, cpu %, 6 heap sizes (-1: none), procs. */
const F = 10;
const I = 9;

/**
 * Cycles in columns of typed arrays, blocks of 65,536: a million cycles take
 * about 140 MB instead of the ~350 MB of as many GcCycle objects. at(i)
 * rebuilds the object.
 */
export class CycleStore implements CycleList {
  private f: Float64Array[] = [];
  private n: Int32Array[] = [];
  private flags: Uint8Array[] = [];
  length = 0;

  push(c: GcCycle): void {
    const b = this.length >>> 16;
    const o = this.length & (BLOCK - 1);
    if (o === 0) {
      this.f.push(new Float64Array(BLOCK * F));
      this.n.push(new Int32Array(BLOCK * I));
      this.flags.push(new Uint8Array(BLOCK));
    }
    const f = this.f[b];
    const n = this.n[b];
    f.set([c.line, c.atMs, c.clock.sweepTermUs, c.clock.markUs, c.clock.markTermUs, c.cpu.sweepTermUs, c.cpu.assistUs, c.cpu.backgroundUs, c.cpu.idleUs, c.cpu.markTermUs], o * F);
    const h = c.heap;
    n.set([c.gc, c.gcCpuPercent, h.beforeMB, h.afterMB, h.liveMB, h.goalMB, h.stacksMB ?? -1, h.globalsMB ?? -1, c.procs], o * I);
    this.flags[b][o] = (c.forced ? 1 : 0) | (c.leakCheck ? 2 : 0);
    this.length++;
  }

  at(i: number): GcCycle | undefined {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) return undefined;
    const f = this.f[i >>> 16].subarray((i & (BLOCK - 1)) * F);
    const n = this.n[i >>> 16].subarray((i & (BLOCK - 1)) * I);
    const fl = this.flags[i >>> 16][i & (BLOCK - 1)];
    const clock = { sweepTermUs: f[2], markUs: f[3], markTermUs: f[4] };
    const cpu = { sweepTermUs: f[5], assistUs: f[6], backgroundUs: f[7], idleUs: f[8], markTermUs: f[9] };
    const mark = cpu.assistUs + cpu.backgroundUs + cpu.idleUs;
    return {
      line: f[0], gc: n[0], atMs: f[1], gcCpuPercent: n[1], clock, cpu,
      heap: { beforeMB: n[2], afterMB: n[3], liveMB: n[4], goalMB: n[5], stacksMB: n[6] < 0 ? null : n[6], globalsMB: n[7] < 0 ? null : n[7] },
      procs: n[8], forced: (fl & 1) !== 0, leakCheck: (fl & 2) !== 0,
      pauseUs: clock.sweepTermUs + clock.markTermUs,
      assistShare: mark === 0 ? null : cpu.assistUs / mark,
    };
  }
}

/** Reads a log file in 1 MiB chunks into a CycleStore: memory grows with the cycles, not the file. */
export function readGctraceFile(file: string): CycleStore {
  const store = new CycleStore();
  const r = new GctraceReader(file, (c) => store.push(c));
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    throw new InputError(file, undefined, 'cannot read file');
  }
  try {
    const chunk = Buffer.allocUnsafe(1 << 20);
    for (let got = readSync(fd, chunk); got > 0; got = readSync(fd, chunk)) r.push(chunk.subarray(0, got));
    r.end();
  } finally {
    closeSync(fd);
  }
  return store;
}

function quote(s: string): string {
  const short = s.length > 80 ? s.slice(0, 80) + '…' : s;
  return JSON.stringify(short);
}

export interface GctraceSummary {
  cycles: number;
  forced: number;
  /** Wall-clock from the first cycle's start to the last's, milliseconds. */
  spanMs: number;
  /** STW pause per cycle (sweep termination + mark termination), microseconds, nearest-rank percentiles. */
  pauseUs: { p50: number; p90: number; p99: number; max: number; total: number };
  cpuUs: { sweepTerm: number; assist: number; background: number; idle: number; markTerm: number };
  /** Assist share of all mark CPU over the whole log, 0..1, or null when none was recorded. */
  assistShare: number | null;
  /** The threshold (0..1) and the cycles whose assist share exceeds it. */
  assistThreshold: number;
  overAssist: { gc: number; line: number; assistShare: number }[];
  heapMaxMB: number;
  goalMaxMB: number;
}

/** Nearest-rank percentile of sorted values: the smallest value with at least p% of values at or below it. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

export function summarise(cycles: CycleList, assistThreshold: number): GctraceSummary {
  const pauses = new Float64Array(cycles.length);
  const cpu = { sweepTerm: 0, assist: 0, background: 0, idle: 0, markTerm: 0 };
  let heapMax = 0;
  let goalMax = 0;
  let forced = 0;
  const overAssist: GctraceSummary['overAssist'] = [];
  for (let i = 0; i < cycles.length; i++) {
    const c = cycles.at(i)!;
    pauses[i] = c.pauseUs;
    cpu.sweepTerm += c.cpu.sweepTermUs;
    cpu.assist += c.cpu.assistUs;
    cpu.background += c.cpu.backgroundUs;
    cpu.idle += c.cpu.idleUs;
    cpu.markTerm += c.cpu.markTermUs;
    heapMax = Math.max(heapMax, c.heap.beforeMB, c.heap.afterMB);
    goalMax = Math.max(goalMax, c.heap.goalMB);
    if (c.forced) forced++;
    if (c.assistShare !== null && c.assistShare > assistThreshold) overAssist.push({ gc: c.gc, line: c.line, assistShare: c.assistShare });
  }
  pauses.sort();
  const sorted = pauses;
  const mark = cpu.assist + cpu.background + cpu.idle;
  const n = cycles.length;
  return {
    cycles: n,
    forced,
    spanMs: n === 0 ? 0 : cycles.at(n - 1)!.atMs - cycles.at(0)!.atMs,
    pauseUs: {
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p99: percentile(sorted, 99),
      max: n === 0 ? 0 : pauses[n - 1],
      total: pauses.reduce((a, b) => a + b, 0),
    },
    cpuUs: cpu,
    assistShare: mark === 0 ? null : cpu.assist / mark,
    assistThreshold,
    overAssist,
    heapMaxMB: heapMax,
    goalMaxMB: goalMax,
  };
}
