/**
 * `race --measure` for people: the measured shares beside the simulated ones,
 * then what the measured runs died of and what their cores said.
 */
import { renderTable } from '../base/table.js';
import { MEASURED_CLASSES, type Measurement } from './measure.js';
import type { RaceResult } from './outcome.js';

const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;

export function measuredText(m: Measurement, sim: RaceResult | undefined): string {
  const out: string[] = [];
  out.push(`measured on real Go: ${m.go} ${m.goarch}${m.emulator ? ` under ${m.emulator}` : ''}, GOMAXPROCS ${m.gomaxprocs}, ${m.runs} runs in ${m.processes} processes, ${m.seconds.toFixed(1)} s`);
  const rows = MEASURED_CLASSES.map((c) => {
    const s = m.shares[c];
    const simShare = sim === undefined ? '' : c === 'hang' ? '—' : pct(sim.shares[c].share);
    return [c, ...(sim === undefined ? [] : [simShare]), String(m.outcomes[c]), pct(s.share), `${pct(s.lo)} – ${pct(s.hi)}`];
  });
  out.push(renderTable(['outcome', ...(sim === undefined ? [] : ['simulated']), 'runs', 'measured', 'Wilson 95%'], rows));
  for (const f of m.fatal) out.push(`  fatal error: ${f.message}: ${f.count}`);
  for (const c of m.crashes) out.push(`  crashed: ${c.message}: ${c.count}`);
  for (const r of m.corrupt) out.push(`  corrupt: ${r.reason}: ${r.count}`);
  const t = m.timing;
  out.push(`timing: ${t.overlapped} of ${t.clean} clean runs overlapped (every goroutine began before any ended); median start spread ${t.medianSkewNs} ns`);
  const broken = m.cores.filter((k) => k.findings.length > 0);
  const unread = m.cores.filter((k) => k.error !== undefined);
  out.push(`cores checked by mapscope check: ${m.cores.length - unread.length} (${broken.length} with findings${broken.length ? `: ${[...new Set(broken.flatMap((k) => k.findings))].join(', ')}` : ''})`);
  for (const k of unread) out.push(`  trial ${k.trial}: not checked: ${k.error}`);
  out.push('note: measured shares depend on the machine, its load and the scheduler; simulated shares count interleavings of the runtime\'s steps, each once (docs/race.md, "Measured on real Go")');
  return out.join('\n');
}
