/**
 * `mapscope check`: names every broken invariant in a map's memory.
 *
 *   mapscope check SNAPSHOT.json...                  a `mapscope sim --json` snapshot (or one in that format)
 *   mapscope check --core core.N --binary ./app      a core dump and the executable that wrote it
 *   mapscope check --pid N [--freeze] [--watch 1s]   a running process (Linux, /proc/N/mem)
 *
 * With --core/--pid the maps are every map reachable from global variables,
 * or those named with --map, or the one at --addr (with --type when the
 * binary has no DWARF). Exit 0 when every map is intact, 1 when any finding
 * is an error or a warning, 2 for bad input. The catalogue of invariants is
 * docs/check.md; the JSON format docs/json.md ("check").
 */
import type { Command } from 'commander';
import { InputError, LimitError, UsageError, EXIT_BAD_INPUT, EXIT_FINDING } from '../../base/errors.js';
import type { CliIO } from '../io.js';
import { progressLine } from '../progress.js';
import { parseJsonBytes } from '../../base/json.js';
import type { CommandModule } from '../module.js';
import { checkMap, catalogueFor, snapshotSource } from '../../check/index.js';
import type { MapReport, MapSource } from '../../check/types.js';
import { FirstSeen, documentJSON, findingLine, isBroken, mapText, markTorn, summaryLine, type CheckDocument } from '../../check/report.js';
import { PauseExceededError, ProcessGoneError } from '../../source/process/index.js';
import { DEFAULT_MAX_PAUSE, freezeAndCopy, openCoreProcess, openLiveProcess, parseInterval, positiveInt, readInput, selectMaps } from '../mapinputs.js';
import { LIMITS } from '../../check/types.js';

interface Opts {
  core?: string;
  binary?: string;
  pid?: string;
  freeze?: boolean;
  watch?: string;
  rounds?: string;
  map?: string[];
  addr?: string;
  type?: string;
  maxMaps: string;
  allGlobals?: boolean;
  maxPause?: string;
  allowEmpty?: boolean;
  limit?: string;
  all?: boolean;
  json?: boolean;
}

/** The per-code listing limit --limit/--all ask for (undefined: the default). */
function listingLimit(opts: Opts): number | undefined {
  if (opts.all && opts.limit !== undefined) throw new UsageError('give --limit or --all, not both');
  if (opts.all) return LIMITS.maxFindingsListed;
  return opts.limit === undefined ? undefined : positiveInt(opts.limit, '--limit');
}

/** A run that checked nothing must not read as a clean bill of health. */
function refuseEmpty(reports: MapReport[], where: string, opts: Opts): void {
  if (reports.length === 0 && !opts.allowEmpty) {
    throw new InputError(where, undefined, 'no map found, so nothing was checked (a map held in a local variable needs --addr; --allow-empty accepts an empty run)');
  }
}

/** Checks every map; `running`: read from a process that was not stopped (see markTorn). */
function checkAll(maps: MapSource[], io: CliIO, opts: Opts, running = false): MapReport[] {
  const out: MapReport[] = [];
  const limit = listingLimit(opts);
  for (const [i, m] of maps.entries()) {
    if (maps.length > 20 && (i + 1) % 50 === 0) io.err(`checked ${i + 1}/${maps.length} maps`);
    const progress = progressLine(io, `checking ${m.name}`);
    const r = checkMap(m, { limit, progress });
    progress.end();
    // A map read mid-write (its writing flag set), or read while the process ran: mark what a write explains.
    markTorn(r, catalogueFor(r.impl), running);
    out.push(r);
  }
  return out;
}

function emit(doc: CheckDocument, opts: Opts, io: CliIO, setExit: (code: number) => void): void {
  if (opts.json) io.out(documentJSON(doc));
  else {
    for (const m of doc.maps) io.out(mapText(m));
    io.out(summaryLine(doc.maps));
  }
  if (!doc.ok) setExit(EXIT_FINDING);
}

function document(source: CheckDocument['source'], maps: MapReport[]): CheckDocument {
  return { ok: !maps.some(isBroken), source, maps };
}

