/**
 * A copy of a stopped process's memory, taken so the process runs again
 * before anything is checked: the pause lasts as long as the copy, not as
 * long as the check (a 1M-entry map: tens of milliseconds, where checking
 * takes seconds).
 *
 * What is copied: every readable mapping that can change — writable ones
 * (the Go heap, goroutine stacks, .data/.bss) and anonymous ones. Read-only
 * file mappings (the executable's text and rodata) cannot change and are
 * read from the running process when needed. Private anonymous mappings are
 * copied page by page as /proc/N/pagemap marks them present or swapped: Go
 * maps its heap arenas and metadata (tens of MB) read-write long before it
 * touches them, and a page never touched reads as zeros, so it is recorded
 * as zeros without reading it (reading it would also make the kernel map a
 * zero page into the target).
 *
 * The copy is bounded by a deadline (--max-pause): past it the copy stops
 * and a PauseExceededError says so; the caller resumes the process either way.
 */
import { openSync, closeSync, readSync } from 'node:fs';
import { InputError } from '../../base/errors.js';
import { MemoryError } from '../../model/memory.js';
import type { LiveMemory, Region } from './live.js';

const PAGE = 4096;
const CHUNK = 4 << 20;

/** The copy took longer than --max-pause allows; the process is resumed and nothing is checked. */
export class PauseExceededError extends InputError {
  constructor(pid: number, ms: number, limitMs: number, copied: number) {
    super(`pid ${pid}`, undefined, `copying its memory would stop it longer than --max-pause ${fmtMs(limitMs)}: stopped after ${fmtMs(ms)} with ${fmtBytes(copied)} copied, resumed it, checked nothing (raise --max-pause, or check without --freeze)`);
    this.name = 'PauseExceededError';
  }
}

export function fmtMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
}

