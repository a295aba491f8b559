/**
 * Builds gosrc/inspectprobe with the real toolchains (test/support/gobuild.ts
 * caches each build by its source's hash) and reads the truth about
 * its map types from DWARF with gosrc/dwarftruth, a Go program using Go's own
 * debug/dwarf. Tests compare mapscope's descriptor reader against that.
 */
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { goroot } from './toolchains.js';
import { goBuild, goEnv } from './gobuild.js';

const repo = resolve(import.meta.dirname, '..', '..', '..');

export interface ProbeBuild {
  go: string;
  goos: string;
  goarch: string;
  /** extlink: cgo enabled and linked by the system's gcc/ld (-linkmode=external); extpie: the same with -buildmode=pie. */
  variant: 'plain' | 'stripped' | 'pie' | 'noswissmap' | 'extlink' | 'extpie' | 'lldpie' | 'lldrelr';
}

/** Path of the built probe (test/support/gobuild.ts: built once per source change). */
export function buildProbe(b: ProbeBuild): string {
  const flags: string[] = [];
  const env: Record<string, string> = {};
  if (b.variant === 'stripped') flags.push('-ldflags=-s -w');
  if (b.variant === 'pie' || b.variant === 'extpie' || b.variant.startsWith('lld')) flags.push('-buildmode=pie');
  if (b.variant === 'extlink' || b.variant === 'extpie') flags.push('-ldflags=-linkmode=external');
  // lld leaves PIE pointers zero in the file and keeps them in RELA addends; with RELR they stay in place.
  if (b.variant === 'lldpie') flags.push('-ldflags=-linkmode=external -extldflags=-fuse-ld=lld');
  if (b.variant === 'lldrelr') flags.push('-ldflags=-linkmode=external "-extldflags=-fuse-ld=lld -Wl,--pack-dyn-relocs=relr"');
  if (b.variant === 'noswissmap') env.GOEXPERIMENT = 'noswissmap';
  if (b.variant === 'extlink' || b.variant === 'extpie' || b.variant.startsWith('lld')) env.CGO_ENABLED = '1';
  return goBuild({
    go: b.go, src: join(repo, 'gosrc', 'inspectprobe'), goos: b.goos, goarch: b.goarch, flags, env,
    name: b.goos === 'windows' ? 'probe.exe' : 'probe',
  });
}

/** `go env GOVERSION` of a toolchain: the version its binaries record. */
export function goVersionOf(go: string): string {
  return execFileSync(join(goroot(go), 'bin', 'go'), ['env', 'GOVERSION'], { env: goEnv(go) }).toString().trim();
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
  const tool = goBuild({ go: '1.27', src: join(repo, 'gosrc', 'dwarftruth'), goarch: 'amd64', name: 'dwarftruth' });
  return execFileSync(tool, [binary]).toString().trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as DwarfMap);
}

/** The toolchain's own cmd/go rebuilt with DWARF (a large real program: ~20 MB, ~180 map typedefs); cached. */
export function buildGoCommand(go: string): string {
  return goBuild({ go, pkg: 'cmd/go', goarch: 'amd64', name: 'go' });
}

/** Builds one of gosrc/'s programs (unstripped, so with DWARF) with a real toolchain; cached by source hash (test/support/gobuild.ts). */
export function buildGoProgram(name: string, go: string, goarch = 'amd64'): string {
  return goBuild({ go, src: join(repo, 'gosrc', name), goarch, name });
}
