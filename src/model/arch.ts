/**
 * Go's target architectures (GOARCH), with exactly the facts map layout and
 * hashing depend on. This is the only table of these facts in mapscope.
 *
 * Sources (read in Debian's golang-1.27-src):
 * - pointer size, register size, byte order: src/cmd/internal/sys/arch.go
 *   (`Arch386`, `ArchAMD64`, … `PtrSize`, `RegSize`, `ByteOrder`).
 * - int64/float64/complex128 alignment is `RegSize` (4 on 32-bit targets):
 *   src/cmd/compile/internal/types/size.go, `CalcSize`, TINT64 case.
 * - cache line: `CacheLinePadSize` in src/internal/cpu/cpu_<arch>.go, the size
 *   Go itself pads to (x86 64, arm64 128, ppc64 128, s390x 256, arm/mips 32).
 * - load alignment: `Alignment` in src/cmd/internal/sys/arch.go (arm, mips,
 *   mipsle 4; mips64, mips64le, riscv64 8; loong64 8 up to 1.26 and 1 in
 *   1.27; 1 elsewhere), read in go1.19.8, go1.26.10 and go1.27.3.
 * - AES hashing: runtime/alg.go `alginit` (internal/runtime/maps
 *   runtime_alg.go `AlgInit` in 1.27) installs the AES hashes only on 386,
 *   amd64 and arm64, when the CPU has the instructions.
 */
import { InputError } from '../base/errors.js';

export type GoArch =
  | 'amd64' | 'arm64' | '386' | 'arm' | 'riscv64' | 'ppc64' | 'ppc64le' | 's390x'
  | 'mips' | 'mipsle' | 'mips64' | 'mips64le' | 'loong64' | 'wasm';

export interface Arch {
  readonly name: GoArch;
  /** Size of a pointer, uintptr, int and uint. */
  readonly ptrSize: 4 | 8;
  /** Size of a general purpose register; the alignment of 64-bit scalars. */
  readonly regSize: 4 | 8;
  readonly bigEndian: boolean;
  /** Alignment of int64, uint64, float64, complex128 (atomic.Int64 is 8 everywhere). */
  readonly int64Align: 4 | 8;
  /** internal/cpu.CacheLinePadSize for this GOARCH in current Go (see cacheLinePad for older releases). */
  readonly cacheLine: number;
  /**
   * cmd/internal/sys.Arch.Alignment in current Go (see loadAlignment for older
   * releases): the alignment the compiler assumes loads need. It decides
   * whether small plain-memory keys get memhash32/64 and the fast map paths
   * (issue 46283) and how far struct memory runs are merged.
   */
  readonly loadAlign: 1 | 4 | 8;
  /** Whether the runtime has AES map hashes here (used when the CPU supports them). */
  readonly aesHash: boolean;
}

function arch(name: GoArch, bits: 32 | 64, bigEndian: boolean, cacheLine: number, loadAlign: 1 | 4 | 8 = 1): Arch {
  const w = bits === 64 ? 8 : 4;
  const aesHash = name === 'amd64' || name === '386' || name === 'arm64';
  return Object.freeze({ name, ptrSize: w, regSize: w, bigEndian, int64Align: w, cacheLine, loadAlign, aesHash });
}

export const ARCHES: Readonly<Record<GoArch, Arch>> = Object.freeze({
  amd64: arch('amd64', 64, false, 64),
  arm64: arch('arm64', 64, false, 128),
  '386': arch('386', 32, false, 64),
  arm: arch('arm', 32, false, 32, 4),
  riscv64: arch('riscv64', 64, false, 64, 8),
  ppc64: arch('ppc64', 64, true, 128),
  ppc64le: arch('ppc64le', 64, false, 128),
  s390x: arch('s390x', 64, true, 256),
  mips: arch('mips', 32, true, 32, 4),
  mipsle: arch('mipsle', 32, false, 32, 4),
  mips64: arch('mips64', 64, true, 32, 8),
  mips64le: arch('mips64le', 64, false, 32, 8),
  loong64: arch('loong64', 64, false, 64),
  wasm: arch('wasm', 64, false, 64),
});