export function fmtBytes(n: number): string {
  return n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(0)} KiB` : `${n} B`;
}

interface Run {
  start: number;
  bytes: Uint8Array;
}

interface CopiedRegion {
  start: number;
  end: number;
  /** Copied bytes, sorted. */
  runs: Run[];
  /** Bytes of the region outside every run are untouched pages (zeros); else they could not be read. */
  sparse: boolean;
}

export interface CopyStats {
  /** Bytes read from the process. */
  readonly bytes: number;
  readonly regions: number;
}

/** Whether a mapping's contents can change while the process runs (so must be copied while it is stopped). */
function mutable(r: Region): boolean {
  if (r.perms[0] !== 'r') return false;
  if (r.path === '[vvar]' || r.path === '[vvar_vclock]' || r.path === '[vsyscall]') return false;
  return r.perms[1] === 'w' || r.path === '' || r.path.startsWith('[');
}

/** Private anonymous: pages never touched are zeros, so pagemap may skip them. */
function sparse(r: Region): boolean {
  return r.perms[3] === 'p' && (r.path === '' || r.path === '[heap]' || r.path === '[stack]');
}

/** Runs of pages present or swapped (pagemap bits 63 and 62) in [start, end), or undefined when pagemap cannot be read. */
function presentRuns(pagemap: number, start: number, end: number): [number, number][] | undefined {
  const pages = (end - start) / PAGE;
  const out: [number, number][] = [];
  const buf = new Uint8Array(Math.min(pages, 1 << 16) * 8);
  const dv = new DataView(buf.buffer);
  let runStart = -1;
  for (let done = 0; done < pages; ) {
    const n = Math.min(pages - done, buf.length / 8);
    let got: number;
    try {
      got = readSync(pagemap, buf, 0, n * 8, (start / PAGE + done) * 8);
    } catch {
      return undefined;
    }
    if (got !== n * 8) return undefined;
    for (let i = 0; i < n; i++) {
      const hi = dv.getUint32(i * 8 + 4, true);
      const here = start + (done + i) * PAGE;
      if ((hi & 0xc0000000) !== 0) {
        if (runStart < 0) runStart = here;
      } else if (runStart >= 0) {
        out.push([runStart, here]);
        runStart = -1;
      }
    }
    done += n;
  }
  if (runStart >= 0) out.push([runStart, end]);
  return out;
}

export class MemoryCopy {
  private constructor(
    private readonly regions: CopiedRegion[],
    /** Every readable mapping when the copy was taken. */
    private readonly layout: Region[],
    readonly stats: CopyStats,
  ) {}

  /**
   * Copies the process's mutable memory. `deadline` (performance.now() time)
   * bounds it: past it, PauseExceededError. `mem` must be stopped for the
   * copy to be consistent (a running process copies fine, torn).
   */
  static take(mem: LiveMemory, regions: Region[], deadline?: { at: number; since: number; limitMs: number }): MemoryCopy {
    let pagemap: number | undefined;
    try {
      pagemap = openSync(`/proc/${mem.pid}/pagemap`, 'r');
    } catch {
      pagemap = undefined;
    }
    const copied: CopiedRegion[] = [];
    let bytes = 0;
    try {
      for (const r of regions.filter(mutable)) {
        const spans = (sparse(r) && pagemap !== undefined ? presentRuns(pagemap, r.start, r.end) : undefined) ?? [[r.start, r.end]];
        const isSparse = spans.length !== 1 || spans[0][0] !== r.start || spans[0][1] !== r.end;
        const runs: Run[] = [];
        for (const [s, e] of spans) {
          const buf = new Uint8Array(e - s);
          let got = 0;
          for (let at = s; at < e; at += CHUNK) {
            try {
              mem.readInto(buf.subarray(at - s, Math.min(at - s + CHUNK, e - s)), at);
            } catch (err) {
              // A mapping the kernel will not read (a guard page, I/O memory): leave the rest out, as a core would.
              if (err instanceof MemoryError) break;
              throw err;
            }
            got = Math.min(at + CHUNK, e) - s;
            bytes += Math.min(CHUNK, e - at);
            if (deadline && performance.now() > deadline.at) throw new PauseExceededError(mem.pid, performance.now() - deadline.since, deadline.limitMs, bytes);
          }
          if (got > 0) runs.push({ start: s, bytes: buf.subarray(0, got) });
        }
        copied.push({ start: r.start, end: r.end, runs, sparse: isSparse });
      }
    } finally {
      if (pagemap !== undefined) closeSync(pagemap);
    }
    return new MemoryCopy(copied, regions.filter((r) => r.perms[0] === 'r'), { bytes, regions: copied.length });
  }

  /**
   * The bytes at [start, start+len): copied ones from the copy, zeros for
   * untouched pages, and read-only file mappings through `live`. An address
   * no readable mapping held when the copy was taken is a MemoryError.
   */
  read(start: number, len: number, live: (addr: number, len: number) => Uint8Array): Uint8Array {
    const out = new Uint8Array(len);
    let at = start;
    while (at < start + len || (len === 0 && at === start)) {
      const want = start + len - at;
      const r = this.find(at);
      if (r) {
        const n = Math.min(want, r.end - at);
        let covered = 0;
        for (const run of r.runs) {
          const a = Math.max(at, run.start);
          const b = Math.min(at + n, run.start + run.bytes.length);
          if (a < b) {
            out.set(run.bytes.subarray(a - run.start, b - run.start), a - start);
            covered += b - a;
          }
        }
        if (!r.sparse && covered < n) throw new MemoryError(BigInt(at), `address 0x${at.toString(16)} (reading ${len} bytes at 0x${start.toString(16)}) could not be read when the process was copied`);
        at += n;
      } else {
        const m = this.layout.find((x) => at >= x.start && at < x.end);
        if (!m) throw new MemoryError(BigInt(at), `address 0x${at.toString(16)} was not in a readable mapping of the process when it was copied`);
        const n = Math.min(want, m.end - at);
        out.set(live(at, n), at - start);
        at += n;
      }
      if (len === 0) break;
    }
    return out;
  }

  private find(at: number): CopiedRegion | undefined {
    let lo = 0;
    let hi = this.regions.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = this.regions[mid];
      if (at < r.start) hi = mid - 1;
      else if (at >= r.end) lo = mid + 1;
      else return r;
    }
    return undefined;
  }
}
