/**
 * `mapscope race <scenario.json> [--json] [--sample N --seed S] [--limit N] [--weak]`:
 * two or more goroutines' operations on one map, interleaved at the
 * runtime's own steps, every interleaving classified as caught, benign or
 * corrupt (src/race, docs/race.md; JSON: docs/json.md "race").
 */
import type { Command } from 'commander';
import { InputError, LimitError, UsageError } from '../../base/errors.js';
import { parseRaceScenario, runRace, raceText, DEFAULT_LIMIT } from '../../race/index.js';
import { measureRace } from '../../race/measure.js';
import { measuredText } from '../../race/measurereport.js';
import type { CommandModule } from '../module.js';
import { readJsonFile } from '../jsonfile.js';

function loadRaceScenario(file: string): ReturnType<typeof parseRaceScenario> {
  return parseRaceScenario(readJsonFile(file), file);
}

function count(name: string, v: string | undefined, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new UsageError(`race: ${name} expects an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
  return Number(v);
}

export const command: CommandModule = {
  register(program: Command, io) {
    program
      .command('race')
      .description("interleave goroutines' unlocked map operations at the runtime's own steps: caught, benign or corrupt")
      .argument('<scenario>', 'a race scenario: sim\'s format plus "setup" and "goroutines" (docs/race.md)')
      .option('--json', 'machine-readable output (docs/json.md "race")')
      .option('--sample <n>', 'draw n interleavings uniformly instead of enumerating them all')
      .option('--seed <s>', 'seed of the sampler (default 1)')
      .option('--weak', 'also run the scenario as an AArch64 litmus test under SC and ARMv8 (two goroutines, one op each, on one bucket or small group: two updates of a present key, two inserts of new integer keys, an insert or a delete with a lookup of its key (an insert of a short string key too), a delete with an insert): which outcomes exist only on arm64')
      .option('--limit <n>', `most interleavings to enumerate without --sample (default ${DEFAULT_LIMIT})`)
      .option('--measure', 'also run the goroutines on a real Go map, many times, and put the measured shares beside (docs/race.md "Measured on real Go")')
      .option('--runs <n>', 'with --measure: runs on real Go (default 1000)')
      .option('--go <path>', 'with --measure: the go command of the scenario\'s release (default: go on PATH)')
      .addHelpText('after', `
Example scenario, update.json (two goroutines assign to the key the setup inserted):
  {"go": "1.22", "type": "map[int64]int64", "hash": {"seeds": [1]},
   "setup": [["insert", 1, 10]],
   "goroutines": [[["insert", 1, 20]], [["insert", 1, 30]]]}
With "goroutines": [[["insert", 2, 20]], [["insert", 3, 30]]] (new keys), newkeys.json; with
"setup": [["insert", 1, 10], ["insert", 3, 30]] and "goroutines": [[["delete", 1]], [["insert", 2, 20]]],
delins.json.

Examples:
  mapscope race update.json                           # all 48620 interleavings, counted and classified
  mapscope race update.json --json                    # the counts, shares and witnesses as JSON
  mapscope race newkeys.json --sample 2000 --seed 3   # 40116600 interleavings: a uniform sample, Wilson 95%
  mapscope race update.json --weak                    # and the outcomes under ARMv8 (src/litmus's model)
  mapscope race newkeys.json --weak --sample 100      # new keys under ARMv8 (a minute of CPU)
  mapscope race delins.json --weak --sample 100       # delete(m, 1) racing m[2] = 20: the elem zeroed on arm64 only
  mapscope race update.json --measure --runs 5000 --go ~/go1.22/bin/go   # simulated beside measured on real Go

Exit status: 0 when the simulation ran (whatever it found), 2 for a bad scenario or
too many interleavings to enumerate without --sample.`)
      .action(async (file: string, opts: { json?: boolean; sample?: string; seed?: string; limit?: string; weak?: boolean; measure?: boolean; runs?: string; go?: string }) => {
        if (!opts.measure && (opts.runs !== undefined || opts.go !== undefined)) throw new UsageError('race: --runs and --go go with --measure');
        const sample = count('--sample', opts.sample, 1, 10_000_000);
        const seed = count('--seed', opts.seed, 0, Number.MAX_SAFE_INTEGER);
        if (seed !== undefined && sample === undefined) throw new UsageError('race: --seed goes with --sample');
        const limit = count('--limit', opts.limit, 1, 100_000_000) ?? DEFAULT_LIMIT;
        const sc = loadRaceScenario(file);
        let r;
        try {
          r = runRace(sc, {
            limit, sample, seed, weak: opts.weak,
            progress: (n) => io.err(`mapscope race: ${n} interleavings classified…`),
          });
        } catch (e) {
          if (e instanceof LimitError) throw new InputError(file, undefined, e.message);
          throw e;
        }
        const b = sc.base;
        const measured = !opts.measure ? undefined : await measureRace({
          scenarioFile: file, goText: b.goText, arch: b.arch.name, experiment: b.experiment || undefined, type: r.scenario.type,
          runs: count('--runs', opts.runs, 1, 10_000_000) ?? 1000, go: opts.go, cores: 10, progress: (l) => io.err(`mapscope race: ${l}`),
        });
        if (opts.json) io.out(JSON.stringify(measured ? { ...r, measured } : r, null, 2));
        else io.out(measured ? `${raceText(r)}\n\n${measuredText(measured, r)}` : raceText(r));
      });
  },
};
