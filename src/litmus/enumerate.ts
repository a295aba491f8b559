/**
 * Candidate executions and the model's verdict on each.
 *
 * 1. Value domains: the values each location may hold, as the fixpoint of
 *    "what can any store write, given loads returning values in the domains"
 *    (bounded by the number of stores: a value in a real execution is made by
 *    a chain of at most that many writes).
 * 2. Traces per thread (./exec.ts), loads trying each domain value.
 * 3. For each combination of traces, reads-from: each read picks a write to
 *    its location carrying exactly its value. Choices every model rejects are
 *    pruned before they multiply: reading a po-later (or one's own RMW's)
 *    write, or reading the initial write after an own po-earlier write.
 * 4. Coherence: per location, every order of the writes with the initial
 *    write first and each thread's writes in program order (coWW holds in
 *    every model).
 * 5. The model judges each (rf, co); allowed executions give final states.
 */
import type { LitmusTest } from './ast.js';
import { runThread, ExecError, DEFAULT_LIMITS, type Trace, type ExecLimits } from './exec.js';
import { buildSkeleton, complete, type Execution, type Skeleton } from './execution.js';
import type { Model } from './models/model.js';
import { eq, int, key, type Val } from './values.js';
import type { FinalState } from './state.js';

const MAX_DOMAIN = 64;
/** Refuse tests whose enumeration would not finish in reasonable time. */
export const MAX_CANDIDATES = 5_000_000;

export interface EnumStats {
  /** Trace combinations considered. */
  combinations: number;
  /** (rf, co) candidates given to the model. */
  candidates: number;
  /** Candidates the model allowed. */
  allowed: number;
  /**
   * What an enumeration without pruning would judge over the same trace
   * combinations: every same-location write for every read, times every
   * coherence order. Shows what the pruning saves.
   */
  unpruned: number;
}

export interface AllowedExecution {
  readonly x: Execution;
  readonly state: FinalState;
}

export function valueDomains(test: LitmusTest, limits: ExecLimits = DEFAULT_LIMITS): Map<string, Val[]> {
  const dom = new Map<string, Val[]>();
  const addVal = (loc: string, v: Val): boolean => {
    const d = dom.get(loc) ?? [];
    if (!dom.has(loc)) dom.set(loc, d);
    if (d.some((x) => eq(x, v))) return false;
    if (d.length >= MAX_DOMAIN) throw new ExecError(0, `location ${loc} may hold more than ${MAX_DOMAIN} values`);
    d.push(v);
    return true;
  };
  for (const [l, v] of test.initMem) addVal(l, v);
  let stores = 0;
  for (const t of test.threads) for (const l of t.code) if (l.item.op === 'store' || l.item.op === 'rmw') stores++;
  const get = (l: string) => dom.get(l) ?? [int(0)];
  // Single-size tests only: a location accessed with two different sizes is a
  // mixed-size test (herd -variant mixed), which we refuse rather than guess.
  const sizes = new Map<string, { bits: number; line: number }>();
  for (let iter = 0; iter <= stores + 1; iter++) {
    let changed = false;
    for (const t of test.threads) {
      const runs = runThread(t, threadRegs(test, t.id), get, limits);
      for (const tr of runs.traces)
        for (const e of tr.events) {
          if (e.kind === 'W') changed = addVal(e.loc, e.val) || changed;
          if (e.kind !== 'F' && e.bits !== undefined) {
            const seen = sizes.get(e.loc);
            if (!seen) sizes.set(e.loc, { bits: e.bits, line: e.line });
            else if (seen.bits !== e.bits) throw new ExecError(e.line, `unsupported: mixed-size accesses to ${e.loc} (${seen.bits}-bit at line ${seen.line}, ${e.bits}-bit here)`);
          }
        }
    }
    if (!changed) break;
  }
  return dom;
}

export function threadRegs(test: LitmusTest, tid: number): Map<string, Val> {
  const m = new Map<string, Val>();
  for (const [k, v] of test.initRegs) {
    const [t, r] = k.split(':');
    if (Number(t) === tid) m.set(r, v);
  }
  return m;
}

export interface Enumeration {
  readonly stats: EnumStats;
  readonly loopCut: boolean;
  readonly traces: Trace[][];
}

/**
 * Calls `onAllowed` for every execution `model` allows. Returns statistics.
 */
export function enumerate(test: LitmusTest, model: Model, onAllowed: (x: Execution, final: FinalState) => void, limits: ExecLimits = DEFAULT_LIMITS): Enumeration {
  const dom = valueDomains(test, limits);
  const get = (l: string) => dom.get(l) ?? [int(0)];
  let loopCut = false;
  const perThread = test.threads.map((t) => {
    const r = runThread(t, threadRegs(test, t.id), get, limits);
    loopCut ||= r.loopCut;
    return r.traces;
  });
  const stats: EnumStats = { combinations: 0, candidates: 0, allowed: 0, unpruned: 0 };
  const pick: Trace[] = [];
  const rec = (k: number) => {
    if (k === perThread.length) {
      if (++stats.combinations > MAX_CANDIDATES) throw new ExecError(0, `more than ${MAX_CANDIDATES} combinations of thread paths: test too large`);
      combination(test, pick, model, stats, onAllowed);
      return;
    }
    for (const t of perThread[k]) {
      pick.push(t);
      rec(k + 1);
      pick.pop();
    }
  };
  rec(0);
  return { stats, loopCut, traces: perThread };
}

