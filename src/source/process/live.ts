/**
 * A live Linux process as a MemoryReader: its mappings from /proc/N/maps and
 * its bytes from /proc/N/mem, read with pread at the virtual address (the
 * kernel refuses reads of unmapped pages with EIO). Reading needs ptrace
 * access to the process (same user and ptrace_scope permitting, or root).
 *
 * Freezing sends SIGSTOP and waits until /proc/N/stat reports the process
 * stopped (state T), so no goroutine runs while the map is read; resume sends
 * SIGCONT. Without freezing, reads race with the program's own writes.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import type { Arch } from '../../model/arch.js';
import { MemoryError, type MemoryReader } from '../../model/memory.js';
import { InputError } from '../../base/errors.js';
import { checkRange } from './image.js';

export interface Region {
  readonly start: number;
  readonly end: number;
  readonly perms: string;
  readonly path: string;
}

/** Parses /proc/N/maps text. */
export function parseMaps(text: string): Region[] {
  const out: Region[] = [];
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]+)-([0-9a-f]+)\s+(\S+)\s+\S+\s+\S+\s+\S+\s*(.*)$/.exec(line);
    if (!m) continue;
    const start = parseInt(m[1], 16);
    const end = parseInt(m[2], 16);
    if (!Number.isSafeInteger(end)) continue; // the vsyscall page
    out.push({ start, end, perms: m[3], path: m[4] });
  }
  return out.sort((a, b) => a.start - b.start);
}

export function procRead(pid: number, file: string): Buffer {
  try {
    return readFileSync(`/proc/${pid}/${file}`);
  } catch (e) {
    throw procError(pid, e);
  }
}

export function procError(pid: number, e: unknown): InputError {
  const code = (e as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT' || code === 'ESRCH' ? 'no such process' : code === 'EACCES' || code === 'EPERM' ? 'permission denied (reading another process needs ptrace access: same user, or root)' : (e as Error).message;
  return new InputError(`pid ${pid}`, undefined, why);
}

export class LiveMemory implements MemoryReader {
  private fd: number;
  regions: Region[];
  constructor(
    readonly arch: Arch,
    readonly pid: number,
  ) {
    this.regions = parseMaps(procRead(pid, 'maps').toString());
    try {
      this.fd = openSync(`/proc/${pid}/mem`, 'r');
    } catch (e) {
      throw procError(pid, e);
    }
  }

  read(addr: bigint | number, len: number): Uint8Array {
    const start = checkRange(addr, len);
    // Every byte must be in a readable mapping; adjacent mappings may share a read.
    if (this.covered(start, len) !== true) {
      // A running process maps memory as it goes: look again before calling the address unmapped.
      this.regions = parseMaps(procRead(this.pid, 'maps').toString());
      const at = this.covered(start, len);
      if (at !== true) throw new MemoryError(BigInt(at), `address 0x${at.toString(16)} is not in a readable mapping of process ${this.pid}`);
    }
    const out = new Uint8Array(len);
    let got = 0;
    while (got < len) {
      let n: number;
      try {
        n = readSync(this.fd, out, got, len - got, start + got);
      } catch (e) {
        throw new MemoryError(BigInt(start + got), `reading process ${this.pid} at 0x${(start + got).toString(16)}: ${(e as Error).message}`);
      }
      if (n <= 0) throw new MemoryError(BigInt(start + got), `reading process ${this.pid} at 0x${(start + got).toString(16)}: end of data`);
      got += n;
    }
    return out;
  }

  /** True when every byte is in a readable mapping, else the first address that is not. */
  private covered(start: number, len: number): true | number {
    let at = start;
    while (at < start + Math.max(len, 1)) {
      const r = this.regions.find((x) => at >= x.start && at < x.end);
      if (!r || r.perms[0] !== 'r') return at;
      at = r.end;
    }
    return true;
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** The state letter of /proc/N/stat (R, S, T, t, Z…). */
export function procState(pid: number): string {
  const s = procRead(pid, 'stat').toString();
  // The command name is in parentheses and may itself contain spaces or ')'.
  const close = s.lastIndexOf(')');
  return s.slice(close + 2, close + 3);
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** SIGSTOP, then wait (at most timeoutMs) until the kernel reports the process stopped. */
export function freeze(pid: number, timeoutMs = 5000): void {
  try {
    process.kill(pid, 'SIGSTOP');
  } catch (e) {
    throw procError(pid, e);
  }
  const until = Date.now() + timeoutMs;
  for (;;) {
    const st = procState(pid);
    if (st === 'T' || st === 't') return;
    if (st === 'Z' || st === 'X') throw new InputError(`pid ${pid}`, undefined, 'the process exited');
    if (Date.now() > until) throw new InputError(`pid ${pid}`, undefined, `the process did not stop within ${timeoutMs} ms (state ${st})`);
    Atomics.wait(sleeper, 0, 0, 2);
  }
}

export function resume(pid: number): void {
  try {
    process.kill(pid, 'SIGCONT');
  } catch {
    // The process may have exited meanwhile; nothing to resume.
  }
}