function runSnapshots(files: string[], opts: Opts, io: CliIO, setExit: (code: number) => void): void {
  const reports: MapReport[] = [];
  for (const file of files) {
    // In pieces past 128 MiB: a big snapshot is longer than the longest string V8 makes.
    const json = parseJsonBytes(readInput(file), file);
    let r;
    try {
      const progress = progressLine(io, `checking ${file}`);
      r = checkMap(snapshotSource(json, file), { limit: listingLimit(opts), progress });
      progress.end();
    } catch (e) {
      if (e instanceof LimitError) throw new InputError(file, undefined, e.message);
      throw e;
    }
    reports.push({ ...r, name: files.length > 1 ? file : r.name });
  }
  emit(document({ kind: 'snapshot', file: files.join(' ') }, reports), opts, io, setExit);
}

function runCore(opts: Opts, io: CliIO, setExit: (code: number) => void): void {
  const p = openCoreProcess(opts.core!, opts.binary, io);
  const reports = checkAll(selectMaps(p, opts, io), io, opts);
  refuseEmpty(reports, opts.core!, opts);
  emit(document({ kind: 'core', file: opts.core, binary: opts.binary, go: p.goVersion, arch: p.target.arch.name }, reports), opts, io, setExit);
}

async function runLive(opts: Opts, io: CliIO, setExit: (code: number) => void): Promise<void> {
  const freeze = Boolean(opts.freeze);
  const maxPauseMs = parseInterval(opts.maxPause ?? DEFAULT_MAX_PAUSE, '--max-pause', 1, 600_000);
  // Opened once: the executable, its DWARF and the key material are read once for every round.
  const { pid, p } = openLiveProcess(opts.pid!);
  const once = (): Round => {
    p.ensureAlive();
    // Stopped only while its memory is copied; the check reads the copy while the program runs.
    const pause = freeze ? freezeAndCopy(p, pid, maxPauseMs, io) : undefined;
    try {
      const reports = checkAll(selectMaps(p, opts, io), io, opts, !freeze);
      return { reports, go: p.goVersion, arch: p.target.arch.name, ...pause };
    } finally {
      p.release();
    }
  };
  try {
    await watchOrOnce(pid, freeze, once, opts, io, setExit);
  } finally {
    p.close();
  }
}

interface Round {
  reports: MapReport[];
  go: string;
  arch: string;
  pauseMs?: number;
  copiedBytes?: number;
}

async function watchOrOnce(
  pid: number,
  freeze: boolean,
  once: () => Round,
  opts: Opts,
  io: CliIO,
  setExit: (code: number) => void,
): Promise<void> {
  if (opts.watch === undefined) {
    if (opts.rounds !== undefined) throw new UsageError('--rounds applies to --watch');
    const r = once();
    refuseEmpty(r.reports, `pid ${pid}`, opts);
    const pause = r.pauseMs === undefined ? {} : { pauseMs: r.pauseMs, copiedBytes: r.copiedBytes };
    emit(document({ kind: 'live', pid, frozen: freeze, go: r.go, arch: r.arch, ...pause }, r.reports), opts, io, setExit);
    return;
  }
  const interval = parseInterval(opts.watch);
  const rounds = opts.rounds === undefined ? Infinity : positiveInt(opts.rounds, '--rounds');
  const seen = new FirstSeen();
  let last: Round | undefined;
  let anyBroken = false;
  for (let round = 1; round <= rounds; round++) {
    if (round > 1) await new Promise((res) => setTimeout(res, interval));
    let r;
    try {
      r = once();
    } catch (e) {
      // The process went away: report what was seen up to then. Gone between rounds is how a watch
      // ends; gone in the middle of a read leaves that round unchecked, which is exit 2.
      if (last && e instanceof InputError && !(e instanceof PauseExceededError)) {
        io.err(`round ${round}: ${e.message}; stopping`);
        if (e instanceof ProcessGoneError && /while it was being read/.test(e.message)) setExit(EXIT_BAD_INPUT);
        break;
      }
      throw e;
    }
    if (!last) refuseEmpty(r.reports, `pid ${pid}`, opts);
    last = r;
    anyBroken ||= r.reports.some(isBroken);
    const at = new Date().toISOString();
    const fresh = seen.fresh(round, r.reports);
    if (opts.json) for (const { map, finding } of fresh) io.out(JSON.stringify({ round, at, map: map.name, address: map.address, finding }));
    else {
      io.err(`round ${round} ${at}: ${summaryLine(r.reports)}`);
      for (const { map, finding } of fresh) io.out(`${at} round ${round} ${map.name}: ${findingLine(finding)}`);
    }
  }
  if (!opts.json && last) io.out(summaryLine(last.reports));
  if (anyBroken) setExit(EXIT_FINDING);
}

