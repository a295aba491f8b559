/**
 * A candidate execution, the object every model (./models/*.ts) judges:
 * the events of all threads plus one initial write per location, and the
 * relations herd starts from — po, loc, int/ext, rf, co, fr, rmw (amo ∪ lxsx)
 * and the syntactic dependencies — as bit matrices (./rel.ts).
 */
import type { Ev, Trace } from './exec.js';
import { Rel, Set_ } from './rel.js';
import type { Val } from './values.js';

export interface GEv extends Ev {
  /** Thread, or -1 for an initial write. */
  readonly tid: number;
}

/** What stays the same for every rf/co choice over one combination of traces. */
export interface Skeleton {
  readonly n: number;
  readonly events: GEv[];
  readonly traces: Trace[];
  /** Global index of trace event (tid, i). */
  readonly base: number[];
  readonly R: Set_;
  readonly W: Set_;
  readonly M: Set_;
  readonly F: Set_;
  readonly IW: Set_;
  readonly po: Rel;
  readonly loc: Rel;
  readonly int: Rel;
  readonly ext: Rel;
  readonly sameInstance: Rel;
  readonly amo: Rel;
  readonly lxsx: Rel;
  readonly rmw: Rel;
  readonly addr: Rel;
  readonly data: Rel;
  readonly ctrl: Rel;
  readonly paddr: Rel;
  readonly pdata: Rel;
  readonly pctrl: Rel;
  readonly pbasic: Rel;
  /** Initial write of each location. */
  readonly initOf: Map<string, number>;
}

export interface Execution extends Skeleton {
  readonly rf: Rel;
  readonly co: Rel;
  readonly fr: Rel;
}

export function buildSkeleton(traces: Trace[], initMem: Map<string, Val>): Skeleton {
  const events: GEv[] = [];
  const initOf = new Map<string, number>();
  const locs = new Set<string>(initMem.keys());
  for (const t of traces) for (const e of t.events) if (e.kind !== 'F') locs.add(e.loc);
  for (const l of [...locs].sort()) {
    initOf.set(l, events.length);
    events.push({
      tid: -1, kind: 'W', loc: l, val: initMem.get(l) ?? { sym: null, n: 0n }, inst: 0, line: 0, acq: null, rel: false, atomic: false, excl: false, noret: false,
      addr: 0n, data: 0n, ctrl: 0n, paddr: 0n, pdata: 0n, pctrl: 0n, pbasic: 0n,
    });
  }
  const base: number[] = [];
  traces.forEach((t, tid) => {
    base.push(events.length);
    for (const e of t.events) events.push({ ...e, tid });
  });
  const n = events.length;
  const R = Set_.of(n, (a) => events[a].kind === 'R');
  const W = Set_.of(n, (a) => events[a].kind === 'W');
  const F = Set_.of(n, (a) => events[a].kind === 'F');
  const M = R.union(W);
  const IW = Set_.of(n, (a) => events[a].tid === -1);
  const po = Rel.of(n, (a, b) => events[a].tid >= 0 && events[a].tid === events[b].tid && events[a].inst < events[b].inst);
  const loc = Rel.of(n, (a, b) => M.has(a) && M.has(b) && events[a].loc === events[b].loc);
  const int = Rel.of(n, (a, b) => events[a].tid >= 0 && events[a].tid === events[b].tid);
  const ext = Rel.of(n, (a, b) => events[a].tid !== events[b].tid);
  const sameInstance = Rel.of(n, (a, b) => events[a].tid >= 0 && events[a].tid === events[b].tid && events[a].inst === events[b].inst);
  const amo = new Rel(n);
  const lxsx = new Rel(n);
  traces.forEach((t, tid) => {
    for (const [r, w] of t.amo) amo.add(base[tid] + r, base[tid] + w);
    for (const [r, w] of t.lxsx) lxsx.add(base[tid] + r, base[tid] + w);
  });
  const rmw = amo.union(lxsx);
  // Dependencies: a source bit i in event e's mask means trace read i → e.
  const dep = (field: 'addr' | 'data' | 'ctrl' | 'paddr' | 'pdata' | 'pctrl' | 'pbasic') => {
    const r = new Rel(n);
    traces.forEach((t, tid) => {
      t.events.forEach((e, j) => {
        let mask = e[field];
        for (let i = 0; mask !== 0n; i++, mask >>= 1n) {
          if ((mask & 1n) === 0n) continue;
          const src = base[tid] + i;
          const dst = base[tid] + j;
          // herd: dependencies are po-ordered and never inside one instruction.
          if (events[src].inst < events[dst].inst) r.add(src, dst);
        }
      });
    });
    return r;
  };
  return {
    n, events, traces, base, R, W, M, F, IW, po, loc, int, ext, sameInstance, amo, lxsx, rmw,
    addr: dep('addr'), data: dep('data'), ctrl: dep('ctrl'), paddr: dep('paddr'), pdata: dep('pdata'), pctrl: dep('pctrl'), pbasic: dep('pbasic'), initOf,
  };
}

/** Adds rf and co (co given as one order of writes per location, initial write first). */
export function complete(sk: Skeleton, rfPairs: [number, number][], coOrders: number[][]): Execution {
  const rf = Rel.from(sk.n, rfPairs);
  const co = new Rel(sk.n);
  for (const order of coOrders) for (let i = 0; i < order.length; i++) for (let j = i + 1; j < order.length; j++) co.add(order[i], order[j]);
  // fr = rf^-1 ; co
  const fr = new Rel(sk.n);
  for (const [w, r] of rfPairs) for (let b = 0; b < sk.n; b++) if (co.has(w, b)) fr.add(r, b);
  return { ...sk, rf, co, fr };
}
