/**
 * Fuzz targets: one per parser of untrusted input. Each target turns a case
 * number into an input (a seeded mutation of a real seed: a Go executable, a
 * real core's memory, a scenario, a snapshot, a litmus file, a type
 * expression, a baseline) and runs it the way a user would, through the CLI's
 * main() in-process; the core target mutates a real core's memory under the
 * checker, the same code `check --core` runs after reading the file.
 *
 * A case passes when it ends in exit 0, 1 or 2, with no stack trace and no
 * internal error, and a 2 says why in one `mapscope:` line. The campaign
 * runner (bench/fuzz.ts) adds what one process cannot see of itself: hangs,
 * crashes and memory (a worker with a bounded heap, watched by its parent).
 * test/fuzz.test.ts runs a bounded number of cases of each target in CI.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../src/cli/main.js';
import { captureIO } from '../../src/cli/io.js';
import { openCore, type GoProcess } from '../../src/source/process/index.js';
import { readCore, bytesSource, type ByteSource } from '../../src/source/process/index.js';
import { checkMap, entriesOf } from '../../src/check/index.js';
import { documentJSON, mapText } from '../../src/check/report.js';
import type { MapSource } from '../../src/check/types.js';
import type { MemoryReader } from '../../src/model/memory.js';
import { InputError, LimitError } from '../../src/base/errors.js';

export const repo = resolve(import.meta.dirname, '..', '..', '..');

/** A small fast PRNG (mulberry32) so every case is reproducible from (seed, case number). */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

export function caseRng(seed: number, i: number): Rng {
  return new Rng((Math.imul(seed, 0x9e3779b1) ^ Math.imul(i + 1, 0x85ebca77)) >>> 0);
}

/** What a case did. `bad` says why it is a fault (undefined: it passed). */
export interface Outcome {
  code: number;
  stderr: string;
  bad?: string;
  /** A short description of the input, to reproduce it. */
  input: string;
  /** The command line main() ran, when the case went through main(): what `cliAgrees` replays as a real process. */
  argv?: string[];
}

export interface Target {
  readonly name: string;
  /** Runs case i. Inputs that need files are written under `dir`. */
  run(i: number, dir: string): Promise<Outcome>;
}

/** The verdict on one run of main(). */
export function judge(code: number, stderr: string): string | undefined {
  if (code !== 0 && code !== 1 && code !== 2) return `exit ${code}`;
  if (/internal error/.test(stderr)) return 'internal error';
  if (/\n\s+at [^\n]*[(:]\d+/.test(stderr) || /^\s+at /m.test(stderr)) return 'stack trace';
  if (code === 2) {
    const lines = stderr.split('\n').filter(Boolean);
    const last = lines.at(-1) ?? '';
    if (!last.startsWith('mapscope: ')) return 'exit 2 without a mapscope: line';
    if (/\bundefined\b|\[object Object\]|\bNaN bytes\b/.test(last)) return `JavaScript wording: ${last.slice(0, 200)}`;
  }
  return undefined;
}

async function runMain(argv: string[], input: string): Promise<Outcome> {
  const io = captureIO();
  let code: number;
  try {
    code = await main(argv, io);
  } catch (e) {
    return { code: -1, stderr: String(e instanceof Error ? e.stack : e), bad: 'exception escaped main()', input, argv };
  }
  return { code, stderr: io.stderr, bad: judge(code, io.stderr), input, argv };
}

/** The launcher users run (bin/mapscope.js), beside dist/. */
const LAUNCHER = join(repo, 'bin', 'mapscope.js');

/** The first line of a stream's text, without trailing blanks. */
function firstLine(s: string): string {
  return (s.split('\n').find((l) => l.trim() !== '') ?? '').trimEnd();
}

/**
 * Replays an in-process case as the real command (`node bin/mapscope.js ARGV`, its own process,
 * stdout and stderr piped) and says how the two differ: exit code, first stderr line, or a fault the
 * process shows that main() did not (a stack trace, a signal). Undefined when they agree. The inputs
 * the case wrote under its scratch directory must still be there. `timeoutMs` bounds the process.
 */
export function cliAgrees(o: Outcome, timeoutMs = 120_000): string | undefined {
  if (!o.argv) return undefined;
  const p = spawnSync(process.execPath, [LAUNCHER, ...o.argv], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], timeout: timeoutMs, maxBuffer: 64 << 20 });
  if (p.error) return `the CLI process failed: ${p.error.message}`;
  if (p.signal) return `the CLI process ended by ${p.signal}`;
  const code = p.status ?? -1;
  const bad = judge(code, p.stderr);
  if (bad) return `the CLI process: ${bad}: ${firstLine(p.stderr).slice(0, 200)}`;
  if (code !== o.code) return `exit ${code} from the CLI, ${o.code} in-process`;
  const [a, b] = [firstLine(p.stderr), firstLine(o.stderr)];
  if (a !== b) return `first stderr line differs: CLI ${JSON.stringify(a.slice(0, 160))}, in-process ${JSON.stringify(b.slice(0, 160))}`;
  return undefined;
}

