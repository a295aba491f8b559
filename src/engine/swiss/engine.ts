/** The Swiss engine behind the shared Engine interface (src/engine/session.ts). */
import { replay, type Engine, type TraceLine } from '../session.js';
import { applySwissOp, openSwiss, type SwissSnapshot } from './index.js';
import { drawSwiss } from './draw.js';

export const swissEngine: Engine<SwissSnapshot> = {
  impl: 'swiss',
  open(scenario, opts) {
    const trace: TraceLine[] = [];
    let current = -1;
    const onTrace = opts?.trace ? (op: number, text: string) => trace.push({ op, text }) : undefined;
    const s = openSwiss(scenario, { onTrace, opIndex: () => current });
    const lines = onTrace ? (line: string) => onTrace(current, line.trim()) : undefined;
    return {
      apply(op, n) {
        current = n;
        applySwissOp(s, op, n, () => {}, lines);
      },
      snapshot: () => s.snapshot(),
      trace,
      engineMap: { impl: 'swiss', map: s.map },
    };
  },
  simulate: (scenario, opts) => replay(swissEngine.open, scenario, opts),
  draw: (snapshot) => drawSwiss(snapshot),
};
