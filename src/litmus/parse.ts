/**
 * Reader for herd's `.litmus` format (the parts shared by every architecture):
 *
 *   ARCH NAME
 *   "doc string"  /  Key=Value lines
 *   { init: 0:X1=x; y=2; int *p=&x; uint64_t 0:X0; }
 *    P0          | P1          ;
 *    MOV W0,#1   | LDR W0,[X1] ;      one row per line, '|' between threads
 *   locations [x; 0:X1;]
 *   filter (...)
 *   exists (0:X0=1 /\ ~(x=2))          or ~exists / forall
 *
 * Comments are OCaml's (* … *) and nest. Instruction text is handed to the
 * architecture's parser. Every error is an InputError naming the file and line,
 * and nothing here loops on its input or allocates more than a constant factor
 * of it.
 */
import { InputError } from '../base/errors.js';
import type { Arch, Instr, LitmusTest, Loc, Prop, Quantifier, RegRef, Thread, Line } from './ast.js';
import { addr, int, type Val } from './values.js';
import { aarch64Syntax } from './aarch64.js';
import { x86Syntax, x86_64Syntax } from './x86.js';

/** What an architecture's parser provides. */
export interface ArchSyntax {
  /** Canonical register for a name used in init/conditions (W3 → X3), or null. */
  reg(name: string): RegRef | null;
  /** Parses one instruction; `fail` throws an InputError at the instruction's line. */
  instr(text: string, fail: (detail: string) => never): Instr;
  /** Registers are printed lower-case (X86_64: rax) or as written (X0, EAX). */
  readonly printReg: (name: string) => string;
}

const SYNTAX: Record<Arch, ArchSyntax> = { AArch64: aarch64Syntax, X86: x86Syntax, X86_64: x86_64Syntax };

/** Most tests are a few hundred bytes; refuse absurd inputs rather than chew on them. */
export const MAX_SOURCE_BYTES = 1 << 20;
const MAX_THREADS = 64;