// ---- byte and text mutators ----------------------------------------------

const INTERESTING = [0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff];

/** Replaces, flips, inserts, deletes or repeats a few bytes; sometimes truncates. `hot`: ranges to favour. */
export function mutateBytes(r: Rng, src: Uint8Array, hot: [number, number][] = []): { bytes: Uint8Array; what: string } {
  // A copy, never a view: Buffer's slice() shares memory, and mutating the seed would drift every later case.
  let b = new Uint8Array(src);
  const what: string[] = [];
  const at = (): number => {
    if (hot.length && r.chance(0.8)) {
      const [s, e] = r.pick(hot);
      return Math.min(b.length - 1, s + r.int(Math.max(1, e - s)));
    }
    return r.int(b.length);
  };
  const n = 1 + r.int(r.chance(0.7) ? 2 : 8);
  for (let k = 0; k < n && b.length > 0; k++) {
    const p = at();
    const op = r.int(10);
    if (op < 3) {
      b[p] ^= 1 << r.int(8);
      what.push(`flip@${p}`);
    } else if (op < 6) {
      const v = r.pick(INTERESTING);
      const w = r.pick([1, 2, 4, 8]);
      for (let j = 0; j < w && p + j < b.length; j++) b[p + j] = j < 4 ? (v >>> (8 * j)) & 0xff : v === 0 ? 0 : 0xff * Number(v > 0x7fffffff);
      what.push(`set${w}@${p}=${v.toString(16)}`);
    } else if (op < 7) {
      b[p] = r.int(256);
      what.push(`byte@${p}`);
    } else if (op < 8 && b.length > 16) {
      // Two copies of whole ranges (set), never a spread through a JavaScript array of every byte:
      // a spread of a 2 MB executable cost half of each case's time.
      const len = 1 + r.int(16);
      const end = Math.min(b.length, p + len);
      const out = new Uint8Array(b.length - (end - p));
      out.set(b.subarray(0, p));
      out.set(b.subarray(end), p);
      b = out;
      what.push(`del${len}@${p}`);
    } else if (op < 9 && b.length < 1 << 22) {
      const len = 1 + r.int(64);
      // A copy of the repeated bytes only (slice of len), not of everything after them.
      const from = r.int(b.length);
      const chunk = b.slice(from, Math.min(b.length, from + len));
      const out = new Uint8Array(b.length + chunk.length);
      out.set(b.subarray(0, p));
      out.set(chunk, p);
      out.set(b.subarray(p), p + chunk.length);
      b = out;
      what.push(`dup${chunk.length}@${p}`);
    } else {
      b = b.slice(0, p);
      what.push(`trunc@${p}`);
    }
  }
  return { bytes: b, what: what.join(',') };
}

