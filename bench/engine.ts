/**
 * Benchmark (not a test): the engines against real Go maps doing the same
 * work in the same run.
 *
 *   node dist/bench/engine.js [N=1000000] [REPS=1]
 *
 * For classic (Go 1.23) and Swiss (Go 1.26), with the fallback hash and with
 * AES, for N int64 keys and N string keys: each repetition makes a map
 * without a hint, inserts every key, looks every key up, and deletes every key
 * from that same map — on the engine (this process's child, under
 * --cpu-prof) and in gosrc/mapbench (GODEBUG=cpu.aes=off for the fallback
 * rows). Both sides run REPS repetitions and report their median ns/op of
 * process CPU time (user + system, GC threads included: the machine is
 * shared, so wall time would include other tenants' work); the
 * table gives both and the ratio engine/native, then each engine run's
 * top functions by self time.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseScenario } from '../src/engine/scenario.js';
import { openMap } from '../src/engine/classic/index.js';
import { openSwiss } from '../src/engine/swiss/index.js';
import { cacheDir, goroot } from '../test/support/toolchains.js';

type Kind = 'int64' | 'string';
type Mode = 'fallback' | 'aes';
interface Times { insert: number[]; lookup: number[]; delete: number[]; fastPaths?: boolean }

const HERE = fileURLToPath(import.meta.url);
const REPO = join(HERE, '..', '..', '..');

function keysOf(kind: Kind, n: number): (number | string)[] {
  // int64(i) * 2654435761 stays below 2^53 for n ≤ 3.3M, so the JSON number is exact.
  return Array.from({ length: n }, (_, i) => (kind === 'int64' ? i * 2654435761 : `key-${i}`));
}

/** The engine side, in a child process: prints Times as JSON. */
function engineRun(go: string, mode: Mode, kind: Kind, n: number, reps: number): Times {
  const sc = parseScenario({ go, arch: 'amd64', type: kind === 'int64' ? 'map[int64]int64' : 'map[string]int64', hash: { mode, prngSeed: 1 }, ops: [] }, 'bench');
  const keys = keysOf(kind, n);
  const t: Times = { insert: [], lookup: [], delete: [], fastPaths: true };
  // Process CPU time (user + system, the GC's threads included), as the native side measures:
  // the machine is shared, and wall time would time the other tenants.
  const time = (f: () => void) => {
    const s = process.cpuUsage();
    f();
    const d = process.cpuUsage(s);
    return ((d.user + d.system) * 1000) / n;
  };
  for (let r = 0; r < reps; r++) {
    const m = sc.impl === 'classic' ? openMap(sc) : openSwiss(sc);
    t.fastPaths &&= m.fastPaths;
    t.insert.push(time(() => keys.forEach((k, i) => m.insert(k, i))));
    t.lookup.push(time(() => keys.forEach((k) => m.lookup(k))));
    t.delete.push(time(() => keys.forEach((k) => m.delete(k))));
  }
  return t;
}

function nativeRun(go: string, mode: Mode, kind: Kind, n: number, reps: number, bins: Map<string, string>): Times {
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
  const env = { ...process.env };
  if (mode === 'fallback') env.GODEBUG = 'cpu.aes=off';
  else delete env.GODEBUG;
  return JSON.parse(execFileSync(bin, ['-keys', kind, '-n', String(n), '-reps', String(reps)], { env, encoding: 'utf8' })) as Times;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1];

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

if (process.argv[2] === '--engine') {
  const [go, mode, kind, n, reps] = process.argv.slice(3);
  console.log(JSON.stringify(engineRun(go, mode as Mode, kind as Kind, Number(n), Number(reps))));
} else {
  const N = Number(process.argv[2] ?? 1_000_000);
  const REPS = Number(process.argv[3] ?? 1);
  const bins = new Map<string, string>();
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`engines vs native Go maps, ${N} keys, median of ${REPS} repetition(s) each side, ns/op of process CPU time`);
  console.log(`machine: ${cpu}, ${cpus().length} CPUs (shared: figures under other load)`);
  const profiles: string[] = [];
  // The 1-minute load average as each row's engine run starts and its native run ends: the machine is
  // shared, and a figure is only read with the load it was measured under.
  const load = () => loadavg()[0].toFixed(1);
  const started = Date.now();
  console.log('engine          hash      keys    op       engine     native     ratio   load (engine → native)');
  for (const [impl, go] of [['classic', '1.23'], ['swiss', '1.26']] as const) {
    for (const mode of ['fallback', 'aes'] as const) {
      for (const kind of ['int64', 'string'] as const) {
        const dir = mkdtempSync(join(tmpdir(), 'engine-prof-'));
        const loadBefore = load();
        const r = spawnSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, HERE, '--engine', go, mode, kind, String(N), String(REPS)], { encoding: 'utf8', maxBuffer: 1 << 20 });
        if (r.status !== 0) throw new Error(`engine run failed: ${r.stderr}`);
        const e = JSON.parse(r.stdout) as Times;
        if (!e.fastPaths) throw new Error(`${impl} ${go} ${kind}: the engine did not take its fast paths`);
        const nat = nativeRun(go, mode, kind, N, REPS, bins);
        const loads = `${loadBefore} → ${load()}`;
        for (const op of ['insert', 'lookup', 'delete'] as const) {
          const a = median(e[op]);
          const b = median(nat[op]);
          console.log(`${`${impl} ${go}`.padEnd(15)} ${mode.padEnd(9)} ${kind.padEnd(7)} ${op.padEnd(7)} ${a.toFixed(0).padStart(7)} ${b.toFixed(1).padStart(10)} ${(a / b).toFixed(1).padStart(8)}x   ${loads}`);
        }
        const prof = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
        if (prof) profiles.push(`${impl} ${go} ${mode} ${kind}:`, ...topFunctions(join(dir, prof), 8).map((l) => '  ' + l));
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  console.log('\nwhere the engine spends its time (self time, whole engine process):');
  for (const l of profiles) console.log(l);
  console.log(`\n${((Date.now() - started) / 1000).toFixed(0)} s wall for the whole benchmark`);
}
