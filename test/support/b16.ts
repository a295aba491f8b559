/**
 * Classic maps past B = 16, as the real runtime builds them: gosrc/mapsnap
 * grows map[int64]int64 to 1M and 3M entries on Go 1.22 and 1.24
 * (noswissmap), on amd64 and on arm64 under qemu-user, and prints the map's
 * memory (125 MB of JSON at 1M entries, 290 MB at 3M).
 *
 * Those outputs are too big to commit, and four of the six runs take minutes
 * each under qemu-user. What test/fixtures/b16 keeps of each real run instead
 * is its digest: the hash seed and keys the run drew (which the engine
 * replays), the header fields the test bounds, and the SHA-256 of the
 * snapshot text the test compares (the map with noverflow zeroed, the one
 * field drawn from incrnoverflow's per-thread coin), whole and per 1 MiB
 * block so a difference is located. Every figure in it is real Go's.
 *
 * A digest is valid only for the program and input it was made from: it
 * records mapsnap's build key (test/support/gobuild.ts buildKey: the source,
 * the toolchain's VERSION, the target, flags and environment). When the key
 * no longer matches (mapsnap or a toolchain changed), the test makes the real
 * run itself, as it did before the digests, and says to regenerate them.
 *
 *   node dist/test/support/b16.js fixtures     (scripts/b16-fixtures.sh)
 *
 * regenerates test/fixtures/b16 with real runs (kept under
 * $MAPSCOPE_CACHE/outputs, so a second regeneration reuses them).
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClassicSnapshot } from '../../src/engine/classic/index.js';
import { emulatorFor, goroot } from './toolchains.js';
import { buildKey, goBuild, goOutput, type GoProgram } from './gobuild.js';
import { parseRecording } from './simfixtures.js';

const REPO = resolve(import.meta.dirname, '..', '..', '..');
export const B16_FIXTURES = join(REPO, 'test', 'fixtures', 'b16');
const MAPSNAP = join(REPO, 'gosrc', 'mapsnap');
/** The portable hash, so the engine replays the run on any host. */
const GODEBUG = 'cpu.aes=off';
/** Characters of snapshot text per block digest. */
export const BLOCK = 1 << 20;

export interface B16Case {
  go: string;
  experiment: string;
  arch: string;
  entries: number;
}

/** The cases (issue 14): 1M and 3M entries, Go 1.22 and 1.24-noswissmap, amd64 and arm64. */
export const B16_CASES: B16Case[] = [
  { go: '1.22', experiment: '', arch: 'amd64', entries: 1_000_000 },
  { go: '1.22', experiment: '', arch: 'amd64', entries: 3_000_000 },
  { go: '1.24', experiment: 'noswissmap', arch: 'amd64', entries: 1_000_000 },
  { go: '1.22', experiment: '', arch: 'arm64', entries: 1_000_000 },
  { go: '1.24', experiment: 'noswissmap', arch: 'arm64', entries: 1_000_000 },
  { go: '1.24', experiment: 'noswissmap', arch: 'arm64', entries: 3_000_000 },
];

export function caseName(c: B16Case): string {
  return `go${c.go}${c.experiment ? '-' + c.experiment : ''}/${c.arch} map[int64]int64 × ${c.entries}`;
}

function fixturePath(c: B16Case): string {
  return join(B16_FIXTURES, `go${c.go}${c.experiment ? '-' + c.experiment : ''}-${c.arch}-${c.entries}.json`);
}

function mapsnapProgram(c: B16Case): GoProgram {
  return {
    go: c.go,
    src: MAPSNAP,
    goarch: c.arch,
    env: c.experiment ? { GOEXPERIMENT: c.experiment } : {},
    flags: Number(c.go.split('.')[1]) >= 23 ? ['-ldflags=-checklinkname=0'] : [],
    name: 'mapsnap',
  };
}

/** The scenario mapsnap runs: n inserts of i → i. */
export function scenarioOf(c: B16Case): { go: string; arch: string; experiment: string; type: string; ops: [string, number, number][] } {
  const ops: [string, number, number][] = [];
  for (let i = 0; i < c.entries; i++) ops.push(['insert', i, i]);
  return { go: c.go, arch: c.arch, experiment: c.experiment, type: 'map[int64]int64', ops };
}

/** The overflow buckets chained to the current array: the most noverflow can count. */
export function overflowChained(s: ClassicSnapshot): number {
  return (s.buckets ?? []).reduce((n, chain) => n + chain.length - 1, 0);
}

/** The text the test compares: the snapshot with the fields drawn from hash.rand taken out. */
export function comparable(s: ClassicSnapshot): string {
  return JSON.stringify({ ...s, header: { ...s.header, noverflow: 0 }, hash: { ...s.hash, rand: undefined }, randDependent: undefined });
}

