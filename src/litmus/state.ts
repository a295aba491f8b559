/**
 * Final states: the values of the registers and locations a test observes
 * (its condition's atoms and its `locations` line), printed as herd prints
 * them: `0:X0=1; 1:X2=0; [x]=2;`, registers first by thread, then memory.
 * Integers print according to the declared C type: `uint64_t` unsigned,
 * `int64_t` signed 64-bit, the default `int` signed 32-bit.
 */
import type { LitmusTest, Loc, Prop } from './ast.js';
import { eq, signed, type Val } from './values.js';

export type FinalState = Map<string, Val>;

export function locKey(l: Loc): string {
  return l.kind === 'reg' ? `${l.thread}:${l.reg}` : l.loc;
}

/** The observed items of a test, in herd's print order. */
export function observed(t: LitmusTest): Loc[] {
  const seen = new Map<string, Loc>();
  const add = (l: Loc) => seen.set(locKey(l), l);
  const walk = (p: Prop) => {
    if (p.kind === 'eq') add(p.loc);
    else if (p.kind === 'not') walk(p.p);
    else if (p.kind === 'and' || p.kind === 'or' || p.kind === 'implies') {
      walk(p.a);
      walk(p.b);
    }
  };
  for (const l of t.locations) add(l);
  walk(t.prop);
  if (t.filter) walk(t.filter);
  return [...seen.values()].sort(compareLoc);
}

function regRank(r: string): [number, string] {
  if (r === 'XZR') return [-1, ''];
  const m = r.match(/^X(\d+)$/);
  if (m) return [Number(m[1]), ''];
  return [1000, r];
}

function compareLoc(a: Loc, b: Loc): number {
  if (a.kind !== b.kind) return a.kind === 'reg' ? -1 : 1;
  if (a.kind === 'reg' && b.kind === 'reg') {
    if (a.thread !== b.thread) return a.thread - b.thread;
    const [ra, sa] = regRank(a.reg);
    const [rb, sb] = regRank(b.reg);
    return ra !== rb ? ra - rb : sa < sb ? -1 : sa > sb ? 1 : 0;
  }
  const la = (a as { loc: string }).loc;
  const lb = (b as { loc: string }).loc;
  return la < lb ? -1 : la > lb ? 1 : 0;
}

/** How herd prints an integer of this declared type. */
export function formatVal(v: Val, type: string | undefined): string {
  if (v.sym !== null) return v.n === 0n ? v.sym : `${v.sym}+${signed(v.n, 64)}`;
  switch (type) {
    case 'uint64_t':
    case 'uintptr_t':
      return v.n.toString();
    case 'uint32_t':
      return BigInt.asUintN(32, v.n).toString();
    case 'int64_t':
    case 'long':
    case 'intptr_t':
      return signed(v.n, 64).toString();
    default:
      return v.n < 1n << 32n ? signed(v.n, 32).toString() : signed(v.n, 64).toString();
  }
}

/** Equality of a final value with a condition's constant, at the item's width. */
export function matches(v: Val, want: Val, type: string | undefined): boolean {
  if (eq(v, want)) return true;
  if (v.sym !== null || want.sym !== null) return false;
  const narrow = type === undefined || type === 'int' || type === 'int32_t' || type === 'uint32_t';
  return narrow && v.n < 1n << 32n && BigInt.asUintN(32, v.n) === BigInt.asUintN(32, want.n);
}

export function typeOf(t: LitmusTest, l: Loc): string | undefined {
  return t.types.get(locKey(l));
}

export function evalProp(t: LitmusTest, p: Prop, s: FinalState): boolean {
  switch (p.kind) {
    case 'true': return true;
    case 'false': return false;
    case 'eq': return matches(s.get(locKey(p.loc))!, p.val, typeOf(t, p.loc));
    case 'not': return !evalProp(t, p.p, s);
    case 'and': return evalProp(t, p.a, s) && evalProp(t, p.b, s);
    case 'or': return evalProp(t, p.a, s) || evalProp(t, p.b, s);
    case 'implies': return !evalProp(t, p.a, s) || evalProp(t, p.b, s);
  }
}

/** `0:X0=1; [x]=2;` */
export function formatState(t: LitmusTest, obs: Loc[], s: FinalState, printReg: (r: string) => string): string {
  return obs
    .map((l) => {
      const v = formatVal(s.get(locKey(l))!, typeOf(t, l));
      return l.kind === 'reg' ? `${l.thread}:${printReg(l.reg)}=${v};` : `[${l.loc}]=${v};`;
    })
    .join(' ');
}

export function formatProp(p: Prop, printReg: (r: string) => string, top = true): string {
  const atom = (l: Loc) => (l.kind === 'reg' ? `${l.thread}:${printReg(l.reg)}` : `[${l.loc}]`);
  const val = (v: Val) => (v.sym !== null ? v.sym : signed(v.n, 64).toString());
  const wrap = (s: string) => (top ? s : `(${s})`);
  switch (p.kind) {
    case 'true': return 'true';
    case 'false': return 'false';
    case 'eq': return `${atom(p.loc)}=${val(p.val)}`;
    case 'not': return `not (${formatProp(p.p, printReg, true)})`;
    case 'and': return wrap(`${formatProp(p.a, printReg, p.a.kind !== 'or' && p.a.kind !== 'implies')} /\\ ${formatProp(p.b, printReg, p.b.kind !== 'or' && p.b.kind !== 'implies')}`);
    case 'or': return wrap(`${formatProp(p.a, printReg, p.a.kind !== 'implies')} \\/ ${formatProp(p.b, printReg, p.b.kind !== 'implies')}`);
    case 'implies': return wrap(`${formatProp(p.a, printReg, false)} => ${formatProp(p.b, printReg, false)}`);
  }
}
