/**
 * Real-runtime Swiss snapshots for the checker's tests: line 2 of every
 * fixture under test/fixtures/sim-swiss/<go>-<arch>-<mode>/ and iter/…, and
 * the maps.Clone line of the iter fixtures, is a standalone snapshot
 * (docs/json.md "sim (Swiss snapshot)": go, arch, experiment, type, hash)
 * the real runtime printed (gosrc/swisssnap).
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, readFixture } from './swisssnap.js';

export interface RealSnapshot {
  /** e.g. "1.27-amd64-aes/<scenario>.jsonl.gz line 2". */
  readonly name: string;
  readonly json: Record<string, unknown>;
}

/** The fixture of `<scenario>.go<go>-<arch>-<mode>` (the name the tests give a real run). */
export function realFixtureFile(id: string): string {
  const m = /^(.*)\.go(1\.\d+)-([a-z0-9]+)-(fallback|aes)$/.exec(id);
  if (!m) throw new Error(`not <scenario>.go<version>-<arch>-<mode>: ${id}`);
  return join(FIXTURES, `${m[2]}-${m[3]}-${m[4]}`, `${m[1]}.jsonl.gz`);
}

/** The real snapshot of `<scenario>.go<go>-<arch>-<mode>`, parsed (a fresh copy, free to mutate). */
export function realSnapshot(id: string): Record<string, unknown> {
  return JSON.parse(readFixture(realFixtureFile(id))[1]) as Record<string, unknown>;
}

/** Every real snapshot line (final states; with iter fixtures also maps.Clone results). */
export function realSnapshots(): RealSnapshot[] {
  const out: RealSnapshot[] = [];
  const targetDirs = (root: string) => readdirSync(root).filter((d) => /^1\.\d+-/.test(d) && statSync(join(root, d)).isDirectory()).sort();
  for (const root of [FIXTURES, join(FIXTURES, 'iter')]) {
    for (const dir of targetDirs(root)) {
      for (const f of readdirSync(join(root, dir)).filter((x) => x.endsWith('.jsonl.gz')).sort()) {
        const lines = readFixture(join(root, dir, f)).filter((l) => l.trim() !== '');
        lines.slice(1).forEach((l, i) => {
          const o = JSON.parse(l) as Record<string, unknown>;
          if (o.impl !== 'swiss') return; // iteration-order lines
          out.push({ name: `${root === FIXTURES ? '' : 'iter/'}${dir}/${f} line ${i + 2}`, json: o });
        });
      }
    }
  }
  return out;
}
