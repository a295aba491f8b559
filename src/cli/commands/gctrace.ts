/**
 * `mapscope gctrace LOG [--assist 25%] [--json]`
 *
 * Reads a GODEBUG=gctrace=1 log (src/profile/gctrace.ts) and prints one row
 * per GC cycle — wall-clock and CPU phases, the assist / background / idle
 * split of mark CPU, heap before → after → live and the goal, procs, forced —
 * then pause percentiles and the cycles whose assist share exceeds the
 * threshold. Exit 1 when any cycle does (a finding), 2 on a malformed line.
 */
import { statSync } from 'node:fs';
import type { Command } from 'commander';
import type { CommandModule } from '../module.js';
import type { CliIO } from '../io.js';
import { InputError, UsageError, EXIT_FINDING } from '../../base/errors.js';
import { renderTable } from '../../base/table.js';
import { chartsHtml, gcTimeline, stackSvg } from '../../view/charts.js';
import { writeReport } from '../../view/html.js';
import { readGctraceFile, summarise, type CycleList, type GctraceSummary } from '../../profile/gctrace.js';

/** Largest log read: 4 GiB would not fit a Buffer; a 1M-line log is about 150 MB. */
const MAX_LOG_BYTES = 2 ** 31 - 1;

interface Options {
  assist: string;
  json?: boolean;
  svg?: string;
  html?: string;
}

export const command: CommandModule = {
  register(program: Command, io: CliIO, setExit) {
    program
      .command('gctrace')
      .description('GC cycles of a GODEBUG=gctrace=1 log (Go 1.13–1.27): phases, assist share, heap and goal, pauses')
      .argument('<log>', 'a file holding the program\'s stderr; other lines are ignored')
      .option('--assist <share>', 'report cycles whose mark-assist share of mark CPU exceeds this (exit 1)', '25%')
      .option('--svg <file>', 'also draw the GC timeline: heap and goal over time, pauses, assist share')
      .option('--html <file>', 'the timeline in a self-contained page (no script, no network)')
      .option('--json', 'machine-readable output (see docs/json.md)')
      .addHelpText('after', `
Times are printed in milliseconds as the runtime printed them; pause = STW sweep
termination + STW mark termination wall-clock. Assist share = assist CPU /
(assist + background + idle mark CPU). Heap sizes are MiB, as the runtime prints.

Examples:
  mapscope gctrace gc.log                    # from: GODEBUG=gctrace=1 ./server 2> gc.log
  mapscope gctrace gc.log --assist 35% --json
  mapscope gctrace gc.log --html gc.html --svg gc.svg`)
      .action((log: string, opts: Options) => {
        const threshold = parseShare(opts.assist);
        let size: number;
        try {
          size = statSync(log).size;
        } catch {
          throw new InputError(log, undefined, 'cannot read file');
        }
        if (size > MAX_LOG_BYTES) throw new InputError(log, undefined, `larger than ${MAX_LOG_BYTES} bytes`);
        const cycles = readGctraceFile(log);
        if (cycles.length === 0) throw new InputError(log, undefined, 'no gctrace lines (was the program run with GODEBUG=gctrace=1?)');
        const summary = summarise(cycles, threshold);
        if (summary.overAssist.length > 0) setExit(EXIT_FINDING);
        if (opts.svg || opts.html) {
          const chart = gcTimeline(cycles, summary);
          if (opts.svg) writeReport(opts.svg, stackSvg([chart]));
          if (opts.html) writeReport(opts.html, chartsHtml(`mapscope gctrace: ${log.replace(/^.*\//, '')}`, summaryText(summary).trim().split('\n'), [chart]));
        }
        if (opts.json) {
          // Written in pieces: a million cycles would not fit one string.
          io.out(`{\n  "log": ${JSON.stringify(log)},\n  "cycles": [`);
          for (let i = 0; i < cycles.length; i += 10_000) {
            const part: string[] = [];
            for (let j = i; j < Math.min(cycles.length, i + 10_000); j++) part.push(`    ${JSON.stringify(cycles.at(j))}`);
            io.out(part.join(',\n') + (i + 10_000 < cycles.length ? ',' : ''));
          }
          io.out(`  ],\n  "summary": ${JSON.stringify(summary)}\n}`);
          return;
        }
        io.out(cycleTable(cycles) + '\n' + summaryText(summary));
      });
  },
};

