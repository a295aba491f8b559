/**
 * AArch64 instruction syntax as herd's litmus tests write it (ARM assembler,
 * upper or lower case): plain, acquire/release, exclusive and atomic memory
 * accesses, barriers, the ALU operations used to build dependencies, CSEL and
 * branches. Anything else is refused with the instruction's text, so a test
 * never gets a verdict computed from a silently ignored instruction.
 */
import type { AddrMode, Cond, Instr, Operand, RegRef, Shift } from './ast.js';
import type { ArchSyntax } from './parse.js';
import { int, type BinOp } from './values.js';
import { splitOperands } from './operands.js';

const CONDS: readonly Cond[] = ['EQ', 'NE', 'GE', 'LT', 'GT', 'LE', 'HS', 'LO', 'HI', 'LS', 'MI', 'PL', 'AL'];
const COND_ALIAS: Record<string, Cond> = { CS: 'HS', CC: 'LO' };

function reg(name: string): RegRef | null {
  const u = name.toUpperCase();
  if (u === 'XZR') return { name: 'XZR', bits: 64, zero: true };
  if (u === 'WZR') return { name: 'XZR', bits: 32, zero: true };
  const m = u.match(/^([XW])(\d{1,2})$/);
  if (!m || Number(m[2]) > 30) return null;
  return { name: `X${Number(m[2])}`, bits: m[1] === 'X' ? 64 : 32 };
}

/** Splits operands on commas outside brackets. */
const operands = (text: string): string[] => splitOperands(text, '[', ']');