export const ARCH_NAMES = Object.keys(ARCHES) as GoArch[];

/** Looks up a GOARCH by name; `source` names what supplied it, for the error. */
export function archByName(name: string, source = 'arch'): Arch {
  const a = (ARCHES as Record<string, Arch | undefined>)[name.trim()];
  if (!a) throw new InputError(source, undefined, `unknown GOARCH ${JSON.stringify(name)} (known: ${ARCH_NAMES.join(', ')})`);
  return a;
}

/**
 * internal/cpu.CacheLinePadSize for a GOARCH in a Go release. arm64 padded to
 * 64 bytes up to Go 1.19 (go1.19.8 src/internal/cpu/cpu_arm64.go) and to 128
 * since Go 1.20 (golang/go#53075, for Apple M1's 128-byte lines; go1.21.13
 * already has 128: the 1.20 boundary is inferred, no 1.20 toolchain was read).
 */
export function cacheLinePad(a: Arch, go: { readonly minor: number }): number {
  if (a.name === 'arm64' && go.minor < 20) return 64;
  // riscv64: 32 in go1.19.8 and go1.21.13, 64 from go1.22.12 on (src/internal/cpu/cpu_riscv64.go).
  if (a.name === 'riscv64' && go.minor < 22) return 32;
  return a.cacheLine;
}

/**
 * The line sizes of common hardware for a GOARCH, which need not be what Go
 * pads to: Arm's Neoverse cores (AWS Graviton 2–4, Ampere Altra, Azure Cobalt)
 * have 64-byte lines (Arm Neoverse N1/V1/V2 Technical Reference Manuals,
 * "L1 data cache … 64-byte cache lines"), Apple's M-series 128 (the reason
 * Go gives in cpu_arm64.go); x86 cores 64 (Intel SDM vol. 3, 11.1; AMD APM
 * vol. 2, 7.1); POWER8–10 128; IBM Z 256.
 */
export const HARDWARE_LINES: Readonly<Partial<Record<GoArch, string>>> = Object.freeze({
  amd64: '64 on Intel and AMD x86 cores',
  '386': '64 on Intel and AMD x86 cores',
  arm64: '64 on Arm Neoverse (AWS Graviton 2-4, Ampere Altra), 128 on Apple M-series',
  ppc64: '128 on POWER8-10',
  ppc64le: '128 on POWER8-10',
  s390x: '256 on IBM Z',
});

/** Cache line sizes `--cache-line` accepts. */
export const CACHE_LINE_SIZES = [32, 64, 128, 256] as const;

/** One sentence on the line size a layout uses: what Go pads to, what hardware has, and the override if any. */
export function cacheLineNote(a: Arch, go: { readonly minor: number }, override?: number): string {
  const pad = cacheLinePad(a, go);
  const hw = HARDWARE_LINES[a.name];
  const goSays = `Go pads to ${pad} on ${a.name} (internal/cpu.CacheLinePadSize)`;
  const hwSays = hw ? `; hardware: ${hw}` : '';
  if (override !== undefined && override !== pad) return `cache lines: ${override} bytes (--cache-line); ${goSays}${hwSays}`;
  return `cache lines: ${pad} bytes, as ${goSays}${hwSays}${hw && /\d+ on .*\d+ on/.test(hw) ? '; --cache-line 64|128 to see the other' : ''}`;
}

/**
 * cmd/internal/sys.Arch.Alignment for a GOARCH in a Go release: loong64 was
 * 8 ("unaligned accesses are not guaranteed to be fast") up to 1.26
 * (go1.26.10) and is 1 in 1.27 (go1.27.3).
 */
export function loadAlignment(a: Arch, go: { readonly minor: number }): number {
  if (a.name === 'loong64' && go.minor < 27) return 8;
  return a.loadAlign;
}
