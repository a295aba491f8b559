/**
 * Runs one thread's code into "traces": the sequence of memory and fence
 * events it performs along one control path, for one choice of the value each
 * load returns.
 *
 * herd builds events with symbolic values and solves equations once reads-from
 * is chosen. We do the same thing in the other order: every load tries every
 * value its location can hold (./enumerate.ts computes that set as a fixpoint of
 * what stores can write), so each trace is concrete, and the enumerator
 * (./enumerate.ts) later keeps only the reads-from choices whose writes carry
 * exactly those values. The two give the same candidate executions on tests
 * without out-of-thin-air values, which no model here allows anyway.
 *
 * While running, every register carries two taint sets over this trace's
 * reads, which is how herd's aarch64deps.cat computes dependencies from
 * register events:
 *   dt — `dtrm`, data flow through registers (lrrs), memory (lmrs) and
 *        intra-instruction data (iico_data);
 *   pt — `pick-dtrm`, the same plus intra-instruction control (iico_ctrl):
 *        the condition of a CSEL and the compare of a CAS.
 * From them each event records addr/data/ctrl and their pick variants.
 */
import type { AddrMode, BranchTest, Cond, Instr, Operand, RegRef, Thread } from './ast.js';
import { binop, condition, eq, flagsOf, int, isZero, NZCV0, show, signed, truncate, SymbolicValueError, ZERO, type Nzcv, type Val } from './values.js';

export type EvKind = 'R' | 'W' | 'F';

export interface Ev {
  readonly kind: EvKind;
  /** Location (memory events) or fence kind (F). */
  readonly loc: string;
  readonly val: Val;
  /** Dynamic instruction number in the thread: po orders distinct numbers. */
  readonly inst: number;
  /** Source line of the instruction. */
  readonly line: number;
  readonly acq: 'A' | 'Q' | null;
  readonly rel: boolean;
  /** Part of an atomic instruction (AMO, x86 locked): herd's X. */
  readonly atomic: boolean;
  readonly excl: boolean;
  readonly noret: boolean;
  /** Dependency sources, as bit masks over this trace's event indices (reads only). */
  readonly addr: bigint;
  readonly data: bigint;
  readonly ctrl: bigint;
  readonly paddr: bigint;
  readonly pdata: bigint;
  readonly pctrl: bigint;
  /** pick-dtrm reaching this event (pick-basic-dep), excluding its own instruction's read. */
  readonly pbasic: bigint;
  /** Access size in bits (memory events). */
  readonly bits?: number;
  /** Fences: the barrier option as written (SY, ISH, OSHLD…). */
  readonly option?: string;
}

export interface Trace {
  readonly events: Ev[];
  readonly regs: Map<string, Val>;
  /** [read, write] index pairs of single-instruction atomics (amo). */
  readonly amo: [number, number][];
  /** [load-exclusive, successful store-exclusive] pairs (lxsx). */
  readonly lxsx: [number, number][];
  /** Set when the path accessed memory at a non-symbolic address: fine if no allowed execution contains it. */
  readonly fault: { line: number; detail: string } | null;
}

/** An error in the test itself found while running it (bad address arithmetic, runaway loop). */
export class ExecError extends Error {
  constructor(
    readonly line: number,
    detail: string,
  ) {
    super(detail);
  }
}

interface RegVal {
  v: Val;
  dt: bigint;
  pt: bigint;
}

interface Flags {
  f: Nzcv;
  dt: bigint;
  pt: bigint;
}

interface State {
  pc: number;
  regs: Map<string, RegVal>;
  flags: Flags;
  events: Ev[];
  amo: [number, number][];
  lxsx: [number, number][];
  ctrl: bigint;
  pctrl: bigint;
  /** Taint of the last own write per location, for lmrs. */
  lastW: Map<string, { dt: bigint; pt: bigint }>;
  /** Pending exclusive reservation. */
  resv: { loc: string; ev: number } | null;
  inst: number;
  steps: number;
  /** Symbolic backward-branch counts per instruction index. */
  loops: Map<number, number>;
}

export interface ExecLimits {
  /** How many times a loop whose condition depends on memory may go round (herd's -unroll, default 2). */
  readonly unroll: number;
  /** Hard cap on instructions per path. */
  readonly maxSteps: number;
  /** Hard cap on traces per thread. */
  readonly maxTraces: number;
}

export const DEFAULT_LIMITS: ExecLimits = { unroll: 2, maxSteps: 2000, maxTraces: 200_000 };

export interface ThreadRuns {
  readonly traces: Trace[];
  /** Some path was cut at the unroll bound (herd prints "Loop"). */
  readonly loopCut: boolean;
}