function imm(t: string): bigint | null {
  const m = t.trim().match(/^#?\s*(-?)\s*(0x[0-9a-f]+|\d+)$/i);
  if (!m) return null;
  const n = BigInt(m[2]);
  if (n >= 1n << 64n) return null;
  return m[1] ? -n : n;
}

export const aarch64Syntax: ArchSyntax = {
  reg,
  printReg: (n) => n,
  instr(text, fail) {
    const m = text.trim().match(/^([A-Za-z][\w.]*)\s*(.*)$/);
    if (!m) return fail('cannot read instruction');
    const mn = m[1].toUpperCase();
    const o = new Operands(operands(m[2]), mn, fail);
    return barrierOrMove(mn, o) ?? dataProcessing(mn, o) ?? branch(mn, o) ?? loadStore(mn, o) ?? atomic(mn, o)
      ?? fail(`unsupported AArch64 instruction ${mn}`);
  },
};

/** The operands of one instruction, read on demand; every reader fails with the instruction's line. */
class Operands {
  constructor(
    readonly ops: string[],
    readonly mn: string,
    readonly fail: (detail: string) => never,
  ) {}

  R(k: number): RegRef {
    const r = this.ops[k] === undefined ? null : reg(this.ops[k]);
    if (!r) return this.fail(`expected a register as operand ${k + 1}`);
    return r;
  }

  nops(n: number | number[]) {
    const ok = typeof n === 'number' ? this.ops.length === n : n.includes(this.ops.length);
    if (!ok) this.fail(`wrong number of operands for ${this.mn}`);
  }

  shiftOf(k: number): Shift | undefined {
    if (this.ops[k] === undefined) return undefined;
    const s = this.ops[k].match(/^(LSL|LSR|ASR|ROR|SXTW|UXTW)\s*(?:#?\s*(\d+))?$/i);
    if (!s) return this.fail(`cannot read shift "${this.ops[k]}"`);
    const amount = Number(s[2] ?? 0);
    if (amount > 63) return this.fail('shift amount out of range');
    return { op: s[1].toLowerCase() as Shift['op'], amount } as Shift;
  }

  operand(k: number, shifted = true): Operand {
    const r = reg(this.ops[k] ?? '');
    if (r) {
      const shift = shifted ? this.shiftOf(k + 1) : undefined;
      return shift ? { kind: 'reg', reg: r, shift } : { kind: 'reg', reg: r };
    }
    const v = imm(this.ops[k] ?? '');
    if (v === null) return this.fail(`cannot read operand "${this.ops[k] ?? ''}"`);
    const sh = shifted ? this.shiftOf(k + 1) : undefined;
    if (sh && sh.op !== 'lsl') return this.fail('only LSL applies to an immediate');
    return { kind: 'imm', val: int(sh ? v << BigInt(sh.amount) : v) };
  }

  mem(k: number, allowPost: boolean): AddrMode {
    const t = this.ops[k];
    const mm = t?.match(/^\[([^\]]*)\](!?)$/);
    if (!mm) return this.fail(`expected a memory operand [Xn…] as operand ${k + 1}`);
    const parts = operands(mm[1]);
    const base = reg(parts[0] ?? '');
    if (!base || base.bits !== 64) return this.fail('the base of an address must be an X register');
    let am: AddrMode = { base: { kind: 'reg', reg: base } };
    if (parts.length >= 2) {
      const idx = reg(parts[1]);
      if (idx) {
        const shift = parts[2] ? (() => {
          const s = parts[2].match(/^(LSL|SXTW|UXTW|SXTX|UXTX)\s*(?:#?\s*(\d+))?$/i);
          if (!s) return this.fail(`cannot read index extension "${parts[2]}"`);
          const op = s[1].toLowerCase();
          return { op: op === 'sxtx' || op === 'uxtx' ? 'lsl' : op, amount: Number(s[2] ?? 0) } as Shift;
        })() : undefined;
        if (parts.length > 3) return this.fail('too many address components');
        am = { ...am, index: shift ? { kind: 'reg', reg: idx, shift } : { kind: 'reg', reg: idx } };
      } else {
        const off = imm(parts[1]);
        if (off === null || parts.length > 2) return this.fail(`cannot read address offset "${parts[1]}"`);
        am = { ...am, offset: off };
      }
    }
    if (mm[2] === '!') {
      if (am.offset === undefined) return this.fail('pre-index needs an immediate offset');
      am = { ...am, writeback: 'pre' };
    }
    if (this.ops.length > k + 1) {
      if (!allowPost) return this.fail('unexpected operand after the address');
      const p = imm(this.ops[k + 1]);
      if (p === null || this.ops.length > k + 2 || mm[2] === '!') return this.fail(`cannot read post-index "${this.ops[k + 1]}"`);
      am = { ...am, writeback: 'post', post: p };
    }
    return am;
  }
}

/** NOP, ISB, DMB/DSB, MOV, SXTW/UXTW. */
function barrierOrMove(mn: string, o: Operands): Instr | undefined {
  if (mn === 'NOP') return o.nops(0), { op: 'nop' };
  if (mn === 'ISB') return o.nops([0, 1]), { op: 'fence', kind: 'ISB' };
  if (mn === 'DMB' || mn === 'DSB') {
    o.nops(1);
    const opt = o.ops[0].toUpperCase();
    const kind = ({ SY: 'FULL', ISH: 'FULL', OSH: 'FULL', NSH: 'FULL', LD: 'LD', ISHLD: 'LD', OSHLD: 'LD', NSHLD: 'LD', ST: 'ST', ISHST: 'ST', OSHST: 'ST', NSHST: 'ST' } as Record<string, string>)[opt];
    if (!kind) return o.fail(`unknown barrier option "${o.ops[0]}"`);
    return { op: 'fence', kind: `${mn}.${kind}`, option: opt };
  }
  if (mn === 'MOV') {
    o.nops(2);
    const src = o.operand(1);
    return { op: 'mov', dst: o.R(0), src };
  }
  if (mn === 'SXTW' || mn === 'UXTW') {
    o.nops(2);
    const s = o.R(1);
    return { op: 'mov', dst: o.R(0), src: { kind: 'reg', reg: s, shift: { op: mn.toLowerCase() as 'sxtw', amount: 0 } } };
  }
  return undefined;
}

/** ALU operations, with or without flags, and the compares and CSEL family. */
function dataProcessing(mn: string, o: Operands): Instr | undefined {
  const alu: Record<string, BinOp> = { ADD: 'add', SUB: 'sub', EOR: 'eor', AND: 'and', ORR: 'orr', BIC: 'bic', LSL: 'lsl', LSR: 'lsr', ASR: 'asr', ROR: 'ror' };
  const aluS: Record<string, BinOp> = { ADDS: 'add', SUBS: 'sub', ANDS: 'and', BICS: 'bic' };
  if (alu[mn] || aluS[mn]) {
    if (o.ops.length < 3 || o.ops.length > 4) o.fail(`wrong number of operands for ${mn}`);
    const d = o.R(0);
    return { op: 'alu', fn: alu[mn] ?? aluS[mn], dst: d, a: o.operand(1, false), b: o.operand(2), flags: aluS[mn] !== undefined, bits: d.bits === 64 ? 64 : 32 };
  }
  if (mn === 'CMP' || mn === 'CMN' || mn === 'TST') {
    if (o.ops.length < 2 || o.ops.length > 3) o.fail(`wrong number of operands for ${mn}`);
    const a = o.R(0);
    return { op: 'alu', fn: mn === 'CMP' ? 'sub' : mn === 'CMN' ? 'add' : 'and', dst: null, a: { kind: 'reg', reg: a }, b: o.operand(1), flags: true, bits: a.bits === 64 ? 64 : 32 };
  }
  if (mn === 'CSEL' || mn === 'CSINC' || mn === 'CSINV' || mn === 'CSNEG') {
    o.nops(4);
    const c = o.ops[3].toUpperCase();
    const cond = COND_ALIAS[c] ?? CONDS.find((x) => x === c);
    if (!cond) return o.fail(`unknown condition "${o.ops[3]}"`);
    const variant = ({ CSEL: 'sel', CSINC: 'inc', CSINV: 'inv', CSNEG: 'neg' } as const)[mn];
    return { op: 'csel', dst: o.R(0), a: o.R(1), b: o.R(2), cond, variant };
  }
  return undefined;
}

/** B, B.cond, CBZ, CBNZ. */
function branch(mn: string, o: Operands): Instr | undefined {
  if (mn === 'B' || mn.startsWith('B.')) {
    o.nops(1);
    const target = branchTarget(o.ops[0], o.fail);
    if (mn === 'B') return { op: 'branch', target, test: { kind: 'always' } };
    const c = mn.slice(2);
    const cond = COND_ALIAS[c] ?? CONDS.find((x) => x === c);
    if (!cond) return o.fail(`unknown condition "${c}"`);
    return { op: 'branch', target, test: { kind: 'flags', cond } };
  }
  if (mn === 'CBZ' || mn === 'CBNZ') {
    o.nops(2);
    return { op: 'branch', target: branchTarget(o.ops[1], o.fail), test: { kind: mn === 'CBZ' ? 'zero' : 'nonzero', reg: o.R(0) } };
  }
  return undefined;
}

/** Loads and stores: plain, acquire/release, exclusive. */
function loadStore(mn: string, o: Operands): Instr | undefined {
  // Loads and stores: LDR{B,H}, LDAR{B,H}, LDAPR{B,H}, LDXR, LDAXR, STR, STLR, STXR, STLXR.
  const ls = mn.match(/^(LDR|LDAR|LDAPR|LDXR|LDAXR|STR|STLR|STXR|STLXR)(B|H)?$/);
  if (ls) {
    const [, base, sz] = ls;
    const isStore = base.startsWith('ST');
    const excl = base.includes('X');
    if (isStore && excl) {
      if (o.ops.length !== 3) o.fail(`wrong number of operands for ${mn}`);
      const status = o.R(0);
      const src = o.R(1);
      return { op: 'store', src: { kind: 'reg', reg: src }, addr: o.mem(2, false), bits: size(sz, src), rel: base === 'STLXR', status };
    }
    const t = o.R(0);
    const am = o.mem(1, base === 'LDR' || base === 'STR');
    if (am.index && am.index.kind === 'reg' && base !== 'LDR' && base !== 'STR') o.fail(`${mn} takes no index register`);
    if (isStore) return { op: 'store', src: { kind: 'reg', reg: t }, addr: am, bits: size(sz, t), rel: base === 'STLR', status: null };
    return { op: 'load', dst: t, addr: am, bits: size(sz, t), acq: base === 'LDAR' || base === 'LDAXR' ? 'A' : base === 'LDAPR' ? 'Q' : null, excl };
  }
  return undefined;
}

/** Atomics: CAS, SWP, LD<op>, ST<op> with A/L/AL and B/H. */
function atomic(mn: string, o: Operands): Instr | undefined {
  // Atomics: CAS, SWP, LD<op>, ST<op> with A/L/AL and B/H.
  const at = mn.match(/^(CAS|SWP|LD(?:ADD|EOR|SET|CLR|SMAX|SMIN|UMAX|UMIN)|ST(?:ADD|EOR|SET|CLR|SMAX|SMIN|UMAX|UMIN))(A|L|AL)?(B|H)?$/);
  if (at) {
    const [, base, order = '', sz] = at;
    const acq = order.includes('A');
    const rel = order.includes('L');
    if (base.startsWith('ST') && base !== 'ST') {
      if (acq) return o.fail(`${mn} does not exist (no-return atomics have no acquire form)`);
      o.nops(2);
      const rs = o.R(0);
      const fn = base.slice(2).toLowerCase() as BinOp;
      return { op: 'rmw', kind: 'ldop', fn: fnOf(fn), rs: { kind: 'reg', reg: rs }, rt: null, addr: o.mem(1, false), bits: size(sz, rs), acq: false, rel, noret: true };
    }
    o.nops(3);
    const rs = o.R(0);
    const rt = o.R(1);
    const am = o.mem(2, false);
    if (base === 'CAS') return { op: 'rmw', kind: 'cas', rs: { kind: 'reg', reg: rs }, rt, addr: am, bits: size(sz, rs), acq, rel, noret: rs.zero === true };
    if (base === 'SWP') return { op: 'rmw', kind: 'swp', rs: { kind: 'reg', reg: rs }, rt: rt.zero ? null : rt, addr: am, bits: size(sz, rs), acq, rel, noret: rt.zero === true };
    const fn = fnOf(base.slice(2).toLowerCase());
    return { op: 'rmw', kind: 'ldop', fn, rs: { kind: 'reg', reg: rs }, rt: rt.zero ? null : rt, addr: am, bits: size(sz, rs), acq, rel, noret: rt.zero === true };
  }
  return undefined;
}

function fnOf(op: string): BinOp {
  return ({ add: 'add', eor: 'eor', set: 'orr', clr: 'bic', smax: 'smax', smin: 'smin', umax: 'umax', umin: 'umin' } as Record<string, BinOp>)[op];
}

function size(sz: string | undefined, r: RegRef): number {
  if (sz === 'B') return 8;
  if (sz === 'H') return 16;
  return r.bits;
}

function branchTarget(t: string, fail: (d: string) => never): string | { skip: number } {
  const rel = t.replace(/\s+/g, '').match(/^\.\+(\d+)$/);
  if (rel) {
    const bytes = Number(rel[1]);
    if (bytes % 4 !== 0 || bytes === 0) return fail(`branch offset ${t} is not a positive multiple of 4`);
    return { skip: bytes / 4 };
  }
  if (!/^[A-Za-z_.][\w.]*$/.test(t)) return fail(`cannot read branch target "${t}"`);
  return t;
}
