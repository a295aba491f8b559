/**
 * Progress of long work on stderr, for people: shown only when stderr is a
 * terminal and the work has run longer than a second, redrawn in place at
 * most four times a second. Never written to a pipe or a file, where it
 * would be noise in a log (docs/check.md).
 */
import type { CliIO } from './io.js';

export interface Progress {
  /** `done` of `total` units of `what` (buckets, tables…). */
  (done: number, total: number, what: string): void;
  /** Ends the line (call once the work is over). */
  end(): void;
}

export function progressLine(io: CliIO, label: string, now: () => number = Date.now): Progress {
  const started = now();
  let last = 0;
  let drawn = false;
  const p = ((done: number, total: number, what: string) => {
    if (!io.errIsTTY) return;
    const t = now();
    if (t - started < 1000 || t - last < 250) return;
    last = t;
    const pct = total > 0 ? Math.floor((100 * done) / total) : 0;
    io.err(`${drawn ? '\x1b[1A\x1b[2K' : ''}${label}: ${pct}% (${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} ${what})`);
    drawn = true;
  }) as Progress;
  p.end = () => {
    if (drawn) io.err('\x1b[1A\x1b[2K\x1b[1A');
    drawn = false;
  };
  return p;
}