/**
 * All traces of `thread`, loads choosing among `domain(loc)`.
 * `initRegs` maps canonical register names to initial values.
 */
export function runThread(thread: Thread, initRegs: Map<string, Val>, domain: (loc: string) => readonly Val[], limits: ExecLimits = DEFAULT_LIMITS): ThreadRuns {
  const traces: Trace[] = [];
  let loopCut = false;
  const regs = new Map<string, RegVal>();
  for (const [r, v] of initRegs) regs.set(r, { v, dt: 0n, pt: 0n });
  const start: State = { pc: 0, regs, flags: { f: NZCV0, dt: 0n, pt: 0n }, events: [], amo: [], lxsx: [], ctrl: 0n, pctrl: 0n, lastW: new Map(), resv: null, inst: 0, steps: 0, loops: new Map() };

  const finish = (s: State, fault: Trace['fault']) => {
    if (traces.length >= limits.maxTraces) throw new ExecError(thread.code[0]?.line ?? 0, `P${thread.id} has more than ${limits.maxTraces} paths`);
    const out = new Map<string, Val>();
    for (const [r, rv] of s.regs) out.set(r, rv.v);
    traces.push({ events: s.events, regs: out, amo: s.amo, lxsx: s.lxsx, fault });
  };

  const clone = (s: State): State => ({
    ...s,
    regs: new Map(s.regs),
    events: [...s.events],
    amo: [...s.amo],
    lxsx: [...s.lxsx],
    lastW: new Map(s.lastW),
    loops: new Map(s.loops),
  });

  // Depth-first over value choices; each branch point clones the state.
  const stack: State[] = [start];
  while (stack.length > 0) {
    const s = stack.pop()!;
    for (;;) {
      if (s.pc >= thread.code.length) {
        finish(s, null);
        break;
      }
      if (++s.steps > limits.maxSteps) throw new ExecError(thread.code[s.pc].line, `P${thread.id} runs more than ${limits.maxSteps} instructions on one path`);
      const line = thread.code[s.pc];
      const ins = line.item;
      let outcome: StepOutcome;
      try {
        outcome = step(s, ins, line.line, thread, domain, limits);
      } catch (e) {
        if (e instanceof SymbolicValueError) throw new ExecError(line.line, e.message);
        throw e;
      }
      if (outcome.kind === 'fault') {
        finish(s, { line: line.line, detail: outcome.detail });
        break;
      }
      if (outcome.kind === 'cut') {
        loopCut = true;
        break;
      }
      if (outcome.kind === 'fork') {
        // Alternatives run later from clones; this state continues with the first. They compute values
        // too (an LSE atomic's new value), so a symbolic operand is the same one-line error as in step.
        try {
          for (let k = outcome.alts.length - 1; k >= 1; k--) {
            const c = clone(s);
            outcome.alts[k](c);
            stack.push(c);
          }
          outcome.alts[0](s);
        } catch (e) {
          if (e instanceof SymbolicValueError) throw new ExecError(line.line, e.message);
          throw e;
        }
      }
    }
  }
  return { traces, loopCut };
}

type StepOutcome = { kind: 'next' } | { kind: 'fault'; detail: string } | { kind: 'cut' } | { kind: 'fork'; alts: ((s: State) => void)[] };
const NEXT: StepOutcome = { kind: 'next' };

function readReg(s: State, r: RegRef): RegVal {
  if (r.zero) return { v: ZERO, dt: 0n, pt: 0n };
  const rv = s.regs.get(r.name) ?? { v: ZERO, dt: 0n, pt: 0n };
  return r.bits < 64 ? { ...rv, v: truncate(rv.v, r.bits) } : rv;
}

function writeReg(s: State, r: RegRef, v: RegVal): void {
  if (r.zero) return;
  s.regs.set(r.name, { ...v, v: truncate(v.v, r.bits) });
}

function operand(s: State, o: Operand, bits: number): RegVal {
  if (o.kind === 'imm') return { v: o.val, dt: 0n, pt: 0n };
  const rv = readReg(s, o.reg);
  let v = rv.v;
  if (o.shift) {
    const sh = o.shift;
    if (sh.op === 'sxtw' || sh.op === 'uxtw') {
      if (v.sym === null) v = int(sh.op === 'sxtw' ? signed(BigInt.asUintN(32, v.n), 32) : BigInt.asUintN(32, v.n));
      if (sh.amount) v = binop('lsl', v, int(sh.amount), 64);
    } else if (sh.amount !== 0) v = binop(sh.op, v, int(sh.amount), bits);
  }
  return { v, dt: rv.dt, pt: rv.pt };
}