export function parseLitmus(text: string, source: string): LitmusTest {
  if (text.length > MAX_SOURCE_BYTES) throw new InputError(source, undefined, `litmus file larger than ${MAX_SOURCE_BYTES} bytes`);
  const lines = stripComments(text, source).split('\n');
  const fail = (line: number, detail: string): never => {
    throw new InputError(source, `line ${line + 1}`, detail);
  };
  let i = 0;
  const skipBlank = () => {
    while (i < lines.length && lines[i].trim() === '') i++;
  };
  skipBlank();
  if (i >= lines.length) fail(0, 'empty litmus file');
  const header = lines[i].trim().match(/^(\S+)\s+(\S.*)$/);
  if (!header) fail(i, 'expected "ARCH NAME" on the first line');
  const archWord = header![1];
  const arch = (['AArch64', 'X86', 'X86_64'] as const).find((a) => a === archWord);
  if (!arch) fail(i, `unsupported architecture "${archWord}" (supported: AArch64, X86, X86_64)`);
  const syntax = SYNTAX[arch!];
  const name = header![2].trim();
  i++;

  // Doc string and Key=Value metadata until the init block.
  let doc: string | null = null;
  const info = new Map<string, string>();
  for (; i < lines.length; i++) {
    const t = lines[i].trim();
    if (t === '') continue;
    if (t.startsWith('{')) break;
    const q = t.match(/^"([^"]*)"$/);
    if (q) {
      doc = q[1];
      continue;
    }
    const kv = t.match(/^([A-Za-z][\w.-]*)\s*=\s*(.*)$/);
    if (kv) {
      if (kv[1].toLowerCase() === 'variant') fail(i, `unsupported: model variant "${kv[2]}" (mixed-size, MTE, VMSA, ifetch tests are not modelled)`);
      info.set(kv[1], kv[2]);
      continue;
    }
    fail(i, `expected a "doc string", Key=Value or the init block "{", found "${clip(t)}"`);
  }
  if (i >= lines.length) fail(lines.length - 1, 'missing init block "{ … }"');

  // Init block: from '{' to the matching '}' (possibly on the same line).
  const initStartLine = i;
  let initText = '';
  let rest = lines[i].slice(lines[i].indexOf('{') + 1);
  for (;;) {
    const close = rest.indexOf('}');
    if (close >= 0) {
      initText += rest.slice(0, close);
      const after = rest.slice(close + 1).trim();
      if (after !== '') fail(i, `unexpected text after the init block: "${clip(after)}"`);
      i++;
      break;
    }
    initText += rest + '\n';
    i++;
    if (i >= lines.length) fail(initStartLine, 'init block "{" is never closed');
    rest = lines[i];
  }

  const initRegs = new Map<string, Val>();
  const initMem = new Map<string, Val>();
  const types = new Map<string, string>();
  const symbols = new Set<string>();
  parseInit(initText, initStartLine, syntax, initRegs, initMem, types, symbols, fail);

  // Thread header.
  skipBlank();
  if (i >= lines.length) fail(lines.length - 1, 'missing thread header "P0 | P1 ;"');
  const headerLine = i;
  const names = lines[i].replace(/;\s*$/, '').split('|').map((s) => s.trim());
  if (names.length > MAX_THREADS) fail(i, `more than ${MAX_THREADS} threads`);
  names.forEach((n, k) => {
    if (n !== `P${k}`) fail(headerLine, `expected thread header "P${k}", found "${clip(n)}"`);
  });
  i++;

  // Code rows until the final section.
  const finalRe = /^\s*(~\s*exists|exists|forall|locations|filter)\b/;
  const cells: { text: string; line: number }[][] = names.map(() => []);
  for (; i < lines.length && !finalRe.test(lines[i]); i++) {
    const raw = lines[i];
    if (raw.trim() === '') continue;
    for (const row of raw.split(';')) {
      if (row.trim() === '') continue;
      const parts = row.split('|');
      if (parts.length > names.length) fail(i, `row has ${parts.length} columns but the test has ${names.length} threads`);
      parts.forEach((c, k) => cells[k].push({ text: c.trim(), line: i }));
    }
  }
  if (i >= lines.length) fail(lines.length - 1, 'missing final condition (exists, ~exists or forall)');

  const threads: Thread[] = cells.map((col, tid) => buildThread(tid, col, syntax, fail));
  for (const t of threads) for (const l of t.code) collectSymbols(l.item, symbols);

  // Final section: locations, filter, quantified condition.
  const finalLine = i;
  const finalText = lines.slice(i).join('\n');
  const cp = new CondParser(finalText, finalLine, syntax, fail);
  const locations: Loc[] = [];
  let filter: Prop | null = null;
  if (cp.word('locations')) {
    cp.expect('[');
    while (!cp.peek(']')) {
      locations.push(cp.loc());
      if (!cp.peek(']')) cp.expect(';');
    }
    cp.expect(']');
  }
  if (cp.word('filter')) filter = cp.prop();
  let quantifier: Quantifier;
  if (cp.word('exists')) quantifier = 'exists';
  else if (cp.word('forall')) quantifier = 'forall';
  else if (cp.peek('~')) {
    cp.expect('~');
    if (!cp.word('exists')) cp.error('expected "exists" after "~"');
    quantifier = '~exists';
  } else cp.error('expected exists, ~exists or forall');
  const prop = cp.prop();
  if (cp.peek(';')) cp.expect(';');
  cp.end();
  for (const s of cp.symbols) symbols.add(s);
  for (const t of cp.threadsUsed) if (t >= threads.length) fail(finalLine, `the final section refers to thread ${t} but the test has ${threads.length}`);

  for (const s of symbols) if (!initMem.has(s)) initMem.set(s, int(0));
  return { arch: arch!, name, source, doc, info, initRegs, initMem, types, threads, locations, filter, quantifier: quantifier!, prop };
}

function clip(s: string): string {
  return s.length > 40 ? s.slice(0, 40) + '…' : s;
}

/** Replaces (* … *) comments (nesting, as OCaml) by spaces, keeping newlines so line numbers stay right. */
function stripComments(text: string, source: string): string {
  let out = '';
  let depth = 0;
  let line = 0;
  let openLine = 0;
  for (let k = 0; k < text.length; k++) {
    const c = text[k];
    if (c === '\n') line++;
    if (c === '(' && text[k + 1] === '*') {
      if (depth === 0) openLine = line;
      depth++;
      out += '  ';
      k++;
      continue;
    }
    if (depth > 0 && c === '*' && text[k + 1] === ')') {
      depth--;
      out += '  ';
      k++;
      continue;
    }
    out += depth > 0 && c !== '\n' ? ' ' : c === '\r' ? '' : c;
  }
  if (depth > 0) throw new InputError(source, `line ${openLine + 1}`, 'comment "(*" is never closed');
  return out;
}

