/**
 * A live Linux process as a MemoryReader: its mappings from /proc/N/maps and
 * its bytes from /proc/N/mem, read with pread at the virtual address (the
 * kernel refuses reads of unmapped pages with EIO). Reading needs ptrace
 * access to the process (same user and ptrace_scope permitting, or root with
 * the capabilities the target holds).
 *
 * Freezing (freeze/resume) sends SIGSTOP and waits until every thread in
 * /proc/N/task reports itself stopped, so no goroutine runs; resume sends
 * SIGCONT. A Watchdog (watchdog.ts) is armed for every freeze, so the process
 * is resumed even when mapscope is killed. The CLI freezes only to copy
 * (copy.ts): the target runs again before a single invariant is checked.
 *
 * A process that exits or execs while it is read makes reads fail (ESRCH,
 * EIO, or end of data: /proc/N/mem stays bound to the memory it was opened
 * on). Such a failure is a ProcessGoneError (an InputError, exit 2), never a
 * MemoryError that the checkers would turn into findings.
 */
import { closeSync, openSync, readFileSync, readSync, readdirSync, statSync } from 'node:fs';
import type { Arch } from '../../model/arch.js';
import { MemoryError, type MemoryReader } from '../../model/memory.js';
import { InputError } from '../../base/errors.js';
import { checkRange } from './image.js';
import { Watchdog } from './watchdog.js';
import type { MemoryCopy } from './copy.js';

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
    throw procError(pid, e, file);
  }
}

/** Linux capability numbers (linux/capability.h) that decide ptrace access, for naming what is missing. */
const CAP_NAMES: Record<number, string> = {
  0: 'CAP_CHOWN', 1: 'CAP_DAC_OVERRIDE', 2: 'CAP_DAC_READ_SEARCH', 3: 'CAP_FOWNER', 4: 'CAP_FSETID', 5: 'CAP_KILL', 6: 'CAP_SETGID', 7: 'CAP_SETUID',
  8: 'CAP_SETPCAP', 9: 'CAP_LINUX_IMMUTABLE', 10: 'CAP_NET_BIND_SERVICE', 11: 'CAP_NET_BROADCAST', 12: 'CAP_NET_ADMIN', 13: 'CAP_NET_RAW',
  14: 'CAP_IPC_LOCK', 15: 'CAP_IPC_OWNER', 16: 'CAP_SYS_MODULE', 17: 'CAP_SYS_RAWIO', 18: 'CAP_SYS_CHROOT', 19: 'CAP_SYS_PTRACE', 20: 'CAP_SYS_PACCT',
  21: 'CAP_SYS_ADMIN', 22: 'CAP_SYS_BOOT', 23: 'CAP_SYS_NICE', 24: 'CAP_SYS_RESOURCE', 25: 'CAP_SYS_TIME', 26: 'CAP_SYS_TTY_CONFIG', 27: 'CAP_MKNOD',
  28: 'CAP_LEASE', 29: 'CAP_AUDIT_WRITE', 30: 'CAP_AUDIT_CONTROL', 31: 'CAP_SETFCAP', 32: 'CAP_MAC_OVERRIDE', 33: 'CAP_MAC_ADMIN', 34: 'CAP_SYSLOG',
  35: 'CAP_WAKE_ALARM', 36: 'CAP_BLOCK_SUSPEND', 37: 'CAP_AUDIT_READ', 38: 'CAP_PERFMON', 39: 'CAP_BPF', 40: 'CAP_CHECKPOINT_RESTORE',
};

function statusField(pid: number | 'self', name: string): string | undefined {
  try {
    const m = new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m?.[1].trim();
  } catch {
    return undefined;
  }
}

/** PF_KTHREAD in /proc/N/stat's flags (include/linux/sched.h). */
const PF_KTHREAD = 0x00200000;

/** Field n (1-based, as proc(5) numbers them) of /proc/N/stat, or undefined. */
function statField(pid: number, n: number): string | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name is in parentheses and may itself contain spaces or ')'.
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return rest[n - 3];
  } catch {
    return undefined;
  }
}

/**
 * Why ptrace access to pid was refused, as far as /proc tells: a kernel
 * thread, Yama's ptrace_scope, a different user, or (as root) capabilities
 * the target holds that mapscope lacks.
 */