/** Effective address and its taint. */
function address(s: State, am: AddrMode): { base: RegVal; ea: RegVal } {
  const base: RegVal = am.base.kind === 'sym' ? { v: { sym: am.base.sym, n: 0n }, dt: 0n, pt: 0n } : readReg(s, am.base.reg);
  let ea = base;
  if (am.index) {
    const ix = operand(s, am.index, 64);
    ea = { v: binop('add', ea.v, ix.v, 64), dt: ea.dt | ix.dt, pt: ea.pt | ix.pt };
  }
  if (am.offset !== undefined && am.writeback !== 'post') ea = { ...ea, v: binop('add', ea.v, int(am.offset), 64) };
  return { base, ea };
}

function writeBack(s: State, am: AddrMode, ea: RegVal): void {
  if (am.base.kind !== 'reg' || !am.writeback) return;
  if (am.writeback === 'pre') writeReg(s, am.base.reg, ea);
  else writeReg(s, am.base.reg, { ...ea, v: binop('add', ea.v, int(am.post ?? 0n), 64) });
}

/** The location an effective address names, or a fault description. */
function location(ea: Val): string | { fault: string } {
  if (ea.sym === null) return { fault: `access to the non-symbolic address ${show(ea)}` };
  if (ea.n !== 0n) return { fault: `access at an offset from a location (${show(ea)}): mixed-size/offset accesses are not modelled` };
  return ea.sym;
}

const bit = (i: number): bigint => 1n << BigInt(i);

function pushEv(s: State, e: Omit<Ev, 'inst' | 'ctrl' | 'pctrl'>): number {
  s.events.push({ ...e, inst: s.inst, ctrl: s.ctrl, pctrl: s.pctrl });
  return s.events.length - 1;
}

function condHolds(f: Flags, c: Cond, line: number): boolean {
  const r = condition(f.f, c);
  if (r === null) throw new ExecError(line, `condition ${c} after an ordered comparison of a symbolic address`);
  return r;
}

function branchTaken(s: State, t: BranchTest, line: number): { taken: boolean; dt: bigint; pt: bigint } {
  if (t.kind === 'always') return { taken: true, dt: 0n, pt: 0n };
  if (t.kind === 'flags') {
    const f = s.flags;
    return { taken: condHolds(f, t.cond, line), dt: f.dt, pt: f.pt };
  }
  const r = readReg(s, t.reg);
  const z = isZero(r.v);
  return { taken: t.kind === 'zero' ? z : !z, dt: r.dt, pt: r.pt };
}

function step(s: State, ins: Instr, line: number, thread: Thread, domain: (loc: string) => readonly Val[], limits: ExecLimits): StepOutcome {
  const advance = () => {
    s.pc++;
    s.inst++;
  };
  switch (ins.op) {
    case 'nop':
      advance();
      return NEXT;
    case 'mov': {
      writeReg(s, ins.dst, operand(s, ins.src, ins.dst.bits));
      advance();
      return NEXT;
    }
    case 'alu': {
      const a = operand(s, ins.a, ins.bits);
      const b = operand(s, ins.b, ins.bits);
      const r: RegVal = { v: binop(ins.fn, a.v, b.v, ins.bits), dt: a.dt | b.dt, pt: a.pt | b.pt };
      if (ins.dst) writeReg(s, ins.dst, r);
      if (ins.flags) s.flags = { f: flagsOf(ins.fn, a.v, b.v, ins.bits), dt: r.dt, pt: r.pt };
      advance();
      return NEXT;
    }
    case 'csel':
      return stepCsel(s, ins, line);
    case 'branch':
      return stepBranch(s, ins, line, thread, limits);
    case 'fence': {
      pushEv(s, { kind: 'F', loc: ins.kind, option: ins.option, val: ZERO, line, acq: null, rel: false, atomic: false, excl: false, noret: false, addr: 0n, data: 0n, paddr: 0n, pdata: 0n, pbasic: 0n });
      advance();
      return NEXT;
    }
    case 'load':
      return stepLoad(s, ins, line, domain);
    case 'store':
      return stepStore(s, ins, line);
    case 'rmw':
      return stepRmw(s, ins, line, domain);
  }
}

