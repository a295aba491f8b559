/**
 * Go processes from core dumps and live Linux processes, for `mapscope check`.
 *
 * A process is read the same way whether it is a core dump or alive: its memory
 * is the core's segments (or /proc/N/mem, frozen with SIGSTOP when asked, or a
 * copy of a stopped process's memory taken so it runs again before the check),
 * with the executable's own bytes filling what a core leaves out. A watchdog
 * resumes a stopped process when mapscope dies, however it dies, and a core is
 * accepted only with proof that the executable given with it wrote it. The
 * executable, read by the pure readers of src/binary (docs/binary-format.md),
 * says the Go version, GOARCH, GOEXPERIMENT and where the hash key material
 * lives; its DWARF gives the globals and their types, which are walked to every
 * map they reach. A map is then chosen by name, by address (with a type for
 * stripped executables), or all of them, and handed to the checkers as a
 * MapSource.
 *
 * Errors: a malformed core or executable, a non-Go executable, an executable
 * that does not match the core, and an address outside the process are
 * InputErrors (exit code 2 in the CLI).
 */
import { readlinkSync } from 'node:fs';
import { InputError } from '../../base/errors.js';
import { ARCHES } from '../../model/arch.js';
import { readELF, isELF } from '../../binary/elf.js';
import { openObjects } from '../../binary/open.js';
import type { ObjectFile } from '../../binary/object.js';
import { readCore, type CoreFile } from '../../binary/elfcore.js';
import { AT_ENTRY } from '../../binary/elfconst.js';
import { CoreMemory, ExeImage } from './image.js';
import { freeze as freezePid, LiveMemory, ProcessGoneError, parseMaps, procError, procRead, type Frozen } from './live.js';
import { MemoryCopy } from './copy.js';
import { verifyCoreMatchesExe, type CoreMatch } from './match.js';
import { goFacts, slideFrom } from './gofacts.js';
import { Process, type GoProcess } from './process.js';
import { bytesSource, fileSource, type ByteSource } from '../../binary/bytesource.js';

export type { GoProcess } from './process.js';
export type { EntriesFn, WalkOptions } from './globals.js';
export { readCore, type CoreFile, type CoreSegment, type CoreThread } from '../../binary/elfcore.js';
export { bytesSource, fileSource, type ByteSource } from '../../binary/bytesource.js';
export { CoreMemory, ExeImage } from './image.js';
export { LiveMemory, ProcessGoneError, parseMaps } from './live.js';
export { MemoryCopy, PauseExceededError, fmtBytes, fmtMs } from './copy.js';
export { goFacts, hashState, type GoFacts } from './gofacts.js';

function openExe(exePath: string, exeBytes: Uint8Array): ObjectFile {
  if (!isELF(exeBytes)) {
    // Mach-O and PE executables never pair with an ELF core; say so plainly.
    const objs = openObjects(exePath, exeBytes);
    throw new InputError(exePath, 0, `${objs[0].format} executable: core dumps are ELF, the executable must be the ELF program that dumped`);
  }
  return readELF(exePath, exeBytes);
}

/** A Go process from a core file read on demand (gcore cores can be gigabytes). */
export function openCoreSource(core: ByteSource, exePath: string, exeBytes: Uint8Array): GoProcess & { core: CoreFile; match: CoreMatch } {
  const c = readCore(core);
  const exe = openExe(exePath, exeBytes);
  if (c.goarch !== exe.goarch || c.ptrSize !== exe.ptrSize || c.little !== exe.little) {
    throw new InputError(exePath, undefined, `the executable is ${exe.goarch ?? 'unknown'} but the core ${core.name} is ${c.goarch ?? `machine ${c.machine}`}`);
  }
  const facts = goFacts(exe);
  const slide = slideFrom(exe, c.auxv.get(AT_ENTRY));
  // Proved before anything is read: another build's core reads wrong addresses, or finds no map and looks clean.
  const match = verifyCoreMatchesExe(c, core, exe, slide, new CoreMemory(ARCHES[facts.goarch], c, core, undefined));
  const reader = new CoreMemory(ARCHES[facts.goarch], c, core, new ExeImage(exe, slide));
  const p = new Process(reader, exe, facts, slide, core.name) as Process & { core: CoreFile; match: CoreMatch };
  p.core = c;
  p.match = match;
  return p;
}

export function openCore(corePath: string, coreBytes: Uint8Array, exePath: string, exeBytes: Uint8Array): GoProcess {
  return openCoreSource(bytesSource(corePath, coreBytes), exePath, exeBytes);
}

