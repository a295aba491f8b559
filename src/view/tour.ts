/**
 * The tour's maps as one page (`mapscope tour --html FILE`): the life of the
 * tour's classic map (Go 1.23, the hash seed a real process drew; it
 * doubles three times and is caught mid-grow) and of the same keys under the
 * Swiss engine (Go 1.24), each as a replay to step through, and the layouts
 * of the tour's first type on the tour's targets.
 */
import { classicTourScenario } from '../engine/classic/tour.js';
import { swissTourScenario } from '../engine/swiss/tour.js';
import { layoutOf, target } from '../layout/index.js';
import type { ViewSet } from './data.js';
import { layoutView } from './layout.js';
import { replayView } from './replay.js';

export function tourViews(types: readonly string[], targets: readonly [string, string][]): ViewSet {
  const type = types[0];
  return {
    kind: 'set',
    views: [
      { title: 'classic map, Go 1.23 (28 inserts)', view: replayView(classicTourScenario(28), 'tour-classic.json') },
      { title: 'Swiss map, Go 1.24 (28 inserts)', view: replayView(swissTourScenario(28), 'tour-swiss.json') },
      { title: `layout of ${type}`, view: layoutView(type, targets.map(([go, arch]) => layoutOf(type, target(go, arch)))) },
    ],
  };
}
