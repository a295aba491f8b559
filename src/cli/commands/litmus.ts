/**
 * `mapscope litmus FILE|DIR... [--model sc|tso|aarch64] [--json]`
 * `mapscope litmus --scenario map-publish`
 *
 * Runs herd-format litmus tests under an axiomatic memory model (see
 * src/litmus/) and prints herd7's report for one test, a summary table for
 * several, or the map-publication table for a shipped scenario.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import type { CommandModule } from '../module.js';
import type { CliIO } from '../io.js';
import { InputError, UsageError } from '../../base/errors.js';
import { renderTable } from '../../base/table.js';
import { parseLitmus, MAX_SOURCE_BYTES } from '../../litmus/parse.js';
import { litmusFilesIn } from '../../litmus/files.js';
import { runTest, formatHerd, defaultModel, modelFits, MODELS, type LitmusResult, type ModelName } from '../../litmus/run.js';
import { runScenario, SCENARIOS, OUTCOMES, GO_NOTE, type ScenarioName, type ScenarioCell } from '../../litmus/scenarios.js';

interface Options {
  model?: string;
  json?: boolean;
  scenario?: string;
  herd?: boolean;
}

export const command: CommandModule = {
  register(program: Command, io: CliIO) {
    program
      .command('litmus')
      .description('check herd-format litmus tests (AArch64, X86, X86_64) under SC, x86-TSO or the ARMv8 model')
      .argument('[paths...]', '.litmus files or directories (searched recursively)')
      .option('--model <model>', 'sc, tso or aarch64 (default: aarch64 for AArch64 tests, tso for x86)')
      .option('--scenario <name>', `run a shipped scenario (${SCENARIOS.join(', ')}) and print its table`)
      .option('--herd', 'print herd7-style output for every test, not only for a single one')
      .option('--json', 'machine-readable output (see docs/json.md)')
      .addHelpText('after', `
A relative path that does not exist in the current directory is looked up among the files mapscope
ships (litmus/…), so the tour's examples work from any directory.

Examples:
  mapscope litmus litmus/map-publish/nobarrier+uninit.litmus          # herd7-style report
  mapscope litmus litmus/map-publish/ --model sc                      # a summary row per test
  mapscope litmus --scenario map-publish --json`)
      .action((paths: string[], opts: Options) => {
        if (opts.scenario !== undefined) return scenario(opts.scenario, opts, io);
        if (paths.length === 0) throw new UsageError('litmus: give .litmus files or directories, or --scenario map-publish');
        const model = parseModel(opts.model);
        const files = paths.flatMap(expand);
        if (files.length === 0) throw new UsageError(`litmus: no .litmus files in ${paths.join(' ')}`);
        const tests = files.map((f) => {
          let st;
          try {
            st = statSync(f);
          } catch {
            throw new InputError(f, undefined, 'cannot read file');
          }
          if (st.size > MAX_SOURCE_BYTES) throw new InputError(f, undefined, `larger than ${MAX_SOURCE_BYTES} bytes`);
          return parseLitmus(readFileSync(f, 'utf8'), f);
        });
        const results: LitmusResult[] = tests.map((t) => {
          const m = model ?? defaultModel(t.arch);
          if (!modelFits(t.arch, m)) throw new UsageError(`litmus: ${t.source}: model ${m} does not apply to ${t.arch} tests`);
          return runTest(t, m);
        });
        if (opts.json) {
          io.out(JSON.stringify(results.map(toJson), null, 2));
          return;
        }
        if (results.length === 1 || opts.herd) {
          io.out(results.map(formatHerd).join('\n'));
          return;
        }
        io.out(summaryTable(results));
      });
  },
};

function parseModel(m: string | undefined): ModelName | undefined {
  if (m === undefined) return undefined;
  if (!(m in MODELS)) throw new UsageError(`litmus: unknown model "${m}" (sc, tso, aarch64)`);
  return m as ModelName;
}

/** The package's root: shipped files (litmus/) live there, wherever mapscope is run from. */
const PACKAGE_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** `p` as given when it exists; else, when relative, the shipped file of that name. */
export function resolveShipped(p: string): string {
  if (existsSync(p) || isAbsolute(p)) return p;
  const shipped = join(PACKAGE_ROOT, p);
  return existsSync(shipped) ? shipped : p;
}

function expand(given: string): string[] {
  const p = resolveShipped(given);
  let st;
  try {
    st = statSync(p);
  } catch {
    throw new InputError(given, undefined, 'no such file or directory');
  }
  return st.isDirectory() ? litmusFilesIn(p) : [p];
}

export function toJson(r: LitmusResult) {
  return {
    name: r.name,
    file: r.source,
    arch: r.arch,
    model: r.model,
    verdict: r.verdict,
    observation: r.observation,
    kind: r.kind,
    condition: r.condition,
    ok: r.ok,
    states: r.states,
    witnesses: { positive: r.positive, negative: r.negative },
    loop: r.loop,
    flags: r.flags,
    candidates: r.stats.candidates,
    ms: Math.round(r.ms * 100) / 100,
  };
}

function summaryTable(results: LitmusResult[]): string {
  const rows = results.map((r) => [r.name, r.arch, r.model, r.verdict, r.observation, String(r.states.length), r.ok ? 'Ok' : 'No', r.ms.toFixed(1)]);
  const allowed = results.filter((r) => r.verdict === 'Allowed').length;
  return `${renderTable(['test', 'arch', 'model', 'verdict', 'observation', 'states', 'herd', 'ms'], rows).trimEnd()}\n\n${results.length} tests: ${allowed} Allowed, ${results.length - allowed} Forbidden`;
}

function scenario(name: string, opts: Options, io: CliIO): void {
  const sc = SCENARIOS.find((s) => s === name);
  if (!sc) throw new UsageError(`litmus: unknown scenario "${name}" (${SCENARIOS.join(', ')})`);
  if (opts.model !== undefined) throw new UsageError('litmus: --scenario runs every model that applies; drop --model');
  const cells = runScenario(sc as ScenarioName);
  if (opts.json) {
    io.out(JSON.stringify(cells.map((c) => ({ scenario: name, variant: c.variant, outcome: c.outcome, ...toJson(c.result) })), null, 2));
    return;
  }
  io.out(scenarioTable(cells));
  io.out('');
  io.out(GO_NOTE);
}

/** The scenario × model table, also printed by the tour. */
export function scenarioTable(cells: ScenarioCell[]): string {
  const keys = [...new Set(cells.map((c) => `${c.arch}\u0000${c.variant}\u0000${c.model}`))];
  const rows = keys.map((k) => {
    const [arch, variant, model] = k.split('\u0000');
    const cell = (o: keyof typeof OUTCOMES) => {
      const c = cells.find((x) => x.arch === arch && x.variant === variant && x.model === model && x.outcome === o);
      return c ? (c.result.verdict === 'Allowed' ? 'POSSIBLE' : 'impossible') : '-';
    };
    return [arch, variant, model, cell('stale-ptr'), cell('uninit')];
  });
  return `${renderTable(['arch', 'variant', 'model', OUTCOMES['stale-ptr'], OUTCOMES.uninit], rows).trimEnd()}\n\nEach cell is the verdict on litmus/map-publish/<variant>+<stale-ptr|uninit>.litmus.`;
}
