/**
 * `mapscope sim <scenario.json> [--json] [--trace]`: replays a scenario
 * (docs/scenario.md) on the engine of its Go version and prints the map's
 * final state: drawn for people, or the snapshot (docs/json.md, "sim").
 */
import type { Command } from 'commander';
import { InputError, LimitError } from '../../base/errors.js';
import { parseScenario } from '../../engine/scenario.js';
import { engineFor, opText } from '../../engine/index.js';
import type { CommandModule } from '../module.js';
import { readJsonFile } from '../jsonfile.js';
import { writeJson } from '../../base/json.js';

export function loadScenario(file: string): ReturnType<typeof parseScenario> {
  return parseScenario(readJsonFile(file), file);
}

export const command: CommandModule = {
  register(program: Command, io) {
    program
      .command('sim')
      .description("replay a map's life (make, inserts, deletes, clear) byte for byte as the Go runtime would")
      .argument('<scenario>', 'a scenario file (docs/scenario.md)')
      .option('--json', 'print the final snapshot (docs/json.md: sim classic / Swiss snapshot)')
      .option('--trace', 'show what each operation did (slot chosen, grows, evacuations)')
      .addHelpText('after', `
Example scenario:
  {"go": "1.23", "arch": "amd64", "type": "map[int64]int64",
   "ops": [["insert", 1, 10], ["insert", 2, 20], ["delete", 1], ["lookup", 2]]}

Examples:
  mapscope sim scenario.json                 # the final buckets or groups, drawn
  mapscope sim scenario.json --trace         # what each operation did
  mapscope sim scenario.json --json > snap.json && mapscope check snap.json`)
      .action((file: string, opts: { json?: boolean; trace?: boolean }) => {
        const sc = loadScenario(file);
        // The implementation follows from the scenario's Go version and experiment.
        const engine = engineFor(sc.impl);
        let r;
        try {
          r = engine.simulate(sc, { trace: opts.trace });
        } catch (e) {
          if (e instanceof LimitError) throw new InputError(file, undefined, e.message);
          throw e;
        }
        if (!sc.hash.seeds) {
          const drawn = r.snapshot.hash.seeds;
          io.err(`mapscope: seeds drawn by the PRNG (prngSeed ${sc.hash.prngSeed ?? 1}): ${JSON.stringify(drawn)}; put real ones in hash.seeds to replay a real run`);
        }
        const rand = (r.snapshot.hash as { rand?: string }).rand;
        if (rand !== undefined && sc.hash.rand === undefined) {
          io.err(`mapscope: the map reached B ≥ 16, where incrnoverflow flips the runtime's per-thread coin; modelled with hash.rand ${rand} (drawn by the PRNG). header.noverflow depends on it (docs/scenario.md)`);
        }
        if (opts.trace) {
          const byOp = new Map<number, string[]>();
          for (const t of r.trace) byOp.set(t.op, [...(byOp.get(t.op) ?? []), t.text]);
          const lines: string[] = [];
          for (const t of byOp.get(-1) ?? []) lines.push(`make  ${t}`);
          sc.ops.forEach((op, i) => {
            lines.push(opText(op, i));
            for (const t of byOp.get(i) ?? []) lines.push(`    ${t}`);
          });
          (opts.json ? io.err : io.out)(lines.join('\n'));
        }
        // Written in pieces: a snapshot of 10^7 entries is longer than the longest string V8 makes.
        if (opts.json) writeJson(r.snapshot, (t) => io.out(t));
        else io.out((opts.trace ? '\n' : '') + engine.draw(r.snapshot));
      });
  },
};
