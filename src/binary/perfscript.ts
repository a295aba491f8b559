/**
 * `perf script` text: Linux perf's samples as it prints them by default
 * (tools/perf/builtin-script.c). One sample is a header line
 *
 *   COMM PID[/TID] [CPU] TIME: [PERIOD] EVENT: [IP SYM (DSO)]
 *
 * followed, when recorded with -g, by one tab-indented line per frame,
 * innermost first (`ADDR SYM+OFF (DSO)`), and a blank line. Without -g the
 * one frame is on the header line. COMM is right-aligned with spaces and may
 * hold spaces itself, so the header is read from its fixed right-hand part;
 * frame lines are the ones that start with a tab. Lines starting with `#`
 * (perf's --header block) are comments.
 *
 * Addresses are as perf prints them, which differs by place (seen with perf
 * 6.1): a call-chain frame's address is relative to its DSO's mapping (the
 * file offset of the instruction, for Go's executables), the header line's
 * sample address is the virtual address. `relative` says which.
 *
 * Strict and bounded, as for every untrusted input: any other line is an
 * error naming the file and line; the text, the lines, the samples and the
 * frames per sample have limits (PERF_LIMITS), past which the input is
 * refused rather than read in part.
 */
import { InputError, LimitError } from '../base/errors.js';

export interface PerfFrame {
  /** The address perf printed (DSO-relative); -1 past 2^53 (kernel addresses). */
  addr: number;
  /** A call-chain frame: the address is DSO-relative (else the header's virtual address). */
  relative: boolean;
  /** perf's symbol, `name+0xoff` or `[unknown]`. */
  sym: string;
  /** The DSO's path as perf printed it, `[kernel.kallsyms]`, `[unknown]`… */
  dso: string;
}

export interface PerfSample {
  /** 1-based line of the sample's header. */
  line: number;
  comm: string;
  pid: number;
  event: string;
  /** perf's period (e.g. nanoseconds of cpu-clock), or 1 when not printed. */
  period: number;
  /** Innermost first. */
  frames: PerfFrame[];
}

export const PERF_LIMITS = {
  /** Bytes of text. */
  bytes: 512 << 20,
  /** Characters in one line (perf's own symbol names are far shorter). */
  line: 16 << 10,
  samples: 5_000_000,
  /** Frames in one sample (perf's own kernel.perf_event_max_stack default is 127). */
  frames: 4096,
};

const HEADER = /^(.+?)\s+(\d+)(?:\/(\d+))?\s+(?:\[(\d+)\]\s+)?(\d+\.\d+):\s+(?:(\d+)\s+)?(\S+):(?:\s+(.*))?$/;
const FRAME = /^([0-9a-f]{1,16})\s+(.*?)\s+\(([^()]*|\[[^\]]*\])\)$/;

function frameOf(text: string, relative: boolean): PerfFrame | undefined {
  const m = FRAME.exec(text.trim());
  if (!m) return undefined;
  const addr = parseInt(m[1], 16);
  // Kernel addresses (0xffff…) pass 2^53: kept as -1, since only frames of the executable are mapped.
  return { addr: Number.isSafeInteger(addr) ? addr : -1, relative, sym: m[2], dso: m[3] };
}

/** The samples of `perf script` output `text`, read from `file` (named in errors). */
export function parsePerfScript(file: string, text: string, limits = PERF_LIMITS): PerfSample[] {
  if (text.length > limits.bytes) throw new LimitError(`${file}: ${text.length} bytes of perf script text (at most ${limits.bytes})`);
  const out: PerfSample[] = [];
  let cur: PerfSample | undefined;
  let lineNo = 0;
  let start = 0;
  const fail = (why: string, line: string): never => {
    throw new InputError(file, `line ${lineNo}`, `${why}: ${JSON.stringify(line.length > 80 ? `${line.slice(0, 80)}…` : line)}`);
  };
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end).replace(/\r$/, '');
    start = end + 1;
    lineNo++;
    if (line.length > limits.line) fail(`line longer than ${limits.line} characters`, line);
    if (line.trim() === '') {
      cur = undefined;
      if (end === text.length) break;
      continue;
    }
    if (line.startsWith('#')) continue;
    if (line.startsWith('\t')) {
      if (!cur) fail('a frame line outside a sample (expected a sample header first)', line);
      const f = frameOf(line, true);
      if (!f) fail('not a frame line (ADDR SYMBOL (DSO))', line);
      if (cur!.frames.length >= limits.frames) fail(`more than ${limits.frames} frames in one sample`, line);
      cur!.frames.push(f!);
      continue;
    }
    const m = HEADER.exec(line.trimStart());
    if (!m) fail('not perf script output (expected COMM PID TIME: [PERIOD] EVENT:)', line);
    if (out.length >= limits.samples) throw new LimitError(`${file}: more than ${limits.samples} samples`);
    const [, comm, pid, , , , period, event, rest] = m!;
    cur = { line: lineNo, comm, pid: Number(pid), event, period: period === undefined ? 1 : Number(period), frames: [] };
    if (rest !== undefined && rest.trim() !== '') {
      const f = frameOf(rest, false);
      if (!f) fail('not a frame after the event (ADDR SYMBOL (DSO))', line);
      cur.frames.push(f!);
    }
    out.push(cur);
  }
  return out;
}
