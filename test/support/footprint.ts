/**
 * Builds and runs gosrc/footprint, the real-runtime side of `mapscope
 * footprint`, and replays each real run on the engine with the seed and hash
 * keys it printed.
 *
 *   node dist/test/support/footprint.js table [sizes] [go/arch,…]      (the table in docs/footprint.md)
 *   node dist/test/support/footprint.js fixtures [sizes] [go/arch,…]   (test/fixtures/footprint, scripts/footprint-fixtures.sh)
 *   node dist/test/support/footprint.js replay [go/arch,…]             (the engine against those fixtures)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emulatorFor } from './toolchains.js';
import { goBuild } from './gobuild.js';
import { measure } from '../../src/footprint/index.js';
import type { HashSpec } from '../../src/engine/scenario.js';

const REPO = join(fileURLToPath(import.meta.url), '..', '..', '..', '..');
export const GOSRC = join(REPO, 'gosrc', 'footprint');
/** The committed real runs at 10^6 and 10^7 entries (one file per target and type). */
export const FIXTURES = join(REPO, 'test', 'fixtures', 'footprint');

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
  readonly goarch: string;
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
export function runFootprint(version: string, goarch: string, type: ProbeType, sizes: readonly number[], timed?: (usage: string) => void): RealRun {
  const bin = buildFootprint(version, goarch);
  const minor = Number(version.split('.')[1]);
  const impl = minor >= 24 ? 'swiss' : 'classic';
  const emu = emulatorFor(goarch);
  const args = ['-type', type, '-impl', impl, '-sizes', sizes.join(',')];
  let cmd = [emu ?? bin, ...(emu ? [bin, ...args] : args)];
  // `timed`: the run's wall and CPU seconds and peak RSS, from GNU time (the process's own, not Node's).
  const tmp = timed ? mkdtempSync(join(tmpdir(), 'footprint-')) : undefined;
  if (tmp) cmd = ['/usr/bin/time', '-o', join(tmp, 'usage'), '-f', '%e s wall, %U + %S s CPU, %M KiB peak RSS', ...cmd];
  const out = execFileSync(cmd[0], cmd.slice(1), {
    env: { ...process.env, GODEBUG: 'cpu.aes=off' },
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 1 << 20,
  }).toString();
  if (tmp && timed) {
    timed(readFileSync(join(tmp, 'usage'), 'utf8').trim());
    rmSync(tmp, { recursive: true });
  }
  const r = JSON.parse(out) as RealRun;
  if (r.useAeshash) throw new Error(`${bin}: GODEBUG=cpu.aes=off did not turn the AES hash off`);
  if (r.residual !== 0) throw new Error(`${bin}: after ${r.runs} runs the runtime still allocated ${r.residual} bytes of its own during the measurement`);
  return r;
}

/** The engine's bytes at the real run's sizes, replaying its seed and hash keys; plus the spread over `seeds` other seeds. */
export function replay(version: string, goarch: string, type: ProbeType, real: Pick<RealRun, 'seed' | 'hashkey' | 'points'>, seeds = 0): { exact: number[]; min: number[]; max: number[] } {
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

/**
 * The bar: within 0.5% of the real bytes from 10^4 entries on; below
 * that within 1 KiB (the runtime's own bookkeeping noise, docs/footprint.md).
 * Returns a sentence when `engine` misses it, or null.
 */
export function missesBar(entries: number, real: number, engine: number): string | null {
  const diff = Math.abs(engine - real);
  const bar = entries >= 10_000 ? real * 0.005 : 1024;
  return diff <= bar ? null : `${entries} entries: engine ${engine} bytes, real ${real} (off by ${diff}, allowed ${Math.floor(bar)})`;
}

/**
 * A committed real run (test/fixtures/footprint/go<v>-<arch>-<type>.json):
 * what gosrc/footprint printed, less the AES key schedule (unused with the
 * fallback hash), with the target and type it ran.
 */
export interface RealFixture extends Omit<RealRun, 'aeskeysched'> {
  readonly go: string;
  readonly arch: string;
  readonly type: ProbeType;
}

export function fixtureFile(go: string, arch: string, type: ProbeType): string {
  return join(FIXTURES, `go${go}-${arch}-${type}.json`);
}

/** The committed fixtures of the targets `want` picks (all by default), in TARGETS × TYPES order; a missing one is an error, not a skip. */
export function readFixtures(want: (t: { go: string; arch: string }) => boolean = () => true): RealFixture[] {
  const files = TARGETS.filter(want).flatMap((t) => (Object.keys(TYPES) as ProbeType[]).map((type) => fixtureFile(t.go, t.arch, type)));
  const have = new Set(readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).map((f) => join(FIXTURES, f)));
  const missing = files.filter((f) => !have.has(f));
  if (missing.length > 0) throw new Error(`footprint fixtures missing (regenerate with scripts/footprint-fixtures.sh): ${missing.join(', ')}`);
  return files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as RealFixture);
}

