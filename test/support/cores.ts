/**
 * Real core dumps of a real Go program (gosrc/coreprobe), for the core reader's
 * tests and the lead's end-to-end `mapscope check --core` tests.
 *
 *   const { core, exe, truth } = await realCore({ go: '1.22', arch: 'amd64', how: 'crash' });
 *
 * how:
 * - 'crash': the probe panics with the traceback level "crash", so the runtime
 *   raises SIGABRT and the kernel writes `core` in its directory (needs
 *   `ulimit -c unlimited`, set here, and a core_pattern naming a plain file).
 *   arm64 runs under qemu-aarch64, which writes `qemu_<prog>_<time>_<pid>.core`
 *   itself for the guest (a directory named `core` stops the host kernel from
 *   also dumping qemu).
 * - 'gcore': the probe waits; gdb's gcore dumps it; then it exits. amd64 only.
 *   gcore writes Go's reserved PROT_NONE ranges as zeros (about 1.2 GB); every
 *   core is made sparse with `fallocate --dig-holes` (same bytes, less disk).
 *
 * The truth is the probe's own first output line (JSON): each global map's
 * header address, len and first six header words, the Go version, GOARCH and
 * its hash key material read through go:linkname.
 *
 * Cores are cached by key under $MAPSCOPE_CACHE/cores/<source hash>/ and
 * made in a scratch directory renamed into place, so parallel test files share
 * them and a run makes each core once (the next run reuses it). Missing toolchains, gdb or qemu FAIL (never skip).
 */
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { cacheDir, emulatorFor } from './toolchains.js';
import { goBuild } from './gobuild.js';

const repo = resolve(import.meta.dirname, '..', '..', '..');
export const COREPROBE = join(repo, 'gosrc', 'coreprobe');

export interface TruthMap {
  name: string;
  addr: string;
  len: number;
  /** The header's first six pointer-sized words, hex. */
  hdr: string[];
}

export interface CoreTruth {
  go: string;
  goarch: string;
  pid: number;
  maps: TruthMap[];
  hashkey: string[];
  aeskeysched: string;
  useAeshash: boolean;
  /** Runtime type descriptor addresses of int, int64, int32 and []int (gosrc/coreprobe/ifacekeys.go). */
  types: Record<string, string>;
}

export interface CoreSpec {
  go: string;
  arch: 'amd64' | 'arm64' | '386' | 'arm';
  how: 'gcore' | 'crash';
  /** Build with -buildmode=pie (the executable is then loaded at a slide). */
  pie?: boolean;
}

export interface RealCore {
  core: string;
  exe: string;
  truth: CoreTruth;
}

/** A short hash of a probe program's source folder: the key under which its cores are cached. */
export function srcHash(dir = COREPROBE): string {
  const h = createHash('sha256');
  for (const f of readdirSync(dir).sort()) h.update(f).update(readFileSync(join(dir, f)));
  return h.digest('hex').slice(0, 12);
}

/** Where the cores live: $MAPSCOPE_CACHE/cores/<probe source hash>, so a run makes each core once and the next run reuses it. */
export function coreCacheDir(): string {
  return join(cacheDir(), 'cores', srcHash());
}

function goMinorOf(go: string): number {
  return Number(go.split('.')[1]);
}

/** The probe built for a toolchain and GOARCH (test/support/gobuild.ts caches it by source hash). */
export function buildCoreProbe(go: string, arch: string, pie = false): string {
  const flags: string[] = [];
  // go:linkname pulls of runtime variables need the linker's check off from 1.23 on.
  if (goMinorOf(go) >= 23) flags.push('-ldflags=-checklinkname=0');
  if (pie) flags.push('-buildmode=pie');
  return goBuild({ go, src: COREPROBE, goarch: arch, flags, name: 'probe' });
}

function need(cmd: string, why: string): void {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'pipe' });
  } catch {
    throw new Error(`${cmd} missing: ${why}`);
  }
}

function run(cmd: string, args: string[], cwd: string, input?: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const p = spawn(cmd, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', fail);
    p.on('close', (code, signal) => done({ code, signal, stdout, stderr }));
    p.stdin.end(input ?? '');
  });
}

/** The probe's first output line, its truth: a CoreTruth for coreprobe, another shape for other probes. */
function firstLine<T = CoreTruth>(s: string): T {
  const line = s.split('\n')[0];
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new Error(`coreprobe printed no truth line: ${JSON.stringify(s.slice(0, 200))}`);
  }
}

