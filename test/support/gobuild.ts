/**
 * The one way tests build Go programs (the probes in gosrc/ and programs a
 * test writes itself) with the real toolchains.
 *
 * A build is keyed by a hash of everything that decides its bytes: the
 * program's source files, the toolchain's VERSION file, GOOS/GOARCH, the
 * build flags and the extra environment. The executable is kept under
 * $MAPSCOPE_CACHE/builds/<key>/ (test/support/toolchains.ts cacheDir), so a
 * program is compiled once per change of its source, not once per test file
 * or per run. Every build shares one Go build cache ($MAPSCOPE_CACHE/gocache),
 * so the standard library is compiled once per toolchain, GOARCH and flags
 * rather than once per probe.
 *
 * A build is made in a scratch directory and renamed into place, so test
 * files running in parallel share it; a lock per build key makes a file that
 * asks for a program another file is building wait for it, not build it
 * too. MAPSCOPE_BUILD_LOG=<file> appends one line per real `go build`: its
 * start time, pid, what it built and its wall time (the CI figures in
 * docs/figures.md count them), and one per wait longer than a second on
 * another file's build of the same key ("waited"), so a run's timeline shows
 * where test files sat idle.
 *
 * goOutput keeps what a built program printed for one input the same way
 * (under $MAPSCOPE_CACHE/outputs), for programs whose run costs minutes under
 * qemu-user: the real run is made once per program build and input, and the
 * test still compares mapscope against that real output on every run.
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { cacheDir, goroot } from './toolchains.js';

export interface GoProgram {
  /** Toolchain version, e.g. '1.22' (a directory of $MAPSCOPE_CACHE/go). */
  go: string;
  /** The program's directory (package main with its go.mod); omitted for a program given whole in `files` or a package of the toolchain itself (`pkg`). */
  src?: string;
  /** Files written over a copy of `src` before building (generated code), or the whole program when `src` is omitted. */
  files?: Record<string, string>;
  goos?: string;
  goarch: string;
  /** Flags between `go build` and the package, e.g. '-ldflags=-checklinkname=0', '-buildmode=pie'. */
  flags?: string[];
  /** Extra environment, e.g. { GOEXPERIMENT: 'noswissmap', CGO_ENABLED: '1' }. */
  env?: Record<string, string>;
  /** The package to build: '.' in `src` (default) or an import path such as 'cmd/go'. */
  pkg?: string;
  /** Name of the executable in its cache directory (default 'prog'). */
  name?: string;
}

/** The environment every build and every `go tool` call of a toolchain runs with. */
export function goEnv(go: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GOROOT: goroot(go),
    GOTOOLCHAIN: 'local',
    GOFLAGS: '-mod=mod',
    GOCACHE: join(cacheDir(), 'gocache'),
    GOPATH: join(cacheDir(), 'gopath'),
    CGO_ENABLED: '0',
    ...extra,
  };
}

/**
 * Points the Go build cache of mapscope's own builds (`falseshare`, `race --measure`, `layout
 * --source`: they take GOCACHE from the environment like any `go build`) at the run's cache, for a
 * test file that runs them in-process. They then reuse the standard library the probes compiled,
 * and a cold run (empty $MAPSCOPE_CACHE) starts as cold as on a fresh machine, not from the user's
 * ~/.cache/go-build. What mapscope does for its users does not change.
 */
export function useRunGoCache(): void {
  process.env.GOCACHE = join(cacheDir(), 'gocache');
}

function hashDir(h: ReturnType<typeof createHash>, dir: string, rel = ''): void {
  for (const f of readdirSync(join(dir, rel)).sort()) {
    const p = join(dir, rel, f);
    if (statSync(p).isDirectory()) hashDir(h, dir, join(rel, f));
    else h.update(`${join(rel, f)}\0`).update(readFileSync(p)).update('\0');
  }
}

/**
 * The modules a program's go.mod replaces with a directory beside it
 * (`replace mapscope/snapshot => ../snapshot`): part of its source, so part
 * of its key, and copied along when the program is built from a copy.
 */
function localModules(src: string): string[] {
  const mod = join(src, 'go.mod');
  if (!existsSync(mod)) return [];
  return [...readFileSync(mod, 'utf8').matchAll(/=>\s*(\.\.\/[^\s]+)/g)].map((m) => m[1]);
}

/** The cache key of a build: a hash of everything that decides the executable's bytes. */
export function buildKey(p: GoProgram): string {
  const h = createHash('sha256');
  h.update(readFileSync(join(goroot(p.go), 'VERSION'))).update('\0');
  if (p.src) hashDir(h, p.src);
  for (const rel of p.src ? localModules(p.src) : []) {
    h.update(`module ${rel}\0`);
    hashDir(h, resolve(p.src!, rel));
  }
  for (const [f, text] of Object.entries(p.files ?? {}).sort()) h.update(`override ${f}\0${text}\0`);
  h.update(JSON.stringify([p.goos ?? 'linux', p.goarch, p.flags ?? [], Object.entries(p.env ?? {}).sort(), p.pkg ?? '.', p.name ?? 'prog']));
  return h.digest('hex').slice(0, 16);
}