/** "25%", "25" → 0.25. */
export function parseShare(s: string): number {
  const m = /^(\d{1,3}(?:\.\d+)?)%?$/.exec(s.trim());
  if (!m || Number(m[1]) > 100) throw new UsageError(`gctrace: --assist wants a percentage from 0 to 100 (like 25%), not "${s}"`);
  return Number(m[1]) / 100;
}

/** Microseconds → milliseconds for people, without float noise. */
export function ms(us: number): string {
  const whole = Math.floor(us / 1000);
  const frac = String(us % 1000).padStart(3, '0').replace(/0+$/, '');
  return frac === '' ? String(whole) : `${whole}.${frac}`;
}

function pct(x: number | null): string {
  return x === null ? '-' : (x * 100).toFixed(1);
}

/** Rows of the per-cycle table for people; --json carries every cycle. */
const MAX_ROWS = 500;

function cycleTable(cycles: CycleList): string {
  const first = [];
  for (let i = 0; i < Math.min(cycles.length, MAX_ROWS); i++) first.push(cycles.at(i)!);
  const rows = first.map((c) => [
    c.gc,
    (c.atMs / 1000).toFixed(3),
    `${ms(c.clock.sweepTermUs)}+${ms(c.clock.markUs)}+${ms(c.clock.markTermUs)}`,
    ms(c.pauseUs),
    `${ms(c.cpu.assistUs)}/${ms(c.cpu.backgroundUs)}/${ms(c.cpu.idleUs)}`,
    pct(c.assistShare),
    `${c.heap.beforeMB}->${c.heap.afterMB}->${c.heap.liveMB}`,
    c.heap.goalMB,
    c.procs,
    (c.forced ? 'forced' : '') + (c.leakCheck ? (c.forced ? ',' : '') + 'leak-check' : ''),
  ]);
  const table = renderTable(['gc', 'at s', 'clock ms (stw+mark+stw)', 'pause ms', 'mark cpu ms (assist/bg/idle)', 'assist %', 'heap MiB', 'goal MiB', 'P', ''], rows);
  return cycles.length > MAX_ROWS ? table + `… ${cycles.length - MAX_ROWS} more cycles (--json lists every one)\n` : table;
}

function summaryText(s: GctraceSummary): string {
  const lines = [
    `${s.cycles} cycles (${s.forced} forced) over ${(s.spanMs / 1000).toFixed(3)} s; heap peaked at ${s.heapMaxMB} MiB, goal at ${s.goalMaxMB} MiB`,
    `pause ms: p50 ${ms(s.pauseUs.p50)}, p90 ${ms(s.pauseUs.p90)}, p99 ${ms(s.pauseUs.p99)}, max ${ms(s.pauseUs.max)}, total ${ms(s.pauseUs.total)}`,
    `mark cpu ms: assist ${ms(s.cpuUs.assist)}, background ${ms(s.cpuUs.background)}, idle ${ms(s.cpuUs.idle)} (assist ${pct(s.assistShare)}%)`,
  ];
  const thr = `${+(s.assistThreshold * 100).toFixed(6)}%`;
  if (s.overAssist.length === 0) lines.push(`no cycle's assist share exceeds ${thr}`);
  else
    lines.push(
      `${s.overAssist.length} of ${s.cycles} cycles exceed ${thr} assist: ` +
        s.overAssist
          .slice(0, 20)
          .map((o) => `gc ${o.gc} (${pct(o.assistShare)}%)`)
          .join(', ') +
        (s.overAssist.length > 20 ? ', …' : ''),
    );
  return lines.join('\n') + '\n';
}