const TYPE_RE = /^(?:(?:const|volatile|unsigned|signed|_Atomic)\s+)*(u?int(?:8|16|32|64)_t|int|long|char|short|intptr_t|uintptr_t)\b\s*(\*?)\s*/;

function parseInit(
  text: string,
  startLine: number,
  syntax: ArchSyntax,
  regs: Map<string, Val>,
  mem: Map<string, Val>,
  types: Map<string, string>,
  symbols: Set<string>,
  fail: (line: number, detail: string) => never,
): void {
  let line = startLine;
  for (const chunk of text.split(';')) {
    const itemLine = line + (chunk.match(/^\s*/)?.[0].split('\n').length ?? 1) - 1;
    line += chunk.split('\n').length - 1;
    let item = chunk.trim().replace(/\s+/g, ' ');
    if (item === '') continue;
    let type: string | null = null;
    const tm = item.match(TYPE_RE);
    if (tm) {
      type = tm[1] + (tm[2] ? '*' : '');
      item = item.slice(tm[0].length);
      if (!tm[2] && /^(u?int(8|16)_t|char|short)$/.test(tm[1])) fail(itemLine, `unsupported: sub-word type "${tm[1]}" (mixed-size tests are not modelled)`);
    }
    const m = item.match(/^(?:(\d+)\s*:\s*([A-Za-z][\w]*)|\[?([A-Za-z_][\w.]*)\]?)\s*(?:=\s*(.+))?$/);
    if (!m) fail(itemLine, `cannot read init item "${clip(item)}"`);
    const valText = m![4]?.trim();
    let val: Val = int(0);
    if (valText !== undefined) {
      const v = parseValue(valText);
      if (!v) fail(itemLine, `cannot read value "${clip(valText)}"`);
      val = v!;
      if (val.sym !== null) symbols.add(val.sym);
    }
    if (m![1] !== undefined) {
      const r = syntax.reg(m![2]);
      if (!r) fail(itemLine, `unknown register "${m![2]}"`);
      const k = `${m![1]}:${r!.name}`;
      regs.set(k, val);
      if (type) types.set(k, type);
    } else {
      const loc = m![3];
      mem.set(loc, val);
      symbols.add(loc);
      if (type) types.set(loc, type);
    }
  }
}

/** An integer (decimal, hex, negative), a location name or &name (its address). */
export function parseValue(t: string): Val | null {
  const s = t.trim().replace(/^\$/, '');
  if (/^-?(0x[0-9a-f]+|\d+)$/i.test(s)) {
    const neg = s.startsWith('-');
    const body = neg ? s.slice(1) : s;
    const n = BigInt(body);
    if (n >= 1n << 64n) return null;
    return int(neg ? -n : n);
  }
  const m = s.match(/^&?\s*([A-Za-z_][\w]*)$/);
  if (m) return addr(m[1]);
  return null;
}

function buildThread(tid: number, col: { text: string; line: number }[], syntax: ArchSyntax, fail: (line: number, d: string) => never): Thread {
  const code: Line<Instr>[] = [];
  const labels = new Map<string, number>();
  for (const cell of col) {
    let t = cell.text;
    for (;;) {
      const lm = t.match(/^([A-Za-z_.][\w.]*)\s*:(?!\S*\])\s*/);
      if (!lm || /^\d/.test(lm[1])) break;
      if (labels.has(lm[1])) fail(cell.line, `label "${lm[1]}" defined twice in P${tid}`);
      labels.set(lm[1], code.length);
      t = t.slice(lm[0].length);
    }
    if (t === '') continue;
    const instr = syntax.instr(t, (d) => fail(cell.line, `P${tid}: ${d}: "${clip(t)}"`));
    code.push({ item: instr, line: cell.line + 1, text: t });
  }
  for (const l of code) {
    const ins = l.item;
    if (ins.op === 'branch' && typeof ins.target === 'string' && !labels.has(ins.target)) fail(l.line - 1, `P${tid}: branch to unknown label "${ins.target}"`);
  }
  return { id: tid, code, labels };
}

function collectSymbols(ins: Instr, out: Set<string>): void {
  if ((ins.op === 'load' || ins.op === 'store' || ins.op === 'rmw') && ins.addr.base.kind === 'sym') out.add(ins.addr.base.sym);
  if (ins.op === 'mov' && ins.src.kind === 'imm' && ins.src.val.sym !== null) out.add(ins.src.val.sym);
  if (ins.op === 'store' && ins.src.kind === 'imm' && ins.src.val.sym !== null) out.add(ins.src.val.sym);
}

