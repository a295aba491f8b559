/**
 * `mapscope race`: what two or more goroutines writing one Go map without a
 * lock really do, interleaved at the granularity of the runtime's own steps.
 *
 * Design. The byte-faithful engines (src/engine) already know every byte a
 * map operation touches; a second model of the runtime would drift from
 * them. So the stepped operations here are generators written over the
 * engines' own maps, memory and helpers (ClassicMap, SwissMap, Group, the
 * engines' hashes, grow, evacuate, newoverflow, growToTable): each mirrors
 * its runtime function (cited in each file), and every `yield` ends one
 * shared-memory step — one load or one store of the header, a bucket or a
 * group — so two generators stepping over one SimMemory interleave exactly
 * where two CPUs running the runtime's code could. Growth and the Swiss
 * table's operations are stepped through the engines' own generators
 * (the Steps of src/engine/steps.ts, in the classic engine's growth and the
 * Swiss engine's table, small map, rehash and directory), which the engines run to the end; what is left
 * coarse (a group's or bucket's probe, pruneTombstones, a table lookup's
 * probe) is listed in docs/race.md. The end state is judged by the engine's snapshot, rebuilt and
 * checked by src/check (the same checker as `mapscope check`), and compared
 * with the end states of every serial order, which the engines' unstepped
 * code (proved against real Go by the sim tests) computes.
 *
 *   scenario.ts  the race scenario (sim's format + setup + goroutines)
 *   steps.ts     the step protocol and the runtime's fatal error
 *   classic.ts   mapassign/mapdelete/mapaccess2 (and fast variants), stepped
 *   swiss.ts     runtime_mapassign*, Delete, runtime_mapaccess2*, stepped
 *   keystore.ts  a key's and an elem's stores instruction by instruction (torn keys)
 *   world.ts     one run: map, setup, one thread per goroutine; end states
 *   explore.ts   interleavings: exhaustive or sampled, counted, classified
 *   weak.ts      --weak: the smallest case as an AArch64 litmus test, SC vs ARMv8
 *   weakops.ts   --weak for deletes and lookups (insert/lookup, delete/lookup, delete/insert)
 *   weakstr.ts   --weak for a string key's insert and lookup (the header's two words)
 *   outcome.ts   the result type (docs/json.md "race") and Wilson intervals
 *   report.ts    the text report and witnesses for people
 */
import { typeString } from '../model/types.js';
import { variantFor } from '../engine/classic/index.js';
import { swissRules } from '../engine/swiss/rules.js';
import { explore, type ExploreOptions } from './explore.js';
import type { RaceResult } from './outcome.js';
import type { RaceScenario } from './scenario.js';
import { weakRace } from './weak.js';

export { parseRaceScenario, type RaceScenario } from './scenario.js';
export { explore, multinomial, type ExploreOptions } from './explore.js';
export * from './outcome.js';
export { raceText } from './report.js';
export { weakRace, type WeakResult } from './weak.js';

/** Default most interleavings `race` enumerates without --sample. */
export const DEFAULT_LIMIT = 200_000;

/** What the simulation leaves coarse for this scenario (docs/race.md). */
function notesFor(sc: RaceScenario): string[] {
  const n = [
    'the counts are for sequentially consistent memory: every load sees the latest store (--weak: the outcomes under ARMv8)',
  ];
  if (sc.base.impl === 'swiss') n.push('Swiss tables are stepped through the engine\'s own code: a step per probed group, per store, per load of a counter\'s read-modify-write; growToTable and rehash a step per old slot read and per directory store (a table lookup\'s probe and pruneTombstones are one step each)');
  else n.push('hashGrow, evacuate and newoverflow are stepped store by store (the loads each store needs run with it)');
  return n;
}

export function runRace(sc: RaceScenario, opts: ExploreOptions & { weak?: boolean }): RaceResult {
  // --weak refuses what it does not model before any time is spent.
  const weak = opts.weak ? weakRace(sc) : undefined;
  const x = explore(sc, opts);
  const b = sc.base;
  const variant = b.impl === 'classic' ? variantFor(b) : swissRules(b.type.key, b.type.elem, b.arch, b.go.minor).path;
  return {
    scenario: {
      file: b.source, go: b.goText, arch: b.arch.name, impl: b.impl, type: typeString(b.type), variant,
      goroutines: sc.goroutines.length, soloSteps: x.soloSteps,
    },
    mode: x.mode,
    ...(x.seed === undefined ? {} : { seed: x.seed }),
    memoryModel: 'SC',
    interleavings: x.interleavings.toString(),
    explored: x.explored,
    executions: x.executions,
    outcomes: x.outcomes,
    shares: x.shares,
    fatal: x.fatal,
    serialStates: x.serialStates,
    witnesses: x.witnesses,
    notes: notesFor(sc),
    ...(weak ? { weak: { model: 'ARMv8' as const, ...weak } } : {}),
  };
}
