/**
 * `mapscope profile PROFILE [--json] [--top N]`
 *
 * What Go map code costs in a pprof profile (src/profile): the total, each
 * family of map work (hash, lookup, insert, delete, growth, iteration, clear,
 * make, clone) flat and cumulative, the runtime map functions with pprof's own
 * flat/cum figures, and the call sites that lead into map code.
 */
import { readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import type { CommandModule } from '../module.js';
import type { CliIO } from '../io.js';
import { InputError, UsageError } from '../../base/errors.js';
import { renderTable } from '../../base/table.js';
import { decodeProfile } from '../../profile/pprof.js';
import { mapCost, type MapCost } from '../../profile/mapcost.js';

/** Largest profile file read. */
const MAX_FILE_BYTES = 1 << 30;

interface Options {
  json?: boolean;
  top: string;
}

export const command: CommandModule = {
  register(program: Command, io: CliIO) {
    program
      .command('profile')
      .description('map cost in a pprof profile (CPU, heap, allocs): per family, per runtime map function, per call site')
      .argument('<profile>', 'a pprof profile (.pb.gz or uncompressed protobuf)')
      .option('--top <n>', 'rows of the function and call-site tables', '20')
      .option('--json', 'machine-readable output, every row (see docs/json.md)')
      .addHelpText('after', `
Families: hash, lookup, insert, delete, growth (hashGrow/growWork/evacuate; Swiss table
grow/split/rehash), iteration, clear, make, clone, other. Flat = the sample's leaf frame is
map code of that family; cum = map code of that family is anywhere on the stack. A call site
is the first frame outside the runtime on the way into map code.

Examples:
  mapscope profile cpu.pb.gz                 # from: go test -cpuprofile cpu.pb.gz ./...
  mapscope profile heap.pb.gz --json --top 50   # from: curl -o heap.pb.gz http://localhost:6060/debug/pprof/allocs`)
      .action((file: string, opts: Options) => {
        const top = Number(opts.top);
        if (!Number.isInteger(top) || top < 1) throw new UsageError(`profile: --top wants a positive integer, not "${opts.top}"`);
        let size: number;
        try {
          size = statSync(file).size;
        } catch {
          throw new InputError(file, undefined, 'cannot read file');
        }
        if (size > MAX_FILE_BYTES) throw new InputError(file, undefined, `larger than ${MAX_FILE_BYTES} bytes`);
        const cost = mapCost(decodeProfile(readFileSync(file), file));
        if (opts.json) {
          io.out(JSON.stringify({ file, ...cost }, null, 2));
          return;
        }
        io.out(render(cost, top));
      });
  },
};

/** The value people read first: CPU time, or bytes allocated. */
function primary(c: MapCost): number {
  const want = c.kind === 'cpu' ? 'cpu' : 'alloc_space';
  const i = c.sampleTypes.findIndex((t) => t.type === want);
  return i >= 0 ? i : c.sampleTypes.length - 1;
}

function fmt(v: number, unit: string): string {
  if (unit === 'nanoseconds') return `${(v / 1e6).toFixed(2)}ms`;
  if (unit === 'bytes') return v >= 1 << 20 ? `${(v / (1 << 20)).toFixed(2)}MiB` : v >= 1024 ? `${(v / 1024).toFixed(2)}KiB` : `${v}B`;
  return String(v);
}

function render(c: MapCost, top: number): string {
  const p = primary(c);
  const unit = c.sampleTypes[p].unit;
  const pct = (v: number) => (c.total[p] === 0 ? '0.0' : ((100 * v) / c.total[p]).toFixed(1));
  const out: string[] = [];
  out.push(`${c.kind} profile; sample types: ${c.sampleTypes.map((t) => `${t.type}/${t.unit}`).join(', ')}`);
  out.push(
    `total ${c.sampleTypes.map((t, i) => `${fmt(c.total[i], t.unit)} ${t.type}`).join(', ')}; ` +
      `map code on the stack: ${fmt(c.map[p], unit)} (${pct(c.map[p])}% of ${c.sampleTypes[p].type})\n`,
  );
  out.push(
    renderTable(
      ['family', 'flat', 'flat%', 'cum', 'cum%'],
      c.families.map((f) => [f.family, fmt(f.flat[p], unit), pct(f.flat[p]), fmt(f.cum[p], unit), pct(f.cum[p])]),
    ),
  );
  out.push(
    renderTable(
      ['flat', 'flat%', 'cum', 'cum%', 'family', 'runtime map function'],
      c.functions.slice(0, top).map((f) => [fmt(f.flat[p], unit), pct(f.flat[p]), fmt(f.cum[p], unit), pct(f.cum[p]), f.family, f.name]),
    ),
  );
  out.push(
    renderTable(
      ['value', '%', 'op', 'call site'],
      c.callSites.slice(0, top).map((s) => [fmt(s.values[p], unit), pct(s.values[p]), s.op, `${s.function} ${s.file}:${s.line}`]),
    ),
  );
  return out.join('\n');
}
