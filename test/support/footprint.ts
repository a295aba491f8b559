/**
 * Builds and runs gosrc/footprint, the real-runtime side of `mapscope
 * footprint`, and replays each real run on the engine with the seed and hash
 * keys it printed.
 *
 *   node dist/test/support/footprint.js table [sizes]   (the table in docs/footprint.md)
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emulatorFor } from './toolchains.js';
import { goBuild } from './gobuild.js';
import { measure } from '../../src/footprint/index.js';
import type { HashSpec } from '../../src/engine/scenario.js';

const REPO = join(fileURLToPath(import.meta.url), '..', '..', '..', '..');
export const GOSRC = join(REPO, 'gosrc', 'footprint');

/** The three map types of the oracle: gosrc/footprint's -type and the Go type it builds. */
export const TYPES = {
  int64: 'map[int64]int64',
  string: 'map[string]int64',
  big: 'map[int64][20]int64',
} as const;
export type ProbeType = keyof typeof TYPES;

/** The targets the issue names: Go releases on amd64, and 1.24 on arm64 and 386 under qemu-user. */
export const TARGETS: readonly { go: string; arch: string }[] = [
  { go: '1.22', arch: 'amd64' }, { go: '1.23', arch: 'amd64' }, { go: '1.24', arch: 'amd64' },
  { go: '1.26', arch: 'amd64' }, { go: '1.27', arch: 'amd64' }, { go: '1.24', arch: 'arm64' }, { go: '1.24', arch: '386' },
];

export interface RealRun {
  readonly goversion: string;
  readonly useAeshash: boolean;
  readonly seed: string;
  readonly hashkey: string[];
  readonly aeskeysched: string;
  /** Runs the probe made, and the bytes still above its baseline once the last run's map was gone (0: clean). */
  readonly runs: number;
  readonly residual: number;
  readonly points: { entries: number; bytes: number }[];
}

/** gosrc/footprint built by Go `version` for `goarch` (through gobuild.ts: once per source change, one shared Go build cache). */
export function buildFootprint(version: string, goarch: string): string {
  const minor = Number(version.split('.')[1]);
  return goBuild({ go: version, src: GOSRC, goarch, flags: minor >= 23 ? ['-ldflags=-checklinkname=0'] : [], name: 'footprint' });
}

/** Runs the probe with the fallback hash (GODEBUG=cpu.aes=off), so the engine replays it exactly. */
export function runFootprint(version: string, goarch: string, type: ProbeType, sizes: readonly number[]): RealRun {
  const bin = buildFootprint(version, goarch);
  const minor = Number(version.split('.')[1]);
  const impl = minor >= 24 ? 'swiss' : 'classic';
  const emu = emulatorFor(goarch);
  const args = ['-type', type, '-impl', impl, '-sizes', sizes.join(',')];
  const out = execFileSync(emu ?? bin, emu ? [bin, ...args] : args, {
    env: { ...process.env, GODEBUG: 'cpu.aes=off' },
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 1 << 20,
  }).toString();
  const r = JSON.parse(out) as RealRun;
  if (r.useAeshash) throw new Error(`${bin}: GODEBUG=cpu.aes=off did not turn the AES hash off`);
  if (r.residual !== 0) throw new Error(`${bin}: after ${r.runs} runs the runtime still allocated ${r.residual} bytes of its own during the measurement`);
  return r;
}

/** The engine's bytes at the real run's sizes, replaying its seed and hash keys; plus the spread over `seeds` other seeds. */
export function replay(version: string, goarch: string, type: ProbeType, real: RealRun, seeds = 0): { exact: number[]; min: number[]; max: number[] } {
  const exactHash: HashSpec = { mode: 'fallback', seeds: [BigInt(real.seed)], hashkey: real.hashkey.map((k) => BigInt(k)) };
  const hashes: HashSpec[] = [exactHash, ...Array.from({ length: seeds }, (_, i): HashSpec => ({ mode: 'fallback', prngSeed: i + 1 }))];
  const r = measure(TYPES[type], { go: version, arch: goarch }, { sizes: real.points.map((p) => p.entries), hashes });
  const exact = r.runs[0].points.map((p) => p.bytes.total);
  const all = r.runs.map((run) => run.points.map((p) => p.bytes.total));
  return {
    exact,
    min: exact.map((_, i) => Math.min(...all.map((a) => a[i]))),
    max: exact.map((_, i) => Math.max(...all.map((a) => a[i]))),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'table') {
  const sizes = (process.argv[3] ?? '1000,10000,100000').split(',').map(Number);
  const only = process.argv[4]?.split(',');
  console.log('| target | type | entries | real bytes | engine (same seed) | diff | engine, 2 other seeds (min..max) |');
  console.log('|---|---|---:|---:|---:|---:|---|');
  for (const t of TARGETS) {
    if (only && !only.includes(`${t.go}/${t.arch}`)) continue;
    for (const type of Object.keys(TYPES) as ProbeType[]) {
      const real = runFootprint(t.go, t.arch, type, sizes);
      const e = replay(t.go, t.arch, type, real, 2);
      real.points.forEach((p, i) => {
        const diff = ((e.exact[i] - p.bytes) / p.bytes) * 100;
        console.log(`| go${t.go}/${t.arch} | \`${TYPES[type]}\` | ${p.entries} | ${p.bytes} | ${e.exact[i]} | ${diff.toFixed(3)}% | ${e.min[i]}..${e.max[i]} |`);
      });
    }
  }
}
