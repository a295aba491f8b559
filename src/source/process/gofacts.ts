/**
 * What the executable says about the process: the Go release, GOARCH and
 * GOEXPERIMENT (build info, docs/binary-format.md §2), so the map layouts are
 * the ones that program was built with; and where the runtime keeps its
 * per-process hash key material, so the checker can recompute hashes.
 *
 * Key material symbols (read in each release's source):
 * - Go ≤ 1.26: runtime.aeskeysched, runtime.hashkey, runtime.useAeshash
 *   (runtime/alg.go).
 * - Go 1.27: internal/runtime/maps.aeskeysched, .hashkey, .UseAeshash
 *   (internal/runtime/maps/runtime_alg.go).
 * aeskeysched is hashRandomBytes = PtrSize/4*64 bytes; hashkey is [4]uintptr.
 * A stripped binary has no symbol table: the hash state is then unknown and
 * hash invariants go unchecked.
 */
import { InputError } from '../../base/errors.js';
import { archByName, type GoArch } from '../../model/arch.js';
import { decodeUint, type MemoryReader } from '../../model/memory.js';
import { parseGoVersion } from '../../model/goversion.js';
import { target, type LayoutTarget } from '../../layout/index.js';
import type { HashState } from '../types.js';
import { experiments, readBuildInfo } from '../../binary/buildinfo.js';
import { Memory, type ObjectFile } from '../../binary/object.js';

export interface GoFacts {
  /** As the binary records it, e.g. "go1.22.12". */
  readonly goVersion: string;
  readonly goarch: GoArch;
  readonly target: LayoutTarget;
  /** Module path of the main package, when build info names it. */
  readonly mainModule?: string;
}

export function goFacts(exe: ObjectFile): GoFacts {
  const info = readBuildInfo(exe, new Memory(exe));
  if (!info.goVersion) throw new InputError(exe.file, undefined, 'not a Go executable: no Go build information or runtime version string');
  const goarch = (info.settings.GOARCH as GoArch | undefined) ?? exe.goarch;
  if (!goarch) throw new InputError(exe.file, undefined, 'cannot tell the executable\'s GOARCH');
  if (exe.goarch && exe.goarch !== goarch) throw new InputError(exe.file, undefined, `build info says GOARCH=${goarch} but the machine type is ${exe.goarch}`);
  archByName(goarch, exe.file);
  const v = parseGoVersion(info.goVersion, exe.file);
  const exps = experiments(info);
  const noswiss = exps.includes('noswissmap') && v.minor >= 24;
  // runtime.Version() may carry " X:exp"; target() wants the bare release.
  const release = info.goVersion.split(/\s/)[0].replace(/^go/, '');
  return { goVersion: info.goVersion, goarch, target: target(release, goarch, noswiss ? 'noswissmap' : ''), mainModule: info.main?.path ?? info.path };
}

/** e_entry of an ELF executable (to find the PIE slide from AT_ENTRY). */
export function elfEntry(exe: ObjectFile): number | undefined {
  if (exe.format !== 'elf' || exe.data.length < 32) return undefined;
  const dv = new DataView(exe.data.buffer, exe.data.byteOffset, exe.data.byteLength);
  if (exe.ptrSize === 8) {
    const e = dv.getBigUint64(24, exe.little);
    return e <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(e) : undefined;
  }
  return dv.getUint32(24, exe.little);
}

/**
 * Load slide of the executable: AT_ENTRY (where the kernel put the entry
 * point) minus e_entry. Zero for the ordinary non-PIE Go binary.
 */
export function slideFrom(exe: ObjectFile, atEntry: bigint | undefined): number {
  const e = elfEntry(exe);
  if (atEntry === undefined || e === undefined || !exe.pie) return 0;
  return Number(atEntry) - e;
}

const KEY_SYMBOLS = {
  old: { aeskeysched: 'runtime.aeskeysched', hashkey: 'runtime.hashkey', useAeshash: 'runtime.useAeshash' },
  maps: { aeskeysched: 'internal/runtime/maps.aeskeysched', hashkey: 'internal/runtime/maps.hashkey', useAeshash: 'internal/runtime/maps.UseAeshash' },
} as const;

/** The process's hash key material, read at the runtime's symbols; undefined when the symbols are absent. */
export function hashState(reader: MemoryReader, exe: ObjectFile, facts: GoFacts, slide: number): HashState | undefined {
  const names = facts.target.go.minor >= 27 ? KEY_SYMBOLS.maps : KEY_SYMBOLS.old;
  const at = (n: string) => {
    const a = exe.symbols.get(n);
    return a === undefined ? undefined : a + slide;
  };
  const ks = at(names.aeskeysched);
  const hk = at(names.hashkey);
  const ua = at(names.useAeshash);
  if (ks === undefined || hk === undefined || ua === undefined) return undefined;
  const W = facts.target.arch.ptrSize;
  const big = facts.target.arch.bigEndian;
  const aeskeysched = reader.read(ks, (W / 4) * 64).slice();
  const raw = reader.read(hk, 4 * W);
  const hashkey = [0, 1, 2, 3].map((i) => decodeUint(raw.subarray(i * W, (i + 1) * W), big));
  const aes = reader.read(ua, 1)[0] !== 0;
  return { aes, keys: { hashkey, aeskeysched } };
}