export function deniedWhy(pid: number): string {
  const flags = Number(statField(pid, 9) ?? 0);
  if (flags & PF_KTHREAD) return `pid ${pid} is a kernel thread, not a program: it has no memory to read`;
  const why: string[] = [];
  let scope: string | undefined;
  try {
    scope = readFileSync('/proc/sys/kernel/yama/ptrace_scope', 'utf8').trim();
  } catch {
    scope = undefined;
  }
  const myUid = process.getuid?.();
  const theirUid = statusField(pid, 'Uid')?.split(/\s+/)[0];
  if (myUid !== 0) {
    if (theirUid !== undefined && String(myUid) !== theirUid) why.push(`it runs as uid ${theirUid} and mapscope as uid ${myUid}`);
    if (scope && scope !== '0') why.push(`kernel.yama.ptrace_scope is ${scope} (${scope === '1' ? 'only a parent may read its children' : scope === '2' ? 'only CAP_SYS_PTRACE may read other processes' : 'no process may read another'})`);
    if (why.length === 0) why.push('reading another process needs ptrace access: the same user, or root');
    return `permission denied: ${why.join('; ')}`;
  }
  // Root, and still refused: say what really differs.
  const mine = BigInt(`0x${statusField('self', 'CapEff') ?? '0'}`);
  const theirs = BigInt(`0x${statusField(pid, 'CapPrm') ?? '0'}`);
  const missing: string[] = [];
  for (let i = 0; i < 64; i++) if ((theirs >> BigInt(i)) & 1n && !((mine >> BigInt(i)) & 1n)) missing.push(CAP_NAMES[i] ?? `capability ${i}`);
  if (!((mine >> 19n) & 1n)) why.push('mapscope runs as root without CAP_SYS_PTRACE');
  if (missing.length) why.push(`the process holds ${missing.join(', ')}, which mapscope (root) lacks`);
  if (scope === '3') why.push('kernel.yama.ptrace_scope is 3 (no process may read another)');
  if (why.length === 0) why.push('the kernel refused ptrace access (a security module, a non-dumpable process in another user namespace, or a container boundary)');
  return `permission denied although mapscope runs as root: ${why.join('; ')}`;
}

export function procError(pid: number, e: unknown, file?: string): InputError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' && file === 'exe' && statField(pid, 9) !== undefined) {
    return new InputError(`pid ${pid}`, undefined, deniedWhy(pid).startsWith(`pid ${pid} is a kernel thread`) ? deniedWhy(pid) : 'the process has no executable (a kernel thread or an exiting process)');
  }
  const why = code === 'ENOENT' || code === 'ESRCH' ? 'no such process' : code === 'EACCES' || code === 'EPERM' ? deniedWhy(pid) : (e as Error).message;
  return new InputError(`pid ${pid}`, undefined, why);
}

/** A process that exited or replaced itself (exec) while mapscope read it: exit 2, never findings. */
export class ProcessGoneError extends InputError {
  constructor(pid: number, why: string) {
    super(`pid ${pid}`, undefined, why);
    this.name = 'ProcessGoneError';
  }
}

/** What makes a process the same one: its start time (stable across exec) and its executable file. */
export interface ProcessIdentity {
  readonly start: string;
  readonly exe: string;
}

export function identityOf(pid: number): ProcessIdentity | undefined {
  const start = statField(pid, 22);
  if (start === undefined) return undefined;
  let exe = '';
  try {
    const s = statSync(`/proc/${pid}/exe`);
    exe = `${s.dev}:${s.ino}`;
  } catch {
    exe = '';
  }
  return { start, exe };
}

export class LiveMemory implements MemoryReader {
  private fd: number;
  regions: Region[];
  readonly identity: ProcessIdentity | undefined;
  /** Bytes copied while the process was stopped (copy.ts): when set, reads are served from it. */
  copy: MemoryCopy | undefined;

  constructor(
    readonly arch: Arch,
    readonly pid: number,
  ) {
    this.identity = identityOf(pid);
    this.regions = parseMaps(procRead(pid, 'maps').toString());
    try {
      this.fd = openSync(`/proc/${pid}/mem`, 'r');
    } catch (e) {
      throw procError(pid, e, 'mem');
    }
  }

  /**
   * Why the process can no longer be read as the one opened: it exited (or
   * its pid now names another process), or it exec'd (its /proc/N/mem, bound
   * to the old memory, reads nothing). Undefined while it is still the same.
   */
  gone(): string | undefined {
    const now = identityOf(this.pid);
    const state = statField(this.pid, 3);
    // An exiting process has dropped its memory and executable before it turns zombie.
    if (!now || state === 'Z' || state === 'X' || now.exe === '') return 'the process exited while it was being read';
    if (this.identity && now.start !== this.identity.start) return 'the process exited while it was being read (its pid now names another process)';
    if (this.identity && now.exe !== this.identity.exe) return 'the process replaced itself (exec) while it was being read';
    // The same executable exec'd again: the old memory is gone, so the descriptor reads nothing where a mapping is.
    try {
      const r = parseMaps(readFileSync(`/proc/${this.pid}/maps`, 'utf8')).find((x) => x.perms[0] === 'r' && x.path !== '[vvar]' && x.path !== '[vsyscall]');
      if (r && readSync(this.fd, new Uint8Array(1), 0, 1, r.start) === 0) return 'the process replaced itself (exec) while it was being read';
    } catch {
      return undefined;
    }
    return undefined;
  }

