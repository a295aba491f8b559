/**
 * The oracles mapscope's disassembly is compared with, and the documented
 * mapping between their syntax and Capstone's (docs/disasm.md "Oracle").
 *
 * `go tool objdump -gnu` prints, per instruction, file:line, address, the
 * bytes, Go's assembler syntax and (after `//`) the GNU syntax of
 * golang.org/x/arch. It needs a symbol table, so stripped binaries (the
 * esbuild releases) are compared with GNU objdump (binutils-multiarch)
 * over the pclntab's function bounds instead.
 *
 * Mapping (applied to both sides before comparing):
 * - spaces are dropped; `#` before numbers is dropped; every number is read
 *   (decimal or hex, signed) and written back as hex modulo 2^32 — x/arch
 *   prints a displacement of -4 as 0xfffffffc, Capstone as -4;
 * - x86 mnemonics equal up to one trailing size suffix (b/w/l/q): x/arch
 *   prints `mov` where the operands fix the size, Capstone always `movl`;
 *   `%gs:` (x/arch) is `%gs:0`; prefixes (`lock`, `rep`) are kept; x/arch's
 *   `data16 nop` (a 66-prefixed NOP) is `nop`, its `mov` of a 64-bit immediate
 *   is `movabsq`; a SIB byte without index prints `,%riz`/`,%eiz` in x/arch
 *   and nothing in Capstone; shifts and rotates by one print `$1, ` in
 *   Capstone and nothing in x/arch; GNU objdump writes string operands with
 *   their segment (`%es:(%rdi)`), `66 90` as `xchg %ax,%ax` (Capstone `nop`),
 *   prefixes as separate words, and floating immediates in other notation
 *   (compared as numbers);
 * - arm64/arm targets `.+0xN` (x/arch, relative) become absolute: from the
 *   instruction on arm64, from its page for ADRP, from the instruction + 4
 *   on arm; arm register aliases sb/sl/fp/ip are r9–r12; condition aliases
 *   cc/cs are lo/hs; a vector register range {v1.16b-v4.16b} is the list;
 *   arm64 `orr Rd, zr, #imm` (x/arch) is `mov Rd, #imm` (Capstone's alias);
 *   LDRD/STRD name only the first register of the pair in x/arch;
 *   Go's `?` (undecodable) matches Capstone's `(bad)` and `udf #0`; on arm
 *   it matches anything, because x/arch's arm decoder knows only what Go's
 *   assembler emits and prints `?` for the literal-pool words Capstone
 *   decodes as coprocessor or conditional instructions, and on arm64 for
 *   the LSE atomics (LDSETALB …) x/arch in Go 1.22–1.23 does not decode
 *   (both counted apart); x/arch writes a SIB scale of 1 (`(%r9,%r8,1)`),
 *   Capstone leaves it out; string instructions carry `%ds:`/`%es:` in x/arch.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { goroot } from './toolchains.js';

export interface OracleInsn {
  addr: number;
  size: number;
  file?: string;
  line?: number;
  go?: string;
  /** Mnemonic and operands in GNU syntax. */
  mnemonic: string;
  ops: string;
}

/** `go tool objdump -gnu -s RE` of bin, by function. */
export function goObjdump(go: string, bin: string, re: string): Map<string, OracleInsn[]> {
  const text = execFileSync(join(goroot(go), 'bin', 'go'), ['tool', 'objdump', '-gnu', '-s', re, bin], { encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, GOROOT: goroot(go), GOTOOLCHAIN: 'local' } });
  const out = new Map<string, OracleInsn[]>();
  let cur: OracleInsn[] | undefined;
  for (const l of text.split('\n')) {
    const t = /^TEXT (.+)\(SB\)/.exec(l);
    if (t) {
      cur = [];
      out.set(t[1], cur);
      continue;
    }
    if (!cur || !l.startsWith('  ')) continue;
    const cols = l.trim().split('\t').filter((c) => c !== '');
    // file:line, 0xaddr, hex bytes, Go syntax[ // gnu]
    const [fl, addr, hex, rest = ''] = cols;
    const [goSyn, gnu = ''] = rest.split(/\s*\/\/\s*/);
    const m = /^(.*):(\d+)$/.exec(fl);
    // x/arch writes a 66-prefixed NOP as `data16 nop`: the prefix is part of the NOP.
    const g = gnu.trim().replace(/^data16\s+(?=nop)/, '');
    // Prefixes are part of the mnemonic, as Capstone writes them (`lock orb`, `rep movsq`).
    const pm = /^((?:lock|rep|repz|repnz)\s+)?\S+/.exec(g);
    const sp = pm ? pm[0].length : -1;
    const goMn = goSyn.trim();
    cur.push({
      addr: Number(addr), size: hex.length / 2, file: m?.[1], line: m ? Number(m[2]) : undefined, go: goMn,
      mnemonic: goMn === '?' ? '?' : sp < 0 ? g : g.slice(0, sp).replace(/\s+/g, ' '), ops: sp < 0 ? '' : g.slice(sp).trim(),
    });
  }
  return out;
}

