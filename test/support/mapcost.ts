/**
 * Builds gosrc/mapcost (the incidents' map shapes: JSON into
 * map[string]interface{}, an unbounded cache map, a map cleared and refilled)
 * with a real toolchain, cached under $MAPSCOPE_CACHE/mapcost keyed by the
 * source's hash, and runs it with GODEBUG=gctrace=1 and profiling flags.
 */
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cacheDir, goroot, emulatorFor } from './toolchains.js';

const gosrc = (name: string) => resolve(import.meta.dirname, '..', '..', '..', 'gosrc', name);

function srcHash(src: string): string {
  const h = createHash('sha256');
  for (const f of readdirSync(src).sort()) h.update(f).update(readFileSync(join(src, f)));
  return h.digest('hex').slice(0, 12);
}

/** Path of gosrc/mapcost built by Go `go` for `goarch` (built on first use). */
export function buildMapcost(go: string, goarch = 'amd64'): string {
  return buildGosrc('mapcost', go, goarch);
}

/** Path of gosrc/NAME (mapcost, mapattr) built by Go `go` for `goarch` (built on first use); `pie`: -buildmode=pie. */
export function buildGosrc(name: string, go: string, goarch = 'amd64', pie = false): string {
  const src = gosrc(name);
  const out = join(cacheDir(), name, srcHash(src), `${go}-${goarch}${pie ? '-pie' : ''}`, name);
  if (existsSync(out)) return out;
  mkdirSync(join(out, '..'), { recursive: true });
  execFileSync(join(goroot(go), 'bin', 'go'), ['build', '-buildvcs=false', ...(pie ? ['-buildmode=pie'] : []), '-o', out, '.'], {
    cwd: src,
    stdio: 'pipe',
    env: {
      ...process.env,
      GOROOT: goroot(go),
      GOTOOLCHAIN: 'local',
      GOFLAGS: '-mod=mod',
      GOCACHE: join(cacheDir(), 'gocache-probe', go),
      GOPATH: join(cacheDir(), 'gopath'),
      CGO_ENABLED: '0',
      GOOS: 'linux',
      GOARCH: goarch,
    },
  });
  return out;
}

export interface MapcostRun {
  stdout: string;
  stderr: string;
  /** The runtime's own account, printed by the program on exit. */
  memstats: {
    numGC: number; numForcedGC: number; gomaxprocs: number; pauseNs: number[];
    /** Samples of runtime/metrics /gc/pauses:seconds: the collector's stop-the-world pauses (two a cycle, one more per mark-termination restart). */
    gcPauses: number;
  };
}

/** Runs a built mapcost with GODEBUG=gctrace=1 and the given flags. */
export function runMapcost(exe: string, args: string[], goarch = 'amd64'): MapcostRun {
  const emu = emulatorFor(goarch);
  const cmd = emu ?? exe;
  const argv = emu ? [exe, ...args] : args;
  const r = spawnSync(cmd, argv, { env: { ...process.env, GODEBUG: 'gctrace=1' }, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`mapcost ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-500)}`);
  const last = r.stdout.trim().split('\n').pop() ?? '';
  return { stdout: r.stdout, stderr: r.stderr, memstats: JSON.parse(last) as MapcostRun['memstats'] };
}
