/**
 * Values of litmus registers and memory cells.
 *
 * A value is either a plain 64-bit integer or the address of a named location
 * plus an offset (herd's symbolic addresses: `0:X1=x` puts "the address of x"
 * in X1). Integers are kept as unsigned 64-bit bigints; how they are printed
 * (signed 32-bit for `int`, unsigned for `uint64_t`…) depends on the declared
 * type and is decided in ./state.ts, never here.
 */

export interface Val {
  /** Name of the location whose address this is, or null for a plain integer. */
  readonly sym: string | null;
  /** The integer, or the byte offset from `sym`; always in [0, 2^64). */
  readonly n: bigint;
}

/** Thrown when an operation has no meaning on a symbolic address (e.g. x AND 3). */
export class SymbolicValueError extends Error {}

export const ZERO: Val = { sym: null, n: 0n };

export function int(n: bigint | number): Val {
  return { sym: null, n: BigInt.asUintN(64, BigInt(n)) };
}

export function addr(sym: string, off: bigint = 0n): Val {
  return { sym, n: BigInt.asUintN(64, off) };
}

export function eq(a: Val, b: Val): boolean {
  return a.sym === b.sym && a.n === b.n;
}

export function key(v: Val): string {
  return v.sym === null ? v.n.toString() : `&${v.sym}+${v.n}`;
}

export function isZero(v: Val): boolean {
  return v.sym === null && v.n === 0n;
}

/** Truncates to `bits` (zero-extending), as a W-register write or a narrow store does. */
export function truncate(v: Val, bits: number): Val {
  if (bits >= 64 || v.sym !== null) return v;
  return { sym: null, n: BigInt.asUintN(bits, v.n) };
}

export function signed(n: bigint, bits: number): bigint {
  return BigInt.asIntN(bits, n);
}

export type BinOp = 'add' | 'sub' | 'eor' | 'and' | 'orr' | 'bic' | 'lsl' | 'lsr' | 'asr' | 'ror' | 'smax' | 'smin' | 'umax' | 'umin';

/**
 * Applies an ALU operation at width `bits` (32 or 64). Address arithmetic is
 * allowed where herd allows it: address ± integer, address − same address,
 * and x EOR x (which is 0 whatever x is: the "false dependency" idiom).
 */
export function binop(op: BinOp, a: Val, b: Val, bits: number): Val {
  if (a.sym !== null || b.sym !== null) return symbolic(op, a, b);
  const x = BigInt.asUintN(bits, a.n);
  const y = BigInt.asUintN(bits, b.n);
  const sh = Number(y % BigInt(bits));
  let r: bigint;
  switch (op) {
    case 'add': r = x + y; break;
    case 'sub': r = x - y; break;
    case 'eor': r = x ^ y; break;
    case 'and': r = x & y; break;
    case 'orr': r = x | y; break;
    case 'bic': r = x & ~y; break;
    case 'lsl': r = x << BigInt(sh); break;
    case 'lsr': r = x >> BigInt(sh); break;
    case 'asr': r = BigInt.asIntN(bits, x) >> BigInt(sh); break;
    case 'ror': r = sh === 0 ? x : (x >> BigInt(sh)) | (x << BigInt(bits - sh)); break;
    case 'smax': r = BigInt.asIntN(bits, x) >= BigInt.asIntN(bits, y) ? x : y; break;
    case 'smin': r = BigInt.asIntN(bits, x) <= BigInt.asIntN(bits, y) ? x : y; break;
    case 'umax': r = x >= y ? x : y; break;
    case 'umin': r = x <= y ? x : y; break;
  }
  return { sym: null, n: BigInt.asUintN(bits, r) };
}

