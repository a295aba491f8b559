/**
 * The protocol between the stepped runtime code (classic.ts, swiss.ts) and
 * the scheduler (explore.ts).
 *
 * A stepped operation is a generator over the engine's own map in its own
 * simulated memory. Everything it does between two `yield`s is one step: one
 * load or store of shared memory (or a few loads taken as one step, such as
 * a bucket's or group's probe; docs/race.md lists them). The yielded value describes the step just done. When the runtime
 * would call fatal(), the code throws `Fatal` with the runtime's message; the
 * scheduler ends the whole program there, as the runtime does.
 */
import type { Steps } from '../engine/steps.js';

/** One step just done: what it read or wrote, and where the runtime does it. */
export interface StepInfo {
  readonly text: string;
  /** Source file and function, e.g. `runtime/map_fast64.go mapassign_fast64`. */
  readonly source: string;
}

/** What an op leaves for classification: lookups report whether they found the key. */
export type OpResult = { readonly found: boolean } | undefined;

export type SteppedOp = Generator<StepInfo, OpResult, void>;

/**
 * The engine's own steps (src/engine/steps.ts: a text each) as StepInfos,
 * each citing `sourceOf(text)`; the generator's return value passes through.
 */
export function* withSource<T>(g: Steps<T>, sourceOf: (text: string) => string): Generator<StepInfo, T, void> {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
    yield { text: r.value, source: sourceOf(r.value) };
  }
}

/**
 * The caller's store of `m[k] = v`'s elem through the pointer mapassign
 * returned, a step per store instruction (keystore.ts elemStorePieces).
 */
export type ElemStore = (addr: number) => Generator<StepInfo, void, void>;

/**
 * The runtime's fatal error: `fatal error: <message>`, unrecoverable, the
 * program dies. `caught` is false when no concurrent-access check fired but
 * the runtime died of the damage: a fault on memory a race left invalid, or
 * a throw such as evacuate's `bad map state` (the outcome is corrupt).
 */
export class Fatal extends Error {
  constructor(readonly fatalMessage: string, readonly source: string, readonly caught = true) {
    super(`fatal error: ${fatalMessage}`);
    this.name = 'Fatal';
  }
}