function combination(test: LitmusTest, traces: Trace[], model: Model, stats: EnumStats, onAllowed: (x: Execution, final: FinalState) => void): void {
  // Cheap value check before building anything: every read's value must be written by someone.
  const written = new Map<string, Set<string>>();
  const note = (l: string, v: Val) => {
    let s = written.get(l);
    if (!s) written.set(l, (s = new Set()));
    s.add(key(v));
  };
  for (const [l, v] of test.initMem) note(l, v);
  for (const t of traces) for (const e of t.events) if (e.kind === 'W') note(e.loc, e.val);
  {
    const nw = new Map<string, number>();
    for (const l of test.initMem.keys()) nw.set(l, 1);
    for (const t of traces) for (const e of t.events) if (e.kind === 'W') nw.set(e.loc, (nw.get(e.loc) ?? 1) + 1);
    let u = 1;
    for (const t of traces) for (const e of t.events) if (e.kind === 'R') u *= nw.get(e.loc) ?? 1;
    for (const c of nw.values()) for (let k = 2; k < c; k++) u *= k;
    stats.unpruned += u;
  }
  for (const t of traces) for (const e of t.events) if (e.kind === 'R' && !(written.get(e.loc)?.has(key(e.val)) ?? key(e.val) === '0')) return;

  const sk = buildSkeleton(traces, test.initMem);
  const { events } = sk;
  const reads: number[] = [];
  const writesOf = new Map<string, number[]>();
  for (let i = 0; i < sk.n; i++) {
    const e = events[i];
    if (e.kind === 'R') reads.push(i);
    if (e.kind === 'W') {
      const l = writesOf.get(e.loc) ?? [];
      l.push(i);
      writesOf.set(e.loc, l);
    }
  }
  const cands: number[][] = [];
  for (const r of reads) {
    const er = events[r];
    const ownEarlier = (writesOf.get(er.loc) ?? []).some((w) => sk.po.has(w, r));
    const c = (writesOf.get(er.loc) ?? []).filter((w) => {
      const ew = events[w];
      if (!eq(ew.val, er.val)) return false;
      if (ew.tid === er.tid && ew.inst >= er.inst) return false; // po-later or own RMW write: coRW1/uniproc
      if (ew.tid === -1 && ownEarlier) return false; // coWR
      return true;
    });
    if (c.length === 0) return;
    cands.push(c);
  }
  // Coherence orders per location.
  const locs = [...writesOf.keys()];
  const coChoices = locs.map((l) => coOrders(sk, writesOf.get(l)!));
  const rf: [number, number][] = reads.map(() => [0, 0]);
  const recRf = (k: number) => {
    if (k === reads.length) {
      recCo(0, []);
      return;
    }
    for (const w of cands[k]) {
      rf[k] = [w, reads[k]];
      recRf(k + 1);
    }
  };
  const recCo = (k: number, chosen: number[][]) => {
    if (k === locs.length) {
      if (++stats.candidates > MAX_CANDIDATES) throw new ExecError(0, `more than ${MAX_CANDIDATES} candidate executions: test too large`);
      const x = complete(sk, rf.map((p) => [p[0], p[1]]), chosen);
      if (model.check(x) !== null) return;
      stats.allowed++;
      const fault = traces.find((t) => t.fault !== null)?.fault;
      if (fault) throw new ExecError(fault.line, fault.detail);
      onAllowed(x, finalState(test, sk, chosen, locs));
      return;
    }
    for (const o of coChoices[k]) {
      chosen.push(o);
      recCo(k + 1, chosen);
      chosen.pop();
    }
  };
  recRf(0);
}

/** All orders of a location's writes: initial write first, po order kept within each thread. */
function coOrders(sk: Skeleton, ws: number[]): number[][] {
  const init = ws.filter((w) => sk.events[w].tid === -1);
  const rest = ws.filter((w) => sk.events[w].tid !== -1);
  const out: number[][] = [];
  const used = new Array<boolean>(rest.length).fill(false);
  const cur: number[] = [...init];
  const rec = () => {
    if (cur.length === ws.length) {
      out.push([...cur]);
      return;
    }
    for (let i = 0; i < rest.length; i++) {
      if (used[i]) continue;
      const w = rest[i];
      // a po-earlier write of the same thread must come first
      if (rest.some((v, j) => !used[j] && j !== i && sk.po.has(v, w))) continue;
      used[i] = true;
      cur.push(w);
      rec();
      cur.pop();
      used[i] = false;
    }
  };
  rec();
  return out;
}

function finalState(test: LitmusTest, sk: Skeleton, co: number[][], locs: string[]): FinalState {
  const s: FinalState = new Map();
  const memFinal = new Map<string, Val>();
  locs.forEach((l, k) => {
    const order = co[k];
    memFinal.set(l, sk.events[order[order.length - 1]].val);
  });
  for (const [l, v] of test.initMem) if (!memFinal.has(l)) memFinal.set(l, v);
  for (const [l, v] of memFinal) s.set(l, v);
  sk.traces.forEach((t, tid) => {
    for (const [r, v] of t.regs) s.set(`${tid}:${r}`, v);
  });
  return s;
}