/** Like openCore, reading the core file on demand instead of whole. */
export function openCoreFile(corePath: string, exePath: string, exeBytes: Uint8Array): GoProcess & { core: CoreFile; match: CoreMatch } {
  return openCoreSource(fileSource(corePath), exePath, exeBytes);
}

/** AT_ENTRY from /proc/N/auxv. */
function liveEntry(pid: number, W: number, little: boolean): bigint | undefined {
  const b = procRead(pid, 'auxv');
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let p = 0; p + 2 * W <= b.length; p += 2 * W) {
    const t = W === 8 ? dv.getBigUint64(p, little) : BigInt(dv.getUint32(p, little));
    const v = W === 8 ? dv.getBigUint64(p + W, little) : BigInt(dv.getUint32(p + W, little));
    if (t === 0n) break;
    if (t === BigInt(AT_ENTRY)) return v;
  }
  return undefined;
}

/**
 * A live process. freeze()/resume() stop and restart it (each idempotent; a
 * watchdog resumes it if mapscope dies meanwhile) and reads go to the stopped
 * process. snapshot() is what the CLI uses: stop, copy the memory that can
 * change (copy.ts), resume, and serve reads from the copy until release().
 * ensureAlive() throws a ProcessGoneError once the process has exited or
 * exec'd; close() releases /proc/N/mem.
 */
export type LiveProcess = GoProcess & {
  freeze(): void;
  resume(): void;
  snapshot(opts?: { maxPauseMs?: number }): Snapshot;
  release(): void;
  ensureAlive(): void;
  readonly frozen: boolean;
  close(): void;
};

/** One stop-copy-resume. */
export interface Snapshot {
  /** From SIGSTOP to SIGCONT, milliseconds. */
  readonly pauseMs: number;
  readonly bytes: number;
  readonly regions: number;
  /** Someone else had stopped the process: it was copied as it was and left stopped. */
  readonly wasStopped: boolean;
}

export function openLive(pid: number, opts: { freeze: boolean }): LiveProcess {
  if (!Number.isSafeInteger(pid) || pid <= 0) throw new InputError('--pid', undefined, `bad process id ${pid}`);
  if (process.platform !== 'linux') throw new InputError('--pid', undefined, 'live processes are read through /proc: Linux only');
  let exePath: string;
  try {
    exePath = readlinkSync(`/proc/${pid}/exe`);
  } catch (e) {
    throw procError(pid, e, 'exe');
  }
  const exeBytes = new Uint8Array(procRead(pid, 'exe'));
  const exe = openExe(exePath, exeBytes);
  const facts = goFacts(exe);
  let frozen: Frozen | undefined;
  const stop = () => {
    frozen ??= freezePid(pid);
  };
  const resume = () => {
    frozen?.resume();
    frozen = undefined;
  };
  if (opts.freeze) stop();
  try {
    const slide = slideFrom(exe, liveEntry(pid, exe.ptrSize, exe.little));
    const mem = new LiveMemory(ARCHES[facts.goarch], pid);
    const p = new Process(mem, exe, facts, slide, `pid ${pid}`) as Process & LiveProcess;
    Object.defineProperty(p, 'frozen', { get: () => frozen !== undefined });
    p.freeze = stop;
    p.resume = resume;
    p.ensureAlive = () => {
      const why = mem.gone();
      if (why) throw new ProcessGoneError(pid, why.replace(' while it was being read', ''));
    };
    p.snapshot = (o = {}) => {
      mem.copy = undefined;
      // Waiting for every thread to stop counts toward the pause too.
      const f = freezePid(pid, o.maxPauseMs ?? 5000);
      let copy: MemoryCopy;
      let pauseMs: number;
      try {
        const regions = parseMaps(procRead(pid, 'maps').toString());
        const limit = o.maxPauseMs;
        copy = MemoryCopy.take(mem, regions, limit === undefined ? undefined : { at: f.since + limit, since: f.since, limitMs: limit });
        // The process may have exec'd before the stop: then this is not the program whose DWARF is read.
        const why = mem.gone();
        if (why) throw new ProcessGoneError(pid, why);
      } finally {
        f.resume();
        pauseMs = performance.now() - f.since;
      }
      mem.copy = copy;
      return { pauseMs, bytes: copy.stats.bytes, regions: copy.stats.regions, wasStopped: f.wasStopped };
    };
    p.release = () => {
      mem.copy = undefined;
    };
    p.close = () => mem.close();
    return p;
  } catch (e) {
    resume();
    throw e;
  }
}
