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
import { attributeTypes, type TypeAttribution } from '../../profile/maptypes.js';
import { openProgram } from '../../disasm/program.js';
import { findSites } from '../../disasm/sites.js';
import { chartsHtml, profileCharts, stackSvg } from '../../view/charts.js';
import { writeReport } from '../../view/html.js';

/** Largest profile file read. */
const MAX_FILE_BYTES = 1 << 30;

interface Options {
  json?: boolean;
  binary?: string;
  svg?: string;
  html?: string;
  top: string;
}

export const command: CommandModule = {
  register(program: Command, io: CliIO) {
    program
      .command('profile')
      .description('map cost in a pprof profile (CPU, heap, allocs): per family, per runtime map function, per call site')
      .argument('<profile>', 'a pprof profile (.pb.gz or uncompressed protobuf)')
      .option('--top <n>', 'rows of the function and call-site tables', '20')
      .option('--binary <app>', 'the executable the profile was taken of: cost by map type (call sites as `mapscope disasm --sites` finds them)')
      .option('--svg <file>', 'also draw the cost as a bar chart: per family, and per map type with --binary')
      .option('--html <file>', 'the same charts in a self-contained page (no script, no network)')
      .option('--json', 'machine-readable output, every row (see docs/json.md)')
      .addHelpText('after', `
Families: hash, lookup, insert, delete, growth (hashGrow/growWork/evacuate; Swiss table
grow/split/rehash), iteration, clear, make, clone, other. Flat = the sample's leaf frame is
map code of that family; cum = map code of that family is anywhere on the stack. A call site
is the first frame outside the runtime on the way into map code.

--binary APP ties each sample to the map call site it passed through (the location whose
address lies in the CALL into the runtime) and so to the map type that call passes. Samples
whose site has no known type (makemap_small, types passed in from elsewhere) are counted as
unattributed, with the reason. In heap/allocs profiles runtime/pprof hides the runtime's own
frames, so a sample's leaf is the call into map code: its op tells creation (make) from
growth (assign). A binary the profile was not taken of is refused (exit 2).

Examples:
  mapscope profile cpu.pb.gz                 # from: go test -cpuprofile cpu.pb.gz ./...
  mapscope profile heap.pb.gz --json --top 50   # from: curl -o heap.pb.gz http://localhost:6060/debug/pprof/allocs
  mapscope profile cpu.pb.gz --binary ./app     # by map type
  mapscope profile cpu.pb.gz --binary ./app --html cost.html --svg cost.svg`)
      .action(async (file: string, opts: Options) => {
        const top = Number(opts.top);
        if (!Number.isInteger(top) || top < 1) throw new UsageError(`profile: --top wants a positive integer, not "${opts.top}"`);
        let size: number;
        try {
          size = statSync(file).size;
        } catch {
          throw new InputError(file, undefined, 'cannot read file');
        }
        if (size > MAX_FILE_BYTES) throw new InputError(file, undefined, `larger than ${MAX_FILE_BYTES} bytes`);
        const profile = decodeProfile(readFileSync(file), file);
        const cost = mapCost(profile);
        let types: TypeAttribution | undefined;
        if (opts.binary) {
          const bin = opts.binary;
          let data: Buffer;
          try {
            data = readFileSync(bin);
          } catch {
            throw new InputError(bin, undefined, 'cannot read file');
          }
          const prog = await openProgram(bin, data);
          const started = Date.now();
          const sites = findSites(prog, {
            progress: (d, n) => {
              if (Date.now() - started > 1000) io.err(`profile: call sites, ${d}/${n} functions`);
            },
          });
          types = attributeTypes(profile, prog, sites, file);
        }
        if (opts.svg || opts.html) {
          const charts = profileCharts(cost, types);
          if (opts.svg) writeReport(opts.svg, stackSvg(charts));
          if (opts.html) {
            const base = (f: string) => f.replace(/^.*\//, '');
            const meta = [`${base(file)}: ${cost.kind} profile, sample types ${cost.sampleTypes.map((t) => `${t.type}/${t.unit}`).join(', ')}`];
            if (types) meta.push(`map types from ${base(types.binary)} (${types.goVersion ?? '?'} ${types.goarch}, ${types.impl} maps)`);
            writeReport(opts.html, chartsHtml(`mapscope profile: map cost in ${base(file)}`, meta, charts));
          }
        }
        if (opts.json) {
          io.out(JSON.stringify({ file, ...cost, ...(types ? { byType: typesJSON(types) } : {}) }, null, 2));
          return;
        }
        io.out(render(cost, top));
        if (types) io.out(renderTypes(cost, types, top));
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

function typesJSON(t: TypeAttribution) {
  const hex = (a: number) => `0x${a.toString(16)}`;
  return { ...t, sites: t.sites.map((s) => ({ ...s, addr: hex(s.addr) })) };
}

function renderTypes(c: MapCost, t: TypeAttribution, top: number): string {
  const p = primary(c);
  const unit = c.sampleTypes[p].unit;
  const pct = (v: number) => (t.considered[p] === 0 ? '0.0' : ((100 * v) / t.considered[p]).toFixed(1));
  const out: string[] = [];
  const what = c.kind === 'heap' ? 'allocated by map code (leaf at a map call site) or with map code on the stack' : 'with map code on the stack';
  out.push(`by map type (${t.binary}: ${t.goVersion ?? '?'} ${t.goarch}, ${t.impl} maps): ${fmt(t.considered[p], unit)} ${what}, ` +
    `${fmt(t.attributed[p], unit)} (${pct(t.attributed[p])}%) attributed to a type\n`);
  const ops = (x: { op: string; values: number[] }[]) => byP(x).map((o) => `${o.op} ${pct(o.values[p])}%`).join(', ');
  const byP = <T extends { values: number[] }>(a: T[]) => [...a].sort((x, y) => y.values[p] - x.values[p]);
  out.push(renderTable(['value', '%', 'map type', 'by operation at the call site'], [
    ...byP(t.types).map((r) => [fmt(r.values[p], unit), pct(r.values[p]), r.mapType, ops(r.ops)]),
    ...byP(t.unattributed).map((u) => [fmt(u.values[p], unit), pct(u.values[p]), '(unattributed)', u.reason]),
  ]));
  out.push(renderTable(['value', '%', 'op', 'map type', 'call site'], byP(t.sites).slice(0, top).map((s) => [
    fmt(s.values[p], unit), pct(s.values[p]), s.path ? `${s.op}_${s.path}` : s.op, s.mapType ?? `? (${s.why ?? 'unknown'})`, `${s.func} ${s.file.replace(/^.*\//, '')}:${s.line}`,
  ])));
  return out.join('\n');
}
