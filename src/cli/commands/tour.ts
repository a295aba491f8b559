/**
 * `mapscope tour`: the main job on a built-in default, and what `mapscope`
 * runs with no arguments. It lays out a set of everyday map types across the
 * Go versions and architectures where layouts change, and says in words what
 * changed at Go 1.24 and what differs between 64- and 32-bit targets.
 * Each capability adds a section: layouts, the engines, the checker, litmus.
 */
import type { Command } from 'commander';
import { layoutOf, target, paddingOf, type MapLayout } from '../../layout/index.js';
import { renderTable } from '../../base/table.js';
import type { CommandModule } from '../module.js';
import { scenarioTable } from './litmus.js';
import { runScenario, GO_NOTE } from '../../litmus/scenarios.js';
import { classicTourSection } from '../../engine/classic/tour.js';
import { swissTourSection } from '../../engine/swiss/index.js';
import { checkTourSection } from '../../check/tour.js';
import { tourViews } from '../../view/tour.js';
import { renderHtml, writeReport } from '../../view/html.js';

export const TOUR_TYPES = [
  'map[string]int',
  'map[int64]int64',
  'map[string]string',
  'map[string]struct{}',
  'map[int32]float64',
  'map[int]any',
  'map[[16]byte]*T',
  'map[string][]byte',
];

export const TOUR_TARGETS: [go: string, arch: string][] = [
  ['1.23', 'amd64'],
  ['1.24', 'amd64'],
  ['1.27', 'amd64'],
  ['1.27', 'arm64'],
  ['1.23', '386'],
  ['1.27', '386'],
];

const unitSize = (l: MapLayout) => (l.impl === 'classic' ? l.bucket.size : l.group.size);
const cell = (l: MapLayout) => (l.impl === 'classic' ? `bucket ${l.bucket.size}` : `group ${l.group.size}/slot ${l.group.slotSize}`);

export function tourLayouts(): MapLayout[][] {
  return TOUR_TYPES.map((type) => TOUR_TARGETS.map(([go, arch]) => layoutOf(type, target(go, arch))));
}

export function layoutTour(): string {
  const out: string[] = [];
  const grid = tourLayouts();
  out.push('1. Layouts of everyday map types (bytes per bucket of 8 slots, or per group of 8 slots)');
  out.push('');
  out.push(renderTable(['type', ...TOUR_TARGETS.map(([g, a]) => `${g}/${a}`)], grid.map((row, i) => [TOUR_TYPES[i], ...row.map(cell)]), '  '));
  out.push('  What changed at Go 1.24 (amd64), per type: bytes of bucket/group memory per slot, and what moved');
  const rows = grid.map((row, i) => {
    const [c, s] = [row[0], row[1]];
    if (c.impl !== 'classic' || s.impl !== 'swiss') throw new Error('tour targets must start with classic then Swiss');
    const keyAt = (slot: number) => `${c.bucket.fields[1].offset + slot * c.key.storedSize}->${s.group.fields[1].offset + slot * s.group.slotSize}`;
    return [
      TOUR_TYPES[i],
      (unitSize(c) / 8).toFixed(1),
      (unitSize(s) / 8).toFixed(1),
      `${c.descriptor.flags.value.toString(16)}->${s.descriptor.flags.value.toString(16)}`,
      keyAt(1),
      `${c.bucket.fields[2].offset + c.elem.storedSize}->${s.group.fields[1].offset + s.group.slotSize + s.group.elemOffset}`,
    ];
  });
  out.push(renderTable(['type', 'B/slot 1.23', 'B/slot 1.24', 'flags (hex)', 'key[1] at', 'elem[1] at'], rows, '  '));
  out.push('  Every offset moved: 1.23 stores 8 tophash bytes, then 8 keys, then 8 elems, then an overflow pointer;');
  out.push('  1.24 stores a control word, then 8 key/elem slots side by side. The descriptor changed shape and its');
  out.push('  flag bits were renumbered (classic: 1 indirect key, 2 indirect elem, 4 reflexive, 8 need key update,');
  out.push('  16 hash may panic; Swiss: 1 need key update, 2 hash may panic, 4 indirect key, 8 indirect elem), so');
  out.push('  code that reads maps through unsafe or linkname must be rewritten, not recompiled.');
  out.push('');
  out.push('  64-bit vs 32-bit (Go 1.27, amd64 vs 386):');
  grid.forEach((row, i) => {
    const [a, b] = [row[2], row[5]];
    if (a.impl !== 'swiss' || b.impl !== 'swiss') return;
    const pad = (l: typeof a) => paddingOf(l.group.slot);
    const notes: string[] = [`slot ${a.group.slotSize} vs ${b.group.slotSize}`];
    if (pad(a) !== pad(b)) notes.push(`padding per slot ${pad(a)} vs ${pad(b)}`);
    if (a.elem.align !== b.elem.align) notes.push(`elem aligned to ${a.elem.align} vs ${b.elem.align}`);
    out.push(`    ${TOUR_TYPES[i].padEnd(22)} ${notes.join('; ')}`);
  });
  out.push('  On 386 and arm, int64 and float64 are 4-aligned, so map[int32]float64 packs its slots with no padding;');
  out.push('  pointers, strings and interfaces halve. arm64 has the same layout as amd64; Go pads to 128-byte lines there');
  out.push('  (internal/cpu.CacheLinePadSize, for Apple M-series), but Neoverse/Graviton lines are 64: add --cache-line 64.');
  out.push('');
  out.push("  Any type, version or arch: mapscope layout 'map[K]V' --go 1.23,1.24 --arch amd64,386");
  return out.join('\n') + '\n';
}

