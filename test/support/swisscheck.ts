/**
 * Real-runtime Swiss snapshots for the checker's tests: every line of
 * test/fixtures/sim-swiss/real/*.jsonl.gz and iter/*.jsonl.gz is a map the
 * real runtime printed (gosrc/swisssnap); the first line of each file is
 * what that process drew (go, arch, useAeshash, seeds, hashkey,
 * aeskeysched). Combining the two gives a standalone snapshot
 * (docs/json.md "sim (Swiss snapshot)": go, arch, experiment, type, hash).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, readFixture } from './swisssnap.js';

export interface RealSnapshot {
  /** e.g. "<scenario>.go1.27-amd64-aes.jsonl.gz line 2". */
  readonly name: string;
  readonly json: Record<string, unknown>;
}

export interface ProcessLine {
  go: string;
  arch: string;
  useAeshash: boolean;
  seeds: string[];
  hashkey: string[];
  aeskeysched: string;
}

/** A snapshot line made standalone with its process's go/arch/hash. */
export function standalone(meta: ProcessLine, snap: Record<string, unknown>): Record<string, unknown> {
  const hash = meta.useAeshash
    ? { mode: 'aes', seeds: meta.seeds, aeskeysched: meta.aeskeysched }
    : { mode: 'fallback', seeds: meta.seeds, hashkey: meta.hashkey };
  return { go: meta.go, arch: meta.arch, experiment: '', hash, ...snap };
}

/** Every real snapshot line (final states; with iter fixtures also maps.Clone results). */
export function realSnapshots(): RealSnapshot[] {
  const out: RealSnapshot[] = [];
  for (const dir of ['real', 'iter']) {
    const files = readdirSync(join(FIXTURES, dir)).filter((f) => f.endsWith('.jsonl.gz')).sort();
    for (const f of files) {
      const lines = readFixture(join(FIXTURES, dir, f)).filter((l) => l.trim() !== '');
      const meta = JSON.parse(lines[0]) as ProcessLine;
      lines.slice(1).forEach((l, i) => {
        const o = JSON.parse(l) as Record<string, unknown>;
        if (o.impl !== 'swiss') return; // iteration-order lines
        out.push({ name: `${dir}/${f} line ${i + 2}`, json: standalone(meta, o) });
      });
    }
  }
  return out;
}
