/**
 * An operational SC checker, independent of the axiomatic machinery: it runs
 * the threads' instructions one at a time against a single shared memory, in
 * every interleaving, and collects the final states. A test's proposition is
 * satisfiable under SC iff some interleaving ends in a state satisfying it.
 *
 * It shares only the parsed test and value arithmetic with the axiomatic
 * path; instruction semantics are restated here without any event or
 * dependency bookkeeping, so agreement between the two (tested on the whole
 * catalogue) checks both. Atomic instructions execute in one step; a
 * store-exclusive succeeds only while no other thread has written its
 * location since the load-exclusive, and may always fail. Visited states are
 * memoised, so spin loops terminate.
 */
import type { AddrMode, Cond, Instr, LitmusTest, Operand, RegRef } from './ast.js';
import { SymbolicValueError, binop, condition, eq, flagsOf, int, isZero, NZCV0, signed, truncate, ZERO, type Nzcv, type Val, key as vkey } from './values.js';
import { evalProp, formatState, locKey, observed, type FinalState } from './state.js';
import { ExecError } from './exec.js';

interface TState {
  pc: number;
  regs: Map<string, Val>;
  flags: Nzcv;
  resv: { loc: string; valid: boolean } | null;
}

interface World {
  threads: TState[];
  mem: Map<string, Val>;
}

export interface InterleavingResult {
  readonly states: string[];
  readonly satisfiable: boolean;
  readonly visited: number;
}

const MAX_VISITED = 2_000_000;

export function interleave(test: LitmusTest): InterleavingResult {
  const obs = observed(test);
  const states = new Set<string>();
  let satisfiable = false;
  const seen = new Set<string>();
  const init: World = {
    threads: test.threads.map((t) => {
      const regs = new Map<string, Val>();
      for (const [k, v] of test.initRegs) {
        const [tid, r] = k.split(':');
        if (Number(tid) === t.id) regs.set(r, v);
      }
      return { pc: 0, regs, flags: NZCV0, resv: null };
    }),
    mem: new Map(test.initMem),
  };
  const stack: World[] = [init];
  while (stack.length > 0) {
    const w = stack.pop()!;
    const k = worldKey(w);
    if (seen.has(k)) continue;
    seen.add(k);
    if (seen.size > MAX_VISITED) throw new ExecError(0, `more than ${MAX_VISITED} interleaving states`);
    let any = false;
    test.threads.forEach((t, tid) => {
      const ts = w.threads[tid];
      if (ts.pc >= t.code.length) return;
      any = true;
      const line = t.code[ts.pc];
      let nexts: World[];
      try {
        nexts = stepAll(w, tid, line.item, line.line, t.labels);
      } catch (e) {
        if (e instanceof SymbolicValueError) throw new ExecError(line.line, e.message);
        throw e;
      }
      for (const next of nexts) stack.push(next);
    });
    if (!any) {
      const s: FinalState = new Map();
      for (const [l, v] of w.mem) s.set(l, v);
      w.threads.forEach((ts, tid) => {
        for (const [r, v] of ts.regs) s.set(`${tid}:${r}`, v);
      });
      for (const l of obs) {
        const kk = locKey(l);
        if (!s.has(kk)) s.set(kk, ZERO);
      }
      if (test.filter && !evalProp(test, test.filter, s)) continue;
      states.add(formatState(test, obs, s, (r) => r));
      if (evalProp(test, test.prop, s)) satisfiable = true;
    }
  }
  return { states: [...states].sort(), satisfiable, visited: seen.size };
}

function worldKey(w: World): string {
  const parts: string[] = [];
  for (const t of w.threads) {
    const regs = [...t.regs].map(([r, v]) => `${r}=${vkey(v)}`).sort().join(',');
    const f = `${t.flags.n}/${t.flags.z}/${t.flags.c}/${t.flags.v}`;
    const rv = t.resv ? `${t.resv.loc}:${t.resv.valid}` : '-';
    parts.push(`${t.pc}|${regs}|${f}|${rv}`);
  }
  parts.push([...w.mem].map(([l, v]) => `${l}=${vkey(v)}`).sort().join(','));
  return parts.join('#');
}

function copy(w: World, tid: number): { w: World; t: TState } {
  const threads = w.threads.slice();
  const o = threads[tid];
  const t: TState = { pc: o.pc, regs: new Map(o.regs), flags: o.flags, resv: o.resv };
  threads[tid] = t;
  return { w: { threads, mem: new Map(w.mem) }, t };
}

