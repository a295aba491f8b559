/**
 * `mapscope view`: a map's memory or layout as one self-contained HTML page.
 *
 *   mapscope view SNAPSHOT.json [-o report.html]                  a `mapscope sim --json` snapshot, classic or Swiss
 *   mapscope view SCENARIO.json                                   a scenario replayed step by step (slider, trace)
 *   mapscope view --core CORE --binary APP [--map NAME|--addr A]  a map in a core dump
 *   mapscope view --pid P [--freeze] [--map NAME|--addr A]        a map in a running process
 *   mapscope view --layout TYPE [--go V,...] [--arch A,...] [-o f] bucket/group byte strips, targets side by side
 *   --open                                                        then opens the page in the default browser
 *
 * The page (src/view) embeds its data and script: no server, no network.
 * Bad input is one line on stderr and exit 2, and no file is written.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Option, type Command } from 'commander';
import { InputError, UsageError } from '../../base/errors.js';
import { snapshotView, sourceView } from '../../view/memory.js';
import { replayView } from '../../view/replay.js';
import { parseScenario } from '../../engine/scenario.js';
import { catalogueFor, checkMap, markTorn, type MapSource } from '../../check/index.js';
import type { CliIO } from '../io.js';
import { DEFAULT_MAX_PAUSE, freezeAndCopy, openCoreProcess, openLiveProcess, parseInterval, selectMaps, type MapChoice } from '../mapinputs.js';
import { basename } from 'node:path';
import { layoutView } from '../../view/layout.js';
import { renderHtml, writeReport } from '../../view/html.js';
import type { MemoryView, ReplayView, ViewData } from '../../view/data.js';
import type { CommandModule } from '../module.js';
import { DEFAULT_GO, layoutsFor, splitList } from './layout.js';
import { isFailed, type FailedTarget } from '../../layout/report.js';
import { ARCH_NAMES } from '../../model/arch.js';

interface Opts extends MapChoice {
  core?: string;
  binary?: string;
  pid?: string;
  freeze?: boolean;
  maxPause?: string;
  output?: string;
  layout?: string;
  go: string;
  arch: string;
  experiment?: string;
  open?: boolean;
}

/** Hands the written page to the desktop's default browser; the report stays written whatever happens. */
function openInBrowser(file: string, io: { err(text: string): void }): void {
  const [cmd, args] =
    process.platform === 'darwin' ? ['open', [file]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', file]] : ['xdg-open', [file]];
  const child = spawn(cmd, args, { detached: true, stdio: 'ignore' });
  child.on('error', (e) => io.err(`mapscope: could not open ${file} with ${cmd}: ${e.message}`));
  child.unref();
}

/** Snapshots are read whole; larger files are refused before reading. */
const MAX_SNAPSHOT_BYTES = 512 << 20;

function readSnapshot(file: string): unknown {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new InputError(file, undefined, `cannot read: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: MAX_SNAPSHOT_BYTES });
    } catch (e) {
      throw new InputError(file, undefined, `not a readable gzip file: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (bytes.length > MAX_SNAPSHOT_BYTES) throw new InputError(file, undefined, `larger than ${MAX_SNAPSHOT_BYTES >> 20} MiB`);
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    const pos = /position (\d+)/.exec(e instanceof Error ? e.message : '');
    throw new InputError(file, pos ? Number(pos[1]) : undefined, 'not valid JSON');
  }
}

/** The one map a core or process view draws: the options must choose exactly one. */
function oneMap(maps: MapSource[], where: string): MapSource {
  if (maps.length === 0) throw new InputError(where, undefined, 'no map found (a map held in a local variable needs --addr)');
  if (maps.length > 1) {
    const names = maps.slice(0, 6).map((m) => m.name).join(', ');
    throw new UsageError(`${where} holds ${maps.length} maps reachable from globals (${names}${maps.length > 6 ? ', …' : ''}): choose one with --map NAME or --addr`);
  }
  return maps[0];
}

/** Checks the map (findings marked as a torn read explains them) and draws it. */
function mapView(src: MapSource, origin: string, running: boolean) {
  const report = checkMap(src);
  markTorn(report, catalogueFor(report.impl), running);
  return sourceView(src, { origin, report });
}

function coreView(opts: Opts, io: CliIO) {
  const p = openCoreProcess(opts.core!, opts.binary, io);
  const src = oneMap(selectMaps(p, opts, io), opts.core!);
  return mapView(src, `core ${basename(opts.core!)} of ${basename(opts.binary!)} (${p.goVersion})`, false);
}

function liveView(opts: Opts, io: CliIO) {
  const freeze = Boolean(opts.freeze);
  const maxPauseMs = parseInterval(opts.maxPause ?? DEFAULT_MAX_PAUSE, '--max-pause', 1, 600_000);
  const { pid, p } = openLiveProcess(opts.pid!);
  try {
    p.ensureAlive();
    // Stopped only while its memory is copied (a watchdog resumes it whatever happens); drawn from the copy.
    if (freeze) freezeAndCopy(p, pid, maxPauseMs, io);
    try {
      const src = oneMap(selectMaps(p, opts, io), `pid ${pid}`);
      return mapView(src, `pid ${pid} (${p.goVersion}, ${freeze ? 'frozen while copied' : 'read while running: findings may be torn reads'})`, !freeze);
    } finally {
      p.release();
    }
  } finally {
    p.close();
  }
}

/** A snapshot (it has "impl") or a scenario (it has "ops"), both JSON. */
function fileView(file: string, json: unknown): MemoryView | ReplayView {
  if (json !== null && typeof json === 'object' && !Array.isArray(json) && 'ops' in json && !('impl' in json)) return replayView(parseScenario(json, file), file);
  return snapshotView(json, file);
}

export const command: CommandModule = {
  register(program: Command, io) {
    program
      .command('view')
      .description("a map's memory (snapshot, scenario replay, core dump, live process) or layout as one self-contained HTML page")
      .argument('[file]', 'a snapshot (`mapscope sim --json` format, docs/json.md; .gz accepted) or a scenario (docs/scenario.md), replayed step by step')
      .option('--core <file>', 'a core dump (with --binary, the executable that wrote it)')
      .option('--binary <file>', 'the executable the core dump came from')
      .option('--pid <n>', 'a running Go process (Linux; reads /proc/N/mem)')
      .option('--freeze', 'with --pid: stop the process only while its memory is copied, then draw the copy (a watchdog resumes it even if mapscope is killed)')
      .option('--max-pause <duration>', `with --freeze: never keep the process stopped longer than this (default ${DEFAULT_MAX_PAUSE})`)
      .option('--map <name>', 'with --core/--pid: the map held by this global variable (e.g. main.cache)', (v: string, a: string[] | undefined) => [...(a ?? []), v])
      .option('--addr <hex>', 'with --core/--pid: the map whose header is at this address')
      .option('--type <type>', 'with --addr: the map type, when the binary has no DWARF')
      .option('--all-globals', "with --core/--pid: also look through the standard library's and runtime's globals")
      .option('--max-maps <n>', 'with --core/--pid: stop discovering maps after this many', '10000')
      .option('-o, --output <file>', 'the HTML file to write', 'mapscope-view.html')
      .option('--layout <type>', "draw the bucket/group layout of a map type, e.g. 'map[string]int'")
      .option('--go <versions>', 'with --layout: Go version(s), comma-separated', DEFAULT_GO)
      .option('--arch <goarchs>', `with --layout: GOARCH(es), comma-separated (${ARCH_NAMES.join(', ')})`, 'amd64')
      .addOption(new Option('--experiment <name>', 'with --layout: GOEXPERIMENT for Go 1.24–1.25 (noswissmap)'))
      .option('--open', 'open the written page in the default browser (xdg-open, open, start)')
      .addHelpText(
        'after',
        `
Examples:
  mapscope view m.json -o m.html             # m.json from: mapscope sim scenario.json --json > m.json
  mapscope view scenario.json -o replay.html # step through the scenario: growth, evacuation, splits
  mapscope view --core core.1234 --binary ./server --map main.cache -o cache.html
  mapscope view --pid 4242 --freeze --map main.cache -o cache.html
  mapscope view --layout 'map[string]int' --go 1.23,1.24 --arch amd64,arm64 -o layout.html

The page needs no server and no network: open it in any browser or attach it to a ticket.
With --core or --pid, one map is drawn: choose it with --map or --addr when the
program has several. A live process is only read (with --freeze, stopped while
its memory is copied, never longer than --max-pause) and always resumed.
Slots are coloured by state and lettered (F full, E empty, R emptyRest, D deleted,
X/Y evacuated, Z evacuatedEmpty); Tab then arrow keys (Home, End, Page Up/Down) move between slots.
Exit 0 when written, 2 for bad input (nothing is written).`,
      )
      .action((snapshot: string | undefined, opts: Opts) => {
        let data: ViewData;
        let title: string;
        const kinds = [snapshot !== undefined, opts.layout !== undefined, opts.core !== undefined, opts.pid !== undefined].filter(Boolean).length;
        if (kinds > 1) throw new UsageError('give one of: a snapshot or scenario file, --layout, --core with --binary, --pid');
        if (opts.core === undefined && opts.binary !== undefined) throw new UsageError('--binary applies to --core');
        if (opts.pid === undefined && (opts.freeze || opts.maxPause !== undefined)) throw new UsageError('--freeze and --max-pause apply to --pid');
        if (opts.core === undefined && opts.pid === undefined && (opts.map?.length || opts.addr !== undefined || opts.type !== undefined || opts.allGlobals)) throw new UsageError('--map, --addr, --type and --all-globals apply to --core and --pid');
        if (opts.core !== undefined || opts.pid !== undefined) {
          data = opts.core !== undefined ? coreView(opts, io) : liveView(opts, io);
          title = `mapscope view: ${data.name} ${data.type} (${data.target})`;
        } else if (opts.layout !== undefined) {
          // A target the compiler rejects the type on is named among the differences, not drawn.
          const all = layoutsFor(opts.layout, splitList(opts.go, '--go'), splitList(opts.arch, '--arch'), opts.experiment);
          const failed = all.filter(isFailed).map((f) => `Go ${f.go} ${f.arch}${f.experiment ? ' ' + f.experiment : ''}: ${f.error}`);
          data = layoutView(opts.layout, all.filter((l): l is Exclude<typeof l, FailedTarget> => !isFailed(l)), failed);
          title = `mapscope view: layout of ${opts.layout}`;
        } else {
          if (snapshot === undefined) throw new UsageError('give a snapshot or scenario file, --layout TYPE, --core with --binary, or --pid (see mapscope view --help)');
          const v = fileView(snapshot, readSnapshot(snapshot));
          title = `mapscope view: ${v.kind === 'replay' ? `replay of ${basename(snapshot)}, ` : ''}${v.type} (${v.target})`;
          data = v;
        }
        writeReport(opts.output!, renderHtml(data, title));
        io.err(`wrote ${opts.output}`);
        if (opts.open) openInBrowser(resolve(opts.output!), io);
      });
  },
};
