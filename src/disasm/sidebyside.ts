/**
 * The same function in two binaries (typically amd64 and arm64), lined up
 * by source line, with per binary the map fields loaded and stored, in
 * program order, and the ordering instructions among them.
 *
 * This is what settles "does arm64 load h.buckets without a barrier where
 * x86 is safe" for real binaries: the field column shows the load, the
 * ordering column shows whether an LDAR/DMB (or a LOCK/XCHG on x86) comes with
 * it. Plain loads are ordered only by the architecture's memory model; the
 * question of what that permits is `mapscope litmus`'s (MP, LB, … on x86-TSO
 * and ARMv8).
 */
import type { Line } from './annotate.js';

export interface Side {
  label: string;
  goarch: string;
  lines: Line[];
}

export interface FieldAccess {
  field: string;
  kind: 'load' | 'store';
  addr: number;
  /** Source position, file base name and line. */
  at: string;
  line: number;
  insn: string;
  /** The barrier/atomic classification of this very instruction, if any. */
  order?: string;
}

export interface SideSummary {
  label: string;
  goarch: string;
  accesses: FieldAccess[];
  orderings: { addr: number; line: number; insn: string; order: string }[];
}

export function summarize(s: Side): SideSummary {
  const accesses: FieldAccess[] = [];
  const orderings: SideSummary['orderings'] = [];
  for (const l of s.lines) {
    const insn = `${l.mnemonic} ${l.ops}`.trim();
    for (const f of l.fields) {
      // A store names its destination last on x86 (AT&T) and writes through the memory operand on ARM.
      const store = /^(st|stl|stx|stlx)/.test(l.mnemonic) || (/^(mov|add|sub|inc|dec|or|and|xor|lock)/.test(l.mnemonic) && /\)$/.test(l.ops.trim()));
      accesses.push({ field: f, kind: store ? 'store' : 'load', addr: l.addr, at: `${l.file.replace(/^.*\//, '')}:${l.line}`, line: l.line, insn, ...(l.order ? { order: l.order } : {}) });
    }
    if (l.order) orderings.push({ addr: l.addr, line: l.line, insn, order: l.order });
  }
  return { label: s.label, goarch: s.goarch, accesses, orderings };
}

/** Text: one block per source line, the two sides' instructions beside each other. */
export function sideBySide(a: Side, b: Side, width = 60): string {
  const keys = new Map<string, { file: string; line: number }>();
  const group = (s: Side) => {
    const m = new Map<string, Line[]>();
    // Alignment padding between functions (INT3 on x86, zero words on ARM) is not code.
    for (const l of s.lines.filter((x) => x.mnemonic !== 'int3' && !(x.mnemonic === 'udf' && x.ops === '#0'))) {
      const k = `${l.file}:${l.line}`;
      keys.set(k, { file: l.file, line: l.line });
      const g = m.get(k);
      if (g) g.push(l);
      else m.set(k, [l]);
    }
    return m;
  };
  const ga = group(a);
  const gb = group(b);
  const order = [...keys.entries()].sort((x, y) => (x[1].file === y[1].file ? x[1].line - y[1].line : x[1].file < y[1].file ? -1 : 1));
  const cell = (l: Line | undefined) => {
    if (!l) return '';
    const notes = [...l.fields, ...(l.order ? [`[${l.order.split(':')[0]}]`] : [])];
    const t = `${l.mnemonic} ${l.ops}`.trim();
    return notes.length ? `${t}  ; ${notes.join('; ')}` : t;
  };
  const out: string[] = [`${a.label} (${a.goarch})`.padEnd(width) + ` | ${b.label} (${b.goarch})`];
  for (const [k] of order) {
    const la = ga.get(k) ?? [];
    const lb = gb.get(k) ?? [];
    out.push(`-- ${k}`);
    for (let i = 0; i < Math.max(la.length, lb.length); i++) {
      out.push(`  ${cell(la[i]).slice(0, width - 2).padEnd(width - 2)} | ${cell(lb[i])}`);
    }
  }
  return out.join('\n') + '\n';
}

/** Text: per side, the field accesses in program order with their ordering. */
export function accessReport(s: SideSummary): string {
  const lines = [`${s.label} (${s.goarch}): ${s.accesses.length} field accesses, ${s.orderings.length} barriers/atomics`];
  for (const x of s.accesses) lines.push(`  ${x.at.padEnd(28)} ${x.kind.padEnd(5)} ${x.field.padEnd(28)} ${x.insn}${x.order ? `  [${x.order}]` : '  (plain access)'}`);
  for (const o of s.orderings) if (!s.accesses.some((x) => x.addr === o.addr)) lines.push(`  ${`line ${o.line}`.padEnd(28)} order ${''.padEnd(28)} ${o.insn}  [${o.order}]`);
  return lines.join('\n') + '\n';
}