function rd(t: TState, r: RegRef): Val {
  if (r.zero) return ZERO;
  return truncate(t.regs.get(r.name) ?? ZERO, r.bits);
}
function wr(t: TState, r: RegRef, v: Val): void {
  if (!r.zero) t.regs.set(r.name, truncate(v, r.bits));
}
function opnd(t: TState, o: Operand, bits: number): Val {
  if (o.kind === 'imm') return o.val;
  let v = rd(t, o.reg);
  const sh = o.shift;
  if (!sh) return v;
  if (sh.op === 'sxtw' || sh.op === 'uxtw') {
    if (v.sym === null) v = int(sh.op === 'sxtw' ? signed(BigInt.asUintN(32, v.n), 32) : BigInt.asUintN(32, v.n));
    return sh.amount ? binop('lsl', v, int(sh.amount), 64) : v;
  }
  return sh.amount ? binop(sh.op, v, int(sh.amount), bits) : v;
}
function ea(t: TState, am: AddrMode, line: number): { loc: string; base: Val; at: Val } {
  const base = am.base.kind === 'sym' ? { sym: am.base.sym, n: 0n } : rd(t, am.base.reg);
  let at = base;
  if (am.index) at = binop('add', at, opnd(t, am.index, 64), 64);
  if (am.offset !== undefined && am.writeback !== 'post') at = binop('add', at, int(am.offset), 64);
  if (at.sym === null || at.n !== 0n) throw new ExecError(line, `access to a non-symbolic or offset address`);
  return { loc: at.sym, base, at };
}
function writeback(t: TState, am: AddrMode, at: Val): void {
  if (am.base.kind !== 'reg' || !am.writeback) return;
  wr(t, am.base.reg, am.writeback === 'pre' ? at : binop('add', at, int(am.post ?? 0n), 64));
}
function holds(t: TState, c: Cond, line: number): boolean {
  const r = condition(t.flags, c);
  if (r === null) throw new ExecError(line, 'ordered comparison of an address');
  return r;
}
/** A write by thread `tid` invalidates other threads' reservations on that location. */
function store(w: World, tid: number, loc: string, v: Val): void {
  w.mem.set(loc, v);
  w.threads.forEach((t, k) => {
    if (k !== tid && t.resv && t.resv.loc === loc && t.resv.valid) w.threads[k] = { ...t, resv: { loc, valid: false } };
  });
}

function stepAll(w0: World, tid: number, ins: Instr, line: number, labels: Map<string, number>): World[] {
  const { w, t } = copy(w0, tid);
  t.pc++;
  switch (ins.op) {
    case 'nop':
    case 'fence':
      return [w];
    case 'mov':
      wr(t, ins.dst, opnd(t, ins.src, ins.dst.bits));
      return [w];
    case 'alu': {
      const a = opnd(t, ins.a, ins.bits);
      const b = opnd(t, ins.b, ins.bits);
      const r = binop(ins.fn, a, b, ins.bits);
      if (ins.dst) wr(t, ins.dst, r);
      if (ins.flags) t.flags = flagsOf(ins.fn, a, b, ins.bits);
      return [w];
    }
    case 'csel': {
      const bits = ins.dst.bits === 64 ? 64 : 32;
      if (holds(t, ins.cond, line)) wr(t, ins.dst, rd(t, ins.a));
      else {
        const v = rd(t, ins.b);
        wr(t, ins.dst, ins.variant === 'inc' ? binop('add', v, int(1), bits) : ins.variant === 'inv' ? binop('eor', v, int(-1), bits) : ins.variant === 'neg' ? binop('sub', ZERO, v, bits) : v);
      }
      return [w];
    }
    case 'branch': {
      const test = ins.test;
      const taken = test.kind === 'always' ? true : test.kind === 'flags' ? holds(t, test.cond, line) : isZero(rd(t, test.reg)) === (test.kind === 'zero');
      if (taken) t.pc = typeof ins.target === 'string' ? labels.get(ins.target)! : t.pc - 1 + ins.target.skip;
      return [w];
    }
    case 'load': {
      const { loc, at } = ea(t, ins.addr, line);
      wr(t, ins.dst, truncate(w.mem.get(loc) ?? ZERO, ins.bits));
      if (ins.excl) t.resv = { loc, valid: true };
      writeback(t, ins.addr, at);
      return [w];
    }
    case 'store': {
      const { loc, at } = ea(t, ins.addr, line);
      const v = truncate(opnd(t, ins.src, ins.bits), ins.bits);
      if (!ins.status) {
        store(w, tid, loc, v);
        writeback(t, ins.addr, at);
        return [w];
      }
      const canSucceed = t.resv !== null && t.resv.valid && t.resv.loc === loc;
      t.resv = null;
      const fail = copy(w, tid);
      wr(fail.t, ins.status, int(1));
      if (!canSucceed) return [fail.w];
      wr(t, ins.status, int(0));
      store(w, tid, loc, v);
      return [w, fail.w];
    }
    case 'rmw': {
      const { loc } = ea(t, ins.addr, line);
      const old = truncate(w.mem.get(loc) ?? ZERO, ins.bits);
      const rs = opnd(t, ins.rs, ins.bits);
      const bits = ins.bits === 64 ? 64 : 32;
      if (ins.kind === 'cas') {
        const ok = eq(old, truncate(rs, ins.bits));
        if (ok && ins.rt) store(w, tid, loc, truncate(rd(t, ins.rt), ins.bits));
        if (ins.rs.kind === 'reg') wr(t, ins.rs.reg, old);
        if (ok) return [w];
        // A failing CAS may write back what it read (still a write: it breaks
        // other threads' exclusive reservations).
        const wb = copy(w, tid);
        store(wb.w, tid, loc, old);
        return [w, wb.w];
      }
      const nv = ins.kind === 'swp' ? rs : binop(ins.fn!, old, rs, bits);
      store(w, tid, loc, truncate(nv, ins.bits));
      if (ins.rt) wr(t, ins.rt, old);
      return [w];
    }
  }
}