/** What the test needs of one real run. */
export interface RealDigest {
  /** `go version` of the toolchain, for people (the build key decides validity). */
  go: string;
  goarch: string;
  experiment: string;
  entries: number;
  godebug: string;
  /** gosrc/mapsnap's build key (gobuild.ts buildKey) the run was made with. */
  build: string;
  /** The seeds and hash keys the run drew. */
  hash: ClassicSnapshot['hash'];
  B: number;
  count: number;
  noverflow: number;
  overflowChained: number;
  /** Length of comparable(real), its SHA-256, and the SHA-256 (first 16 hex digits) of each BLOCK characters of it. */
  chars: number;
  sha256: string;
  blocks: string[];
}

export function textDigest(text: string): { chars: number; sha256: string; blocks: string[] } {
  const blocks: string[] = [];
  for (let i = 0; i < text.length; i += BLOCK) blocks.push(createHash('sha256').update(text.slice(i, i + BLOCK)).digest('hex').slice(0, 16));
  return { chars: text.length, sha256: createHash('sha256').update(text).digest('hex'), blocks };
}

export function digestOf(c: B16Case, build: string, real: ClassicSnapshot): RealDigest {
  return {
    go: readFileSync(join(goroot(c.go), 'VERSION'), 'utf8').split('\n')[0],
    goarch: c.arch,
    experiment: c.experiment,
    entries: c.entries,
    godebug: GODEBUG,
    build,
    hash: real.hash,
    B: real.header.B,
    count: real.header.count,
    noverflow: real.header.noverflow,
    overflowChained: overflowChained(real),
    ...textDigest(comparable(real)),
  };
}

/** mapsnap's output for the case, from a real run (or goOutput's cache of one). */
export function realRun(c: B16Case): string {
  const emu = emulatorFor(c.arch);
  const bin = goBuild(mapsnapProgram(c));
  const input = JSON.stringify(scenarioOf(c));
  return goOutput(bin, [input, `GODEBUG=${GODEBUG}`, emu ?? 'native'], () => {
    const work = mkdtempSync(join(tmpdir(), 'mapsnap-b16-'));
    const file = join(work, 'scenario.json');
    writeFileSync(file, input);
    try {
      const env = { ...process.env, GODEBUG };
      return execFileSync(emu ?? bin, emu ? [bin, file] : [file], { env, encoding: 'utf8', maxBuffer: 1 << 30 });
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
}

/** The snapshot in mapsnap's output (simfixtures.ts parseRecording: line 1 the run, line 2 the snapshot). */
function snapshotOf(text: string, c: B16Case): ClassicSnapshot {
  return JSON.parse(parseRecording(text, `mapsnap output for ${caseName(c)}`).snapshot) as ClassicSnapshot;
}

/**
 * The real run to compare with: the committed digest when it was made from
 * the mapsnap build this checkout would make, else a real run now (`text` is
 * then its full output, for a precise message), with `stale` saying why.
 */
export function realFor(c: B16Case): { digest: RealDigest; text?: string; stale?: string } {
  const build = buildKey(mapsnapProgram(c));
  const file = fixturePath(c);
  let stale: string;
  if (existsSync(file)) {
    const d = JSON.parse(readFileSync(file, 'utf8')) as RealDigest;
    if (d.build === build) return { digest: d };
    stale = `${file} was made from mapsnap build ${d.build} (${d.go}), this checkout builds ${build}`;
  } else {
    stale = `${file} is missing`;
  }
  const text = realRun(c);
  const real = snapshotOf(text, c);
  return { digest: digestOf(c, build, real), text: comparable(real), stale: `${stale}: made the real run; regenerate with scripts/b16-fixtures.sh` };
}

/** Regenerates test/fixtures/b16 (the cases named by `only`, default all) from real runs. */
function regenerate(only: string[]): void {
  mkdirSync(B16_FIXTURES, { recursive: true });
  for (const c of B16_CASES) {
    if (only.length > 0 && !only.some((o) => caseName(c).includes(o))) continue;
    const started = Date.now();
    const real = snapshotOf(realRun(c), c);
    if (real.header.B < 16) throw new Error(`${caseName(c)}: the real map has B=${real.header.B}, not past 16`);
    writeFileSync(fixturePath(c), `${JSON.stringify(digestOf(c, buildKey(mapsnapProgram(c)), real), null, 1)}\n`);
    process.stderr.write(`b16: ${caseName(c)}: B=${real.header.B}, ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv[2] !== 'fixtures') {
    process.stderr.write('usage: node dist/test/support/b16.js fixtures [case-substring…]\n');
    process.exit(2);
  }
  regenerate(process.argv.slice(3));
}
