/**
 * `mapscope view`: a map's memory or layout as one self-contained HTML page.
 *
 *   mapscope view SNAPSHOT.json [-o report.html]                  a `mapscope sim --json` snapshot, classic or Swiss
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
import { snapshotView } from '../../view/memory.js';
import { layoutView } from '../../view/layout.js';
import { renderHtml, writeReport } from '../../view/html.js';
import type { ViewData } from '../../view/data.js';
import type { CommandModule } from '../module.js';
import { DEFAULT_GO, layoutsFor, splitList } from './layout.js';
import { isFailed, type FailedTarget } from '../../layout/report.js';
import { ARCH_NAMES } from '../../model/arch.js';

interface Opts {
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

export const command: CommandModule = {
  register(program: Command, io) {
    program
      .command('view')
      .description("a map's memory (from a snapshot) or layout as one self-contained HTML page")
      .argument('[snapshot]', 'a snapshot JSON file (`mapscope sim --json` format, docs/json.md; .gz accepted)')
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
  mapscope view --layout 'map[string]int' --go 1.23,1.24 --arch amd64,arm64 -o layout.html

The page needs no server and no network: open it in any browser or attach it to a ticket.
Slots are coloured by state and lettered (F full, E empty, R emptyRest, D deleted,
X/Y evacuated, Z evacuatedEmpty); Tab then arrow keys move between slots.
Exit 0 when written, 2 for bad input (nothing is written).`,
      )
      .action((snapshot: string | undefined, opts: Opts) => {
        let data: ViewData;
        let title: string;
        if (opts.layout !== undefined) {
          if (snapshot !== undefined) throw new UsageError('give a snapshot or --layout, not both');
          // A target the compiler rejects the type on is named among the differences, not drawn.
          const all = layoutsFor(opts.layout, splitList(opts.go, '--go'), splitList(opts.arch, '--arch'), opts.experiment);
          const failed = all.filter(isFailed).map((f) => `Go ${f.go} ${f.arch}${f.experiment ? ' ' + f.experiment : ''}: ${f.error}`);
          data = layoutView(opts.layout, all.filter((l): l is Exclude<typeof l, FailedTarget> => !isFailed(l)), failed);
          title = `mapscope view: layout of ${opts.layout}`;
        } else {
          if (snapshot === undefined) throw new UsageError('give a snapshot file or --layout TYPE (see mapscope view --help)');
          data = snapshotView(readSnapshot(snapshot), snapshot);
          title = `mapscope view: ${data.type} (${data.target})`;
        }
        writeReport(opts.output!, renderHtml(data, title));
        io.err(`wrote ${opts.output}`);
        if (opts.open) openInBrowser(resolve(opts.output!), io);
      });
  },
};
