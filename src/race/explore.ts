/**
 * Interleavings: which goroutine runs each step, counted and classified.
 *
 * An interleaving is a word over the goroutines in which goroutine g appears
 * as often as the steps it takes running alone after the setup (its solo
 * step count n_g), so there are (Σn_g)! / Π(n_g!) of them — C(m+n, n) for
 * two. A racing goroutine can take another path than alone (find a key the
 * other inserted, start a grow): a letter of a goroutine that has finished
 * does nothing, and steps left when the word ends run after it, goroutine by
 * goroutine. A fatal error ends the program, so every completion of a word
 * prefix that ends in a fatal is one execution: it is run once and counted
 * with its multiplicity (the multinomial of the letters left).
 *
 * Exhaustive exploration walks the words depth first. A run cannot be
 * copied (its goroutines are generators), so the first child of a node
 * continues the parent's run and every other child replays its prefix on a
 * fresh map. Sampling draws words uniformly (a seeded shuffle of the
 * letters), so each interleaving has the same chance, whatever its prefix.
 */
import { InputError } from '../base/errors.js';
import { prng } from '../engine/prng.js';
import { MemoryError } from '../model/memory.js';
import { HashTypeError } from '../hash/recipe.js';
import { opText, type RaceScenario } from './scenario.js';
import { Fatal } from './steps.js';
import { startRun as start, serialRun, serialSim, type EndState, type JudgeCache, type Run, type SerialSim } from './world.js';
import { OUTCOME_CLASSES, wilson, type OutcomeClass, type Share, type Witness, type WitnessStep } from './outcome.js';

/** Most steps one goroutine may take alone (a scenario that needs more is not a race scenario). */
export const MAX_SOLO_STEPS = 10_000;
/** Most (progress, contents) states the serial end states are computed over (serialStates). */
export const MAX_SERIAL_STATES = 20_000;
/** Most states of one layer of the serial walk that keep their engine alive (memory: one arena each); the rest replay. */
const MAX_LIVE_SERIAL = 256;

export interface ExploreOptions {
  /** Interleavings past which exhaustive exploration is refused (exit 2): use sampling. */
  readonly limit: number;
  /** Sample this many interleavings instead of enumerating them. */
  readonly sample?: number;
  readonly seed?: number;
  /** Most (progress, contents) states of the serial walk (default MAX_SERIAL_STATES). */
  readonly maxSerialStates?: number;
  /** Called now and then with the interleavings done so far (progress on stderr). */
  readonly progress?: (done: number) => void;
}

export interface Exploration {
  readonly mode: 'exhaustive' | 'sample';
  readonly seed?: number;
  readonly soloSteps: readonly number[];
  readonly interleavings: bigint;
  readonly explored: number;
  readonly executions: number;
  readonly outcomes: Record<OutcomeClass, number>;
  readonly shares: Record<OutcomeClass, Share>;
  readonly fatal: Record<string, number>;
  readonly serialStates: number;
  readonly witnesses: Partial<Record<OutcomeClass, Witness>>;
}

function factorial(n: number): bigint {
  let r = 1n;
  for (let i = 2; i <= n; i++) r *= BigInt(i);
  return r;
}

/** (Σk)! / Π(k!): the words with k[g] letters g. */
export function multinomial(k: readonly number[]): bigint {
  let r = factorial(k.reduce((a, b) => a + b, 0));
  for (const x of k) r /= factorial(x);
  return r;
}

/** Steps goroutine g takes when it runs alone after the setup. */
function soloSteps(sc: RaceScenario, g: number): number {
  const run = start(sc);
  let n = 0;
  try {
    while (run.threads[g].step()) {
      if (++n > MAX_SOLO_STEPS) throw new InputError(sc.base.source, `goroutines[${g}]`, `more than ${MAX_SOLO_STEPS} steps alone`);
    }
  } catch (e) {
    if (e instanceof Fatal) throw new InputError(sc.base.source, `goroutines[${g}]`, `the goroutine alone ends in fatal error: ${e.fatalMessage}`);
    throw e;
  }
  return n;
}