/** Text mutation: characters and tokens from `dict` inserted, lines deleted, duplicated or swapped. */
export function mutateText(r: Rng, src: string, dict: readonly string[]): string {
  let s = src;
  const n = 1 + r.int(4);
  for (let k = 0; k < n; k++) {
    const p = r.int(s.length + 1);
    const op = r.int(8);
    if (op === 0) s = s.slice(0, p) + s.slice(p + 1 + r.int(3));
    else if (op === 1) s = s.slice(0, p) + r.pick(dict) + s.slice(p);
    else if (op === 2) s = s.slice(0, p) + String.fromCharCode(r.chance(0.9) ? 32 + r.int(95) : r.int(0x3000)) + s.slice(p + (r.chance(0.5) ? 1 : 0));
    else if (op === 3) {
      const lines = s.split('\n');
      const i = r.int(lines.length);
      lines.splice(i, 1);
      s = lines.join('\n');
    } else if (op === 4) {
      const lines = s.split('\n');
      const i = r.int(lines.length);
      lines.splice(r.int(lines.length), 0, lines[i]);
      s = lines.join('\n');
    } else if (op === 5) {
      const lines = s.split('\n');
      const [i, j] = [r.int(lines.length), r.int(lines.length)];
      [lines[i], lines[j]] = [lines[j], lines[i]];
      s = lines.join('\n');
    } else if (op === 6) {
      const q = r.int(s.length + 1);
      const [a, b] = p < q ? [p, q] : [q, p];
      s = s.slice(0, b) + s.slice(a, Math.min(b, a + 200)) + s.slice(b);
    } else s = s.slice(0, p) + '\n' + s.slice(p);
  }
  return s.length > 1 << 20 ? s.slice(0, 1 << 20) : s;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const JSON_VALUES = (r: Rng): Json =>
  r.pick<() => Json>([
    () => null,
    () => true,
    () => -1,
    () => 0,
    () => 2 ** 53,
    () => 1e308,
    () => -0.5,
    () => 255,
    () => 256,
    () => 2 ** 32,
    () => '18446744073709551615',
    () => '0xffffffffffffffff',
    () => '-9223372036854775809',
    () => 'NaN',
    () => '',
    () => 'x'.repeat(r.int(5000)),
    () => [],
    () => ({}),
    () => {
      let v: Json = 1;
      for (let d = 1 + r.int(r.chance(0.9) ? 40 : 3000); d > 0; d--) v = [v];
      return v;
    },
    () => Array.from({ length: r.int(64) }, () => r.int(300)),
    () => r.pick(['1.19', '1.22', '1.24', '1.26', '1.27', '2.0', 'go1.23', '1.12']),
    () => r.pick(['amd64', 'arm64', '386', 'arm', 's390x', 'wasm', 'nope']),
    () => r.pick(['map[int]int', 'map[string]string', 'map[[3]int16]struct{a int8; b string}', 'map[any]int', 'map[float64][]byte', `map[int]${'[2]'.repeat(40)}byte`, 'int']),
  ])();

/** Every path to a value in `v`, up to `max`. */
function paths(v: Json, max = 4000): (string | number)[][] {
  const out: (string | number)[][] = [];
  const stack: [Json, (string | number)[]][] = [[v, []]];
  while (stack.length && out.length < max) {
    const [x, p] = stack.pop()!;
    out.push(p);
    if (Array.isArray(x)) x.forEach((c, i) => stack.push([c, [...p, i]]));
    else if (x && typeof x === 'object') for (const [k, c] of Object.entries(x)) stack.push([c, [...p, k]]);
  }
  return out;
}

/** Structural JSON mutation: a value replaced, a field removed or added, an array entry repeated; or bytes of the text. */
export function mutateJson(r: Rng, seed: Json): string {
  try {
    return mutateJsonOnce(r, seed);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    // Deep arrays placed inside deep arrays can pass structuredClone's or JSON.stringify's own stack:
    // such a case becomes a nesting written directly, which the parsers must refuse.
    return `{"go":"1.23","type":"map[int]int","ops":[["insert",${'['.repeat(20_000)}${']'.repeat(20_000)},1]]}`;
  }
}

function mutateJsonOnce(r: Rng, seed: Json): string {
  if (r.chance(0.15)) return mutateText(r, JSON.stringify(seed), ['{', '}', '[', ']', ',', ':', '"', 'null', '-', 'e9', '0x']);
  const v = structuredClone(seed);
  const n = 1 + r.int(3);
  let root: Json = v;
  for (let k = 0; k < n; k++) {
    const ps = paths(root);
    const p = r.pick(ps);
    if (p.length === 0) {
      if (r.chance(0.1)) root = JSON_VALUES(r);
      continue;
    }
    let parent: Json = root;
    for (const s of p.slice(0, -1)) parent = (parent as Record<string | number, Json>)[s];
    const last = p[p.length - 1];
    const obj = parent as Record<string | number, Json>;
    const op = r.int(10);
    const old = obj[last];
    if (op < 3 && typeof old === 'number') obj[last] = r.pick([0, 1, -1, old + 1, old - 1, old * 2, 2 ** 31, 2 ** 32 - 1, 2 ** 53 - 1, 255, 7, 8, 64]);
    else if (op < 3 && typeof old === 'string') obj[last] = r.chance(0.5) ? JSON_VALUES(r) : old.slice(0, r.int(old.length + 1)) + old.slice(r.int(old.length + 1));
    else if (op < 6) obj[last] = JSON_VALUES(r);
    else if (op < 7 && !Array.isArray(parent)) delete obj[last];
    else if (op < 8 && !Array.isArray(parent)) obj[r.pick(['extra', 'impl', 'go', 'hint', '__proto__', 'constructor'])] = JSON_VALUES(r);
    else if (Array.isArray(parent)) {
      const times = r.chance(0.9) ? 1 + r.int(4) : 200;
      for (let t = 0; t < times; t++) parent.splice(Number(last), 0, structuredClone(parent[Number(last)]));
    } else if (typeof obj[last] === 'number') obj[last] = (obj[last] as number) + r.pick([-1, 1, 8, -256, 2 ** 31]);
  }
  return JSON.stringify(root);
}

// ---- seeds -----------------------------------------------------------------

function cacheDir(): string {
  return process.env.MAPSCOPE_CACHE ?? join(homedir(), '.cache', 'mapscope');
}

function goroot(v: string): string {
  const g = join(cacheDir(), 'go', v);
  if (!existsSync(join(g, 'bin', 'go'))) throw new Error(`Go ${v} missing at ${g}: run scripts/go-toolchains.sh ${v}`);
  return g;
}

const HELLO = `package main

import "os"

type Key struct{ A int32; B string }

var M = map[string]int{"a": 1}
var K = map[Key][]byte{}

func main() {
	M[os.Args[0]] = len(os.Args)
	K[Key{1, "x"}] = []byte("y")
	os.Exit(len(M) + len(K) - 3)
}
`;

/** Small Go executables (ELF 64/32, Mach-O, PE; classic and Swiss maps), built once into the cache. */
export function exeSeeds(): string[] {
  const dir = join(cacheDir(), 'fuzz-seeds-v1');
  const targets: [go: string, goos: string, goarch: string, strip: boolean][] = [
    ['1.22', 'linux', 'amd64', true],
    ['1.26', 'linux', 'amd64', true],
    ['1.26', 'linux', '386', true],
    ['1.26', 'linux', 'arm64', false],
    ['1.26', 'darwin', 'arm64', true],
    ['1.26', 'windows', 'amd64', true],
  ];
  const out: string[] = [];
  for (const [go, goos, goarch, strip] of targets) {
    const f = join(dir, `hello-${go}-${goos}-${goarch}${strip ? '' : '-dwarf'}`);
    out.push(f);
    if (existsSync(f)) continue;
    const src = join(dir, 'src');
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, 'main.go'), HELLO);
    writeFileSync(join(src, 'go.mod'), 'module hello\n\ngo 1.22\n');
    execFileSync(join(goroot(go), 'bin', 'go'), ['build', '-buildvcs=false', '-trimpath', ...(strip ? ['-ldflags=-s -w'] : []), '-o', `${f}.tmp`, '.'], {
      cwd: src,
      stdio: 'pipe',
      env: { ...process.env, GOROOT: goroot(go), GOTOOLCHAIN: 'local', GOCACHE: join(cacheDir(), 'gocache-fuzz'), GOPATH: join(cacheDir(), 'gopath'), CGO_ENABLED: '0', GOOS: goos, GOARCH: goarch, GOFLAGS: '-mod=mod' },
    });
    renameSync(`${f}.tmp`, f);
  }
  return out;
}

