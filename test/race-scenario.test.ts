/**
 * The race scenario parser on untrusted JSON: whatever it is given, it
 * returns a scenario or throws an InputError (one line, exit 2 at the CLI),
 * never another exception, and never accepts what a race cannot run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InputError } from '../src/base/errors.js';
import { parseRaceScenario, MAX_GOROUTINES } from '../src/race/scenario.js';

const good = {
  go: '1.22', type: 'map[int64]int64', hash: { seeds: [1] },
  setup: [['insert', 1, 10]],
  goroutines: [[['insert', 1, 20]], [['insert', 1, 30]]],
};

/** Runs the parser; returns 'ok', or 'input' for an InputError; anything else fails the property. */
function outcome(json: unknown): 'ok' | 'input' {
  try {
    const sc = parseRaceScenario(json, 'fuzz.json');
    assert.ok(sc.goroutines.length >= 2 && sc.goroutines.length <= MAX_GOROUTINES);
    for (const g of sc.goroutines) for (const op of g) assert.ok(['insert', 'delete', 'lookup'].includes(op.op));
    return 'ok';
  } catch (e) {
    if (e instanceof InputError) {
      assert.ok(!e.message.includes('\n'), e.message);
      return 'input';
    }
    throw e;
  }
}

test('race scenario parser: arbitrary JSON → a scenario or an InputError', () => {
  fc.assert(fc.property(fc.jsonValue({ maxDepth: 5 }), (v) => { outcome(v); }), { numRuns: 500, seed: 18 });
});

test('race scenario parser: a good scenario with one field replaced by arbitrary JSON → a scenario or an InputError', () => {
  const fields = ['go', 'type', 'hash', 'setup', 'goroutines', 'hint', 'arch', 'extra'];
  fc.assert(
    fc.property(fc.constantFrom(...fields), fc.jsonValue({ maxDepth: 4 }), fc.nat({ max: 3 }), (field, v, where) => {
      const j: Record<string, unknown> = structuredClone(good);
      if (field === 'goroutines' && where > 0) {
        // Replace one goroutine, one op, or one argument.
        const gs = j.goroutines as unknown[][];
        if (where === 1) gs[1] = v as unknown[];
        else if (where === 2) gs[0][0] = v;
        else (gs[0][0] as unknown[])[1] = v;
      } else {
        j[field] = v;
      }
      outcome(j);
    }),
    { numRuns: 1000, seed: 18 },
  );
});

test('race scenario parser: the good scenario parses, and the limits hold', () => {
  assert.equal(outcome(good), 'ok');
  const many = { ...good, goroutines: Array.from({ length: MAX_GOROUTINES + 1 }, () => [['lookup', 1]]) };
  assert.throws(() => parseRaceScenario(many, 'f.json'), /goroutines: 9 goroutines: at most 8/);
  assert.throws(() => parseRaceScenario({ ...good, goroutines: [[], [['lookup', 1]]] }, 'f.json'), /goroutines\[0\]: a goroutine with no operations/);
  assert.throws(() => parseRaceScenario({ ...good, ops: [] }, 'f.json'), /ops: a race scenario has "setup"/);
});