/** The same map's life under the classic engine (Go 1.23) and the Swiss engine (Go 1.24). */
export function simTour(): string {
  const indent = (t: string) => t.replace(/^(?=.)/gm, '  ');
  return [
    '',
    "2. One map's life, replayed byte for byte as the runtime does it (mapscope sim)",
    '',
    indent(classicTourSection()).trimEnd(),
    '',
    indent(swissTourSection()).trimEnd(),
    '',
    '  Replay your own: mapscope sim scenario.json --trace   (format: docs/scenario.md)',
    '',
  ].join('\n');
}

/** What the memory models allow when a grower publishes a new bucket array to a racing reader. */
export function litmusTour(): string {
  const out: string[] = [];
  out.push('');
  out.push('4. Publishing a map\'s new buckets to a racing reader: what SC, x86-TSO and ARMv8 allow');
  out.push('   (herd-style axiomatic models; every cell is a shipped litmus file, checked like herd7)');
  out.push('');
  out.push(scenarioTable(runScenario('map-publish')).replace(/^/gm, '  '));
  out.push('');
  out.push(GO_NOTE.replace(/^/gm, '  '));
  out.push('');
  out.push('  Run one: mapscope litmus litmus/map-publish/nobarrier+uninit.litmus');
  return out.join('\n') + '\n';
}

/** Where to look at these maps instead of reading them. */
export function viewTour(written?: string): string {
  return [
    '',
    '5. Seeing a map (mapscope view)',
    '',
    written
      ? `  The maps above are in ${written}: step through their lives, hover a slot for its key and address.`
      : '  The maps above as a page to step through: mapscope tour --html tour.html',
    '  Any map: mapscope view snap.json | view scenario.json | view --core core.N --binary ./app --map main.m',
    '           mapscope view --pid N --freeze --map main.m | view --layout \'map[string]int\' --go 1.23,1.24',
    '',
  ].join('\n');
}

export const command: CommandModule = {
  register(program: Command, io) {
    program
      .command('tour')
      .description('the built-in default: what mapscope shows, on everyday map types (runs when no command is given)')
      .option('--html <file>', "also write the tour's maps to one self-contained HTML page (replays to step through, layouts)")
      .addHelpText('after', `
Examples:
  mapscope                 # the same as mapscope tour
  mapscope tour | less
  mapscope tour --html tour.html   # the tour's maps in the browser (mapscope view)`)
      .action((opts: { html?: string }) => {
        // The page first: a file that cannot be written is exit 2 before anything is printed.
        if (opts.html !== undefined) {
          writeReport(opts.html, renderHtml(tourViews(TOUR_TYPES, TOUR_TARGETS), 'mapscope tour: the maps of the tour'));
          io.err(`wrote ${opts.html}`);
        }
        io.out('mapscope tour: Go map internals across versions and architectures\n');
        io.out(layoutTour());
        io.out(simTour());
        io.out(checkTourSection());
        io.out(litmusTour());
        io.out(viewTour(opts.html));
      });
  },
};
