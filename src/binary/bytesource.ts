/**
 * Where a core file's bytes come from: a byte array already in memory, or an
 * open file read on demand. gdb's `gcore` writes every mapping Go reserved
 * (PROT_NONE arenas included) as zeros, so a core of a small Go program can be
 * over a gigabyte; reading only the pages a check touches keeps that cheap.
 *
 * Every read is bounded by the source's size: reading past the end is an
 * InputError naming the offset, as ByteView does for whole files.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { InputError } from '../base/errors.js';

export interface ByteSource {
  /** Name for errors (the file). */
  readonly name: string;
  readonly size: number;
  /** `len` bytes at `off`; InputError when the range is not inside the source. */
  read(off: number, len: number, what: string): Uint8Array;
  close?(): void;
}

/** Reads larger than this are refused: nothing the core reader needs is bigger. */
export const MAX_READ = 1 << 28;

/** Pages a file source keeps (64 KiB each). */
const CACHE_PAGES = 512;

function check(s: ByteSource, off: number, len: number, what: string): void {
  if (!Number.isSafeInteger(off) || !Number.isSafeInteger(len) || off < 0 || len < 0 || len > MAX_READ || off + len > s.size) {
    throw new InputError(s.name, Math.max(0, Math.min(Number.isFinite(off) ? off : 0, s.size)), `${what}: ${len} bytes at 0x${Math.max(0, off || 0).toString(16)} past end of file (size 0x${s.size.toString(16)})`);
  }
}

export function bytesSource(name: string, bytes: Uint8Array): ByteSource {
  const s: ByteSource = {
    name,
    size: bytes.length,
    read(off, len, what) {
      check(s, off, len, what);
      return bytes.subarray(off, off + len);
    },
  };
  return s;
}

/**
 * A file read with pread; a small page cache (CACHE_PAGES of 64 KiB: 32 MiB)
 * keeps repeated small reads cheap. A read of a page or more goes to the file
 * directly and is not cached: a check streams a big map's arrays through
 * once, and caching them would cost memory the size of the map.
 */
export function fileSource(path: string): ByteSource {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new InputError(path, undefined, `cannot open: ${(e as Error).message}`);
  }
  const size = fstatSync(fd).size;
  const PAGE = 1 << 16;
  const cache = new Map<number, Uint8Array>();
  const page = (n: number): Uint8Array => {
    let p = cache.get(n);
    if (p) return p;
    const start = n * PAGE;
    const len = Math.min(PAGE, size - start);
    p = new Uint8Array(len);
    let got = 0;
    while (got < len) {
      const k = readSync(fd, p, got, len - got, start + got);
      if (k <= 0) throw new InputError(path, start + got, 'unexpected end of file while reading');
      got += k;
    }
    if (cache.size >= CACHE_PAGES) cache.delete(cache.keys().next().value as number);
    cache.set(n, p);
    return p;
  };
  const s: ByteSource = {
    name: path,
    size,
    read(off, len, what) {
      check(s, off, len, what);
      const first = Math.floor(off / PAGE);
      const last = Math.floor((off + Math.max(len, 1) - 1) / PAGE);
      if (first === last) {
        const p = page(first);
        return p.subarray(off - first * PAGE, off - first * PAGE + len);
      }
      const out = new Uint8Array(len);
      if (len >= PAGE) {
        for (let got = 0; got < len;) {
          const k = readSync(fd, out, got, len - got, off + got);
          if (k <= 0) throw new InputError(path, off + got, 'unexpected end of file while reading');
          got += k;
        }
        return out;
      }
      for (let n = first, at = 0; n <= last; n++) {
        const p = page(n);
        const from = n === first ? off - first * PAGE : 0;
        const take = Math.min(p.length - from, len - at);
        out.set(p.subarray(from, from + take), at);
        at += take;
      }
      return out;
    },
    close() {
      closeSync(fd);
    },
  };
  return s;
}
