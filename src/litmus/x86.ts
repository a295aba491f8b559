/**
 * x86 instruction syntax in herd's two dialects:
 *  - X86 (Intel order, 32-bit): `MOV [x],$1`, `MOV EAX,[y]`, `MOV EBX,[EAX]`, `MFENCE`,
 *    `XCHG [x],EAX`, `LOCK ADD [x],$1`, `LOCK XADD [x],EAX`, `LOCK CMPXCHG [x],EBX`, `INC`, `CMP`, `Jcc`;
 *  - X86_64 (AT&T order, sized mnemonics): `movl $1,(x)`, `movl (y),%eax`, `movq %rbx,(x)`,
 *    `mfence`, `xchgl (y),%eax`, `lock addl $1,(x)`, `nop`, `endbr64`.
 * Locked instructions and XCHG are atomic read-modify-writes (herd's X/amo events),
 * which TSO treats as full fences.
 */
import type { AddrMode, Cond, Operand, RegRef } from './ast.js';
import type { ArchSyntax } from './parse.js';
import { int, type BinOp } from './values.js';
import { splitOperands } from './operands.js';

const GPR32 = ['EAX', 'EBX', 'ECX', 'EDX', 'ESI', 'EDI', 'ESP', 'EBP'];
const R64 = ['rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'rsp', 'rbp'];

function reg32(name: string): RegRef | null {
  const u = name.toUpperCase();
  return GPR32.includes(u) ? { name: u, bits: 32 } : null;
}

/** X86_64 registers: canonical 64-bit lower-case name (eax → rax, r8d → r8). */
function reg64(name: string): RegRef | null {
  const l = name.toLowerCase().replace(/^%/, '');
  const i64 = R64.indexOf(l);
  if (i64 >= 0) return { name: l, bits: 64 };
  const i32 = ['eax', 'ebx', 'ecx', 'edx', 'esi', 'edi', 'esp', 'ebp'].indexOf(l);
  if (i32 >= 0) return { name: R64[i32], bits: 32 };
  const m = l.match(/^r(\d{1,2})(d?)$/);
  if (m && Number(m[1]) >= 8 && Number(m[1]) <= 15) return { name: `r${m[1]}`, bits: m[2] ? 32 : 64 };
  if (['rip', 'cs', 'ds', 'ss', 'es', 'fs', 'gs'].includes(l)) return { name: l, bits: 64 };
  return null;
}

const JCC: Record<string, Cond> = { JE: 'EQ', JZ: 'EQ', JNE: 'NE', JNZ: 'NE', JL: 'LT', JGE: 'GE', JG: 'GT', JLE: 'LE', JB: 'LO', JAE: 'HS', JA: 'HI', JBE: 'LS', JS: 'MI', JNS: 'PL' };
const ALU: Record<string, BinOp> = { ADD: 'add', SUB: 'sub', XOR: 'eor', AND: 'and', OR: 'orr', SHL: 'lsl', SHR: 'lsr', SAR: 'asr' };

/** Splits operands on commas outside parentheses and brackets. */
const splitOps = (text: string): string[] => splitOperands(text, '([', ')]');

function immediate(t: string, needDollar: boolean): bigint | null {
  const m = t.trim().match(needDollar ? /^\$(-?)(0x[0-9a-f]+|\d+)$/i : /^\$?(-?)(0x[0-9a-f]+|\d+)$/i);
  if (!m) return null;
  const n = BigInt(m[2]);
  if (n >= 1n << 64n) return null;
  return m[1] ? -n : n;
}

type X86Op = { kind: 'reg'; reg: RegRef } | { kind: 'imm'; val: bigint } | { kind: 'mem'; addr: AddrMode };

function makeSyntax(att: boolean): ArchSyntax {
  const reg = att ? reg64 : reg32;
  const operand = (t: string, fail: (d: string) => never): X86Op => {
    if (att) {
      if (t.startsWith('%')) {
        const r = reg64(t);
        if (!r) return fail(`unknown register "${t}"`);
        return { kind: 'reg', reg: r };
      }
      const v = immediate(t, false);
      if (v !== null) return { kind: 'imm', val: v };
      const m = t.match(/^\(\s*(%?)([A-Za-z_]\w*)\s*\)$/);
      if (m) {
        if (m[1]) {
          const r = reg64(m[2]);
          if (!r || r.bits !== 64) return fail(`bad base register "${m[2]}"`);
          return { kind: 'mem', addr: { base: { kind: 'reg', reg: r } } };
        }
        return { kind: 'mem', addr: { base: { kind: 'sym', sym: m[2] } } };
      }
      return fail(`cannot read operand "${t}"`);
    }
    const r = reg32(t);
    if (r) return { kind: 'reg', reg: r };
    const v = immediate(t, true);
    if (v !== null) return { kind: 'imm', val: v };
    const m = t.match(/^\[\s*([A-Za-z_]\w*)\s*\]$/);
    if (m) {
      const br = reg32(m[1]);
      return { kind: 'mem', addr: { base: br ? { kind: 'reg', reg: br } : { kind: 'sym', sym: m[1] } } };
    }
    return fail(`cannot read operand "${t}"`);
  };
  const toOperand = (o: X86Op, fail: (d: string) => never): Operand => {
    if (o.kind === 'reg') return { kind: 'reg', reg: o.reg };
    if (o.kind === 'imm') return { kind: 'imm', val: int(o.val) };
    return fail('two memory operands');
  };

  return {
    reg,
    printReg: (n) => n,
    instr(text, fail) {
      let t = text.trim();
      let locked = false;
      const lm = t.match(/^lock\s+/i);
      if (lm) {
        locked = true;
        t = t.slice(lm[0].length);
      }
      const m = t.match(/^([A-Za-z][\w]*)\s*(.*)$/);
      if (!m) return fail('cannot read instruction');
      let mn = m[1].toUpperCase();
      const raw = splitOps(m[2]);
      if (['NOP', 'NOPL', 'NOPW', 'ENDBR64'].includes(mn)) return { op: 'nop' };
      if (['MFENCE', 'LFENCE', 'SFENCE'].includes(mn)) {
        if (raw.length) fail('fences take no operand');
        return { op: 'fence', kind: mn };
      }
      let width = att ? 64 : 32;
      if (att) {
        const sm = mn.match(/^(MOV|XCHG|ADD|SUB|XOR|AND|OR|SHL|SHR|SAR|INC|DEC|XADD|CMPXCHG|CMP)([BWLQ])$/);
        if (sm) {
          mn = sm[1];
          width = { B: 8, W: 16, L: 32, Q: 64 }[sm[2] as 'B']!;
        }
      }
      if (mn === 'JMP' || JCC[mn]) {
        if (raw.length !== 1 || !/^[A-Za-z_.][\w.]*$/.test(raw[0])) return fail('expected a label');
        return { op: 'branch', target: raw[0], test: mn === 'JMP' ? { kind: 'always' } : { kind: 'flags', cond: JCC[mn] } };
      }
      const ops = raw.map((o) => operand(o, fail));
      // Intel: dst, src. AT&T: src, dst.
      const [dst, src] = att ? [ops[1], ops[0]] : [ops[0], ops[1]];
      const need = (n: number) => {
        if (ops.length !== n) fail(`wrong number of operands for ${mn}`);
      };
      const regWidth = (r: RegRef): RegRef => (att && width < r.bits ? { ...r, bits: width as 32 } : r);
      if (locked && !['ADD', 'SUB', 'XOR', 'AND', 'OR', 'INC', 'DEC', 'XADD', 'CMPXCHG', 'XCHG'].includes(mn)) return fail(`LOCK cannot prefix ${mn}`);
      if (mn === 'MOV') {
        need(2);
        if (dst.kind === 'mem') {
          if (src.kind === 'mem') return fail('two memory operands');
          return { op: 'store', src: toOperand(src, fail), addr: dst.addr, bits: src.kind === 'reg' ? src.reg.bits : width, rel: false, status: null };
        }
        if (dst.kind !== 'reg') return fail('cannot move into an immediate');
        if (src.kind === 'mem') return { op: 'load', dst: regWidth(dst.reg), addr: src.addr, bits: regWidth(dst.reg).bits, acq: null, excl: false };
        return { op: 'mov', dst: regWidth(dst.reg), src: toOperand(src, fail) };
      }
      if (mn === 'XCHG') {
        need(2);
        const [mem, r] = dst.kind === 'mem' ? [dst, src] : [src, dst];
        if (mem.kind !== 'mem' || r.kind !== 'reg') return fail('XCHG needs a memory operand and a register');
        return { op: 'rmw', kind: 'swp', rs: { kind: 'reg', reg: r.reg }, rt: regWidth(r.reg), addr: mem.addr, bits: regWidth(r.reg).bits, acq: false, rel: false, noret: false, locked: true };
      }
      if (mn === 'XADD' || mn === 'CMPXCHG') {
        need(2);
        // Without LOCK these are not atomic on x86 (a separate read and write), and herd does not model them.
        if (!locked) return fail(`unsupported: ${mn} without LOCK is not atomic`);
        if (dst.kind !== 'mem' || src.kind !== 'reg') return fail(`${mn} needs a memory destination and a register`);
        if (mn === 'XADD') return { op: 'rmw', kind: 'ldop', fn: 'add', rs: { kind: 'reg', reg: src.reg }, rt: src.reg, addr: dst.addr, bits: src.reg.bits, acq: false, rel: false, noret: false, locked: true };
        const acc: RegRef = att ? { name: 'rax', bits: src.reg.bits } : { name: 'EAX', bits: 32 };
        return { op: 'rmw', kind: 'cas', rs: { kind: 'reg', reg: acc }, rt: src.reg, addr: dst.addr, bits: src.reg.bits, acq: false, rel: false, noret: false, locked: true };
      }
      if (mn === 'INC' || mn === 'DEC') {
        need(1);
        const d = ops[0];
        const one: Operand = { kind: 'imm', val: int(1) };
        if (d.kind === 'mem') {
          if (!locked) return fail(`unsupported: non-atomic read-modify-write ${mn} on memory`);
          return { op: 'rmw', kind: 'ldop', fn: mn === 'INC' ? 'add' : 'sub', rs: one, rt: null, addr: d.addr, bits: width, acq: false, rel: false, noret: true, locked: true };
        }
        if (d.kind !== 'reg') return fail('bad operand');
        return { op: 'alu', fn: mn === 'INC' ? 'add' : 'sub', dst: regWidth(d.reg), a: { kind: 'reg', reg: d.reg }, b: one, flags: true, bits: regWidth(d.reg).bits === 64 ? 64 : 32 };
      }
      if (ALU[mn] || mn === 'CMP') {
        need(2);
        const fn = ALU[mn] ?? 'sub';
        if (dst.kind === 'mem') {
          if (!locked || mn === 'CMP') return fail(`unsupported: non-atomic read-modify-write ${mn} on memory`);
          if (src.kind === 'mem') return fail('two memory operands');
          return { op: 'rmw', kind: 'ldop', fn, rs: toOperand(src, fail), rt: null, addr: dst.addr, bits: src.kind === 'reg' ? src.reg.bits : width, acq: false, rel: false, noret: true, locked: true };
        }
        if (dst.kind !== 'reg') return fail('bad destination');
        if (src.kind === 'mem') return fail(`unsupported: ${mn} with a memory source`);
        const d = regWidth(dst.reg);
        return { op: 'alu', fn, dst: mn === 'CMP' ? null : d, a: { kind: 'reg', reg: dst.reg }, b: toOperand(src, fail), flags: true, bits: d.bits === 64 ? 64 : 32 };
      }
      return fail(`unsupported ${att ? 'X86_64' : 'X86'} instruction ${m[1]}`);
    },
  };
}

export const x86Syntax = makeSyntax(false);
export const x86_64Syntax = makeSyntax(true);
