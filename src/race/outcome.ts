/**
 * What `mapscope race` reports (docs/json.md "race"): how many interleavings
 * end in each class, their shares with confidence intervals, and one
 * shortest witness interleaving per class, step by step.
 *
 * - caught: a runtime check fired — the exact `fatal error:` text the
 *   runtime prints (`concurrent map writes`, `concurrent map read and map
 *   write`, …) — and the program died there.
 * - benign: no check fired, and the end state is one some serial order of
 *   the same operations also gives: the same map contents (keys and elems,
 *   as bytes), the same lookup results, and the checker finds nothing.
 * - corrupt: no check fired, and the end state fails `mapscope check`, or
 *   loses, duplicates or changes an entry no serial order would.
 */

export type OutcomeClass = 'caught' | 'benign' | 'corrupt';
export const OUTCOME_CLASSES: readonly OutcomeClass[] = ['caught', 'benign', 'corrupt'];

/** One step of a witness: which goroutine ran which step of which op. */
export interface WitnessStep {
  /** Goroutine index (0-based; `setup` steps are not listed). */
  readonly g: number;
  /** Index of the op in the goroutine's list (for a fatal error: the op it happened in). */
  readonly op: number;
  /** The op, for people: `insert 1 → 10`. */
  readonly opText: string;
  /** What the step did, with the values it read and wrote. */
  readonly text: string;
  /** Where the runtime does this: `runtime/map_fast64.go mapassign_fast64`. */
  readonly source: string;
}

export interface Witness {
  readonly class: OutcomeClass;
  /** The goroutine that ran each step, in order (the interleaving itself). */
  readonly schedule: readonly number[];
  readonly steps: readonly WitnessStep[];
  /** caught: the fatal error text; corrupt: the findings and lost/duplicated entries; benign: which serial order it equals. */
  readonly detail: readonly string[];
}

/** A share with its interval: exact (lo = hi = share) when every interleaving was run, Wilson 95% when sampled. */
export interface Share {
  readonly share: number;
  readonly lo: number;
  readonly hi: number;
}

export interface RaceResult {
  readonly scenario: {
    readonly file: string;
    readonly go: string;
    readonly arch: string;
    readonly impl: 'classic' | 'swiss';
    readonly type: string;
    /** The runtime entry points the compiler picks for the type (generic, fast32, fast64, faststr). */
    readonly variant: string;
    readonly goroutines: number;
    /** Steps each goroutine takes when it runs alone after the setup: the lengths the interleavings are counted over. */
    readonly soloSteps: readonly number[];
  };
  /** exhaustive: every interleaving; sample: `explored` drawn uniformly (with replacement) with `seed`. */
  readonly mode: 'exhaustive' | 'sample';
  readonly seed?: number;
  /** Memory model the steps ran under. */
  readonly memoryModel: 'SC' | 'ARMv8';
  /** All interleavings of the goroutines' solo step sequences (the multinomial coefficient), as a decimal string. */
  readonly interleavings: string;
  /** Interleavings whose class was counted (all of them when exhaustive; the sample size otherwise). */
  readonly explored: number;
  /**
   * Distinct executions actually run: a fatal ends the program, so every
   * interleaving sharing the steps up to it is the same execution, run once
   * and counted with its multiplicity.
   */
  readonly executions: number;
  readonly outcomes: Readonly<Record<OutcomeClass, number>>;
  readonly shares: Readonly<Record<OutcomeClass, Share>>;
  /** caught interleavings per fatal message. */
  readonly fatal: Readonly<Record<string, number>>;
  /** Distinct end states of the serial orders (what benign is compared with). */
  readonly serialStates: number;
  /** One shortest witness per class that occurred. */
  readonly witnesses: Partial<Readonly<Record<OutcomeClass, Witness>>>;
  /** Limits of the simulation that apply to this scenario (coarse steps, …). */
  readonly notes: readonly string[];
  /** --weak: the outcomes under SC and under ARMv8 (src/litmus's model), and those only ARMv8 allows. */
  readonly weak?: {
    readonly model: 'ARMv8';
    readonly sc: readonly string[];
    readonly armv8: readonly string[];
    readonly armOnly: readonly string[];
    /** The AArch64 litmus test the outcomes come from (`mapscope litmus` runs it). */
    readonly litmus: string;
    readonly missing: string;
  };
}

/** Wilson score interval at 95% for k successes in n draws. */
export function wilson(k: number, n: number): { lo: number; hi: number } {
  if (n === 0) return { lo: 0, hi: 1 };
  const z = 1.959963984540054;
  const p = k / n;
  const z2 = z * z;
  const den = 1 + z2 / n;
  const mid = (p + z2 / (2 * n)) / den;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / den;
  // At k = 0 (k = n) the closed form's bound is exactly 0 (1); computed as mid − half it is a rounding
  // error away (4e-19), which a report would print as a share above nothing.
  return { lo: k === 0 ? 0 : Math.max(0, mid - half), hi: k === n ? 1 : Math.min(1, mid + half) };
}