/** GNU objdump of [start, stop) of bin (binutils-multiarch), AT&T on x86. */
export function gnuObjdump(bin: string, start: number, stop: number, width?: number): OracleInsn[] {
  const text = execFileSync('objdump', ['-d', '-w', '--no-show-raw-insn', `--start-address=0x${start.toString(16)}`, `--stop-address=0x${stop.toString(16)}`, bin], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const out: OracleInsn[] = [];
  for (const l of text.split('\n')) {
    const m = /^\s+([0-9a-f]+):\s+(\S+)\s*(.*)$/.exec(l);
    if (!m) continue;
    // Comments: `// …` on ARM, `# …` (hash, space) on x86, `<symbol+off>` after targets.
    let mn = m[2];
    let ops = m[3].replace(/\s*\/\/.*$/, '').replace(/\s+#\s.*$/, '').replace(/\s*<[^>]*>\s*$/, '').trim();
    // x86 prefixes print as their own word: `lock cmpxchg …` is one instruction.
    const pre = /^(lock|rep|repz|repnz|notrack)$/.test(mn) ? /^(\S+)\s*(.*)$/.exec(ops) : null;
    if (pre) {
      mn = `${mn} ${pre[1]}`;
      ops = pre[2];
    }
    out.push({ addr: parseInt(m[1], 16), size: 0, mnemonic: mn, ops });
  }
  // Fixed-width ISAs: runs of zero words print as `...` and are skipped, so sizes are not address gaps.
  for (let i = 0; i < out.length; i++) out[i].size = width ?? (i + 1 < out.length ? out[i + 1].addr : stop) - out[i].addr;
  return out;
}

const ARM_ALIAS: Record<string, string> = { sb: 'r9', sl: 'r10', fp: 'r11', ip: 'r12' };

/** Canonical operand text under the mapping above. */
export function canonOps(ops: string, addr: number, goarch: string, mnemonic = ''): string {
  const base = goarch === 'arm' ? addr + 4 : goarch === 'arm64' && /^adrp$/.test(mnemonic) ? addr - (addr % 4096) : addr;
  if (goarch === 'arm64') {
    ops = ops.replace(/\{v(\d+)\.(\w+)-v(\d+)\.\w+\}/g, (_, a: string, t: string, b: string) => `{${Array.from({ length: Number(b) - Number(a) + 1 }, (_x, i) => `v${Number(a) + i}.${t}`).join(',')}}`);
  }
  // MOV (bitmask immediate) is an alias of ORR Rd, ZR, #imm: x/arch prints the ORR.
  if (goarch === 'arm64' && mnemonic === 'orr') ops = ops.replace(/^(\w+),\s*[wx]zr,\s*/, '$1, ');
  if (goarch === 'arm64' || goarch === 'arm') ops = ops.replace(/\bcc\b/g, 'lo').replace(/\bcs\b/g, 'hs');
  if ((goarch === 'amd64' || goarch === '386') && /^(sh[lr]|sa[lr]|ro[lr]|rc[lr])[bwlq]?$/.test(mnemonic)) ops = ops.replace(/^\$1,\s*/, '');
  if (goarch === 'arm') ops = ops.replace(/\b(sb|sl|fp|ip)\b/g, (r) => ARM_ALIAS[r]).replace(/^(r\d+),\s*(?:r\d+|sp|lr|pc),\s*(?=\[)/, mnemonic.startsWith('ldrd') || mnemonic.startsWith('strd') ? '$1, ' : '$&');
  let s = ops.replace(/\s+/g, '');
  s = s.replace(/%gs:(?=,|$)/, '%gs:0').replace(/,%[re]iz\b/g, '').replace(/%[ed]s:(?=\()/g, '').replace(/,1\)/g, ')');
  s = s.replace(/#?(-?\d+\.\d+(?:e[+-]?\d+)?)/gi, (_, f: string) => `float(${Number(f)})`);
  s = s.replace(/\.\+(0x[0-9a-f]+|\d+)/gi, (_, n: string) => `0x${((base + Number(BigInt.asIntN(64, BigInt(n)))) >>> 0).toString(16)}`);
  s = s.replace(/\.-(0x[0-9a-f]+|\d+)/gi, (_, n: string) => `0x${((base - Number(n)) >>> 0).toString(16)}`);
  s = s.replace(/#/g, '');
  s = s.replace(/(^|[^\w%])(-?)(0x[0-9a-f]+|\d+)(?![\w])/gi, (_, pre: string, neg: string, n: string) => {
    const v = BigInt.asUintN(32, BigInt(n) * (neg ? -1n : 1n));
    return `${pre}0x${v.toString(16)}`;
  });
  return s;
}

export function sameMnemonic(a: string, b: string, goarch: string): boolean {
  if (a === b) return true;
  if ((a === '?' || b === '?') && goarch === 'arm') return true;
  if (a === '?' || b === '?') return ['?', '(bad)', 'udf', '.word', '.inst', '(bad)'].includes(a) && ['?', '(bad)', 'udf', '.word', '.inst'].includes(b) || (a === '?' && b === 'udf') || (b === '?' && a === 'udf');
  if (goarch === 'arm' || goarch === 'arm64') {
    const c = (x: string) => x.replace(/cc$|cc(?=\.)/, 'lo').replace(/cs$|cs(?=\.)/, 'hs');
    if (c(a) === c(b)) return true;
    if (goarch === 'arm64' && ((a === 'orr' && b === 'mov') || (a === 'mov' && b === 'orr'))) return true;
  }
  if (goarch === 'amd64' || goarch === '386') {
    const alias: Record<string, string> = { mov: 'movabsq' };
    if (alias[a] === b || alias[b] === a) return true;
    const s = (x: string, y: string) => x.length === y.length + 1 && x.startsWith(y) && 'bwlq'.includes(x[x.length - 1]);
    return s(a, b) || s(b, a);
  }
  return false;
}

export interface Comparison {
  instructions: number;
  functions: number;
  /** Instructions whose start or length differ, whose mnemonic or operands differ after the mapping, or whose line differs. */
  boundary: string[];
  mnemonic: string[];
  operands: string[];
  line: string[];
  /** arm/arm64: words x/arch leaves undecoded (`?`) that Capstone decodes (arm literal pools; LSE atomics x/arch before Go 1.24 did not know). */
  oracleUndecoded: number;
}

export function emptyComparison(): Comparison {
  return { instructions: 0, functions: 0, boundary: [], mnemonic: [], operands: [], line: [], oracleUndecoded: 0 };
}

interface Ours { addr: number; size: number; mnemonic: string; ops: string; line?: number }

/** Compares our instructions of one function with the oracle's, under the mapping above. */
export function compareFunc(c: Comparison, name: string, goarch: string, ours: Ours[], oracle: OracleInsn[], x86Gnu = false): void {
  c.functions++;
  const by = new Map(ours.map((o) => [o.addr, o]));
  for (const w of oracle) {
    c.instructions++;
    const g = by.get(w.addr);
    const at = `${name} 0x${w.addr.toString(16)}`;
    if (!g || g.size !== w.size) {
      c.boundary.push(`${at}: oracle ${w.size} bytes ${w.mnemonic} ${w.ops}, ours ${g ? `${g.size} bytes ${g.mnemonic} ${g.ops}` : 'no instruction starts here'}`);
      continue;
    }
    if (w.line !== undefined && g.line !== undefined && w.line !== g.line) c.line.push(`${at}: oracle line ${w.line}, ours ${g.line}`);
    if (w.mnemonic === '?' && (goarch === 'arm' || goarch === 'arm64') && g.mnemonic !== '(bad)' && g.mnemonic !== 'udf') {
      c.oracleUndecoded++;
      continue;
    }
    const wm = x86Gnu ? gnuX86Mnemonic(w.mnemonic, w.ops) : w.mnemonic;
    if (!sameMnemonic(wm, g.mnemonic, goarch)) {
      c.mnemonic.push(`${at}: oracle ${w.mnemonic} ${w.ops}, ours ${g.mnemonic} ${g.ops}`);
      continue;
    }
    if (w.mnemonic === '?' || wm !== w.mnemonic) continue;
    const wo = x86Gnu ? gnuX86Ops(w.ops) : w.ops;
    if (canonOps(wo, w.addr, goarch, w.mnemonic) !== canonOps(g.ops, g.addr, goarch, g.mnemonic)) {
      c.operands.push(`${at}: oracle ${w.mnemonic} ${w.ops}, ours ${g.mnemonic} ${g.ops}`);
    }
  }
}

/** GNU objdump's x86 spellings that Capstone writes otherwise (same instruction). */
function gnuX86Mnemonic(m: string, ops: string): string {
  // 66 90: GNU objdump's `xchg %ax,%ax` is Capstone's (and x/arch's) `nop`.
  return m === 'xchg' && ops === '%ax,%ax' ? 'nop' : m;
}

function gnuX86Ops(o: string): string {
  // GNU objdump writes the scale of a SIB with no index (`(%rax,%rax,1)`) and `0x0(` displacements.
  return o.replace(/\b0x0\(/g, '(').replace(/,1\)/g, ')');
}
