/** The classic engine behind the shared Engine interface (src/engine/session.ts). */
import { replay, type Engine } from '../session.js';
import { applyOp, openMap, type ClassicSnapshot } from './index.js';
import { drawClassic } from './draw.js';

export const classicEngine: Engine<ClassicSnapshot> = {
  impl: 'classic',
  open(scenario, opts) {
    const sim = openMap(scenario, opts);
    return { apply: (op, i) => applyOp(sim, op, i), snapshot: () => sim.snapshot(), trace: sim.trace, engineMap: { impl: 'classic', map: sim.map } };
  },
  simulate: (scenario, opts) => replay(classicEngine.open, scenario, opts),
  draw: (snapshot) => drawClassic(snapshot),
};
