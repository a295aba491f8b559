/**
 * What each instruction does to the registers and stack slots mapscope tracks:
 * a small forward data-flow pass over one function's instructions.
 *
 * Values are abstract: a known constant (an address such as a type
 * descriptor's, loaded by `LEAQ type:…(SB)`, `ADRP`+`ADD`, `LEAL`, or a literal
 * pool load on arm) or a pointer to a runtime structure (an `hmap`, a bucket, a
 * Swiss `Map`, table or group), set by the caller of the pass. Every register
 * an instruction writes and we cannot evaluate becomes unknown, so no value
 * outlives a write: the pass follows registers wherever the compiler put them
 * rather than matching fixed instruction sequences. `analyze` runs it over the
 * basic blocks to a fixed point, keeping at a join only what every incoming
 * path agrees on; a call clears all registers (Go's ABIs keep no register live
 * across a call).
 *
 * Operand text is Capstone's: AT&T on x86 (source first), ARM's own syntax on
 * arm64 and arm (destination first).
 */
import type { Insn } from './decoder.js';

/**
 * const: a known number; slot: the address of a stack slot (SP + v); ptr: a
 * pointer to runtime structure s (`dict` for a generic function's dictionary);
 * dict: the word at offset v of the function's own generic dictionary.
 */
export type Val = { k: 'const'; v: number } | { k: 'slot'; v: number } | { k: 'dict'; v: number } | { k: 'ptr'; s: string };

/**
 * The stack pointer moved by delta bytes (negative: the frame grew): every
 * slot's offset from it changes by -delta. An unknown move forgets them all.
 */
function moveSP(st: State, delta: number | undefined): void {
  if (delta === undefined) {
    st.stack.clear();
    return;
  }
  const moved = new Map<number, Val>();
  for (const [o, v] of st.stack) moved.set(o - delta, v);
  st.stack = moved;
}

/** A load through a dictionary pointer gives that dictionary entry. */
function dictEntry(base: Val | undefined, disp: number): Val | undefined {
  return base?.k === 'ptr' && base.s === 'dict' ? { k: 'dict', v: disp } : undefined;
}

export interface State {
  regs: Map<string, Val>;
  /** Stack slots by offset from the current stack pointer. */
  stack: Map<number, Val>;
}

export interface MemRef {
  base: string;
  /** Byte displacement from base; undefined when an index register is added. */
  disp: number | undefined;
  /** The operand text, to annotate. */
  text: string;
  /** Whether the instruction reads (load) or writes (store) it. */
  store: boolean;
}

export interface Semantics {
  /** Updates st for ins; `read` reads a pointer-sized word of the binary (literal pools). */
  step(st: State, ins: Insn, read: (addr: number) => number | undefined): void;
  /** Direct call target. */
  callTarget(ins: Insn): number | undefined;
  /** Direct branch target (conditional or not), calls excluded. */
  jumpTarget(ins: Insn): number | undefined;
  /** Register or stack slot holding argument i before a call. */
  argLoc(i: number, regabi: boolean): { reg: string } | { stack: number };
  /** Memory operands of ins. */
  mem(ins: Insn): MemRef[];
  /** The register ins writes as its main destination, if any (for field-typed loads). */
  dest(ins: Insn): string | undefined;
  /** Stack pointer register name. */
  sp: string;
}

export function newState(): State {
  return { regs: new Map(), stack: new Map() };
}

/** A number as Capstone prints it: decimal or 0x-hex, optionally signed and `#`-prefixed. */
export function num(s: string): number | undefined {
  // By hand rather than trim/replace/regex: it runs on every branch and call of every decoded function.
  let i = 0;
  let e = s.length;
  while (i < e && s.charCodeAt(i) <= 32) i++;
  while (e > i && s.charCodeAt(e - 1) <= 32) e--;
  if (i < e && (s[i] === '#' || s[i] === '$')) i++;
  const neg = s[i] === '-';
  if (neg) i++;
  const hex = e - i > 2 && s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X');
  const from = hex ? i + 2 : i;
  if (from >= e) return undefined;
  for (let j = from; j < e; j++) {
    const c = s.charCodeAt(j);
    const l = c | 0x20;
    if (!((c >= 48 && c <= 57) || (hex && l >= 97 && l <= 102))) return undefined;
  }
  const v = hex ? parseInt(s.slice(from, e), 16) : Number(s.slice(from, e));
  return neg ? -v : v;
}

