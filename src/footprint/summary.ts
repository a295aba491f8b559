/**
 * From runs to figures: per size, the median of the seeds' totals with
 * their min and max, the median run's breakdown, bytes per entry and load;
 * and the parsing of `--entries` (a size, a list, or a decade range).
 */
import { UsageError } from '../base/errors.js';
import type { LiveBytes } from './live.js';
import type { FootprintRun, GrowthEvent } from './measure.js';
import type { HashSpec } from '../engine/scenario.js';

export interface FootprintPoint {
  readonly entries: number;
  readonly bytes: { readonly median: number; readonly min: number; readonly max: number };
  /** The breakdown of the seed whose total is the median. */
  readonly parts: LiveBytes;
  readonly bytesPerEntry: number | null;
  /** Entries over the slots the map offers (2^B × 8 buckets' slots, or the tables' capacity). */
  readonly load: number | null;
}

export interface TargetFootprint {
  readonly target: string;
  readonly go: string;
  readonly arch: string;
  readonly experiment: string;
  readonly impl: 'classic' | 'swiss';
  readonly hashes: readonly HashSpec[];
  readonly points: readonly FootprintPoint[];
  /** The growth the first seed's run went through. */
  readonly growth: readonly GrowthEvent[];
}

export function summarize(r: FootprintRun): TargetFootprint {
  const points = r.sizes.map((entries, i): FootprintPoint => {
    const shapes = r.runs.map((run) => run.points[i]);
    const order = [...shapes].sort((a, b) => a.bytes.total - b.bytes.total);
    const mid = order[(order.length - 1) >> 1];
    return {
      entries,
      bytes: { median: mid.bytes.total, min: order[0].bytes.total, max: order[order.length - 1].bytes.total },
      parts: mid.bytes,
      bytesPerEntry: entries === 0 ? null : mid.bytes.total / entries,
      load: mid.slots === 0 ? null : entries / mid.slots,
    };
  });
  return {
    target: r.label, go: r.target.go, arch: r.target.arch, experiment: r.target.experiment ?? '', impl: r.impl,
    hashes: r.runs.map((x) => x.hash), points, growth: r.runs[0].growth,
  };
}

const MAX_ENTRIES = 1e9;

function parseCount(s: string): number {
  const t = s.trim().replace(/_/g, '');
  const n = /^\d+(\.\d+)?e\d+$/i.test(t) || /^\d+$/.test(t) ? Number(t) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`--entries: ${JSON.stringify(s)} is not a whole number of entries (examples: 1000, 1e6)`);
  if (n > MAX_ENTRIES) throw new UsageError(`--entries: ${s} is over ${MAX_ENTRIES}`);
  return n;
}

/** "N", "N,N,…" or "1e3..1e8" (every power of ten from the first to the last). */
export function parseEntries(spec: string): number[] {
  const range = /^\s*([^.]+)\.\.([^.]+)\s*$/.exec(spec);
  if (range) {
    const lo = parseCount(range[1]);
    const hi = parseCount(range[2]);
    const isPow10 = (n: number) => n >= 1 && 10 ** Math.round(Math.log10(n)) === n;
    if (!isPow10(lo) || !isPow10(hi) || lo > hi) throw new UsageError(`--entries: a range runs from one power of ten to a larger one (1e3..1e8), got ${spec}`);
    const out: number[] = [];
    for (let n = lo; n <= hi; n *= 10) out.push(n);
    return out;
  }
  const list = spec.split(',').filter((s) => s.trim() !== '').map(parseCount);
  if (list.length === 0) throw new UsageError('--entries needs at least one size');
  return [...new Set(list)].sort((a, b) => a - b);
}
