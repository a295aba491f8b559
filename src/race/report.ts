/** The race report for people: counts and shares, then one witness per class, step by step (as `sim --trace`). */
import { renderTable } from '../base/table.js';
import { OUTCOME_CLASSES, type RaceResult, type Witness } from './outcome.js';

const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;

export function raceText(r: RaceResult): string {
  const s = r.scenario;
  const out: string[] = [];
  out.push(`${s.file}: Go ${s.go} ${s.arch}, ${s.impl} ${s.type} (${s.variant}), ${s.goroutines} goroutines of ${s.soloSteps.join(' + ')} steps`);
  out.push(r.mode === 'exhaustive'
    ? `all ${r.interleavings} interleavings (${r.executions} distinct executions: a fatal error ends the program), memory model ${r.memoryModel}`
    : `${r.explored} of ${r.interleavings} interleavings drawn uniformly (seed ${r.seed}), memory model ${r.memoryModel}`);
  out.push('');
  const rows = OUTCOME_CLASSES.map((c) => {
    const sh = r.shares[c];
    return [c, String(r.outcomes[c]), pct(sh.share), r.mode === 'exhaustive' ? 'exact' : `${pct(sh.lo)} – ${pct(sh.hi)}`];
  });
  out.push(renderTable(['outcome', 'interleavings', 'share', r.mode === 'exhaustive' ? 'interval' : 'Wilson 95%'], rows));
  for (const [msg, n] of Object.entries(r.fatal)) out.push(`  fatal error: ${msg}: ${n}`);
  for (const c of OUTCOME_CLASSES) {
    const w = r.witnesses[c];
    if (w) out.push('', ...witnessText(w));
  }
  if (r.weak) {
    out.push('', 'outcomes under SC and under ARMv8 (src/litmus\'s model, on the litmus test below):');
    for (const o of r.weak.armv8) out.push(`  ${r.weak.sc.includes(o) ? 'SC and ARMv8' : 'ARMv8 only  '}  ${o}`);
    for (const o of r.weak.sc) if (!r.weak.armv8.includes(o)) out.push(`  SC only       ${o}`);
    out.push(r.weak.armOnly.length ? `  ${r.weak.armOnly.length} outcome(s) exist only on arm64` : '  no outcome exists only on arm64');
    out.push(`  not modelled: ${r.weak.missing}`, '', ...r.weak.litmus.trimEnd().split('\n').map((l) => `  ${l}`));
  }
  out.push('', ...r.notes.map((n) => `note: ${n}`));
  return out.join('\n');
}

function witnessText(w: Witness): string[] {
  const out = [`shortest ${w.class} interleaving (${w.steps.length} steps):`];
  let last = '';
  for (const st of w.steps) {
    const head = `g${st.g} #${st.op} ${st.opText}`;
    if (head !== last) out.push(`  ${head}`);
    last = head;
    out.push(`      ${st.text}   [${st.source}]`);
  }
  for (const d of w.detail) out.push(`  → ${d}`);
  return out;
}
