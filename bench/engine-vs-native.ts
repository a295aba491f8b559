/**
 * What the engine benchmarks (sim.ts, sim-swiss.ts) share: timing one map
 * operation over every key, and the ratio table against native Go measured
 * in the same run.
 */

export type OpTimes = Record<string, number>;

/** Nanoseconds per key of running `f` once over all `n` keys. */
export function perKey(n: number, f: () => void): number {
  const t = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t) / n;
}

/** The table: for int64 and string keys, each op's engine and native ns/op and their ratio. */
export function printRatios(engine: Record<'int64' | 'string', OpTimes>, native: Record<string, OpTimes>): void {
  console.log('keys    op       engine     native     ratio');
  for (const kind of ['int64', 'string'] as const) {
    for (const op of ['insert', 'lookup', 'delete']) {
      const e = engine[kind][op];
      const n = native[kind][op];
      console.log(`${kind.padEnd(7)} ${op.padEnd(7)} ${e.toFixed(0).padStart(9)} ${n.toFixed(1).padStart(10)} ${(e / n).toFixed(1).padStart(8)}x`);
    }
  }
}