/** Where the kernel writes core dumps: only a plain file name lands in the crashing program's directory. */
function kernelCoresLandHere(): boolean {
  const pattern = readFileSync('/proc/sys/kernel/core_pattern', 'utf8').trim();
  return pattern !== '' && !pattern.startsWith('|') && !pattern.includes('/');
}

/** qemu-user for a native GOARCH: it writes the guest's core itself, whatever the kernel's core_pattern. */
const NATIVE_QEMU: Record<string, string> = { amd64: 'qemu-x86_64', '386': 'qemu-i386' };

export async function crashCore<T = CoreTruth>(dir: string, exe: string, arch: string): Promise<{ core: string; truth: T }> {
  let qemu = emulatorFor(arch);
  if (!qemu && !kernelCoresLandHere()) {
    // A machine whose kernel pipes cores away (systemd-coredump, apport, a container's host): the crash core
    // is then written by qemu-user running the same executable. Said on stderr so it is never silent.
    qemu = NATIVE_QEMU[arch] ?? null;
    if (!qemu) throw new Error(`no crash core for ${arch}: core_pattern does not name a plain file and no qemu-user fallback`);
    need(qemu, "install Debian's qemu-user");
    process.stderr.write(`# core_pattern pipes cores away: the ${arch} crash core comes from ${qemu}\n`);
  }
  if (qemu) mkdirSync(join(dir, 'core')); // keeps the kernel from dumping qemu itself
  const sh = `ulimit -c unlimited && exec ${qemu ? `${qemu} ` : ''}"$0" crash`;
  const r = await run('sh', ['-c', sh, exe], dir);
  const truth = firstLine<T>(r.stdout);
  const files = readdirSync(dir);
  const name = qemu ? files.find((f) => f.startsWith('qemu_') && f.endsWith('.core')) : files.find((f) => /^core(\.\d+)?$/.test(f));
  if (!name) {
    const pattern = readFileSync('/proc/sys/kernel/core_pattern', 'utf8').trim();
    throw new Error(`coreprobe crashed (code ${r.code}, signal ${r.signal}) but left no core in ${dir} (core_pattern ${JSON.stringify(pattern)}; it must name a plain file such as "core")\n${r.stderr.slice(-500)}`);
  }
  if (qemu) rmSync(join(dir, 'core'), { recursive: true, force: true });
  const core = join(dir, 'dump.core');
  renameSync(join(dir, name), core);
  return { core, truth };
}

/**
 * Starts a Go program that prints what it knows about itself, then READY, then
 * waits for its stdin to close (gosrc/coreprobe in wait mode, gosrc/churn).
 * Resolves once READY is printed, with everything printed before it.
 */
export async function startReady(exe: string, args: string[], cwd?: string, readyMs = 20000): Promise<{ proc: ChildProcessWithoutNullStreams; out: string; stop(): Promise<void> }> {
  const proc = spawn(exe, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise<void>((done) => proc.on('close', () => done()));
  let out = '';
  await new Promise<void>((done, fail) => {
    const t = setTimeout(() => fail(new Error(`${exe} did not become ready within ${readyMs / 1000} s`)), readyMs);
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('READY\n')) {
        clearTimeout(t);
        done();
      }
    });
    proc.on('error', fail);
    proc.on('exit', (c) => fail(new Error(`${exe} exited before it was ready (${c})`)));
  });
  return {
    proc,
    out,
    async stop() {
      proc.stdin.end('\n');
      const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    },
  };
}

async function gcoreCore(dir: string, exe: string): Promise<{ core: string; truth: CoreTruth }> {
  need('gcore', "install Debian's gdb");
  const { proc: p, out, stop } = await startReady(exe, ['wait'], dir);
  try {
    const truth = firstLine(out);
    const r = await run('gcore', ['-o', join(dir, 'gcore'), String(p.pid)], dir);
    const name = readdirSync(dir).find((f) => f.startsWith('gcore.'));
    if (!name) throw new Error(`gcore wrote no core: ${r.stdout.slice(-300)} ${r.stderr.slice(-300)}`);
    const core = join(dir, 'dump.core');
    renameSync(join(dir, name), core);
    return { core, truth };
  } finally {
    await stop();
  }
}

const pending = new Map<string, Promise<RealCore>>();

/** A real core of gosrc/coreprobe (made on first use, then cached). */
export function realCore(spec: CoreSpec): Promise<RealCore> {
  const key = `${spec.go}-${spec.arch}-${spec.how}${spec.pie ? '-pie' : ''}`;
  let p = pending.get(key);
  if (!p) {
    p = makeCore(spec, key);
    pending.set(key, p);
  }
  return p;
}

