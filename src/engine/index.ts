/**
 * The map engines: a scenario (src/engine/scenario.ts) replayed on a model of
 * the runtime's map, ending in a snapshot of the map's memory.
 *
 * - classic (src/engine/classic): Go 1.13–1.23, 1.24–1.25 noswissmap.
 * - swiss (src/engine/swiss): Go 1.24+.
 *
 * Both implement `Engine` (src/engine/session.ts): open, apply an op,
 * snapshot, trace. `engineFor` is the one place that chooses between them,
 * by `scenario.impl` (which follows from the Go version and experiment).
 */
import type { MapImpl } from '../model/goversion.js';
import { classicEngine } from './classic/engine.js';
import { swissEngine } from './swiss/engine.js';
import type { ClassicSnapshot } from './classic/snapshot.js';
import type { SwissSnapshot } from './swiss/snapshot.js';
import type { Engine } from './session.js';

export type { Engine, EngineMap, EngineResult, MapSession, TraceLine } from './session.js';
export { opText } from './session.js';
export type { ClassicSnapshot, SwissSnapshot };

/** A snapshot of either engine (its `impl` field says which). */
export type MapSnapshot = ClassicSnapshot | SwissSnapshot;

const ENGINES: Record<MapImpl, Engine<MapSnapshot>> = {
  classic: classicEngine as Engine<MapSnapshot>,
  swiss: swissEngine as Engine<MapSnapshot>,
};

/** The engine for a scenario's implementation (`scenario.impl`). */
export function engineFor(impl: MapImpl): Engine<MapSnapshot> {
  return ENGINES[impl];
}