export const command: CommandModule = {
  register(program: Command, io: CliIO, setExit: (code: number) => void): void {
    program
      .command('check')
      .description('check every invariant of a map: from a snapshot, a core dump (--core --binary) or a live process (--pid)')
      .argument('[snapshot...]', 'snapshot JSON files (`mapscope sim --json` format, docs/json.md)')
      .option('--core <file>', 'an ELF core dump (gcore, GOTRACEBACK=crash, qemu-user)')
      .option('--binary <file>', 'the executable the core dump came from')
      .option('--pid <n>', 'a running Go process (Linux; reads /proc/N/mem)')
      .option('--freeze', 'stop the process (SIGSTOP) only while its memory is copied, then check the copy; a watchdog resumes it even if mapscope is killed')
      .option('--max-pause <duration>', `with --freeze: never keep the process stopped longer than this (e.g. 200ms, 2s); past it the copy is abandoned, the process resumed and nothing checked (default ${DEFAULT_MAX_PAUSE})`)
      .option('--watch <interval>', 'repeat the check (e.g. 500ms, 2s) and report when each finding first appears')
      .option('--rounds <n>', 'with --watch: stop after this many rounds')
      .option('--map <name>', 'check the map held by this global variable (e.g. main.cache); repeatable', (v: string, a: string[] | undefined) => [...(a ?? []), v])
      .option('--addr <hex>', 'check the map whose header is at this address')
      .option('--type <type>', 'with --addr: the map type, in Go or DWARF spelling (e.g. "map[string]int", "map[main.Key]main.Val"); refused when DWARF knows another type there')
      .option('--all-globals', 'also walk the standard library\'s and runtime\'s globals (default: main and the main module)')
      .option('--max-maps <n>', 'stop discovering maps after this many', '10000')
      .option('--limit <n>', `list at most this many findings per invariant code in each map (default ${LIMITS.maxFindingsPerCode}); the rest are counted`)
      .option('--all', `list every finding (at most ${LIMITS.maxFindingsListed} per code in each map)`)
      .option('--allow-empty', 'exit 0 when no map is found (default: exit 2, since nothing was checked)')
      .option('--json', 'machine output (docs/json.md, "check")')
      .addHelpText(
        'after',
        [
          '',
          'Examples:',
          '  mapscope check --core core.1234 --binary ./server',
          '  mapscope check --pid 4242 --freeze --max-pause 300ms',
          '  mapscope check --pid 4242 --map main.cache --all --json',
          '  mapscope check --core core.1234 --binary ./server --addr 0xc000012340 --type "map[main.Key]main.Val"',
          '  mapscope sim scenario.json --json > snap.json && mapscope check snap.json',
          '',
          'Invariants and their codes: docs/check.md. Exit: 0 intact, 1 findings, 2 bad input',
          '(including: no map found, a core from another build, a process that exited or exec\'d mid-read).',
        ].join('\n'),
      )
      .action(async (files: string[], opts: Opts) => {
        const kinds = [files.length > 0, opts.core !== undefined, opts.pid !== undefined].filter(Boolean).length;
        if (kinds !== 1) throw new UsageError('give snapshot files, or --core with --binary, or --pid (exactly one)');
        if (opts.core === undefined && opts.binary !== undefined) throw new UsageError('--binary applies to --core');
        if (opts.pid === undefined && (opts.freeze || opts.watch !== undefined)) throw new UsageError('--freeze and --watch apply to --pid');
        if (!opts.freeze && opts.maxPause !== undefined) throw new UsageError('--max-pause applies to --freeze');
        if (files.length && (opts.map?.length || opts.addr !== undefined || opts.type !== undefined)) throw new UsageError('--map, --addr and --type apply to --core and --pid');
        if (files.length) runSnapshots(files, opts, io, setExit);
        else if (opts.core !== undefined) runCore(opts, io, setExit);
        else await runLive(opts, io, setExit);
      });
  },
};