async function makeCore(spec: CoreSpec, key: string): Promise<RealCore> {
  if (spec.how === 'gcore' && spec.arch !== 'amd64') throw new Error('gcore cores are made for amd64 only (arm64 runs under qemu-user)');
  return cachedCore<CoreTruth>(join(coreCacheDir(), key), 'probe', () => buildCoreProbe(spec.go, spec.arch, spec.pie),
    (scratch, exe) => (spec.how === 'crash' ? crashCore(scratch, exe, spec.arch) : gcoreCore(scratch, exe)));
}

/**
 * A core made once into `dir` (the dump, the executable it dumped as `exeName`, and the probe's truth line), then reused:
 * made in a scratch directory beside `dir` and renamed into place, so a test file running beside another never
 * sees half a core, and the first of two that make the same one wins.
 */
export async function cachedCore<T>(
  dir: string,
  exeName: string,
  build: () => string,
  dump: (scratch: string, exe: string) => Promise<{ core: string; truth: T }>,
): Promise<{ core: string; exe: string; truth: T }> {
  const done = () => ({ core: join(dir, 'dump.core'), exe: join(dir, exeName), truth: JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8')) as T });
  if (existsSync(join(dir, 'truth.json'))) return done();
  mkdirSync(dirname(dir), { recursive: true });
  const scratch = mkdtempSync(join(dirname(dir), `.${basename(dir)}-`));
  try {
    const exe = join(scratch, exeName);
    copyFileSync(build(), exe);
    const { core, truth } = await dump(scratch, exe);
    if (core !== join(scratch, 'dump.core')) renameSync(core, join(scratch, 'dump.core'));
    // gcore and qemu-user write zero pages out in full: make them holes (same bytes, less disk).
    try {
      execFileSync('fallocate', ['--dig-holes', join(scratch, 'dump.core')], { stdio: 'pipe' });
    } catch {
      // Only disk space is at stake.
    }
    writeFileSync(join(scratch, 'truth.json'), JSON.stringify(truth));
    try {
      renameSync(scratch, dir);
    } catch {
      // Another process made it first: use theirs.
      if (!existsSync(join(dir, 'truth.json'))) throw new Error(`could not place ${scratch} at ${dir}`);
    }
    return done();
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export interface LiveProbe {
  pid: number;
  exe: string;
  truth: CoreTruth;
  /** Closes its stdin (it exits) and waits for it. */
  stop(): Promise<void>;
}

/** Starts the probe (native amd64) in wait mode, for /proc reads; stop() ends it. */
export async function liveProbe(go: string): Promise<LiveProbe> {
  const exe = buildCoreProbe(go, 'amd64');
  const { proc, out, stop } = await startReady(exe, ['wait']);
  return { pid: proc.pid as number, exe, truth: firstLine(out), stop };
}

export const BIGMAP = join(repo, 'gosrc', 'bigmap');

/** What gosrc/bigmap prints first: its map's header address and len. */
export interface BigMapTruth {
  'main.big': string;
  len: number;
}

/**
 * A gcore core of gosrc/bigmap holding one map[int64]int64 of `entries` entries (amd64; Go 1.23 for a
 * classic map, 1.24+ for a Swiss one), made once and cached like realCore's (keyed by bigmap's source).
 */
export function bigMapCore(go: string, entries: number): Promise<{ core: string; exe: string; truth: BigMapTruth }> {
  const dir = join(cacheDir(), 'cores', `bigmap-${srcHash(BIGMAP)}`, `${go}-${entries}`);
  return cachedCore<BigMapTruth>(dir, 'bigmap', () => goBuild({ go, src: BIGMAP, goarch: 'amd64', name: 'bigmap' }), async (scratch, exe) => {
    need('gcore', "install Debian's gdb");
    // Building 5·10^6 entries takes seconds, more on a loaded machine.
    const { proc, out, stop } = await startReady(exe, [String(entries)], scratch, 120000);
    try {
      const truth = firstLine<BigMapTruth>(out);
      const r = await run('gcore', ['-o', join(scratch, 'gcore'), String(proc.pid)], scratch);
      const name = readdirSync(scratch).find((f) => f.startsWith('gcore.'));
      if (!name) throw new Error(`gcore wrote no core: ${r.stdout.slice(-300)} ${r.stderr.slice(-300)}`);
      renameSync(join(scratch, name), join(scratch, 'dump.core'));
      return { core: join(scratch, 'dump.core'), truth };
    } finally {
      await stop();
    }
  });
}