/** Path of the program's executable, built now unless a build with the same key exists. */
export function goBuild(p: GoProgram): string {
  const name = p.name ?? 'prog';
  const root = join(cacheDir(), 'builds');
  const dir = join(root, buildKey(p));
  const out = join(dir, name);
  if (existsSync(out)) return out;
  mkdirSync(root, { recursive: true });
  const lock = join(root, `.lock-${buildKey(p)}`);
  const asked = Date.now();
  const mine = takeLock(lock, out);
  if (Date.now() - asked > 1000) logBuild(asked, p, 'waited');
  if (!mine) return out;
  const scratch = mkdtempSync(join(root, '.build-'));
  try {
    if (existsSync(out)) return out;
    let cwd = p.src ?? goroot(p.go); // a toolchain package (cmd/go) builds in its GOROOT
    if (p.files) {
      // The copy keeps its own name and its replaced siblings beside it, so `../x` still resolves.
      cwd = join(scratch, 'src', p.src ? basename(p.src) : 'main');
      if (p.src) {
        cpSync(p.src, cwd, { recursive: true });
        for (const rel of localModules(p.src)) cpSync(resolve(p.src, rel), resolve(cwd, rel), { recursive: true });
      } else mkdirSync(cwd, { recursive: true });
      for (const [f, text] of Object.entries(p.files)) writeFileSync(join(cwd, f), text);
    }
    const env = goEnv(p.go, { GOOS: p.goos ?? 'linux', GOARCH: p.goarch, ...(p.goarch === 'arm' ? { GOARM: '7' } : {}), ...p.env });
    const args = ['build', '-buildvcs=false', '-o', join(scratch, name), ...(p.flags ?? []), p.pkg ?? '.'];
    const started = Date.now();
    execFileSync(join(goroot(p.go), 'bin', 'go'), args, { cwd, env, stdio: 'pipe' });
    logBuild(started, p, 'built');
    rmSync(join(scratch, 'src'), { recursive: true, force: true });
    try {
      renameSync(scratch, dir);
    } catch {
      // Another test file built it first: use theirs.
      if (!existsSync(out)) throw new Error(`could not place the build of ${p.src ?? p.pkg ?? p.name} at ${dir}`);
    }
    return out;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    rmSync(lock, { recursive: true, force: true });
  }
}

/** One line of MAPSCOPE_BUILD_LOG: start, pid, built/waited, the build, seconds since start. */
function logBuild(started: number, p: GoProgram, event: 'built' | 'waited'): void {
  if (!process.env.MAPSCOPE_BUILD_LOG) return;
  const what = [p.go, `${p.goos ?? 'linux'}/${p.goarch}`, p.src ?? p.pkg ?? p.name, ...(p.flags ?? []), ...Object.entries(p.env ?? {}).map(([k, v]) => `${k}=${v}`)];
  const line = [new Date(started).toISOString(), process.pid, event, ...what, `${((Date.now() - started) / 1000).toFixed(1)}s`];
  appendFileSync(process.env.MAPSCOPE_BUILD_LOG, `${line.join(' ')}\n`);
}

/**
 * Takes the lock of one build (a directory holding its owner's pid), or
 * waits while another test file holds it: two files asking for the same
 * program at once then compile it once, not twice. Returns false when the
 * other file's build appeared meanwhile. A lock whose owner is gone (a run
 * that was killed) is taken over.
 */
function takeLock(lock: string, out: string): boolean {
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    if (existsSync(out)) return false;
    if (!lockAlive(lock)) rmSync(lock, { recursive: true, force: true });
    else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250); // the builds are synchronous: so is the wait
  }
}

function lockAlive(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
  } catch {
    // Just made and its pid not yet written, or removed meanwhile.
    try {
      return Date.now() - statSync(lock).mtimeMs < 60_000;
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * What a real Go program printed, from the cache when the same executable
 * (a goBuild path, which names its build key) was run on the same input
 * before; else `run()` is called and its output kept, gzipped, written to a
 * scratch file and renamed into place so parallel test files share it.
 * `key` lists everything else that decides the output (the input's bytes,
 * arguments, environment, emulator). A program whose output draws on its
 * own randomness (a map seed) is then one real run replayed: the figures
 * still come from real Go, and a change of source, toolchain or input makes
 * a new run. MAPSCOPE_RUN_LOG=<file> appends one line per real run.
 */
export function goOutput(executable: string, key: string[], run: () => string): string {
  const h = createHash('sha256').update(`${executable}\0`);
  for (const k of key) h.update(`${k.length}:${k}\0`);
  const root = join(cacheDir(), 'outputs');
  const file = join(root, `${h.digest('hex').slice(0, 24)}.gz`);
  if (existsSync(file)) return gunzipSync(readFileSync(file)).toString('utf8');
  const text = run();
  if (process.env.MAPSCOPE_RUN_LOG) appendFileSync(process.env.MAPSCOPE_RUN_LOG, `${executable} ${text.length} bytes\n`);
  mkdirSync(root, { recursive: true });
  const scratch = mkdtempSync(join(root, '.run-'));
  try {
    writeFileSync(join(scratch, 'out.gz'), gzipSync(text, { level: 1 }));
    renameSync(join(scratch, 'out.gz'), file);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return text;
}
