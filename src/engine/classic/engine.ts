/** The classic engine behind the shared Engine interface (src/engine/index.ts). */
import type { Engine } from '../index.js';
import { simulate, type ClassicSnapshot } from './index.js';
import { drawClassic } from './draw.js';

export const classicEngine: Engine<ClassicSnapshot> = {
  impl: 'classic',
  simulate: (scenario, opts) => simulate(scenario, opts),
  draw: (snapshot) => drawClassic(snapshot),
};
