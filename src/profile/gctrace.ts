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
 * Every gctrace cycle of a log, in order. Lines end at \n (a trailing \r is
 * dropped); a gctrace line that does not parse throws, naming `source` and
 * the line number.
 */
export function parseGctrace(log: Buffer | string, source: string): GcCycle[] {
  const buf = typeof log === 'string' ? Buffer.from(log, 'utf8') : log;
  const cycles: GcCycle[] = [];
  let start = 0;
  let lineNo = 0;
  while (start < buf.length) {
    const lineStart = start;
    let end = buf.indexOf(10, start);
    if (end < 0) end = buf.length;
    start = end + 1;
    lineNo++;
    // gctrace lines are short ASCII: decode only the head of a long line.
    let text = buf.toString('latin1', lineStart, Math.min(end, lineStart + MAX_LINE + 1));
    if (text.endsWith('\r')) text = text.slice(0, -1);
    const s = START.exec(text);
    if (!s) continue;
    if (text.length > MAX_LINE) throw new InputError(source, `line ${lineNo}`, `gctrace line longer than ${MAX_LINE} bytes`);
    const body = text.slice(s.index + s[0].length - s[1].length);
    const c = parseGcLine(body, lineNo);
    if (!c) throw new InputError(source, `line ${lineNo}`, `malformed gctrace line: ${quote(body)}`);
    cycles.push(c);
  }
  return cycles;
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
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

export function summarise(cycles: GcCycle[], assistThreshold: number): GctraceSummary {
  const pauses = cycles.map((c) => c.pauseUs).sort((a, b) => a - b);
  const cpu = { sweepTerm: 0, assist: 0, background: 0, idle: 0, markTerm: 0 };
  let heapMax = 0;
  let goalMax = 0;
  for (const c of cycles) {
    cpu.sweepTerm += c.cpu.sweepTermUs;
    cpu.assist += c.cpu.assistUs;
    cpu.background += c.cpu.backgroundUs;
    cpu.idle += c.cpu.idleUs;
    cpu.markTerm += c.cpu.markTermUs;
    heapMax = Math.max(heapMax, c.heap.beforeMB, c.heap.afterMB);
    goalMax = Math.max(goalMax, c.heap.goalMB);
  }
  const mark = cpu.assist + cpu.background + cpu.idle;
  return {
    cycles: cycles.length,
    forced: cycles.filter((c) => c.forced).length,
    spanMs: cycles.length === 0 ? 0 : cycles[cycles.length - 1].atMs - cycles[0].atMs,
    pauseUs: {
      p50: percentile(pauses, 50),
      p90: percentile(pauses, 90),
      p99: percentile(pauses, 99),
      max: pauses.length === 0 ? 0 : pauses[pauses.length - 1],
      total: pauses.reduce((a, b) => a + b, 0),
    },
    cpuUs: cpu,
    assistShare: mark === 0 ? null : cpu.assist / mark,
    assistThreshold,
    overAssist: cycles.filter((c) => c.assistShare !== null && c.assistShare > assistThreshold).map((c) => ({ gc: c.gc, line: c.line, assistShare: c.assistShare as number })),
    heapMaxMB: heapMax,
    goalMaxMB: goalMax,
  };
}