function symbolic(op: BinOp, a: Val, b: Val): Val {
  if (op === 'add') {
    if (a.sym !== null && b.sym === null) return addr(a.sym, a.n + b.n);
    if (b.sym !== null && a.sym === null) return addr(b.sym, a.n + b.n);
  }
  if (op === 'sub') {
    if (a.sym !== null && b.sym === null) return addr(a.sym, a.n - b.n);
    if (a.sym !== null && a.sym === b.sym) return int(a.n - b.n);
  }
  if ((op === 'eor' || op === 'sub') && eq(a, b)) return ZERO;
  if ((op === 'and' || op === 'orr') && eq(a, b)) return a;
  if ((op === 'orr' || op === 'eor' || op === 'add') && isZero(b)) return a;
  if ((op === 'orr' || op === 'eor' || op === 'add') && isZero(a)) return b;
  if ((op === 'lsl' || op === 'lsr' || op === 'asr' || op === 'ror') && isZero(b)) return a;
  if (op === 'and' && isZero(a)) return ZERO;
  if (op === 'and' && isZero(b)) return ZERO;
  throw new SymbolicValueError(`cannot apply ${op} to the symbolic address ${show(a.sym !== null ? a : b)}`);
}

export function show(v: Val): string {
  if (v.sym === null) return v.n.toString();
  return v.n === 0n ? v.sym : `${v.sym}+${signed(v.n, 64)}`;
}

/** NZCV condition flags; null where a symbolic operand leaves a flag unknown. */
export interface Nzcv {
  readonly n: boolean | null;
  readonly z: boolean;
  readonly c: boolean | null;
  readonly v: boolean | null;
}

/** Flags at thread start: all clear (herd starts NZCV at 0). */
export const NZCV0: Nzcv = { n: false, z: false, c: false, v: false };

/** Flags set by a flag-setting `op` (SUBS/CMP, ADDS/CMN, ANDS/TST) on a, b at `bits`. */
export function flagsOf(op: BinOp, a: Val, b: Val, bits: number): Nzcv {
  // Symbolic operands: only equality is known (distinct locations have distinct addresses).
  if (op === 'sub' && (a.sym !== null || b.sym !== null)) return { n: null, z: eq(a, b), c: null, v: null };
  const r = binop(op, a, b, bits);
  if (r.sym !== null) return { n: null, z: false, c: null, v: null };
  const x = BigInt.asUintN(bits, a.n);
  const y = BigInt.asUintN(bits, b.n);
  const n = BigInt.asIntN(bits, r.n) < 0n;
  const z = r.n === 0n;
  if (op === 'sub') {
    const sr = BigInt.asIntN(bits, x) - BigInt.asIntN(bits, y);
    return { n, z, c: x >= y, v: sr !== BigInt.asIntN(bits, r.n) };
  }
  if (op === 'add') {
    const sr = BigInt.asIntN(bits, x) + BigInt.asIntN(bits, y);
    return { n, z, c: x + y >= 1n << BigInt(bits), v: sr !== BigInt.asIntN(bits, r.n) };
  }
  return { n, z, c: false, v: false };
}

/** Whether condition `c` holds; null when it depends on a flag a symbolic compare left unknown. */
export function condition(f: Nzcv, c: string): boolean | null {
  const { n, z, c: cf, v } = f;
  const and = (p: boolean | null, q: boolean | null) => (p === false || q === false ? false : p === null || q === null ? null : true);
  const not = (p: boolean | null) => (p === null ? null : !p);
  const same = (p: boolean | null, q: boolean | null) => (p === null || q === null ? null : p === q);
  switch (c) {
    case 'AL': return true;
    case 'EQ': return z;
    case 'NE': return !z;
    case 'HS': return cf;
    case 'LO': return not(cf);
    case 'MI': return n;
    case 'PL': return not(n);
    case 'HI': return and(cf, !z);
    case 'LS': return not(and(cf, !z));
    case 'GE': return same(n, v);
    case 'LT': return not(same(n, v));
    case 'GT': return and(!z, same(n, v));
    case 'LE': return not(and(!z, same(n, v)));
  }
  return null;
}
