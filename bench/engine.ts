/**
 * Benchmark (not a test): the engines against real Go maps doing the same
 * work in the same run.
 *
 *   node dist/bench/engine.js [N=1000000] [ROUNDS=5] [--no-profile]
 *
 * For classic (Go 1.23) and Swiss (Go 1.26), with the fallback hash and with
 * AES, for N int64 keys and N string keys, one sample on either side is a
 * fresh process that makes a map without a hint, inserts every key, looks
 * every key up, and deletes every key from that same map: the engine (a
 * child node process) and gosrc/mapbench (built with the same release;
 * GODEBUG=cpu.aes=off for the fallback rows). Each configuration runs ROUNDS
 * rounds, each round one sample per side, the side that goes first
 * alternating round by round, so both sides see the same load drift; each
 * side reports the median of its ROUNDS samples and their spread, and the
 * ratio is taken of the medians (with the range of the per-round ratios,
 * engine sample over the native sample beside it). Times are process CPU
 * time (user + system, GC threads included): the machine may be shared, and
 * wall time would time the other tenants. The machine, Node, the load
 * average at the start and end of each row are printed: a figure is only
 * read with the load it was measured under.
 *
 * Then, unless --no-profile, one more engine sample per configuration under
 * --cpu-prof (not counted in the figures: the sampling profiler costs the
 * engine a few per cent) gives each configuration's top functions by self
 * time.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseScenario } from '../src/engine/scenario.js';
import { openMap } from '../src/engine/classic/index.js';
import { openSwiss } from '../src/engine/swiss/index.js';
import { cacheDir, goroot } from '../test/support/toolchains.js';

type Kind = 'int64' | 'string';
type Mode = 'fallback' | 'aes';
type OpName = 'insert' | 'lookup' | 'delete';
const OPS: readonly OpName[] = ['insert', 'lookup', 'delete'];
/** ns/op of one sample (one repetition) per operation. */
type Sample = Record<OpName, number>;

const HERE = fileURLToPath(import.meta.url);
const REPO = join(HERE, '..', '..', '..');

function keysOf(kind: Kind, n: number): (number | string)[] {
  // int64(i) * 2654435761 stays below 2^53 for n ≤ 3.3M, so the JSON number is exact.
  return Array.from({ length: n }, (_, i) => (kind === 'int64' ? i * 2654435761 : `key-${i}`));
}

/** One engine sample, in this (child) process: insert, lookup and delete of every key, as JSON on stdout. */
function engineSample(go: string, mode: Mode, kind: Kind, n: number): Sample & { fastPaths: boolean } {
  const sc = parseScenario({ go, arch: 'amd64', type: kind === 'int64' ? 'map[int64]int64' : 'map[string]int64', hash: { mode, prngSeed: 1 }, ops: [] }, 'bench');
  const keys = keysOf(kind, n);
  // Process CPU time (user + system, the GC's threads included), as the native side measures.
  const time = (f: () => void) => {
    const s = process.cpuUsage();
    f();
    const d = process.cpuUsage(s);
    return ((d.user + d.system) * 1000) / n;
  };
  const m = sc.impl === 'classic' ? openMap(sc) : openSwiss(sc);
  // Plain loops, as the native side's: the API takes the key as a JS number or string.
  const insert = time(() => {
    for (let i = 0; i < n; i++) m.insert(keys[i], i);
  });
  let found = 0;
  const lookup = time(() => {
    // Classic returns the elem (undefined when absent), Swiss whether the key is present.
    for (let i = 0; i < n; i++) {
      const v = m.lookup(keys[i]);
      if (v !== undefined && v !== false) found++;
    }
  });
  const del = time(() => {
    for (let i = 0; i < n; i++) m.delete(keys[i]);
  });
  if (found !== n) throw new Error(`the engine found ${found} of ${n} keys`);
  return { insert, lookup, delete: del, fastPaths: m.fastPaths };
}

function mapbench(go: string, bins: Map<string, string>): string {
  let bin = bins.get(go);
  if (!bin) {
    const root = goroot(go);
    bin = join(mkdtempSync(join(tmpdir(), 'mapbench-')), `mapbench-${go}`);
    execFileSync(join(root, 'bin', 'go'), ['build', '-o', bin, '.'], {
      cwd: join(REPO, 'gosrc', 'mapbench'),
      env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', GOROOT: root, GOCACHE: join(cacheDir(), 'gocache-mapbench'), CGO_ENABLED: '0' },
      stdio: 'pipe',
    });
    bins.set(go, bin);
  }
  return bin;
}

/** One native sample: a fresh gosrc/mapbench process, one repetition. */
function nativeSample(bin: string, mode: Mode, kind: Kind, n: number): Sample {
  const env = { ...process.env };
  if (mode === 'fallback') env.GODEBUG = 'cpu.aes=off';
  else delete env.GODEBUG;
  const r = JSON.parse(execFileSync(bin, ['-keys', kind, '-n', String(n), '-reps', '1'], { env, encoding: 'utf8' })) as Record<OpName, number[]>;
  return { insert: r.insert[0], lookup: r.lookup[0], delete: r.delete[0] };
}

