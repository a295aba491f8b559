/**
 * The one shape of a map's life that both engines offer: open a scenario's
 * map (make, with its hint and hash), apply its operations one at a time,
 * take a snapshot, and read what each operation did (the trace). Callers
 * (the CLI, the tour, the checker's tests) go through this and never ask
 * which implementation they hold; src/engine/index.ts picks the engine a
 * scenario's Go version and experiment select.
 */
import type { Op, Scenario } from './scenario.js';
import type { ClassicMap } from './classic/map.js';
import type { SwissMap } from './swiss/map.js';

/** The engine's map itself, for readers of its memory beyond the snapshot (src/footprint counts its heap). */
export type EngineMap = { readonly impl: 'classic'; readonly map: ClassicMap } | { readonly impl: 'swiss'; readonly map: SwissMap };

export interface TraceLine {
  /** Index of the operation in `scenario.ops`; -1 for make. */
  readonly op: number;
  readonly text: string;
}

export interface EngineResult<S> {
  readonly snapshot: S;
  readonly trace: readonly TraceLine[];
}

/** One map, opened on a scenario's target and driven one operation at a time. */
export interface MapSession<S> {
  /** Runs `op` as operation `index` of the scenario (trace lines and errors name that index). */
  apply(op: Op, index: number): void;
  /** The map's state now, in the engine's snapshot format (docs/json.md "sim"). */
  snapshot(): S;
  /** Every trace line so far, in order; empty unless opened with `trace`. */
  readonly trace: readonly TraceLine[];
  /** The map the session drives. */
  readonly engineMap: EngineMap;
}

/** An operation as `sim --trace` heads its lines: "#3 insert 7 70", "#4 clear". */
export function opText(op: Op, i: number): string {
  const args = op.op === 'insert' ? `${JSON.stringify(op.key)} ${JSON.stringify(op.value)}`
    : op.op === 'clear' ? '' : op.op === 'iterate' ? `r=${op.r}` : JSON.stringify(op.key);
  return `#${i} ${op.op} ${args}`.trimEnd();
}

export interface Engine<S = unknown> {
  readonly impl: 'classic' | 'swiss';
  /** make(map[K]V, hint) on the scenario's target; the scenario's ops are not run. */
  open(scenario: Omit<Scenario, 'ops'>, opts?: { trace?: boolean }): MapSession<S>;
  /** open, every op of the scenario in order, then the snapshot. */
  simulate(scenario: Scenario, opts?: { trace?: boolean }): EngineResult<S>;
  /** The snapshot drawn for people (terminal text). */
  draw(snapshot: S): string;
}

/** What every engine's simulate is: open, apply each op, snapshot. */
export function replay<S>(open: Engine<S>['open'], scenario: Scenario, opts?: { trace?: boolean }): EngineResult<S> {
  const m = open(scenario, opts);
  scenario.ops.forEach((op, i) => m.apply(op, i));
  return { snapshot: m.snapshot(), trace: m.trace };
}
