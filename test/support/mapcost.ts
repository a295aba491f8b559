/**
 * Builds gosrc/mapcost (the incidents' map shapes: JSON into
 * map[string]interface{}, an unbounded cache map, a map cleared and refilled)
 * and the other profiled probes with a real toolchain (test/support/gobuild.ts
 * keeps the builds), and runs mapcost with GODEBUG=gctrace=1 and profiling flags.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { emulatorFor } from './toolchains.js';
import { goBuild } from './gobuild.js';

const gosrc = (name: string) => resolve(import.meta.dirname, '..', '..', '..', 'gosrc', name);

/** Path of gosrc/mapcost built by Go `go` for `goarch` (built on first use). */
export function buildMapcost(go: string, goarch = 'amd64'): string {
  return buildGosrc('mapcost', go, goarch);
}

/** Path of gosrc/NAME (mapcost, mapattr, mapcontend) built by Go `go` for `goarch` (built on first use); `pie`: -buildmode=pie. */
export function buildGosrc(name: string, go: string, goarch = 'amd64', pie = false): string {
  return goBuild({ go, src: gosrc(name), goarch, flags: pie ? ['-buildmode=pie'] : [], name });
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
