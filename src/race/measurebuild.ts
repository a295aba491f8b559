/**
 * The measuring program (gosrc/racemeasure) built by the user's Go toolchain.
 *
 * `mapscope race --measure` measures the toolchain the user names (`--go
 * PATH`, the go command) or `go` on PATH: the figures are that toolchain's,
 * so it is built at run time, not shipped. A build is kept in mapscope's cache
 * ($MAPSCOPE_CACHE or ~/.cache/mapscope, `bin/racemeasure-<key>`), keyed by
 * the program's source, the toolchain's GOVERSION, GOARCH and GOEXPERIMENT, so
 * it is compiled once per change of any of them. The build is written beside
 * its final name and renamed into place, so parallel runs share it.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../base/errors.js';

/** gosrc/racemeasure, found from this compiled file (dist/src/race/). */
export function racemeasureDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'gosrc', 'racemeasure');
}

function cacheDir(): string {
  return process.env.MAPSCOPE_CACHE ?? path.join(homedir(), '.cache', 'mapscope');
}

/** The go command: `go` given (a path), else `go` on PATH; an InputError (exit 2) when there is none. */
export function findGoCommand(go?: string): string {
  if (go !== undefined) {
    if (!existsSync(go)) throw new InputError('--go', undefined, `no go command at ${go}`);
    return path.resolve(go);
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, 'go'))) return path.join(dir, 'go');
  }
  throw new InputError('--measure', undefined, 'needs a Go toolchain to build the measuring program, and none is on PATH: install Go or pass --go PATH');
}

function goEnv(go: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GOTOOLCHAIN: 'local', CGO_ENABLED: '0', GOOS: 'linux', GOFLAGS: '-mod=mod', GOWORK: 'off', ...extra };
  delete env.GOROOT; // the toolchain finds its own root from where its go command lies
  if (!extra.GOEXPERIMENT) delete env.GOEXPERIMENT;
  return env;
}

/** `go env GOVERSION` of a go command, e.g. "go1.22.12". */
export function goVersionOf(go: string): string {
  const r = spawnSync(go, ['env', 'GOVERSION'], { encoding: 'utf8', env: goEnv(go, {}), timeout: 60_000 });
  const v = (r.stdout ?? '').trim();
  if (r.status !== 0 || !/^go1\.\d+(\.\d+)?/.test(v)) throw new InputError('--go', undefined, `${go} env GOVERSION failed: ${(r.stderr || r.error?.message || v).trim().split('\n')[0]}`);
  return v;
}

export interface MeasureBuild {
  readonly exe: string;
  /** As the toolchain says, e.g. "go1.26.10". */
  readonly goVersion: string;
}

/** The program built for a GOARCH (and GOEXPERIMENT), from the cache when built before. */
export function buildRaceMeasure(go: string, goarch: string, experiment?: string): MeasureBuild {
  const goVersion = goVersionOf(go);
  const src = racemeasureDir();
  const h = createHash('sha256');
  for (const f of readdirSync(src).sort()) h.update(`${f}\0`).update(readFileSync(path.join(src, f))).update('\0');
  h.update(JSON.stringify([goVersion, goarch, experiment ?? '']));
  const exe = path.join(cacheDir(), 'bin', `racemeasure-${h.digest('hex').slice(0, 16)}`);
  if (existsSync(exe)) return { exe, goVersion };
  mkdirSync(path.dirname(exe), { recursive: true });
  const tmp = `${exe}.${process.pid}`;
  process.stderr.write(`mapscope: building gosrc/racemeasure with ${goVersion} for ${goarch}${experiment ? ` (GOEXPERIMENT=${experiment})` : ''}\n`);
  const r = spawnSync(go, ['build', '-buildvcs=false', '-o', tmp, '.'], {
    cwd: src, encoding: 'utf8', timeout: 600_000,
    env: goEnv(go, { GOARCH: goarch, ...(experiment ? { GOEXPERIMENT: experiment } : {}) }),
  });
  if (r.status !== 0) throw new InputError('--measure', undefined, `building gosrc/racemeasure with ${go} failed: ${(r.stderr || r.error?.message || '').trim().split('\n')[0]}`);
  renameSync(tmp, exe);
  return { exe, goVersion };
}