function filesUnder(dir: string, pred: (f: string) => boolean, max = 1000): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (out.length >= max) return;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (pred(p)) out.push(p);
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

// ---- targets ---------------------------------------------------------------

const TYPE_SEEDS = [
  'map[string]int',
  'map[int64]int64',
  'map[[16]byte]*T',
  'map[struct{a int8; b int64}][]string',
  'map[any]chan int',
  'map[float64]complex128',
  'map[string]map[int]bool',
  'map[struct{_ [0]func(); x uint16; _ int32}]atomic.Int64',
  'map[interface{ M() }][4]struct{}',
  'map[*[2]uintptr]unsafe.Pointer',
];
const TYPE_DICT = ['map[', ']', '[', '*', 'struct{', '}', ';', ' ', 'int', 'string', 'func()', 'chan ', '[1099511627776]', '[0]', 'any', 'interface{', '_ ', 'atomic.', 'unsafe.Pointer', '<-', '[-1]', '99999999999999999999'];
const GOS = ['1.13', '1.19', '1.22', '1.23', '1.24', '1.25', '1.26', '1.27'];
const ARCHES = ['amd64', 'arm64', '386', 'arm', 's390x', 'mips', 'wasm', 'riscv64'];

export const typeTarget: Target = {
  name: 'type',
  async run(i) {
    const r = caseRng(1, i);
    let t = r.pick(TYPE_SEEDS);
    if (r.chance(0.05)) t = `map[int]${'*'.repeat(r.int(20000))}int`;
    else t = mutateText(r, t, TYPE_DICT);
    const argv = ['layout', t, '--go', r.pick(GOS), '--arch', r.pick(ARCHES)];
    if (r.chance(0.3)) argv.push('--json');
    if (r.chance(0.1)) argv.push('--experiment', r.pick(['noswissmap', 'swissmap', 'x']));
    return runMain(argv, JSON.stringify(argv));
  },
};

