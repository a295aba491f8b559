/**
 * The map engines: a scenario (src/engine/scenario.ts) replayed on a model of
 * the runtime's map, ending in a snapshot of the map's memory.
 *
 * - classic (src/engine/classic): Go 1.13–1.23, 1.24–1.25 noswissmap.
 * - swiss (src/engine/swiss): Go 1.24+; built on its own branch.
 *
 * Both implement `Engine`; `mapscope sim` picks one by `scenario.impl`.
 */
import type { Scenario } from './scenario.js';

export interface TraceLine {
  /** Index of the operation in `scenario.ops`; -1 for make. */
  readonly op: number;
  readonly text: string;
}

export interface EngineResult<S> {
  readonly snapshot: S;
  readonly trace: readonly TraceLine[];
}

export interface Engine<S = unknown> {
  readonly impl: 'classic' | 'swiss';
  simulate(scenario: Scenario, opts?: { trace?: boolean }): EngineResult<S>;
  /** The snapshot drawn for people (terminal text). */
  draw(snapshot: S): string;
}
