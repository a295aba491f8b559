/**
 * A scenario (docs/scenario.md) replayed for the page, one frame per step:
 * the map after make, then after each operation, each frame the map's
 * memory as `sourceView` draws any map (checked, then walked), with the
 * operation's `sim --trace` lines and its bytes by kind from src/footprint
 * (counted over the engine's own map).
 *
 * Where the memory is read: a Swiss engine keeps the whole map in its
 * simulated memory at the runtime's layout (header, directory, tables,
 * groups), so each frame reads the engine's memory itself; the classic
 * engine keeps mapextra's overflow lists beside its memory, so each classic
 * frame is the engine's snapshot rebuilt in simulated memory, as
 * `view SNAPSHOT` reads it. (Rebuilding every Swiss frame too made a
 * 900-step replay four times slower: docs/figures.md.)
 *
 * Frames are encoded compactly: a whole view when the map's structure
 * changed (new buckets or groups, a split), else only the slots that changed.
 * The work grows with steps × slots; past MAX_SLOT_STEPS the scenario is
 * refused (its final state can still be viewed: `sim --json`, then `view`).
 */
import { InputError, LimitError } from '../base/errors.js';
import { engineFor, opText } from '../engine/index.js';
import type { Scenario } from '../engine/scenario.js';
import { liveShape } from '../footprint/index.js';
import { snapshotSource, type MapSource } from '../check/index.js';
import type { MemoryView, ReplayFrame, ReplayView } from './data.js';
import { bytesRows, slotTexts, sourceView, targetText } from './memory.js';
import { basename } from 'node:path';

/** Slots drawn over all frames, at most (a frame per step, each as large as the map then). */
export const MAX_SLOT_STEPS = 20_000_000;

/** The slots that differ between two views of the same structure; undefined when the structure differs. */
function diff(a: MemoryView, b: MemoryView, split: (v: MemoryView) => { keys: string[]; elems: string[]; ctrl: Buffer }): [number, string, number, string, string][] | undefined {
  if (a.units !== b.units || a.states.length !== b.states.length || JSON.stringify(a.sections.map((s) => [s.first, s.count, s.unit])) !== JSON.stringify(b.sections.map((s) => [s.first, s.count, s.unit]))) return undefined;
  const x = split(a);
  const y = split(b);
  const out: [number, string, number, string, string][] = [];
  for (let i = 0; i < b.states.length; i++) {
    if (a.states[i] !== b.states[i] || x.ctrl[i] !== y.ctrl[i] || x.keys[i] !== y.keys[i] || x.elems[i] !== y.elems[i]) out.push([i, b.states[i], y.ctrl[i], y.keys[i], y.elems[i]]);
  }
  return out;
}

export function replayView(sc: Scenario, file: string): ReplayView {
  const engine = engineFor(sc.impl);
  const session = engine.open(sc, { trace: true });
  const name = basename(file);
  const cache = new WeakMap<MemoryView, { keys: string[]; elems: string[]; ctrl: Buffer }>();
  const split = (v: MemoryView) => {
    let s = cache.get(v);
    if (!s) cache.set(v, (s = slotTexts(v)));
    return s;
  };
  let work = 0;
  // The snapshot's facts (type, target, hash keys), read once, for frames read in the engine's memory.
  let swissBase: MapSource | undefined;
  const source = (step: number): MapSource => {
    const em = session.engineMap;
    if (em.impl === 'swiss' && swissBase) return { ...swissBase, reader: em.map.cx.mem, addr: BigInt(em.map.addr) };
    // Through JSON, as `sim --json` prints it and `view SNAPSHOT` reads it.
    const snap = JSON.parse(JSON.stringify(session.snapshot())) as unknown;
    const src = snapshotSource(snap, `${file} step ${step}`);
    if (em.impl !== 'swiss') return src;
    swissBase = src;
    return { ...src, reader: em.map.cx.mem, addr: BigInt(em.map.addr) };
  };
  const frame = (step: number): MemoryView => {
    let v: MemoryView;
    try {
      const shape = liveShape(session.engineMap, sc.type, sc.go, sc.arch);
      v = sourceView(source(step), { origin: `scenario ${name}`, bytes: bytesRows(sc.impl, shape.bytes), reuse: true });
    } catch (e) {
      if (e instanceof LimitError) throw new InputError(file, undefined, e.message);
      throw e;
    }
    work += v.states.length;
    if (work > MAX_SLOT_STEPS) {
      throw new InputError(file, 'ops', `too long to replay: ${sc.ops.length} steps of a map this large pass ${MAX_SLOT_STEPS} slots drawn (view its final state instead: mapscope sim ${name} --json > snap.json; mapscope view snap.json)`);
    }
    return v;
  };
  const frames: ReplayFrame[] = [];
  const steps: { op: string; trace: string[] }[] = [];
  let prev = frame(0);
  frames.push({ full: prev });
  let seen = 0;
  const traceOf = (op: number): string[] => {
    const out: string[] = [];
    for (; seen < session.trace.length && session.trace[seen].op === op; seen++) out.push(session.trace[seen].text);
    return out;
  };
  steps.push({ op: 'make', trace: traceOf(-1) });
  sc.ops.forEach((op, i) => {
    try {
      session.apply(op, i);
    } catch (e) {
      if (e instanceof LimitError) throw new InputError(file, `ops[${i}]`, e.message);
      throw e;
    }
    const v = frame(i + 1);
    const d = diff(prev, v, split);
    frames.push(d === undefined ? { full: v } : { diff: d, count: v.count, header: v.header, findings: v.findings, stats: v.stats, sections: v.sections });
    steps.push({ op: opText(op, i), trace: traceOf(i) });
    prev = v;
  });
  return { kind: 'replay', type: sc.typeText, target: targetText(sc), source: `scenario ${name}`, steps, frames };
}