/**
 * herd7's catalogue, in shared/ beside the repository (or MAPSCOPE_SHARED).
 * A campaign without it would fuzz only our own litmus files while the docs
 * say it covers the catalogue, so a missing catalogue stops the campaign.
 */
function herdCatalogue(): string {
  const dir = join(process.env.MAPSCOPE_SHARED ?? join(repo, '..', 'shared'), 'litmus');
  if (!existsSync(dir)) throw new Error(`fuzz: herd's litmus catalogue is not at ${dir}; set MAPSCOPE_SHARED to the shared/ directory`);
  return dir;
}

export function litmusTarget(): Target {
  const seeds = [
    ...filesUnder(join(repo, 'litmus'), (f) => f.endsWith('.litmus')),
    ...filesUnder(join(repo, 'test', 'fixtures', 'litmus'), (f) => f.endsWith('.litmus'), 200),
    ...filesUnder(herdCatalogue(), (f) => f.endsWith('.litmus'), 300),
  ].map((f) => readFileSync(f, 'utf8')).filter((s) => s.length < 20_000);
  const dict = ['LDR W0,[X1]', 'STR W0,[X1]', 'DMB ISH', 'DMB ISHST', 'MOV W0,#7', 'MOVL $1,(x)', 'MFENCE', 'X1', 'W9', '[X3]', '#-1', 'exists', 'forall', '~exists', '/\\', '\\/', '~', 'P0', 'P9', '|', ';', '{', '}', '(*', '*)', '"', '=', ':', 'int *p=&x;', 'L0:', 'B L0', 'CBNZ W0,L0', 'LDAR', 'STLR', 'CAS', '0:X1=x;'];
  return {
    name: 'litmus',
    async run(i, dir) {
      const r = caseRng(2, i);
      const text = mutateText(r, r.pick(seeds), dict);
      const f = join(dir, 'case.litmus');
      writeFileSync(f, text);
      const argv = ['litmus', f];
      if (r.chance(0.3)) argv.push('--model', r.pick(['sc', 'tso', 'aarch64']));
      if (r.chance(0.2)) argv.push('--json');
      return runMain(argv, `litmus case ${i}`);
    },
  };
}

