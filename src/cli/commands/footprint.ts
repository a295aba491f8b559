/**
 * `mapscope footprint 'map[K]V' [--entries N | N,N,… | 1e3..1e8] [--go …]
 * [--arch …] [--experiment …] [--seeds N] [--json] [--svg out.svg]`
 *
 * The heap bytes a map holds at each size, per target, from the engines
 * (src/footprint). Progress on stderr for long runs.
 */
import { writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { UsageError } from '../../base/errors.js';
import { ARCH_NAMES } from '../../model/arch.js';
import { measure, summarize, parseEntries, targetReport, comparisonReport, footprintSvg, type TargetFootprint } from '../../footprint/index.js';
import { DEFAULT_GO, splitList } from './layout.js';
import type { CommandModule } from '../module.js';

export const command: CommandModule = {
  register(program: Command, io) {
    program
      .command('footprint')
      .description('heap bytes a map holds at each size (size classes, growth, spread over seeds) per Go version and GOARCH')
      .argument('<type>', "a Go map type, e.g. 'map[string]int64'")
      .option('--entries <sizes>', 'a size, a list (1000,50000) or powers of ten (1e3..1e7)', '1e3..1e6')
      .option('--go <versions>', 'Go version(s), comma-separated', DEFAULT_GO)
      .option('--arch <goarchs>', `GOARCH(es), comma-separated (${ARCH_NAMES.join(', ')})`, 'amd64')
      .addOption(new Option('--experiment <name>', 'GOEXPERIMENT for Go 1.24–1.25 (noswissmap builds classic maps)'))
      .option('--seeds <n>', 'runs with different map seeds and hash keys (hash.prngSeed 1..n)', '3')
      .option('--json', 'machine output (docs/json.md#footprint)')
      .option('--svg <file>', 'also write a plot of bytes against entries (log scales), one line per target')
      .addHelpText('after', `
Each size is measured on the engine of the target, grown key by key as the
runtime grows the map; bytes are the objects reachable from the map header,
each at its malloc size class (MemStats.HeapAlloc's measure). Keys are 0..N-1
in the key type's terms (strings: "0", "1", …).

Examples:
  mapscope footprint 'map[int64]int64' --entries 1e3..1e6
  mapscope footprint 'map[string]*int' --entries 1000000 --go 1.23,1.24 --arch amd64,arm64
  mapscope footprint 'map[int64][20]int64' --entries 1e4,1e5 --json --svg big.svg`)
      .action((type: string, opts: { entries: string; go: string; arch: string; experiment?: string; seeds: string; json?: boolean; svg?: string }) => {
        const sizes = parseEntries(opts.entries);
        const nSeeds = Number(opts.seeds);
        if (!Number.isInteger(nSeeds) || nSeeds < 1 || nSeeds > 100) throw new UsageError('--seeds: a whole number from 1 to 100');
        const targets = splitList(opts.go, '--go').flatMap((go) => splitList(opts.arch, '--arch').map((arch) => ({ go, arch, experiment: opts.experiment })));
        const hashes = Array.from({ length: nSeeds }, (_, i) => ({ mode: 'fallback' as const, prngSeed: i + 1 }));
        const max = sizes[sizes.length - 1];
        const started = Date.now();
        let lastNote = 0;
        const out: TargetFootprint[] = [];
        for (const t of targets) {
          let run = 0;
          const r = measure(type, t, {
            sizes,
            hashes,
            progress: (done) => {
              if (done === 0) run++;
              const now = Date.now();
              if (now - started > 1000 && now - lastNote > (io.errIsTTY ? 250 : 10_000)) {
                lastNote = now;
                io.err(`footprint: go${t.go}/${t.arch} seed ${run}/${nSeeds}: ${done}/${max} entries`);
              }
            },
          });
          out.push(summarize(r));
        }
        if (opts.svg) writeFileSync(opts.svg, footprintSvg(type, out));
        if (opts.json) io.out(JSON.stringify({ type, targets: out }, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2));
        else io.out(out.length === 1 ? targetReport(type, out[0]) : comparisonReport(type, out));
      });
  },
};