/**
 * The serial end states: those of every op-level order of the goroutines'
 * ops, by the engine's unstepped code. Orders are not enumerated (two
 * bursts of 24 ops have 3.2·10^13): a breadth-first walk over each
 * goroutine's progress keeps one order per (progress, contents) pair —
 * orders that reach the same progress with the same contents (entries as
 * bytes, lookup results so far) continue alike — so goroutines on disjoint
 * keys cost the product of their lengths. What is refused is more than
 * MAX_SERIAL_STATES such pairs.
 *
 * Incremental: each state of a layer keeps its engine alive (a SerialSim).
 * A child is its parent's engine advanced by one op; the engine cannot be
 * copied (its hash seeds, encoders and fast paths live in closures), so the
 * last child of a parent takes the parent's engine and every other child
 * replays the parent's order on a fresh one (ops only: the contents are read
 * once, from the child; past MAX_LIVE_SERIAL states in a layer, a state
 * keeps its order only and is replayed when extended). A walk over g goroutines replays at most (g-1) of
 * every g children, where it replayed all of them and rebuilt a snapshot
 * for each.
 */
function serialStates(sc: RaceScenario, max = MAX_SERIAL_STATES): Map<string, { order: number[]; state: EndState }> {
  const counts = sc.goroutines.map((g) => g.length);
  const total = counts.reduce((a, b) => a + b, 0);
  type State = { order: number[]; sim?: SerialSim };
  let layer = new Map<string, State>([['', { order: [], sim: serialSim(sc) }]]);
  let explored = 1;
  for (let depth = 0; depth < total; depth++) {
    const next = new Map<string, State>();
    for (const { order, sim } of layer.values()) {
      const done = counts.map(() => 0);
      for (const g of order) done[g]++;
      const movable = counts.map((n, g) => g).filter((g) => done[g] < counts[g]);
      for (const g of movable) {
        const o = [...order, g];
        // The parent's engine goes to its last child; the others replay the parent's order.
        const child = sim && g === movable[movable.length - 1] ? sim : serialSim(sc, order);
        child.apply(g);
        done[g]++;
        const key = `${done.join(',')}|${child.contents()}`;
        done[g]--;
        if (next.has(key)) continue;
        next.set(key, { order: o, sim: next.size < MAX_LIVE_SERIAL ? child : undefined });
        if (++explored > max) {
          throw new InputError(sc.base.source, 'goroutines', `more than ${max} distinct serial states (progress and contents) to compare with; the ${multinomial(counts)} serial orders of the goroutines' operations lead to too many different maps`);
        }
      }
    }
    layer = next;
  }
  const states = new Map<string, { order: number[]; state: EndState }>();
  for (const { order, sim } of layer.values()) {
    const state = sim ? sim.end() : serialRun(sc, order);
    if (!states.has(state.fingerprint)) states.set(state.fingerprint, { order, state });
  }
  return states;
}

/**
 * What the runtime does where the engine's code met a state no serial
 * program makes: an access to memory no allocation holds (an index past a
 * bucket array whose B another goroutine changed) faults or hits another
 * object — either way the run is corrupt (`fatal error: fault` was measured
 * on real Go) — and evacuate's check throws `bad map state`. Anything else
 * is mapscope's own error and propagates.
 */
function crashOf(e: unknown, sc: RaceScenario): unknown {
  if (e instanceof MemoryError) return new Fatal(`access at 0x${e.addr.toString(16)}, outside every allocation: real Go faults there (fatal error: fault) or reads and writes whatever heap object lies there`, `the runtime, on the ${sc.base.impl} map`, false);
  // A torn string header (one goroutine's pointer, the other's length word) can claim a length
  // no allocation holds: hashing or comparing it reads past the mapping, as real Go would.
  if (e instanceof HashTypeError && /^string length .* out of range$/.test(e.message)) return new Fatal(`fault (a torn string key: ${e.message})`, `the runtime, on the ${sc.base.impl} map`, false);
  if (e instanceof Error && e.message === 'bad map state') return new Fatal('bad map state', 'runtime/map.go evacuate', false);
  return e;
}

