/**
 * Opening the maps of a core dump or a live process, as every command that
 * reads them does (`check`, `view`): the options that choose the maps
 * (--map, --addr with --type, or every map reachable from global
 * variables), the core with its executable, and one stop-copy-resume of a
 * live process. The map sources themselves are src/source/process's; this
 * is the command-line side shared by the commands, so they agree on what
 * each option means.
 */
import { readFileSync } from 'node:fs';
import { InputError, UsageError } from '../base/errors.js';
import { entriesOf, type MapSource } from '../check/index.js';
import { fmtBytes, fmtMs, openCoreFile, openLive, type GoProcess, type LiveProcess } from '../source/process/index.js';
import type { CliIO } from './io.js';

/** --max-pause when not given: a frozen program is never stopped longer than this. */
export const DEFAULT_MAX_PAUSE = '1s';

/** `500ms`, `2s`, `1m`, or a bare number of seconds, between `min` and `max` milliseconds. */
export function parseInterval(text: string, option = '--watch', min = 10, max = 3_600_000): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m) throw new UsageError(`${option}: expected a duration such as 500ms, 2s or 1m, got ${JSON.stringify(text)}`);
  const ms = Number(m[1]) * ({ ms: 1, s: 1000, m: 60000 } as const)[(m[2] ?? 's') as 'ms' | 's' | 'm'];
  if (!(ms >= min && ms <= max)) throw new UsageError(`${option}: must be between ${fmtMs(min)} and ${fmtMs(max)}, got ${JSON.stringify(text)}`);
  return ms;
}

/** The options that choose which maps of a process to read. */
export interface MapChoice {
  map?: string[];
  addr?: string;
  type?: string;
  maxMaps: string;
  allGlobals?: boolean;
}

export function readInput(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new InputError(file, undefined, `cannot read: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function positiveInt(text: string, what: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 1e6) throw new UsageError(`${what}: expected a whole number from 1 to 1000000, got ${JSON.stringify(text)}`);
  return Number(text);
}

export function parseAddr(text: string): bigint {
  if (!/^(0x)?[0-9a-fA-F]{1,16}$/.test(text)) throw new UsageError(`--addr: expected a hex address such as 0xc000012345, got ${JSON.stringify(text)}`);
  return BigInt(text.startsWith('0x') ? text : `0x${text}`);
}

/** The maps the options choose in a process (core or live). */
export function selectMaps(p: GoProcess, opts: MapChoice, io: CliIO): MapSource[] {
  if (opts.addr !== undefined) return [p.mapAt(parseAddr(opts.addr), opts.type)];
  if (opts.type !== undefined) throw new UsageError('--type applies to --addr');
  if (opts.map?.length) return opts.map.map((n) => p.mapByName(n, { entries: entriesOf }));
  const maxMaps = positiveInt(opts.maxMaps, '--max-maps');
  const maps = p.globalMaps({ entries: entriesOf, maxMaps, all: Boolean(opts.allGlobals) });
  io.err(`found ${maps.length} map${maps.length === 1 ? '' : 's'} reachable from ${opts.allGlobals ? 'all' : 'the program\'s own'} global variables${maps.length >= maxMaps ? ` (stopped at --max-maps ${maxMaps})` : ''}`);
  return maps;
}

/** A core dump and the executable that wrote it; says on stderr when nothing in the core vouches for the pairing. */
export function openCoreProcess(core: string, binary: string | undefined, io: CliIO): ReturnType<typeof openCoreFile> {
  if (!binary) throw new UsageError('--core needs --binary, the executable that wrote the core');
  const p = openCoreFile(core, binary, readInput(binary));
  if (!p.match.evidence) io.err(`warning: ${core} holds none of ${binary}'s bytes and names no mapped files: that this executable wrote it is taken on trust`);
  return p;
}

export interface Pause {
  pauseMs: number;
  copiedBytes: number;
}

/**
 * --freeze: stops the process only while its memory is copied (never longer
 * than maxPauseMs; the watchdog resumes it whatever happens to mapscope), then
 * reads go to the copy while the program runs again. Until `p.release()`.
 */
export function freezeAndCopy(p: LiveProcess, pid: number, maxPauseMs: number, io: CliIO): Pause {
  const snap = p.snapshot({ maxPauseMs });
  io.err(
    snap.wasStopped
      ? `pid ${pid} was already stopped (by someone else): copied ${fmtBytes(snap.bytes)} of its memory and left it stopped`
      : `pid ${pid}: paused for ${fmtMs(snap.pauseMs)} to copy ${fmtBytes(snap.bytes)} of its memory (${snap.regions} mappings); running again, reading the copy`,
  );
  return { pauseMs: Math.round(snap.pauseMs * 10) / 10, copiedBytes: snap.bytes };
}

/** A live process by --pid, validated; the caller closes it. */
export function openLiveProcess(pidText: string): { pid: number; p: LiveProcess } {
  const pid = positiveInt(pidText, '--pid');
  return { pid, p: openLive(pid, { freeze: false }) };
}