function selected(arg: string | undefined): (t: { go: string; arch: string }) => boolean {
  const only = arg === undefined || arg === 'all' ? undefined : arg.split(',');
  return (t) => !only || only.includes(`${t.go}/${t.arch}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'fixtures') {
  // One real run per target and type through all the sizes (the map grows through 10^6 on its way to 10^7).
  const sizes = (process.argv[3] ?? '1000000,10000000').split(',').map(Number);
  const want = selected(process.argv[4]);
  const types = (process.argv[5]?.split(',') ?? Object.keys(TYPES)) as ProbeType[];
  mkdirSync(FIXTURES, { recursive: true });
  // In the order asked (the slow qemu-user targets first, say), or TARGETS' order.
  const order = process.argv[4] && process.argv[4] !== 'all' ? process.argv[4].split(',') : TARGETS.map((t) => `${t.go}/${t.arch}`);
  for (const t of TARGETS.filter(want).sort((a, b) => order.indexOf(`${a.go}/${a.arch}`) - order.indexOf(`${b.go}/${b.arch}`))) {
    for (const type of types) {
      const real = runFootprint(t.go, t.arch, type, sizes, (usage) => console.error(`go${t.go}/${t.arch} ${type}: ${usage}`));
      const { aeskeysched: _unused, ...printed } = real;
      const fixture: RealFixture = { go: t.go, arch: t.arch, type, ...printed };
      writeFileSync(fixtureFile(t.go, t.arch, type), JSON.stringify(fixture, null, 1) + '\n');
    }
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'replay') {
  // The engine against the committed real runs (docs/footprint.md's 10^6 and 10^7 table); `max` stops the replay at a size.
  const want = selected(process.argv[3]);
  const max = Number(process.argv[4] ?? Infinity);
  console.log('| target | type | entries | real bytes | engine (same seed) | diff | engine CPU | Node peak RSS |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|');
  const misses: string[] = [];
  let checked = 0;
  for (const f of readFixtures(want)) {
    const points = f.points.filter((p) => p.entries <= max);
    const cpu0 = process.cpuUsage();
    const e = replay(f.go, f.arch, f.type, { ...f, points });
    const cpu = process.cpuUsage(cpu0);
    const secs = ((cpu.user + cpu.system) / 1e6).toFixed(1);
    const rss = Math.round(process.resourceUsage().maxRSS / 1024);
    points.forEach((p, i) => {
      const diff = ((e.exact[i] - p.bytes) / p.bytes) * 100;
      const last = i === points.length - 1;
      const miss = missesBar(p.entries, p.bytes, e.exact[i]);
      if (miss) misses.push(`go${f.go}/${f.arch} ${f.type}: ${miss}`);
      checked++;
      console.log(`| go${f.go}/${f.arch} | \`${TYPES[f.type]}\` | ${p.entries} | ${p.bytes} | ${e.exact[i]} | ${diff.toFixed(4)}% | ${last ? secs + ' s' : ''} | ${last ? rss + ' MiB' : ''} |`);
    });
  }
  // Exit 1 when a point misses the bar, so the script is a check and not only a table.
  console.error(misses.length === 0 ? `all ${checked} points within the bar` : misses.join('\n'));
  if (misses.length > 0) process.exitCode = 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'table') {
  const sizes = (process.argv[3] ?? '1000,10000,100000').split(',').map(Number);
  const want = selected(process.argv[4]);
  console.log('| target | type | entries | real bytes | engine (same seed) | diff | engine, 2 other seeds (min..max) |');
  console.log('|---|---|---:|---:|---:|---:|---|');
  for (const t of TARGETS.filter(want)) {
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