/** Recursive-descent reader for the final section (herd's stateParser grammar, restricted). */
class CondParser {
  private pos = 0;
  readonly symbols = new Set<string>();
  readonly threadsUsed = new Set<number>();
  constructor(
    private readonly text: string,
    private readonly firstLine: number,
    private readonly syntax: ArchSyntax,
    private readonly failAt: (line: number, d: string) => never,
  ) {}

  error(detail: string): never {
    const line = this.firstLine + (this.text.slice(0, this.pos).match(/\n/g)?.length ?? 0);
    return this.failAt(line, detail);
  }
  private ws(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
  }
  peek(tok: string): boolean {
    this.ws();
    return this.text.startsWith(tok, this.pos);
  }
  expect(tok: string): void {
    if (!this.peek(tok)) this.error(`expected "${tok}", found "${clip(this.text.slice(this.pos).trim()) || 'end of file'}"`);
    this.pos += tok.length;
  }
  word(w: string): boolean {
    this.ws();
    const re = new RegExp(`^${w}(?![\\w])`);
    if (re.test(this.text.slice(this.pos, this.pos + w.length + 1))) {
      this.pos += w.length;
      return true;
    }
    return false;
  }
  end(): void {
    this.ws();
    if (this.pos < this.text.length) this.error(`unexpected text after the condition: "${clip(this.text.slice(this.pos).trim())}"`);
  }
  loc(): Loc {
    this.ws();
    const rest = this.text.slice(this.pos);
    let m = rest.match(/^(\d+)\s*:\s*([A-Za-z][\w]*)/);
    if (m) {
      this.pos += m[0].length;
      const r = this.syntax.reg(m[2]);
      if (!r) this.error(`unknown register "${m[2]}"`);
      this.threadsUsed.add(Number(m[1]));
      return { kind: 'reg', thread: Number(m[1]), reg: r!.name };
    }
    m = rest.match(/^\[\s*([A-Za-z_][\w]*)\s*\]/) ?? rest.match(/^([A-Za-z_][\w]*)/);
    if (m && !['true', 'false', 'not'].includes(m[1])) {
      this.pos += m[0].length;
      this.symbols.add(m[1]);
      return { kind: 'mem', loc: m[1] };
    }
    return this.error(`expected a register "T:REG" or a location, found "${clip(rest.trim()) || 'end of file'}"`);
  }
  prop(): Prop {
    const a = this.disj();
    if (this.peek('=>')) {
      this.expect('=>');
      return { kind: 'implies', a, b: this.prop() };
    }
    return a;
  }
  private disj(): Prop {
    let a = this.conj();
    while (this.peek('\\/')) {
      this.expect('\\/');
      a = { kind: 'or', a, b: this.conj() };
    }
    return a;
  }
  private conj(): Prop {
    let a = this.unary();
    while (this.peek('/\\')) {
      this.expect('/\\');
      a = { kind: 'and', a, b: this.unary() };
    }
    return a;
  }
  private depth = 0;
  private unary(): Prop {
    if (++this.depth > 200) this.error('condition nested too deeply');
    try {
      if (this.peek('~')) {
        this.expect('~');
        return { kind: 'not', p: this.unary() };
      }
      if (this.word('not')) return { kind: 'not', p: this.unary() };
      if (this.word('true')) return { kind: 'true' };
      if (this.word('false')) return { kind: 'false' };
      if (this.peek('(')) {
        this.expect('(');
        const p = this.prop();
        this.expect(')');
        return p;
      }
      const loc = this.loc();
      let negate = false;
      if (this.peek('==')) this.expect('==');
      else if (this.peek('!=')) {
        this.expect('!=');
        negate = true;
      } else if (this.peek('<>')) {
        this.expect('<>');
        negate = true;
      } else this.expect('=');
      this.ws();
      const m = this.text.slice(this.pos).match(/^(-?\s*(?:0x[0-9a-fA-F]+|\d+)|&?[A-Za-z_][\w]*)/);
      if (!m) this.error('expected a value');
      const val = parseValue(m![1].replace(/\s+/g, ''));
      if (!val) this.error(`cannot read value "${m![1]}"`);
      this.pos += m![0].length;
      if (val!.sym !== null) this.symbols.add(val!.sym);
      const atom: Prop = { kind: 'eq', loc, val: val! };
      return negate ? { kind: 'not', p: atom } : atom;
    } finally {
      this.depth--;
    }
  }
}
