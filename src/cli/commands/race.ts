/**
 * `mapscope race <scenario.json> [--json] [--sample N --seed S] [--limit N]`:
 * two or more goroutines' operations on one map, interleaved at the
 * runtime's own steps, every interleaving classified as caught, benign or
 * corrupt (src/race, docs/race.md; JSON: docs/json.md "race").
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { InputError, LimitError, UsageError } from '../../base/errors.js';
import { parseRaceScenario, runRace, raceText, DEFAULT_LIMIT } from '../../race/index.js';
import type { CommandModule } from '../module.js';

function loadRaceScenario(file: string): ReturnType<typeof parseRaceScenario> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(file, undefined, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(file, undefined, `not valid JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  return parseRaceScenario(json, file);
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
      .option('--limit <n>', `most interleavings to enumerate without --sample (default ${DEFAULT_LIMIT})`)
      .addHelpText('after', `
Example scenario (two goroutines insert a different key into one map):
  {"go": "1.22", "type": "map[int64]int64", "hash": {"seeds": [1]},
   "setup": [["insert", 1, 10]],
   "goroutines": [[["insert", 2, 20]], [["insert", 3, 30]]]}

Examples:
  mapscope race insert2.json                      # every interleaving, counted and classified
  mapscope race insert2.json --json               # the counts, shares and witnesses as JSON
  mapscope race big.json --sample 10000 --seed 7  # a uniform sample, with Wilson 95% intervals

Exit status: 0 when the simulation ran (whatever it found), 2 for a bad scenario or
too many interleavings to enumerate without --sample.`)
      .action((file: string, opts: { json?: boolean; sample?: string; seed?: string; limit?: string }) => {
        const sample = count('--sample', opts.sample, 1, 10_000_000);
        const seed = count('--seed', opts.seed, 0, Number.MAX_SAFE_INTEGER);
        if (seed !== undefined && sample === undefined) throw new UsageError('race: --seed goes with --sample');
        const limit = count('--limit', opts.limit, 1, 100_000_000) ?? DEFAULT_LIMIT;
        const sc = loadRaceScenario(file);
        let r;
        try {
          r = runRace(sc, {
            limit, sample, seed,
            progress: (n) => io.err(`mapscope race: ${n} interleavings classified…`),
          });
        } catch (e) {
          if (e instanceof LimitError) throw new InputError(file, undefined, e.message);
          throw e;
        }
        io.out(opts.json ? JSON.stringify(r, null, 2) : raceText(r));
      });
  },
};