interface Leaf {
  readonly weight: number;
  readonly steps: WitnessStep[];
  readonly schedule: number[];
  readonly fatal?: Fatal;
  readonly end?: EndState;
}

export function explore(sc: RaceScenario, opts: ExploreOptions): Exploration {
  const solo = sc.goroutines.map((_, g) => soloSteps(sc, g));
  const total = multinomial(solo);
  if (opts.sample === undefined && total > BigInt(opts.limit)) {
    throw new InputError(sc.base.source, 'goroutines', `${total} interleavings of ${solo.join(' + ')} steps: too many to enumerate (limit ${opts.limit}); use --sample N --seed S`);
  }
  const serial = serialStates(sc, opts.maxSerialStates);
  const judged: JudgeCache = new Map();
  const startRun = (s: RaceScenario): Run => start(s, judged);
  const outcomes: Record<OutcomeClass, number> = { caught: 0, benign: 0, corrupt: 0 };
  const fatal: Record<string, number> = {};
  const witnesses: Partial<Record<OutcomeClass, Witness>> = {};
  let executions = 0;
  let explored = 0;

  const classify = (leaf: Leaf): void => {
    executions++;
    explored += leaf.weight;
    let cls: OutcomeClass;
    let detail: string[];
    if (leaf.fatal && !leaf.fatal.caught) {
      cls = 'corrupt';
      detail = [`the program dies, no concurrent-access check having fired: fatal error: ${leaf.fatal.fatalMessage} (${leaf.fatal.source})`];
    } else if (leaf.fatal) {
      cls = 'caught';
      const msg = leaf.fatal.fatalMessage;
      fatal[msg] = (fatal[msg] ?? 0) + leaf.weight;
      detail = [`fatal error: ${msg} (${leaf.fatal.source})`];
    } else {
      const end = leaf.end as EndState;
      const same = serial.get(end.fingerprint);
      if (same && end.findings.length === 0) {
        cls = 'benign';
        detail = [`the end state of the serial order ${same.order.map((g) => `g${g}`).join(' then ')}: ${end.entries.join(' ') || '(empty)'}`];
      } else {
        cls = 'corrupt';
        detail = [...end.findings, ...contentsDiff(end, serial)];
      }
    }
    outcomes[cls] += leaf.weight;
    const w = witnesses[cls];
    if (!w || leaf.steps.length < w.steps.length) witnesses[cls] = { class: cls, schedule: leaf.schedule, steps: leaf.steps, detail };
    if (opts.progress && executions % 10_000 === 0) opts.progress(explored);
  };

  /** Runs one letter (a step of goroutine g, or nothing if it has finished); returns a Fatal if the program died. */
  const stepOf = (run: Run, g: number, steps: WitnessStep[]): Fatal | undefined => {
    try {
      const s = run.threads[g].step();
      if (s) steps.push({ g, op: s.op, opText: opText(sc.goroutines[g][s.op]), text: s.info.text, source: s.info.source });
      return undefined;
    } catch (err) {
      const e = crashOf(err, sc);
      if (e instanceof Fatal) {
        const op = run.threads[g].op;
        steps.push({ g, op, opText: opText(sc.goroutines[g][op]), text: `fatal error: ${e.fatalMessage}`, source: e.source });
        return e;
      }
      throw e;
    }
  };
  /** The word is used up: goroutines with steps left run them, in goroutine order. */
  const finishRun = (run: Run, steps: WitnessStep[], schedule: number[], weight: number): Leaf => {
    for (let g = 0; g < run.threads.length; g++) {
      for (let n = 0; n <= MAX_SOLO_STEPS; n++) {
        const before = steps.length;
        const f = stepOf(run, g, steps);
        if (f) return { weight, steps, schedule: [...schedule, g], fatal: f };
        if (steps.length === before) break;
        schedule.push(g);
      }
    }
    return { weight, steps, schedule, end: run.end() };
  };

  if (opts.sample === undefined) {
    const left = [...solo];
    const word: number[] = [];
    // A run positioned after `word` (with its steps so far), or undefined when a fresh one must replay it.
    const replay = (): { run: Run; steps: WitnessStep[]; dead?: Fatal } => {
      const run = startRun(sc);
      const steps: WitnessStep[] = [];
      for (const g of word) {
        const f = stepOf(run, g, steps);
        if (f) return { run, steps, dead: f };
      }
      return { run, steps };
    };
    const walk = (cur: { run: Run; steps: WitnessStep[] } | undefined): void => {
      if (left.every((x) => x === 0)) {
        const c = cur ?? replay();
        classify(finishRun(c.run, c.steps, [...word], 1));
        return;
      }
      let first = true;
      for (let g = 0; g < left.length; g++) {
        if (left[g] === 0) continue;
        const c = first && cur ? cur : replay();
        first = false;
        left[g]--;
        word.push(g);
        const f = stepOf(c.run, g, c.steps);
        if (f) classify({ weight: Number(multinomial(left)), steps: c.steps, schedule: [...word], fatal: f });
        else walk(c);
        word.pop();
        left[g]++;
      }
    };
    walk(undefined);
  } else {
    const rand = prng(opts.seed ?? 1);
    const below = (n: number): number => {
      // Unbiased: reject the top sliver of 2^64 that n does not divide.
      const N = BigInt(n);
      const lim = (1n << 64n) - ((1n << 64n) % N);
      for (;;) {
        const r = rand();
        if (r < lim) return Number(r % N);
      }
    };
    const letters: number[] = solo.flatMap((n, g) => Array.from({ length: n }, () => g));
    for (let s = 0; s < opts.sample; s++) {
      const word = [...letters];
      for (let i = word.length - 1; i > 0; i--) {
        const j = below(i + 1);
        [word[i], word[j]] = [word[j], word[i]];
      }
      const run = startRun(sc);
      const steps: WitnessStep[] = [];
      let leaf: Leaf | undefined;
      for (let i = 0; i < word.length && !leaf; i++) {
        const f = stepOf(run, word[i], steps);
        if (f) leaf = { weight: 1, steps, schedule: word.slice(0, i + 1), fatal: f };
      }
      classify(leaf ?? finishRun(run, steps, [...word], 1));
    }
  }

  const n = explored;
  const shares = Object.fromEntries(OUTCOME_CLASSES.map((c): [OutcomeClass, Share] => {
    const share = n === 0 ? 0 : outcomes[c] / n;
    if (opts.sample === undefined) return [c, { share, lo: share, hi: share }];
    return [c, { share, ...wilson(outcomes[c], n) }];
  })) as Record<OutcomeClass, Share>;
  return {
    mode: opts.sample === undefined ? 'exhaustive' : 'sample',
    seed: opts.sample === undefined ? undefined : (opts.seed ?? 1),
    soloSteps: solo, interleavings: total, explored, executions, outcomes, shares, fatal,
    serialStates: serial.size, witnesses,
  };
}

/** Why an end state is no serial one: keys lost or stored twice, or other contents. */
function contentsDiff(end: EndState, serial: Map<string, { order: number[]; state: EndState }>): string[] {
  const out: string[] = [];
  const seen = new Map<string, number>();
  for (const k of end.keys) seen.set(k, (seen.get(k) ?? 0) + 1);
  const dup = end.keys.filter((k, i) => seen.get(k)! > 1 && end.keys.indexOf(k) === i);
  if (dup.length) out.push(`key stored twice: ${dup.map((k) => end.entries[end.keys.indexOf(k)].split('→')[0]).join(', ')}`);
  const everywhere = [...serial.values()].map((s) => new Set(s.state.keys));
  const lost = [...everywhere[0] ?? []].filter((k) => everywhere.every((s) => s.has(k)) && !seen.has(k));
  if (lost.length) {
    const first = [...serial.values()][0].state;
    out.push(`key lost: ${lost.map((k) => first.entries[first.keys.indexOf(k)].split('→')[0]).join(', ')} (every serial order keeps it)`);
  }
  if (!serial.has(end.fingerprint)) out.push(`entries ${end.entries.join(' ') || '(none)'}: no serial order ends with these contents and lookup results`);
  return out;
}