export function scenarioTarget(): Target {
  const seeds = [
    ...filesUnder(join(repo, 'test', 'fixtures', 'sim-classic', 'scenarios'), (f) => f.endsWith('.json')),
    ...filesUnder(join(repo, 'test', 'fixtures', 'sim-swiss', 'scenarios'), (f) => f.endsWith('.json')),
  ]
    .map((f) => readFileSync(f, 'utf8'))
    .filter((s) => s.length < 8000)
    .map((s) => JSON.parse(s) as Json);
  return jsonCaseTarget('scenario', 3, seeds, (r, f) => ['sim', f, ...(r.chance(0.3) ? [r.pick(['--json', '--trace'])] : [])]);
}

/** A target whose case i is a mutation of one of `seeds`, written to a file the CLI is then run on with `argv`. */
function jsonCaseTarget(name: string, stream: number, seeds: Json[], argv: (r: Rng, file: string) => string[]): Target {
  return {
    name,
    async run(i, dir) {
      const r = caseRng(stream, i);
      const f = join(dir, 'case.json');
      writeFileSync(f, mutateJson(r, r.pick(seeds)));
      return runMain(argv(r, f), `${name} case ${i}`);
    },
  };
}

export function snapshotTarget(): Target {
  const gz = [
    ...filesUnder(join(repo, 'test', 'fixtures', 'sim-classic'), (f) => f.endsWith('.jsonl.gz'), 4000),
    ...filesUnder(join(repo, 'test', 'fixtures', 'sim-swiss'), (f) => f.endsWith('.jsonl.gz'), 4000),
  ];
  // Real-Go snapshot fixtures (docs/json.md): line 2 is the snapshot.
  const seeds = gz
    .map((f) => gunzipSync(readFileSync(f)).toString('utf8').split('\n')[1])
    .filter((s) => s.length < 12_000)
    .map((s) => JSON.parse(s) as Json);
  if (seeds.length === 0) throw new Error('no small snapshot seeds under test/fixtures/sim-*');
  return jsonCaseTarget('snapshot', 4, seeds, (r, f) => ['check', f, ...(r.chance(0.3) ? ['--json'] : [])]);
}

/** Header ranges of an executable worth hitting more often: the first 4 KiB and the last 4 KiB (section tables). */
function exeHot(b: Uint8Array): [number, number][] {
  return [
    [0, Math.min(4096, b.length)],
    [Math.max(0, b.length - 4096), b.length],
  ];
}

export function exeTarget(): Target {
  const seeds = exeSeeds().map((f) => new Uint8Array(readFileSync(f)));
  return {
    name: 'exe',
    async run(i, dir) {
      const r = caseRng(5, i);
      const s = r.pick(seeds);
      const { bytes } = mutateBytes(r, s, exeHot(s));
      const f = join(dir, 'case.exe');
      writeFileSync(f, bytes);
      const argv = ['inspect', f];
      if (r.chance(0.3)) argv.push('--json');
      return runMain(argv, `exe case ${i}`);
    },
  };
}