/** CSEL and its INC/INV/NEG variants. */
function stepCsel(s: State, ins: Extract<Instr, { op: 'csel' }>, line: number): StepOutcome {
  // herd: the condition is read first and only the selected register is read,
  // so data flows from that register alone; the condition is a pick (iico_ctrl).
  const f = s.flags;
  const holds = condHolds(f, ins.cond, line);
  const bits = ins.dst.bits === 64 ? 64 : 32;
  const src = readReg(s, holds ? ins.a : ins.b);
  let v = src.v;
  if (!holds) {
    if (ins.variant === 'inc') v = binop('add', v, int(1), bits);
    else if (ins.variant === 'inv') v = binop('eor', v, int(-1), bits);
    else if (ins.variant === 'neg') v = binop('sub', ZERO, v, bits);
  }
  writeReg(s, ins.dst, { v, dt: src.dt, pt: src.pt | f.pt });
  s.pc++;
  s.inst++;
  return NEXT;
}

/** A branch: taken or not; a backward branch that depends on a read is unrolled at most limits.unroll times. */
function stepBranch(s: State, ins: Extract<Instr, { op: 'branch' }>, line: number, thread: Thread, limits: ExecLimits): StepOutcome {
  const { taken, dt, pt } = branchTaken(s, ins.test, line);
  s.ctrl |= dt;
  s.pctrl |= pt;
  if (!taken) {
    s.pc++;
    s.inst++;
    return NEXT;
  }
  const target = typeof ins.target === 'string' ? thread.labels.get(ins.target)! : s.pc + ins.target.skip;
  if (target <= s.pc && (dt | pt) !== 0n) {
    const n = (s.loops.get(s.pc) ?? 0) + 1;
    if (n > limits.unroll) return { kind: 'cut' };
    s.loops.set(s.pc, n);
  }
  s.pc = target;
  s.inst++;
  return NEXT;
}

/** A load forks on every value its location may hold. */
function stepLoad(s: State, ins: Extract<Instr, { op: 'load' }>, line: number, domain: (loc: string) => readonly Val[]): StepOutcome {
  const { ea } = address(s, ins.addr);
  const loc = location(ea.v);
  if (typeof loc !== 'string') return { kind: 'fault', detail: loc.fault };
  const lw = s.lastW.get(loc);
  const vals = domain(loc);
  return {
    kind: 'fork',
    alts: vals.map((v) => (st: State) => {
      const idx = pushEv(st, { kind: 'R', loc, bits: ins.bits, val: v, line, acq: ins.acq, rel: false, atomic: false, excl: ins.excl, noret: false, addr: ea.dt, data: 0n, paddr: ea.pt, pdata: 0n, pbasic: ea.pt | (lw?.pt ?? 0n) });
      const me = bit(idx);
      writeReg(st, ins.dst, { v: truncate(v, ins.bits), dt: me | ea.dt | (lw?.dt ?? 0n), pt: me | ea.pt | (lw?.pt ?? 0n) });
      if (ins.excl) st.resv = { loc, ev: idx };
      writeBack(st, ins.addr, ea);
      st.pc++;
      st.inst++;
    }),
  };
}

/** A store; a store-exclusive forks into success (with a reservation) and failure. */
function stepStore(s: State, ins: Extract<Instr, { op: 'store' }>, line: number): StepOutcome {
  const { ea } = address(s, ins.addr);
  const loc = location(ea.v);
  if (typeof loc !== 'string') return { kind: 'fault', detail: loc.fault };
  const src = operand(s, ins.src, ins.bits);
  const doWrite = (st: State) => {
    const idx = pushEv(st, { kind: 'W', loc, bits: ins.bits, val: truncate(src.v, ins.bits), line, acq: null, rel: ins.rel, atomic: false, excl: ins.status !== null, noret: false, addr: ea.dt, data: src.dt, paddr: ea.pt, pdata: src.pt, pbasic: ea.pt | src.pt });
    st.lastW.set(loc, { dt: ea.dt | src.dt, pt: ea.pt | src.pt });
    return idx;
  };
  if (ins.status === null) {
    doWrite(s);
    writeBack(s, ins.addr, ea);
    s.pc++;
    s.inst++;
    return NEXT;
  }
  // Store-exclusive: succeeds (write, status 0) only with a reservation on the
  // same location; may always fail (no write, status 1). Either way the
  // reservation is gone.
  const status = ins.status;
  const resv = s.resv;
  const fail = (st: State) => {
    st.resv = null;
    writeReg(st, status, { v: int(1), dt: 0n, pt: 0n });
    st.pc++;
    st.inst++;
  };
  if (!resv || resv.loc !== loc) return { kind: 'fork', alts: [fail] };
  const succeed = (st: State) => {
    const w = doWrite(st);
    st.lxsx.push([resv.ev, w]);
    st.resv = null;
    writeReg(st, status, { v: int(0), dt: 0n, pt: 0n });
    st.pc++;
    st.inst++;
  };
  return { kind: 'fork', alts: [succeed, fail] };
}

