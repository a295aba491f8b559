/**
 * A process image: the memory of a dead (core) or stopped (live) Go process
 * as a MemoryReader, so the checkers read a real map exactly as they read a
 * simulated one.
 *
 * Bytes come from the core's PT_LOAD segments first. Where the core did not
 * write them (the kernel skips read-only file-backed text and rodata; qemu-user
 * writes p_filesz 0 for them), they come from the executable's own PT_LOAD
 * file bytes, moved by the PIE slide. An address neither covers is a
 * MemoryError: the checkers turn that into an "unreadable" finding.
 */
import type { Arch } from '../../model/arch.js';
import { MemoryError, type MemoryReader } from '../../model/memory.js';
import type { ObjectFile } from '../../binary/object.js';
import { segmentAt, type CoreFile } from '../../binary/elfcore.js';
import type { ByteSource } from '../../binary/bytesource.js';

/** Reads longer than this are refused: a corrupt length must not allocate gigabytes. */
export const MAX_MEMORY_READ = 1 << 28;

/** The executable's file-backed ranges, at their run-time addresses. */
export class ExeImage {
  private readonly segs: { addr: number; fileSize: number; offset: number }[];
  constructor(
    readonly obj: ObjectFile,
    readonly slide: number,
  ) {
    this.segs = obj.segments
      .filter((s) => s.fileSize > 0)
      .map((s) => ({ addr: s.addr + slide, fileSize: s.fileSize, offset: s.offset }))
      .sort((a, b) => a.addr - b.addr);
  }

  /** Up to `len` bytes at addr from one segment's file bytes, or undefined. */
  bytes(addr: number, len: number): Uint8Array | undefined {
    for (const s of this.segs) {
      if (addr >= s.addr && addr < s.addr + s.fileSize) {
        const n = Math.min(len, s.addr + s.fileSize - addr);
        const off = s.offset + (addr - s.addr);
        if (off + n > this.obj.data.length) return undefined;
        return this.obj.data.subarray(off, off + n);
      }
    }
    return undefined;
  }
}

export function checkRange(addr: bigint | number, len: number): number {
  const a = typeof addr === 'bigint' ? addr : BigInt(addr);
  if (!Number.isSafeInteger(len) || len < 0 || len > MAX_MEMORY_READ) {
    throw new MemoryError(a, `read of ${len} bytes at 0x${a.toString(16)} refused`);
  }
  if (a < 0n || a + BigInt(len) > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new MemoryError(a, `address 0x${a.toString(16)} is outside the process's address space`);
  }
  return Number(a);
}

export class CoreMemory implements MemoryReader {
  constructor(
    readonly arch: Arch,
    readonly core: CoreFile,
    private readonly src: ByteSource,
    readonly exe: ExeImage | undefined,
  ) {}

  read(addr: bigint | number, len: number): Uint8Array {
    const start = checkRange(addr, len);
    const out = new Uint8Array(len);
    let at = start;
    while (at < start + len) {
      const want = start + len - at;
      const piece = this.piece(at, want, start, len);
      out.set(piece, at - start);
      at += piece.length;
    }
    return out;
  }

  /** Whether every byte of [addr, addr+len) is readable. */
  readable(addr: number, len: number): boolean {
    try {
      this.read(addr, len);
      return true;
    } catch (e) {
      if (e instanceof MemoryError) return false;
      throw e;
    }
  }

  /** The longest run of bytes at `at` (at most `want`) from one source. */
  private piece(at: number, want: number, start: number, len: number): Uint8Array {
    const seg = segmentAt(this.core.segments, at);
    if (seg) {
      const rel = at - seg.addr;
      const inSeg = Math.min(want, seg.addr + seg.memSize - at);
      if (rel < seg.fileSize) {
        const n = Math.min(inSeg, seg.fileSize - rel);
        return this.src.read(seg.offset + rel, n, `core segment at 0x${seg.addr.toString(16)}`);
      }
      // Beyond p_filesz: the executable's bytes when it maps them.
      const fromExe = this.exe?.bytes(at, inSeg);
      if (fromExe) return fromExe;
      if (!seg.read) throw this.fail(start, len, at, 'is in a mapping the process could not read (PROT_NONE)');
      if (this.core.files.some((f) => at >= f.start && at < f.end)) throw this.fail(start, len, at, 'is in a file mapping the core did not include');
      // An anonymous mapping's tail the dumper left out: zero pages.
      return new Uint8Array(Math.min(inSeg, 1 << 20));
    }
    const fromExe = this.exe?.bytes(at, want);
    if (fromExe) return fromExe;
    throw this.fail(start, len, at, 'is outside every segment of the core and the executable');
  }

  private fail(start: number, len: number, at: number, why: string): MemoryError {
    return new MemoryError(BigInt(at), `address 0x${at.toString(16)}${at !== start ? ` (reading ${len} bytes at 0x${start.toString(16)})` : ''} ${why}`);
  }
}