export function baselineTarget(dir0: string): Target {
  const exe = exeSeeds()[1];
  const base = join(dir0, 'seed-baseline.json');
  return {
    name: 'baseline',
    async run(i, dir) {
      if (!existsSync(base)) {
        const w = captureIO();
        const code = await main(['inspect', exe, '--write-baseline', base], w);
        if (code !== 0) throw new Error(`cannot write the seed baseline: ${w.stderr}`);
      }
      const r = caseRng(6, i);
      const seed = JSON.parse(readFileSync(base, 'utf8')) as Json;
      const f = join(dir, 'case-baseline.json');
      writeFileSync(f, mutateJson(r, seed));
      const argv = ['inspect', exe, '--baseline', f];
      if (r.chance(0.3)) argv.push('--format', r.pick(['github', 'sarif']));
      if (r.chance(0.2)) argv.push('--maps', r.pick(['main.*', 'map[string]*', '*']));
      return runMain(argv, `baseline case ${i}`);
    },
  };
}

// ---- cores: the checker over a real core's memory, mutated ----------------

/** A reader with some bytes replaced, recording every range read (to learn where a map's memory is). */
export class MutatedMemory implements MemoryReader {
  readonly patches: { addr: bigint; bytes: Uint8Array }[] = [];
  readonly seen: [bigint, number][] = [];
  constructor(
    private readonly base: MemoryReader,
    private readonly record = false,
  ) {}
  get arch() {
    return this.base.arch;
  }
  read(addr: bigint | number, len: number): Uint8Array {
    const a = BigInt(addr);
    if (this.record && this.seen.length < 20000 && len <= 1 << 16) this.seen.push([a, len]);
    const out = this.base.read(a, len);
    if (this.patches.length === 0) return out;
    const copy = out.slice();
    for (const p of this.patches) {
      const start = p.addr - a;
      for (let j = 0; j < p.bytes.length; j++) {
        const at = start + BigInt(j);
        if (at >= 0n && at < BigInt(len)) copy[Number(at)] = p.bytes[j];
      }
    }
    return copy;
  }
}

/** Runs the checker as `check --core` does on one map, rendering text and JSON; returns a judged outcome. */
export function checkOne(m: MapSource, input: string): Outcome {
  try {
    const rep = checkMap(m);
    entriesOf(m, 10_000);
    mapText(rep);
    documentJSON({ ok: true, source: { kind: 'core' }, maps: [rep] });
    return { code: rep.findings.length ? 1 : 0, stderr: '', input };
  } catch (e) {
    // Bad input found by the checker must be a finding; an InputError/LimitError would be exit 2 in the CLI.
    if (e instanceof InputError || e instanceof LimitError) return { code: 2, stderr: `mapscope: ${e.message}`, input };
    return { code: 70, stderr: String(e instanceof Error ? e.stack : e), bad: `exception from the checker: ${e instanceof Error ? e.message.slice(0, 200) : String(e)}`, input };
  }
}

export interface CoreSeed {
  p: GoProcess;
  maps: MapSource[];
  /** Per map: ranges its check reads (header, directory, tables, groups, buckets, keys). */
  hot: [bigint, number][][];
  bytes: Uint8Array;
  name: string;
}

export function openCoreSeed(core: string, exe: string): CoreSeed {
  const bytes = readFileSync(core);
  const p = openCore(core, bytes, exe, readFileSync(exe));
  const maps = p.globalMaps({ entries: entriesOf, all: false });
  const hot = maps.map((m) => {
    const rec = new MutatedMemory(m.reader, true);
    checkMap({ ...m, reader: rec });
    return rec.seen;
  });
  return { p, maps, hot, bytes, name: core };
}