/** ins's operands, split once: the fixed-point pass visits an instruction several times. */
function opsOf(ins: Insn): string[] {
  return (ins.split ??= splitOps(ins.ops));
}

/** Splits an operand list at top-level commas (not inside () or []). */
export function splitOps(s: string): string[] {
  if (!/[([{]/.test(s)) return s === '' ? [] : s.split(',').map((x) => x.trim());
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of s) {
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    if (c === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

// ---------------------------------------------------------------- x86 (AT&T)

const X86_ALIASES: Record<string, string> = {};
for (const r of ['ax', 'bx', 'cx', 'dx', 'si', 'di', 'sp', 'bp']) {
  for (const a of [`r${r}`, `e${r}`, r]) X86_ALIASES[a] = r;
}
for (const [r, l] of [['ax', 'al'], ['bx', 'bl'], ['cx', 'cl'], ['dx', 'dl'], ['si', 'sil'], ['di', 'dil'], ['sp', 'spl'], ['bp', 'bpl']]) X86_ALIASES[l] = r;
for (const [r, h] of [['ax', 'ah'], ['bx', 'bh'], ['cx', 'ch'], ['dx', 'dh']]) X86_ALIASES[h] = r;
for (let i = 8; i < 16; i++) for (const s of ['', 'd', 'w', 'b']) X86_ALIASES[`r${i}${s}`] = `r${i}`;

function x86reg(op: string): string | undefined {
  if (!op.startsWith('%')) return undefined;
  return X86_ALIASES[op.slice(1)] ?? op.slice(1);
}

type X86Mem = { base: string; disp: number | undefined; index: boolean };

/**
 * Parsed memory operands by text. A function's few hundred distinct operands recur across its
 * instructions and every pass of the fixed point; parsing each once is most of the pass's saving.
 * Bounded: cleared when full, so a hostile binary cannot grow it without limit.
 */
const x86memCache = new Map<string, X86Mem | null>();

function x86mem(op: string): X86Mem | undefined {
  const c = x86memCache.get(op);
  if (c !== undefined) return c ?? undefined;
  const m = /^(?:%[a-z]s:)?(-?(?:0x[0-9a-f]+|\d+))?\(([^)]*)\)$/i.exec(op);
  let out: X86Mem | undefined;
  if (m) {
    const parts = m[2].split(',').map((x) => x.trim());
    const base = parts[0] ? x86reg(parts[0]) ?? parts[0] : '';
    const index = parts.length > 1 && parts[1] !== '';
    out = { base, disp: index ? undefined : m[1] ? num(m[1]) : 0, index };
  }
  if (x86memCache.size >= 1 << 16) x86memCache.clear();
  x86memCache.set(op, out ?? null);
  return out;
}

const X86_NO_DEST = /^(cmp|test|bt|j|call|ret|push|nop|ud|int|pause|lfence|mfence|sfence|prefetch|ucomis|comis|lock cmp)/;

/** What step needs to know of an x86 mnemonic, worked out once per mnemonic instead of by a dozen tests per instruction. */
interface X86Class {
  call: boolean;
  push: boolean;
  pop: boolean;
  /** Implicit writes of ax/dx/cx/bx (mul, div, cpuid…). */
  killsAxDx: boolean;
  cmpxchg: boolean;
  string: boolean;
  xchg: boolean;
  noDest: boolean;
  lea: boolean;
  mov: boolean;
  sub: boolean;
  add: boolean;
}

const x86Classes = new Map<string, X86Class>();

function x86Class(mn: string): X86Class {
  let c = x86Classes.get(mn);
  if (c) return c;
  c = {
    call: mn.startsWith('call'),
    push: mn.startsWith('push'),
    pop: mn.startsWith('pop'),
    killsAxDx: /^(mul|div|idiv|cqo|cdq|cwd|cpuid|rdtsc)/.test(mn),
    cmpxchg: /cmpxchg/.test(mn),
    string: /^(rep|stos|movs|lods|scas|cmps)/.test(mn),
    xchg: /^xchg|^lock xchg|xadd/.test(mn),
    noDest: X86_NO_DEST.test(mn),
    lea: mn.startsWith('lea'),
    mov: /^mov(q|l|absq)?$/.test(mn),
    sub: /^sub/.test(mn),
    add: /^add/.test(mn),
  };
  // Mnemonics are Capstone's, a bounded set; the bound only guards against surprises.
  if (x86Classes.size < 1 << 12) x86Classes.set(mn, c);
  return c;
}

function x86(bits: 32 | 64): Semantics {
  const spName = 'sp';
  const killAll = (st: State, regs: string[]) => { for (const r of regs) st.regs.delete(r); };
  const sem: Semantics = {
    sp: spName,
    callTarget(ins) {
      if (!ins.mnemonic.startsWith('call')) return undefined;
      return num(ins.ops);
    },
    jumpTarget(ins) {
      if (!ins.mnemonic.startsWith('j')) return undefined;
      return num(ins.ops);
    },
    argLoc(i, regabi) {
      const regs = ['ax', 'bx', 'cx', 'di', 'si', 'r8', 'r9', 'r10', 'r11'];
      if (regabi && bits === 64) return { reg: regs[i] };
      return { stack: i * (bits / 8) };
    },
    mem(ins) {
      const out: MemRef[] = [];
      if (ins.mnemonic.startsWith('lea') || ins.mnemonic.startsWith('nop')) return out;
      const ops = opsOf(ins);
      ops.forEach((op, i) => {
        const m = x86mem(op);
        if (m && m.base !== 'rip') out.push({ base: m.base, disp: m.disp, text: op, store: i === ops.length - 1 && ops.length > 1 && !X86_NO_DEST.test(ins.mnemonic) });
      });
      return out;
    },
    dest(ins) {
      if (X86_NO_DEST.test(ins.mnemonic)) return undefined;
      const ops = opsOf(ins);
      return ops.length ? x86reg(ops[ops.length - 1]) : undefined;
    },
    step(st, ins) {
      const mn = ins.mnemonic;
      const cls = x86Class(mn);
      if (cls.call) {
        st.regs.clear();
        return;
      }
      const ops = opsOf(ins);
      const next = ins.addr + ins.size;
      if (cls.push || cls.pop) {
        moveSP(st, cls.push ? -bits / 8 : bits / 8);
        if (cls.pop) killAll(st, [x86reg(ops[0] ?? '') ?? '']);
        return;
      }
      if (cls.killsAxDx || (mn.startsWith('imul') && ops.length === 1)) killAll(st, ['ax', 'dx', 'cx', 'bx']);
      if (cls.cmpxchg) killAll(st, ['ax']);
      if (cls.string) killAll(st, ['di', 'si', 'cx', 'ax']);
      if (cls.xchg) for (const op of ops) killAll(st, [x86reg(op) ?? '']);
      if (cls.noDest || ops.length === 0) return;
      const dst = ops[ops.length - 1];
      const src = ops.length > 1 ? ops[0] : undefined;
      const dreg = x86reg(dst);
      let val: Val | undefined;
      if (cls.lea && src) {
        const m = x86mem(src);
        if (m && m.base === 'rip' && m.disp !== undefined) val = { k: 'const', v: next + m.disp };
        else if (!m && num(src) !== undefined) val = { k: 'const', v: num(src)! >>> 0 };
        else if (m && m.base === '' && m.disp !== undefined) val = { k: 'const', v: m.disp };
        else if (m && m.base === spName && m.disp !== undefined) val = { k: 'slot', v: m.disp };
        else if (m && m.disp !== undefined) {
          const b = st.regs.get(m.base);
          if (b?.k === 'const') val = { k: 'const', v: b.v + m.disp };
        }
      } else if (cls.mov && src) {
        const s = src.startsWith('$') ? num(src) : undefined;
        if (s !== undefined) val = { k: 'const', v: bits === 32 || mn === 'movl' ? s >>> 0 : s };
        else if (x86reg(src)) val = st.regs.get(x86reg(src)!);
        else {
          const m = x86mem(src);
          if (m && m.base === spName && m.disp !== undefined) val = st.stack.get(m.disp);
          else if (m && m.disp !== undefined) val = dictEntry(st.regs.get(m.base), m.disp);
        }
        if (mn === 'movl' && bits === 64 && val?.k === 'ptr') val = undefined;
      }
      if (dreg) {
        if (dreg === spName) {
          const imm = src?.startsWith('$') ? num(src) : undefined;
          moveSP(st, imm === undefined ? undefined : cls.sub ? -imm : cls.add ? imm : undefined);
          return;
        }
        if (val) st.regs.set(dreg, val);
        else st.regs.delete(dreg);
        return;
      }
      const m = x86mem(dst);
      if (m && m.base === spName && m.disp !== undefined) {
        if (val) st.stack.set(m.disp, val);
        else st.stack.delete(m.disp);
      }
    },
  };
  return sem;
}

// ---------------------------------------------------------------- ARM (arm64 and arm)

function armReg(op: string, a64: boolean): string | undefined {
  const t = op.trim();
  if (a64) {
    const m = /^([xw])(\d+)$/.exec(t);
    if (m) return `x${m[2]}`;
    if (t === 'sp' || t === 'wsp') return 'sp';
    if (t === 'xzr' || t === 'wzr') return 'zr';
    if (t === 'fp') return 'x29';
    if (t === 'lr') return 'x30';
    return undefined;
  }
  const alias: Record<string, string> = { sb: 'r9', sl: 'r10', fp: 'r11', ip: 'r12', sp: 'sp', lr: 'lr', pc: 'pc' };
  if (/^r\d+$/.test(t)) return t;
  return alias[t];
}

function armMem(op: string): { base: string; disp: number | undefined; wb: boolean } | undefined {
  const m = /^\[([^\]]*)\](!?)$/.exec(op.trim());
  if (!m) return undefined;
  const parts = m[1].split(',').map((x) => x.trim());
  let disp: number | undefined = 0;
  if (parts.length > 1) disp = num(parts[1]);
  if (parts.length > 2) disp = undefined;
  return { base: parts[0], disp, wb: m[2] === '!' };
}

const A64_STORE = /^(st|stl|stx|stlx|stn|prfm)/;
const A64_NO_DEST = /^(cmp|cmn|tst|b$|b\.|bl$|blr|br$|cbz|cbnz|tbz|tbnz|ret|dmb|dsb|isb|nop|hint|yield|brk|udf|msr|sev|wfe|clrex)/;

function arm(a64: boolean): Semantics {
  const reg = (s: string) => armReg(s, a64);
  const sp = 'sp';
  const sem: Semantics = {
    sp,
    callTarget(ins) {
      if (ins.mnemonic !== 'bl') return undefined;
      return num(ins.ops);
    },
    jumpTarget(ins) {
      const mn = ins.mnemonic;
      const ops = opsOf(ins);
      if (a64) {
        if (mn === 'b' || mn.startsWith('b.')) return num(ops[0]);
        if (mn === 'cbz' || mn === 'cbnz') return num(ops[1]);
        if (mn === 'tbz' || mn === 'tbnz') return num(ops[2]);
        return undefined;
      }
      if (/^b(eq|ne|hs|cs|lo|cc|mi|pl|vs|vc|hi|ls|ge|lt|gt|le|al)?$/.test(mn)) return num(ops[0]);
      return undefined;
    },
    argLoc(i, regabi) {
      if (regabi && a64) return { reg: `x${i}` };
      // Stack ABI: 0(SP) holds the saved link register slot; arguments follow.
      return a64 ? { stack: 8 + 8 * i } : { stack: 4 + 4 * i };
    },
    mem(ins) {
      const out: MemRef[] = [];
      const store = A64_STORE.test(ins.mnemonic) && !/^stadd|^stclr|^stset|^steor/.test(ins.mnemonic) ? true : /^(swp|cas|ld(add|clr|set|eor))/.test(ins.mnemonic);
      for (const op of splitOps(ins.ops)) {
        const m = armMem(op);
        if (m) out.push({ base: reg(m.base) ?? m.base, disp: m.disp, text: op, store });
      }
      return out;
    },
    dest(ins) {
      if (A64_STORE.test(ins.mnemonic) || A64_NO_DEST.test(ins.mnemonic)) return undefined;
      return reg(splitOps(ins.ops)[0] ?? '');
    },
    step(st, ins, read) {
      const mn = ins.mnemonic;
      const ops = opsOf(ins);
      if (mn === 'bl' || mn === 'blr' || mn === 'blx') {
        st.regs.clear();
        return;
      }
      // Writeback addressing moves the base register; on sp it moves every slot.
      for (const op of ops) {
        const m = armMem(op);
        const post = ops.length > 2 && op === ops[ops.length - 2] ? num(ops[ops.length - 1]) : undefined;
        if (m && (m.wb || post !== undefined)) {
          const b = reg(m.base);
          if (b === sp) moveSP(st, m.wb ? m.disp : post);
          else if (b) st.regs.delete(b);
        }
      }
      if (A64_NO_DEST.test(mn)) return;
      const d = reg(ops[0] ?? '');
      if (A64_STORE.test(mn)) {
        // stxr/stlxr write a status register first.
        if (/^st(l)?x/.test(mn) && d) st.regs.delete(d);
        const memOp = ops.find((o) => armMem(o));
        const m = memOp ? armMem(memOp) : undefined;
        const srcReg = reg(ops[0] ?? '');
        if (m && reg(m.base) === sp && m.disp !== undefined && !/^stp/.test(mn)) {
          const v = srcReg ? st.regs.get(srcReg) : undefined;
          if (v) st.stack.set(m.disp, v);
          else st.stack.delete(m.disp);
        } else if (m && reg(m.base) === sp && /^stp/.test(mn) && m.disp !== undefined && !m.wb) {
          // A register pair: ops[0] at disp, ops[1] at disp + register size.
          const w = a64 && ops[0].startsWith('x') ? 8 : 4;
          for (const [j, o] of [ops[0], ops[1]].entries()) {
            const v = st.regs.get(reg(o) ?? '');
            if (v) st.stack.set(m.disp + j * w, v);
            else st.stack.delete(m.disp + j * w);
          }
        }
        return;
      }
      if (mn === 'ldp' && a64) {
        const m = armMem(ops[2] ?? '');
        const w = ops[0].startsWith('x') ? 8 : 4;
        for (const [j, o] of [ops[0], ops[1]].entries()) {
          const r = reg(o);
          if (!r) continue;
          const v = m && !m.wb && reg(m.base) === sp && m.disp !== undefined ? st.stack.get(m.disp + j * w) : undefined;
          if (v) st.regs.set(r, v);
          else st.regs.delete(r);
        }
        return;
      }
      // LSE atomics and ldp write two registers; be conservative on anything with two.
      if (/^(ldp|ldaxp|ldxp|swp|cas|ld(add|clr|set|eor|smax|smin|umax|umin))/.test(mn)) {
        for (const o of ops.slice(0, 2)) {
          const r = reg(o);
          if (r) st.regs.delete(r);
        }
        return;
      }
      if (!d || d === 'zr') return;
      if (d === sp) {
        const imm = ops.length === 3 && reg(ops[1]) === sp ? num(ops[2]) : undefined;
        moveSP(st, imm === undefined ? undefined : mn === 'sub' ? -imm : mn === 'add' ? imm : undefined);
        return;
      }
      let val: Val | undefined;
      if (mn === 'adrp' || mn === 'adr') {
        const v = num(ops[1] ?? '');
        if (v !== undefined) val = { k: 'const', v };
      } else if (mn === 'add' && ops.length === 3) {
        const b = st.regs.get(reg(ops[1]) ?? '');
        const imm = num(ops[2]);
        if (b?.k === 'const' && imm !== undefined) val = { k: 'const', v: b.v + imm };
        else if (reg(ops[1]) === sp && imm !== undefined) val = { k: 'slot', v: imm };
        else if (!a64 && reg(ops[1]) === 'pc' && imm !== undefined) val = { k: 'const', v: ins.addr + 8 + imm };
      } else if ((mn === 'mov' || mn === 'movz' || mn === 'movw') && ops.length === 2) {
        const imm = num(ops[1]);
        if (imm !== undefined) val = { k: 'const', v: imm };
        else {
          const s = reg(ops[1]);
          if (s) val = st.regs.get(s);
        }
      } else if (mn === 'movt' && !a64) {
        const lo = st.regs.get(d);
        const imm = num(ops[1]);
        if (lo?.k === 'const' && imm !== undefined) val = { k: 'const', v: ((lo.v & 0xffff) | (imm << 16)) >>> 0 };
      } else if (mn === 'ldr' && ops.length === 2) {
        const m = armMem(ops[1]);
        if (m && reg(m.base) === sp && m.disp !== undefined) val = st.stack.get(m.disp);
        else if (m && !a64 && reg(m.base) === 'pc' && m.disp !== undefined) {
          const w = read(ins.addr + 8 + m.disp);
          if (w !== undefined) val = { k: 'const', v: w };
        } else if (a64 && /^#?0x[0-9a-f]+$/.test(ops[1].trim())) {
          const w = read(num(ops[1])!);
          if (w !== undefined) val = { k: 'const', v: w };
        } else if (m && m.disp !== undefined && !m.wb) val = dictEntry(st.regs.get(reg(m.base) ?? ''), m.disp);
      }
      if (val) st.regs.set(d, val);
      else st.regs.delete(d);
    },
  };
  return sem;
}

export function semanticsFor(goarch: string): Semantics | undefined {
  switch (goarch) {
    case 'amd64': return x86(64);
    case '386': return x86(32);
    case 'arm64': return arm(true);
    case 'arm': return arm(false);
    default: return undefined;
  }
}

/** The value of argument i in st. */
export function argValue(sem: Semantics, st: State, i: number, regabi: boolean): Val | undefined {
  const loc = sem.argLoc(i, regabi);
  return 'reg' in loc ? st.regs.get(loc.reg) : st.stack.get(loc.stack);
}

function sameVal(a: Val, b: Val): boolean {
  return a.k === b.k && (a.k === 'ptr' ? a.s === (b as { s: string }).s : a.v === (b as { v: number }).v);
}

function meet(into: State, from: State): boolean {
  let changed = false;
  for (const [r, v] of into.regs) {
    const w = from.regs.get(r);
    if (!w || !sameVal(v, w)) {
      into.regs.delete(r);
      changed = true;
    }
  }
  for (const [o, v] of into.stack) {
    const w = from.stack.get(o);
    if (!w || !sameVal(v, w)) {
      into.stack.delete(o);
      changed = true;
    }
  }
  return changed;
}

function copy(s: State): State {
  return { regs: new Map(s.regs), stack: new Map(s.stack) };
}

/** Whether control never falls through ins to the next instruction. */
function endsFlow(ins: Insn): boolean {
  const mn = ins.mnemonic;
  return /^(jmp|ret|ud2|int3|hlt)/.test(mn) || mn === 'b' || mn === 'br' || mn === 'udf' || mn === 'brk' || (mn === 'bx' && ins.ops === 'lr') || (/^(pop|ldm|ldr)/.test(mn) && /\bpc\b/.test(ins.ops.split(',')[0] + (mn.startsWith('pop') ? ins.ops : '')));
}

/**
 * Which instructions start a basic block: the first, every direct branch target, and every
 * instruction after a branch or an instruction that ends the flow.
 */
export function blockStarts(sem: Semantics, insns: readonly Insn[]): boolean[] {
  const n = insns.length;
  const leader = new Array<boolean>(n).fill(false);
  if (n) leader[0] = true;
  const jumps = insns.map((ins) => sem.jumpTarget(ins));
  const at = new Map<number, number>();
  for (const t of jumps) if (t !== undefined) at.set(t, -1);
  for (let i = 0; i < n; i++) if (at.has(insns[i].addr)) leader[i] = true;
  for (let i = 0; i + 1 < n; i++) if (jumps[i] !== undefined || endsFlow(insns[i])) leader[i + 1] = true;
  return leader;
}

/**
 * The state before instruction `i` from its own basic block alone, started from nothing known.
 * Every value it knows is the value the whole-function analysis (`analyze`) knows there too: a
 * step only ever keeps or adds facts when its input knows more, and every path into the block
 * runs the same instructions from the block's start. So when this knows what a caller needs,
 * the fixed point over the whole function can be skipped.
 */
export function blockLocalState(insns: readonly Insn[], leader: readonly boolean[], i: number, step: (st: State, ins: Insn) => void): State {
  let b = i;
  while (b > 0 && !leader[b]) b--;
  const st = newState();
  for (let j = b; j < i; j++) step(st, insns[j]);
  return st;
}

/**
 * The state before each instruction, by a forward data-flow analysis over
 * the function's basic blocks: a block's entry state is the meet
 * (agreement) of its predecessors' exit states, iterated to a fixed point.
 * Values only ever get forgotten, so it ends; a cap bounds hostile input.
 * `keep` limits which instructions' states are returned (the others are empty).
 */
export function analyze(sem: Semantics, insns: readonly Insn[], init: State, step: (st: State, ins: Insn) => void, keep?: (i: number) => boolean): State[] {
  const n = insns.length;
  // Instructions are in address order: a branch target's index by binary search, not a map of every address.
  const index = {
    get(addr: number): number | undefined {
      let lo = 0;
      let hi = n - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const a = insns[mid].addr;
        if (a === addr) return mid;
        if (a < addr) lo = mid + 1;
        else hi = mid - 1;
      }
      return undefined;
    },
  };
  const leader = new Array<boolean>(n).fill(false);
  if (n) leader[0] = true;
  // Each instruction's branch target and whether it ends the flow, worked out once for every pass.
  const ends = insns.map(endsFlow);
  const jumps = insns.map((ins) => sem.jumpTarget(ins));
  const targetOf: (number | undefined)[] = jumps.map((t) => {
    const i = t === undefined ? undefined : index.get(t);
    if (i !== undefined) leader[i] = true;
    return i;
  });
  for (let i = 0; i + 1 < n; i++) if (jumps[i] !== undefined || ends[i]) leader[i + 1] = true;
  const entry: (State | undefined)[] = new Array(n).fill(undefined);
  const before: State[] = new Array(n);
  entry[0] = copy(init);
  const work: number[] = n ? [0] : [];
  const queued = new Set<number>(work);
  let budget = 64 * n + 1024;
  // Blocks no direct edge reaches (targets of jump tables, `JMP *(R)(…)`) start from nothing known.
  let nextSeed = 0;
  const reseed = (): boolean => {
    for (; nextSeed < n; nextSeed++) {
      if (leader[nextSeed] && entry[nextSeed] === undefined) {
        entry[nextSeed] = newState();
        work.push(nextSeed);
        queued.add(nextSeed);
        return true;
      }
    }
    return false;
  };
  while ((work.length || reseed()) && budget-- > 0) {
    const b = work.pop()!;
    queued.delete(b);
    const st = copy(entry[b]!);
    let i = b;
    for (; ;) {
      if (!keep || keep(i)) before[i] = copy(st);
      step(st, insns[i]);
      const succ: number[] = [];
      if (targetOf[i] !== undefined) succ.push(targetOf[i]!);
      const falls = !ends[i] && i + 1 < n;
      if (falls && !leader[i + 1]) {
        i++;
        continue;
      }
      if (falls) succ.push(i + 1);
      for (const s of succ) {
        const cur = entry[s];
        const changed = cur === undefined ? ((entry[s] = copy(st)), true) : meet(cur, st);
        if (changed && !queued.has(s)) {
          queued.add(s);
          work.push(s);
        }
      }
      break;
    }
  }
  // Instructions of blocks the budget cut off get an empty state; those `keep` leaves out share one
  // (nothing reads them, and a fresh pair of maps for each of a large function's instructions is garbage).
  const unkept = newState();
  for (let i = 0; i < n; i++) before[i] ??= !keep || keep(i) ? newState() : unkept;
  return before;
}