/** SWP, LD<op> and CAS: a read and (unless a CAS fails without write-back) a write, atomically. */
function stepRmw(s: State, ins: Extract<Instr, { op: 'rmw' }>, line: number, domain: (loc: string) => readonly Val[]): StepOutcome {
  const { ea } = address(s, ins.addr);
  const loc = location(ea.v);
  if (typeof loc !== 'string') return { kind: 'fault', detail: loc.fault };
  const rs = operand(s, ins.rs, ins.bits);
  const rtIn = ins.kind === 'cas' && ins.rt ? readReg(s, ins.rt) : null;
  const lw = s.lastW.get(loc);
  const bits = ins.bits;
  // A successful CAS comes in two flavours in herd (eventsMonad
  // aarch64_cas_ok: altT DataFromRRs DataFromRx): the new Rs value takes
  // its data from the Rs register or from the memory read.
  const choices: { old: Val; rsFromReg: boolean; writeBack: boolean }[] = [];
  for (const old of domain(loc)) {
    if (ins.kind === 'cas' && eq(truncate(old, bits), truncate(rs.v, bits))) choices.push({ old, rsFromReg: true, writeBack: false }, { old, rsFromReg: false, writeBack: false });
    // A failing CAS may or may not write back the value it read (herd
    // AArch64Sem do_cas_with: altT fail_with_wb fail_no_wb).
    else if (ins.kind === 'cas') choices.push({ old, rsFromReg: false, writeBack: false }, { old, rsFromReg: false, writeBack: true });
    else choices.push({ old, rsFromReg: false, writeBack: false });
  }
  return {
    kind: 'fork',
    alts: choices.map(({ old, rsFromReg, writeBack }) => (st: State) => {
      const r = pushEv(st, {
        kind: 'R', loc, bits, val: old, line, acq: ins.acq && !ins.noret ? 'A' : null, rel: false, atomic: true, excl: false, noret: ins.noret,
        addr: ea.dt, data: 0n, paddr: ea.pt, pdata: 0n, pbasic: ea.pt | (lw?.pt ?? 0n),
      });
      const me = bit(r);
      const oldTaint = { dt: me | ea.dt | (lw?.dt ?? 0n), pt: me | ea.pt | (lw?.pt ?? 0n) };
      let newVal: Val | null;
      let data = rs.dt;
      let pdata = rs.pt;
      let pbasicW = ea.pt | rs.pt;
      if (ins.kind === 'swp') newVal = rs.v;
      else if (ins.kind === 'ldop') {
        newVal = binop(ins.fn!, truncate(old, bits), rs.v, bits === 64 ? 64 : 32);
        pbasicW |= me;
      } else {
        // CAS: compare with rs; on success write rt. The compare is iico_ctrl (a pick).
        const equal = eq(truncate(old, bits), truncate(rs.v, bits));
        newVal = equal ? rtIn!.v : writeBack ? old : null;
        if (writeBack) {
          data = me;
          pdata = me;
        }
        data = rtIn!.dt;
        pdata = rtIn!.pt | rs.pt;
        pbasicW |= rtIn!.pt | me;
      }
      if (newVal !== null) {
        const w = pushEv(st, { kind: 'W', loc, bits, val: truncate(newVal, bits), line, acq: null, rel: ins.rel, atomic: true, excl: false, noret: false, addr: ea.dt, data, paddr: ea.pt, pdata, pbasic: pbasicW });
        st.amo.push([r, w]);
        // What flows into this write also flows, through lmrs, into po-later
        // reads of the location: for LD<op> the old value (iico_data), for
        // CAS the compare (iico_ctrl, so pick only).
        st.lastW.set(loc, { dt: ea.dt | data | (ins.kind === 'ldop' ? me : 0n), pt: pbasicW });
      }
      // The old value goes to rt (SWP, LD<op>) or rs (CAS), unless discarded.
      if (ins.kind === 'cas') {
        // herd event.ml aarch64_cas: on failure (mode `No) and in the
        // DataFromRx flavour Rs takes its data from the memory read; in
        // DataFromRRs from the Rs register, under the compare's control
        // (iico_ctrl from the branch, whose inputs are Rs and the read).
        if (ins.rs.kind === 'reg') {
          const taint = rsFromReg ? { dt: rs.dt, pt: rs.pt | oldTaint.pt } : oldTaint;
          writeReg(st, ins.rs.reg, { v: truncate(old, bits), ...taint });
        }
      } else if (ins.rt) writeReg(st, ins.rt, { v: truncate(old, bits), ...oldTaint });
      st.pc++;
      st.inst++;
    }),
  };
}
