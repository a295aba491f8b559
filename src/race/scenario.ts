/**
 * Race scenarios: sim's scenario format (docs/scenario.md, parsed by
 * src/engine/scenario.ts) plus `"setup": [ops…]`, run first on one goroutine,
 * and `"goroutines": [[ops…], [ops…], …]`, run concurrently on the same map.
 * The ops are parsed by sim's own parser (one parser of ops, not two); only
 * the fields' names in errors change (`goroutines[1][0][1]`, `setup[2]`).
 * Format: docs/race.md.
 */
import { InputError } from '../base/errors.js';
import { briefJson, checkJsonDepth } from '../base/json.js';
import { parseScenario, type Op, type Scenario } from '../engine/scenario.js';

/** The operations a goroutine may run concurrently (those the stepped runtime code models: src/race/steps). */
export const RACE_OPS = ['insert', 'delete', 'lookup'] as const;
export type RaceOp = Extract<Op, { op: (typeof RACE_OPS)[number] }>;

/** Most goroutines a scenario may start (each adds a factor to the interleavings). */
export const MAX_GOROUTINES = 8;
/** Most operations per goroutine. */
export const MAX_GOROUTINE_OPS = 64;

export interface RaceScenario {
  /** The map: make, hash inputs, target; `ops` is the setup, run serially before the goroutines start. */
  readonly base: Scenario;
  /** Each goroutine's operations, in program order. */
  readonly goroutines: readonly (readonly RaceOp[])[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Re-raises sim's parser errors under the race field they came from (`ops[3][1]` → `goroutines[0][3][1]`). */
function renamed<T>(source: string, prefix: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof InputError && typeof e.where === 'string' && e.where.startsWith('ops')) {
      throw new InputError(source, prefix + e.where.slice(3), e.detail);
    }
    throw e;
  }
}

/** Validates a race scenario given as parsed JSON. `source` is the file name, for errors. */
export function parseRaceScenario(json: unknown, source: string): RaceScenario {
  if (!isObject(json)) throw new InputError(source, undefined, 'a race scenario is a JSON object');
  checkJsonDepth(json, source);
  if ('ops' in json) throw new InputError(source, 'ops', 'a race scenario has "setup" (run first, on one goroutine) and "goroutines", not "ops"');
  const { setup = [], goroutines, ...rest } = json;
  if (!Array.isArray(setup)) throw new InputError(source, 'setup', `expected an array of operations, got ${briefJson(setup)}`);
  const base = renamed(source, 'setup', () => parseScenario({ ...rest, ops: setup }, source));
  if (goroutines === undefined) throw new InputError(source, 'goroutines', 'missing field (expected an array of at least 2 goroutines, each an array of operations)');
  if (!Array.isArray(goroutines)) throw new InputError(source, 'goroutines', `expected an array of goroutines, got ${briefJson(goroutines)}`);
  if (goroutines.length < 2) {
    throw new InputError(source, 'goroutines', `${goroutines.length} goroutine${goroutines.length === 1 ? '' : 's'}: a race needs at least 2`);
  }
  if (goroutines.length > MAX_GOROUTINES) throw new InputError(source, 'goroutines', `${goroutines.length} goroutines: at most ${MAX_GOROUTINES}`);
  const parsed = goroutines.map((g: unknown, i: number): RaceOp[] => {
    const at = `goroutines[${i}]`;
    if (!Array.isArray(g)) throw new InputError(source, at, `expected an array of operations, got ${briefJson(g)}`);
    if (g.length === 0) throw new InputError(source, at, 'a goroutine with no operations');
    if (g.length > MAX_GOROUTINE_OPS) throw new InputError(source, at, `${g.length} operations: at most ${MAX_GOROUTINE_OPS} per goroutine`);
    const sc = renamed(source, at, () => parseScenario({ ...rest, ops: g }, source));
    return sc.ops.map((op, j): RaceOp => {
      if (op.op === 'insert' || op.op === 'delete' || op.op === 'lookup') return op;
      throw new InputError(source, `${at}[${j}][0]`, `${op.op} is not simulated concurrently (race runs ${RACE_OPS.join(', ')}; put ${op.op} in "setup")`);
    });
  });
  return { base, goroutines: parsed };
}

/** An op as people read it in traces: `insert 1 → 10`, `delete 2`, `lookup 3`. */
export function opText(op: Op): string {
  switch (op.op) {
    case 'insert':
      return `insert ${JSON.stringify(op.key)} → ${JSON.stringify(op.value)}`;
    case 'delete':
    case 'lookup':
      return `${op.op} ${JSON.stringify(op.key)}`;
    case 'clear':
      return 'clear';
    case 'iterate':
      return `iterate r=${op.r}`;
  }
}