const CORE_VALUES = [0n, 1n, 2n, 7n, 8n, 0x7fn, 0x80n, 0xffn, 0x7fffn, 0xffffn, 3322n, 0x7fffffffn, 0xffffffffn, (1n << 63n) - 1n, (1n << 64n) - 1n, 60n << 20n, 64n << 20n];

function le(v: bigint, w: number): Uint8Array {
  const b = new Uint8Array(w);
  for (let i = 0; i < w; i++) b[i] = Number((v >> BigInt(8 * i)) & 0xffn);
  return b;
}

/** An ELF core with bytes overlaid (its headers and notes mutated) without copying the whole file. */
function overlaySource(name: string, base: Uint8Array, patch: Map<number, number>, size: number): ByteSource {
  const src = bytesSource(name, base.length === size ? base : base.subarray(0, size));
  return {
    name,
    size,
    read(off, len, what) {
      const out = src.read(off, len, what);
      if (patch.size === 0) return out;
      const copy = out.slice();
      for (const [at, v] of patch) if (at >= off && at < off + len) copy[at - off] = v;
      return copy;
    },
  };
}

export function coreTarget(seeds: CoreSeed[]): Target {
  return {
    name: 'core',
    async run(i) {
      const r = caseRng(7, i);
      const s = r.pick(seeds);
      if (r.chance(0.1)) {
        // The ELF core file itself: headers, program headers and notes (the first 64 KiB).
        const patch = new Map<number, number>();
        const n = 1 + r.int(6);
        for (let k = 0; k < n; k++) patch.set(r.int(Math.min(s.bytes.length, 1 << 16)), r.chance(0.5) ? r.pick([0, 0xff, 0x7f, 0x80]) : r.int(256));
        const size = r.chance(0.2) ? r.int(s.bytes.length) : s.bytes.length;
        try {
          const c = readCore(overlaySource(s.name, s.bytes, patch, size));
          for (const seg of c.segments.slice(0, 64)) void seg.addr;
          return { code: 0, stderr: '', input: `core file ${s.name} case ${i}` };
        } catch (e) {
          if (e instanceof InputError) return { code: 2, stderr: `mapscope: ${e.message}`, input: `core file case ${i}`, bad: judge(2, `mapscope: ${e.message}`) };
          return { code: 70, stderr: String(e instanceof Error ? e.stack : e), bad: `exception from readCore: ${String(e).slice(0, 200)}`, input: `core file case ${i}` };
        }
      }
      const mi = r.int(s.maps.length);
      const m = s.maps[mi];
      const hot = s.hot[mi];
      const mem = new MutatedMemory(m.reader);
      const what: string[] = [];
      const n = 1 + r.int(r.chance(0.7) ? 2 : 6);
      for (let k = 0; k < n; k++) {
        const [a, len] = hot.length && r.chance(0.95) ? r.pick(hot) : [m.addr, 64];
        const w = r.pick([1, 2, 4, 8, 8, 8]);
        const off = BigInt(Math.floor(r.int(Math.max(1, len)) / w) * w);
        const v = r.chance(0.7) ? r.pick(CORE_VALUES) : BigInt(r.int(2 ** 32)) * (r.chance(0.5) ? 1n : 0x100000001n);
        mem.patches.push({ addr: a + off, bytes: le(v, w) });
        what.push(`${m.name}@0x${(a + off).toString(16)}=${v.toString(16)}/${w}`);
      }
      return checkOne({ ...m, reader: mem }, what.join(' '));
    },
  };
}

/**
 * Where a target writes its cases: FUZZ_SCRATCH, else /dev/shm where it exists (a case's file is rewritten
 * tens of thousands of times; on a disk, truncating the previous 2 MB executable cost more than inspecting it).
 */
export function scratchDir(name: string): string {
  const root = process.env.FUZZ_SCRATCH ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir());
  const d = join(root, `mapscope-fuzz-${name}-${process.pid}`);
  mkdirSync(d, { recursive: true });
  return d;
}