  /** Throws a ProcessGoneError when the process is gone; else returns the MemoryError to throw. */
  private failure(at: number, why: string): MemoryError {
    const gone = this.gone();
    if (gone) throw new ProcessGoneError(this.pid, gone);
    return new MemoryError(BigInt(at), `reading process ${this.pid} at 0x${at.toString(16)}: ${why}`);
  }

  read(addr: bigint | number, len: number): Uint8Array {
    const start = checkRange(addr, len);
    if (this.copy) return this.copy.read(start, len, (a, n) => this.liveRead(a, n));
    return this.liveRead(start, len);
  }

  private liveRead(start: number, len: number): Uint8Array {
    // Every byte must be in a readable mapping; adjacent mappings may share a read.
    if (this.covered(start, len) !== true) {
      // A running process maps memory as it goes: look again before calling the address unmapped.
      this.regions = parseMaps(procRead(this.pid, 'maps').toString());
      const at = this.covered(start, len);
      if (at !== true) throw new MemoryError(BigInt(at), `address 0x${at.toString(16)} is not in a readable mapping of process ${this.pid}`);
    }
    const out = new Uint8Array(len);
    this.readInto(out, start);
    return out;
  }

  /** Fills `out` with the bytes at `start` straight from /proc/N/mem. */
  readInto(out: Uint8Array, start: number): void {
    let got = 0;
    while (got < out.length) {
      let n: number;
      try {
        n = readSync(this.fd, out, got, out.length - got, start + got);
      } catch (e) {
        throw this.failure(start + got, (e as Error).message);
      }
      if (n <= 0) throw this.failure(start + got, 'end of data');
      got += n;
    }
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

/** State letters of every thread of the process (/proc/N/task/T/stat). */
function threadStates(pid: number): string[] {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch (e) {
    throw procError(pid, e);
  }
  const out: string[] = [];
  for (const t of tids) {
    try {
      const s = readFileSync(`/proc/${pid}/task/${t}/stat`, 'latin1');
      out.push(s.slice(s.lastIndexOf(')') + 2, s.lastIndexOf(')') + 3));
    } catch {
      // A thread that ended meanwhile.
    }
  }
  return out;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** A stopped process, and how to let it go. */
export interface Frozen {
  /** The process was already stopped (a debugger, a shell's Ctrl-Z): it is left stopped. */
  readonly wasStopped: boolean;
  /** performance.now() when SIGSTOP was sent. */
  readonly since: number;
  resume(): void;
}

/**
 * Arms a watchdog, sends SIGSTOP, then waits (at most timeoutMs) until every
 * thread reports itself stopped. A process someone else already stopped is
 * left as it is, and left stopped after.
 */
export function freeze(pid: number, timeoutMs = 5000): Frozen {
  const before = procState(pid);
  if (before === 'T' || before === 't') return { wasStopped: true, since: performance.now(), resume: () => undefined };
  const dog = new Watchdog(pid);
  let resumed = false;
  const frozen: Frozen = {
    wasStopped: false,
    since: performance.now(),
    resume() {
      if (resumed) return;
      resumed = true;
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // The process may have exited meanwhile; nothing to resume.
      }
      dog.disarm();
    },
  };
  try {
    process.kill(pid, 'SIGSTOP');
  } catch (e) {
    dog.disarm();
    throw procError(pid, e);
  }
  try {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const st = threadStates(pid);
      if (st.length > 0 && st.every((s) => s === 'T' || s === 't')) return frozen;
      if (st.length === 0 || st.some((s) => s === 'Z' || s === 'X')) throw new ProcessGoneError(pid, 'the process exited');
      if (Date.now() > until) throw new InputError(`pid ${pid}`, undefined, `the process did not stop within ${timeoutMs} ms (thread states ${[...new Set(st)].join('')})`);
      Atomics.wait(sleeper, 0, 0, 1);
    }
  } catch (e) {
    frozen.resume();
    if (e instanceof InputError && !(e instanceof ProcessGoneError) && /no such process/.test(e.message)) throw new ProcessGoneError(pid, 'the process exited');
    throw e;
  }
}
