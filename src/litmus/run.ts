/**
 * Running a test under a model and summarising the allowed executions the
 * way herd7 does: the set of final states, Ok/No for the quantified
 * condition, the Positive/Negative witness counts, and the Observation
 * (Never/Sometimes/Always) of the proposition itself.
 */
import { InputError } from '../base/errors.js';
import type { Arch, LitmusTest } from './ast.js';
import { enumerate, type EnumStats } from './enumerate.js';
import { ExecError, DEFAULT_LIMITS, type ExecLimits } from './exec.js';
import { aarch64 } from './models/aarch64.js';
import type { Model } from './models/model.js';
import { sc } from './models/sc.js';
import { tso } from './models/tso.js';
import { evalProp, formatProp, formatState, observed, locKey, type FinalState } from './state.js';
import { ZERO } from './values.js';

export const MODELS: Record<string, Model> = { sc, tso, aarch64 };
export type ModelName = 'sc' | 'tso' | 'aarch64';

export function defaultModel(arch: Arch): ModelName {
  return arch === 'AArch64' ? 'aarch64' : 'tso';
}

/** Which models make sense for an architecture (herd refuses the others too). */
export function modelFits(arch: Arch, m: ModelName): boolean {
  return m === 'sc' || (m === 'aarch64') === (arch === 'AArch64');
}

export type Observation = 'Never' | 'Sometimes' | 'Always';

export interface LitmusResult {
  readonly name: string;
  readonly source: string;
  readonly arch: Arch;
  readonly model: ModelName;
  /** herd's "Test NAME KIND": from the quantifier alone. */
  readonly kind: 'Allowed' | 'Forbidden' | 'Required';
  readonly condition: string;
  /** Whether the proposition is satisfiable by an allowed execution. */
  readonly verdict: 'Allowed' | 'Forbidden';
  /** herd's Ok/No: the quantified condition holds. */
  readonly ok: boolean;
  readonly observation: Observation;
  /** Executions where the proposition is true / false. */
  readonly trueCount: number;
  readonly falseCount: number;
  /** herd's Witnesses line (for ~exists, Positive counts executions where p is false). */
  readonly positive: number;
  readonly negative: number;
  /** Distinct final states, herd-formatted and sorted. */
  readonly states: string[];
  /** A path was cut at the loop-unrolling bound. */
  readonly loop: boolean;
  /** herd `flag` results seen on allowed executions (aarch64.cat's shareability flag). */
  readonly flags: string[];
  readonly stats: EnumStats;
  readonly ms: number;
}

export function runTest(test: LitmusTest, modelName: ModelName = defaultModel(test.arch), limits: ExecLimits = DEFAULT_LIMITS): LitmusResult {
  const model = MODELS[modelName];
  const t0 = performance.now();
  const obs = observed(test);
  const printReg = (r: string) => r;
  const states = new Set<string>();
  let trueCount = 0;
  const flags = new Set<string>();
  let falseCount = 0;
  const fill = (s: FinalState) => {
    for (const l of obs) {
      const k = locKey(l);
      if (!s.has(k)) s.set(k, l.kind === 'reg' ? (test.initRegs.get(k) ?? ZERO) : (test.initMem.get(l.loc) ?? ZERO));
    }
    return s;
  };
  let en;
  try {
    en = enumerate(
      test,
      model,
      (x, final) => {
        // aarch64.cat: flag ~empty (dmb.full | dmb.ld | dmb.st) \ (DMB.SY | DMB.LD | DMB.ST | DSB.SY | DSB.LD | DSB.ST)
        //   as Assuming-common-inner-shareable-domain
        if (modelName === 'aarch64' && x.events.some((e) => e.kind === 'F' && e.option !== undefined && !['SY', 'LD', 'ST'].includes(e.option))) flags.add('Assuming-common-inner-shareable-domain');
        const s = fill(final);
        if (test.filter && !evalProp(test, test.filter, s)) return;
        states.add(formatState(test, obs, s, printReg));
        if (evalProp(test, test.prop, s)) trueCount++;
        else falseCount++;
      },
      limits,
    );
  } catch (e) {
    if (e instanceof ExecError) throw new InputError(test.source, e.line > 0 ? `line ${e.line}` : undefined, e.message);
    throw e;
  }
  const q = test.quantifier;
  const ok = q === 'exists' ? trueCount > 0 : q === '~exists' ? trueCount === 0 : falseCount === 0;
  const [positive, negative] = q === '~exists' ? [falseCount, trueCount] : [trueCount, falseCount];
  const observation: Observation = trueCount === 0 ? 'Never' : falseCount === 0 ? 'Always' : 'Sometimes';
  return {
    name: test.name,
    source: test.source,
    arch: test.arch,
    model: modelName,
    kind: q === 'exists' ? 'Allowed' : q === '~exists' ? 'Forbidden' : 'Required',
    condition: `${q} (${formatProp(test.prop, printReg)})`,
    verdict: trueCount > 0 ? 'Allowed' : 'Forbidden',
    ok,
    observation,
    trueCount,
    falseCount,
    positive,
    negative,
    states: [...states].sort(compareStates),
    loop: en.loopCut,
    flags: [...flags].sort(),
    stats: en.stats,
    ms: performance.now() - t0,
  };
}

/** herd sorts states by their values; we sort numerically where we can so output is stable. */
function compareStates(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** herd7's text output for one test. */
export function formatHerd(r: LitmusResult): string {
  const lines = [`Test ${r.name} ${r.kind}`, `States ${r.states.length}`, ...r.states, `${r.loop ? 'Loop ' : ''}${r.ok ? 'Ok' : 'No'}`, 'Witnesses', `Positive: ${r.positive} Negative: ${r.negative}`, ...r.flags.map((f) => `Flag ${f}`), `Condition ${r.condition}`, `Observation ${r.name} ${r.observation} ${r.trueCount} ${r.falseCount}`, `Time ${r.name} ${(r.ms / 1000).toFixed(2)}`];
  return lines.join('\n') + '\n';
}
