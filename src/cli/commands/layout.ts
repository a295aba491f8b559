/**
 * `mapscope layout <type> [--go V,...] [--arch A,...] [--experiment noswissmap] [--json]`
 *
 * One target: the bucket or group with every field's offset, size, alignment,
 * padding and cache lines, the headers and the descriptor. Several targets
 * (lists in --go/--arch): a side-by-side comparison saying what differs.
 */
import { Option, type Command } from 'commander';
import { layoutOf, target, type MapLayout } from '../../layout/index.js';
import { layoutReport, comparisonReport } from '../../layout/report.js';
import { NEWEST_MINOR } from '../../model/goversion.js';
import { ARCH_NAMES, CACHE_LINE_SIZES } from '../../model/arch.js';
import { UsageError } from '../../base/errors.js';
import type { CommandModule } from './index.js';

export const DEFAULT_GO = `1.${NEWEST_MINOR}`;

export function splitList(value: string, option: string): string[] {
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new UsageError(`${option} needs at least one value`);
  return items;
}

/** Every (go, arch) pair in the order given, go varying slowest. */
export function layoutsFor(type: string, gos: string[], arches: string[], experiment?: string, cacheLine?: string): MapLayout[] {
  const out: MapLayout[] = [];
  for (const go of gos) for (const arch of arches) out.push(layoutOf(type, target(go, arch, experiment, cacheLine)));
  return out;
}

export const command: CommandModule = {
  register(program: Command, io) {
    program
      .command('layout')
      .description('the exact bucket/group layout of a map type for Go versions and GOARCHes')
      .argument('<type>', "a Go map type, e.g. 'map[string]int' or 'map[struct{a int8; b int64}][]string'")
      .option('--go <versions>', 'Go version(s), comma-separated', DEFAULT_GO)
      .option('--arch <goarchs>', `GOARCH(es), comma-separated (${ARCH_NAMES.join(', ')})`, 'amd64')
      .addOption(new Option('--experiment <name>', 'GOEXPERIMENT for Go 1.24–1.25 (noswissmap builds classic maps)'))
      .addOption(new Option('--cache-line <bytes>', `the cache line size for the cache-line figures (${CACHE_LINE_SIZES.join(', ')}); default what Go pads to on the GOARCH`))
      .option('--json', 'machine output (docs/json.md#layout)')
      .addHelpText('after', `
Examples:
  mapscope layout 'map[string]int' --go 1.23,1.24 --arch amd64,arm64
  mapscope layout 'map[[16]byte]*T' --arch 386
  mapscope layout 'map[int64]struct{}' --go 1.24 --experiment noswissmap --json
  mapscope layout 'map[string]int' --arch arm64 --cache-line 64     # Graviton's 64-byte lines, not Go's 128 pad

Cache lines: Go pads to internal/cpu.CacheLinePadSize (64 on x86, 128 on arm64 since Go 1.20, 32 on
arm and mips); hardware can differ: Arm Neoverse (AWS Graviton) has 64-byte lines, Apple M-series 128.`)
      .action((type: string, opts: { go: string; arch: string; experiment?: string; cacheLine?: string; json?: boolean }) => {
        const layouts = layoutsFor(type, splitList(opts.go, '--go'), splitList(opts.arch, '--arch'), opts.experiment, opts.cacheLine);
        if (opts.json) io.out(JSON.stringify(layouts, null, 2));
        else if (layouts.length === 1) io.out(layoutReport(layouts[0]));
        else io.out(comparisonReport(layouts));
      });
  },
};
