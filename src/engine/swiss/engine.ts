/** The Swiss engine behind the shared Engine interface (src/engine/index.ts). */
import type { Engine, TraceLine } from '../index.js';
import { runSwiss, type SwissSnapshot } from './index.js';
import { drawSwiss } from './draw.js';

export const swissEngine: Engine<SwissSnapshot> = {
  impl: 'swiss',
  simulate(scenario, opts) {
    const trace: TraceLine[] = [];
    const r = runSwiss(scenario, opts?.trace ? { onTrace: (op, text) => trace.push({ op, text }) } : {});
    return { snapshot: r.snapshot, trace };
  },
  draw: (snapshot) => drawSwiss(snapshot),
};
