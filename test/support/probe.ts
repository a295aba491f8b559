/**
 * Builds gosrc/inspectprobe with the real toolchains (cached under
 * $MAPSCOPE_CACHE/probe, keyed by the source's hash) and reads the truth about
 * its map types from DWARF with gosrc/dwarftruth, a Go program using Go's own
 * debug/dwarf. Tests compare mapscope's descriptor reader against that.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cacheDir, goroot } from './toolchains.js';

const repo = resolve(import.meta.dirname, '..', '..', '..');

export interface ProbeBuild {
  go: string;
  goos: string;
  goarch: string;
  /** extlink: cgo enabled and linked by the system's gcc/ld (-linkmode=external); extpie: the same with -buildmode=pie. */
  variant: 'plain' | 'stripped' | 'pie' | 'noswissmap' | 'extlink' | 'extpie' | 'lldpie' | 'lldrelr';
}

function srcHash(dir: string): string {
  const h = createHash('sha256');
  for (const f of readdirSync(dir).sort()) h.update(f).update(readFileSync(join(dir, f)));
  return h.digest('hex').slice(0, 12);
}

function goEnv(go: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GOROOT: goroot(go),
    GOTOOLCHAIN: 'local',
    GOFLAGS: '-mod=mod',
    GOCACHE: join(cacheDir(), 'gocache-probe', go),
    GOPATH: join(cacheDir(), 'gopath'),
    CGO_ENABLED: '0',
    ...extra,
  };
}

/** Path of the built probe (built on first use). */
export function buildProbe(b: ProbeBuild): string {
  const src = join(repo, 'gosrc', 'inspectprobe');
  const out = join(cacheDir(), 'probe', srcHash(src), `${b.go}-${b.goos}-${b.goarch}-${b.variant}`, b.goos === 'windows' ? 'probe.exe' : 'probe');
  if (existsSync(out)) return out;
  mkdirSync(join(out, '..'), { recursive: true });
  const args = ['build', '-buildvcs=false', '-o', out];
  if (b.variant === 'stripped') args.push('-ldflags=-s -w');
  if (b.variant === 'pie' || b.variant === 'extpie' || b.variant.startsWith('lld')) args.push('-buildmode=pie');
  if (b.variant === 'extlink' || b.variant === 'extpie') args.push('-ldflags=-linkmode=external');
  // lld leaves PIE pointers zero in the file and keeps them in RELA addends; with RELR they stay in place.
  if (b.variant === 'lldpie') args.push('-ldflags=-linkmode=external -extldflags=-fuse-ld=lld');
  if (b.variant === 'lldrelr') args.push('-ldflags=-linkmode=external "-extldflags=-fuse-ld=lld -Wl,--pack-dyn-relocs=relr"');
  args.push('.');
  const extra: Record<string, string> = { GOOS: b.goos, GOARCH: b.goarch };
  if (b.goarch === 'arm') extra.GOARM = '7';
  if (b.variant === 'noswissmap') extra.GOEXPERIMENT = 'noswissmap';
  if (b.variant === 'extlink' || b.variant === 'extpie' || b.variant.startsWith('lld')) extra.CGO_ENABLED = '1';
  execFileSync(join(goroot(b.go), 'bin', 'go'), args, { cwd: src, env: goEnv(b.go, extra), stdio: 'pipe' });
  return out;
}

/** `go env GOVERSION` of a toolchain: the version its binaries record. */
export function goVersionOf(go: string): string {
  return execFileSync(join(goroot(go), 'bin', 'go'), ['env', 'GOVERSION'], { env: goEnv(go, {}) }).toString().trim();
}

export interface DwarfMap {
  type: string;
  keySize: number;
  elemSize: number;
  impl: 'classic' | 'swiss';
  bucketSize?: number;
  groupSize?: number;
  slotSize?: number;
  elemOffset: number;
  /** DW_AT_go_runtime_type: the descriptor's offset from moduledata.types (absent when none was emitted). */
  runtimeType?: number;
}

/** Map types of an unstripped binary, from its DWARF, via Go's debug/dwarf. */
export function dwarfTruth(binary: string): DwarfMap[] {
  const src = join(repo, 'gosrc', 'dwarftruth');
  const tool = join(cacheDir(), 'probe', `dwarftruth-${srcHash(src)}`);
  if (!existsSync(tool)) {
    execFileSync(join(goroot('1.27'), 'bin', 'go'), ['build', '-o', tool, '.'], { cwd: src, env: goEnv('1.27', {}), stdio: 'pipe' });
  }
  return execFileSync(tool, [binary]).toString().trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as DwarfMap);
}

/** The toolchain's own cmd/go rebuilt with DWARF (a large real program: ~20 MB, ~180 map typedefs); cached. */
export function buildGoCommand(go: string): string {
  const out = join(cacheDir(), 'probe', `cmd-go-${go}`, 'go');
  if (existsSync(out)) return out;
  mkdirSync(join(out, '..'), { recursive: true });
  execFileSync(join(goroot(go), 'bin', 'go'), ['build', '-o', out, 'cmd/go'], { cwd: goroot(go), env: goEnv(go, { CGO_ENABLED: '0' }), stdio: 'pipe' });
  return out;
}

/** Builds one of gosrc/'s programs (unstripped, so with DWARF) with a real toolchain; cached by source hash. */
export function buildGoProgram(name: string, go: string, goarch = 'amd64'): string {
  const src = join(repo, 'gosrc', name);
  const h = createHash('sha256');
  const walk = (d: string): void => {
    for (const f of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (f.isDirectory()) walk(join(d, f.name));
      else h.update(join(d, f.name).slice(src.length)).update(readFileSync(join(d, f.name)));
    }
  };
  walk(src);
  const out = join(cacheDir(), 'probe', `${name}-${h.digest('hex').slice(0, 12)}`, `${go}-${goarch}`, name);
  if (existsSync(out)) return out;
  mkdirSync(join(out, '..'), { recursive: true });
  execFileSync(join(goroot(go), 'bin', 'go'), ['build', '-buildvcs=false', '-o', out, '.'], { cwd: src, env: goEnv(go, { GOOS: 'linux', GOARCH: goarch }), stdio: 'pipe' });
  return out;
}