/** One engine sample in a fresh node process (under --cpu-prof into profDir when given). */
function engineChild(go: string, mode: Mode, kind: Kind, n: number, profDir?: string): Sample {
  const prof = profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [];
  const r = spawnSync(process.execPath, [...prof, HERE, '--engine', go, mode, kind, String(n)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`engine run failed: ${r.stderr}`);
  const e = JSON.parse(r.stdout) as Sample & { fastPaths: boolean };
  if (!e.fastPaths) throw new Error(`${go} ${mode} ${kind}: the engine did not take its fast paths`);
  return e;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};
/** Half the range of xs, in per cent of their median. */
const spread = (xs: number[]) => (((Math.max(...xs) - Math.min(...xs)) / 2 / median(xs)) * 100);

/** Top functions by self time of a V8 .cpuprofile. */
function topFunctions(file: string, count: number): string[] {
  const p = JSON.parse(readFileSync(file, 'utf8')) as { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]; samples: number[]; timeDeltas: number[] };
  const byId = new Map(p.nodes.map((x) => [x.id, x]));
  const self = new Map<string, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const f = byId.get(id)?.callFrame;
    if (!f) return;
    const where = f.url ? `${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}` : '';
    const key = `${f.functionName || '(anonymous)'} ${where}`.trim();
    const dt = p.timeDeltas[i] ?? 0;
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  });
  return [...self].sort((a, b) => b[1] - a[1]).slice(0, count).map(([k, t]) => `${((t / total) * 100).toFixed(1).padStart(5)}%  ${k}`);
}

function main(): void {
  const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const profile = !process.argv.includes('--no-profile');
  const N = Number(args[0] ?? 1_000_000);
  const ROUNDS = Number(args[1] ?? 5);
  if (!(N > 0 && ROUNDS > 0)) throw new Error('usage: engine.js [N] [ROUNDS] [--no-profile]');
  const bins = new Map<string, string>();
  const load = () => loadavg()[0].toFixed(1);
  const started = Date.now();
  console.log(`engines vs native Go maps: ${N} keys; ${ROUNDS} rounds per row, each one fresh process per side (one repetition: make, insert all, look up all, delete all), alternating which side goes first`);
  console.log(`ns/op of process CPU time: median of the rounds, ±spread = half the range in % of the median; ratio = engine median / native median [range of per-round ratios]`);
  console.log(`machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} CPUs, Linux ${release()}, Node ${process.version}; load average at start ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log('engine          hash      keys    op         engine (±%)      native (±%)     ratio [range]     load');
  const configs: [string, string, Mode, Kind][] = [];
  for (const [impl, go] of [['classic', '1.23'], ['swiss', '1.26']] as const) {
    for (const mode of ['fallback', 'aes'] as const) for (const kind of ['int64', 'string'] as const) configs.push([impl, go, mode, kind]);
  }
  for (const [impl, go, mode, kind] of configs) {
    const bin = mapbench(go, bins);
    const loadBefore = load();
    const e: Sample[] = [];
    const nat: Sample[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      if (r % 2 === 0) {
        e.push(engineChild(go, mode, kind, N));
        nat.push(nativeSample(bin, mode, kind, N));
      } else {
        nat.push(nativeSample(bin, mode, kind, N));
        e.push(engineChild(go, mode, kind, N));
      }
    }
    const loads = `${loadBefore}→${load()}`;
    for (const op of OPS) {
      const es = e.map((s) => s[op]);
      const ns = nat.map((s) => s[op]);
      const pr = es.map((x, i) => x / ns[i]);
      const range = `[${Math.min(...pr).toFixed(1)}–${Math.max(...pr).toFixed(1)}]`;
      console.log(
        `${`${impl} ${go}`.padEnd(15)} ${mode.padEnd(9)} ${kind.padEnd(7)} ${op.padEnd(7)} ${median(es).toFixed(0).padStart(7)} (±${spread(es).toFixed(0).padStart(2)}%) ${median(ns).toFixed(1).padStart(9)} (±${spread(ns).toFixed(0).padStart(2)}%) ${(median(es) / median(ns)).toFixed(2).padStart(6)}x ${range.padEnd(11)} ${loads}`,
      );
    }
  }
  if (profile) {
    console.log('\nwhere the engine spends its time (one extra profiled engine sample per row, not in the figures; self time, whole process):');
    for (const [impl, go, mode, kind] of configs) {
      const dir = mkdtempSync(join(tmpdir(), 'engine-prof-'));
      engineChild(go, mode, kind, N, dir);
      const prof = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
      if (prof) console.log(`${impl} ${go} ${mode} ${kind}:\n${topFunctions(join(dir, prof), 8).map((l) => '  ' + l).join('\n')}`);
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log(`\nload average at end ${loadavg().map((x) => x.toFixed(2)).join(' ')}; ${((Date.now() - started) / 1000).toFixed(0)} s wall for the whole benchmark`);
  if (Math.max(...loadavg()) > 3) console.log('the load average passed 3: other work shared the CPUs; repeat on a quieter machine before quoting these figures');
}

if (process.argv[2] === '--engine') {
  const [go, mode, kind, n] = process.argv.slice(3);
  console.log(JSON.stringify(engineSample(go, mode as Mode, kind as Kind, Number(n))));
} else {
  main();
}
