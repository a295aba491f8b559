/**
 * The tour's section on `mapscope check`: the two maps the tour's engine
 * sections replay (a classic map caught mid-grow, a Swiss map with a table),
 * checked intact, then each with one corruption of the kind incident reports
 * describe, and the finding that names it.
 */
import { classicTourRun } from '../engine/classic/tour.js';
import { engineFor } from '../engine/index.js';
import { swissTourScenario } from '../engine/swiss/tour.js';
import { checkMap, snapshotSource } from './index.js';
import { mapText } from './report.js';
import type { MapReport } from './types.js';

type Json = Record<string, unknown>;
interface Bucket { tophash: number[]; keys: unknown[]; elems: unknown[] }
interface Group { ctrl: number[] }

function check(snapshot: unknown, name: string): MapReport {
  return { ...checkMap(snapshotSource(JSON.parse(JSON.stringify(snapshot)), 'tour')), name };
}

/** Swaps the first live slot (tophash, key, elem) of the first two current buckets that have one. */
export function misplaceTwoKeys(snapshot: Json): Json {
  const s = JSON.parse(JSON.stringify(snapshot)) as Json & { buckets: Bucket[][] };
  const live: [Bucket, number][] = [];
  for (const chain of s.buckets) {
    const b = chain[0];
    const i = b.tophash.findIndex((t) => t >= 5);
    if (i >= 0) live.push([b, i]);
    if (live.length === 2) break;
  }
  const [[a, i], [b, j]] = live;
  [a.tophash[i], b.tophash[j]] = [b.tophash[j], a.tophash[i]];
  [a.keys[i], b.keys[j]] = [b.keys[j], a.keys[i]];
  [a.elems[i], b.elems[j]] = [b.elems[j], a.elems[i]];
  return s;
}

/** Flips the low bit of the first full slot's control byte in the first table. */
export function flipOneH2(snapshot: Json): Json {
  const s = JSON.parse(JSON.stringify(snapshot)) as Json & { tables: { groups: Group[] }[] };
  for (const g of s.tables[0].groups) {
    const i = g.ctrl.findIndex((c) => c < 0x80);
    if (i >= 0) {
      g.ctrl[i] ^= 1;
      return s;
    }
  }
  throw new Error('the tour map has no full slot');
}

export function checkTourSection(): string {
  const classic = classicTourRun(27).snapshot as unknown as Json;
  const sc = swissTourScenario();
  const swiss = engineFor(sc.impl).simulate(sc).snapshot as unknown as Json;
  const indent = (t: string) => t.replace(/^/gm, '  ');
  return [
    '',
    "3. Checking a map's memory for broken invariants (mapscope check)",
    '',
    '  The two maps above, as the runtime left them (the classic one mid-grow):',
    indent(mapText(check(classic, 'classic map (go1.23)'))),
    indent(mapText(check(swiss, 'Swiss map (go1.24)'))),
    '',
    '  Two keys swapped between buckets (the "bucket misplacement" incident reports describe):',
    indent(mapText(check(misplaceTwoKeys(classic), 'classic map (go1.23)'))),
    '',
    "  One control byte no longer the key's H2 (a lookup of that key can never find it):",
    indent(mapText(check(flipOneH2(swiss), 'Swiss map (go1.24)'))),
    '',
    '  Check a crashed program: mapscope check --core core.N --binary ./app   (codes: docs/check.md)',
    '',
  ].join('\n');
}
