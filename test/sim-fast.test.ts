/**
 * The engines' fast paths (src/engine/classic/fast.ts, src/engine/swiss/fast.ts)
 * against their generic paths: the same scenario run untraced (fast paths)
 * and traced (a traced map always takes the generic functions) must leave
 * the same snapshot and every byte of simulated memory, and answer every
 * lookup and delete the same way, for
 * int64 and string keys, both hashes, across releases, through growth,
 * overflow chains, evacuation during deletes, tombstones, splits and clear.
 * Real-Go equality of the generic paths is the fixture tests' job
 * (sim-classic.test.ts, sim-swiss*.test.ts); this checks that the fast paths
 * add nothing and lose nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseScenario } from '../src/engine/scenario.js';
import { openMap } from '../src/engine/classic/index.js';
import { openSwiss } from '../src/engine/swiss/index.js';

type Op = ['insert', number, number] | ['delete', number] | ['lookup', number] | ['clear'] | ['iterate', number];

const opArb = (space: number): fc.Arbitrary<Op> =>
  fc.oneof(
    { weight: 160, arbitrary: fc.tuple(fc.constant('insert' as const), fc.nat(space), fc.nat(2 ** 40)) },
    { weight: 80, arbitrary: fc.tuple(fc.constant('delete' as const), fc.nat(space)) },
    { weight: 60, arbitrary: fc.tuple(fc.constant('lookup' as const), fc.nat(space)) },
    { weight: 1, arbitrary: fc.constant(['clear'] as ['clear']) },
    // A classic range sets the iterator flags, which evacuate reads (the Swiss session has no range: skipped).
    { weight: 2, arbitrary: fc.tuple(fc.constant('iterate' as const), fc.nat(1 << 20)) },
  );

// Keys: int64 numbers past 2^32 and some negative ones (which the fast paths leave to the encoder), uint64
// numbers up to 2^64 - 1 (past 2^53 as decimal strings, the encoder's too), or strings.
const intKey = (n: number): number | string => (n % 97 === 0 ? -n : n * 2654435761);
const uintKey = (n: number): number | string => (n % 97 === 0 ? (2n ** 64n - BigInt(n) - 1n).toString() : n * 2654435761);
const strKey = (n: number): number | string => (n % 89 === 0 ? '' : `k${n}`);

interface Session {
  insert(k: number | string, v: number | string): void;
  delete(k: number | string): unknown;
  lookup(k: number | string): unknown;
  clear(): void;
  iterate?(r: bigint): unknown;
  snapshot(): unknown;
  readonly fastPaths: boolean;
  /** The simulated memory's every byte (allocations are made in the same order on both paths). */
  arena(): Uint8Array;
}

function open(go: string, type: string, mode: 'fallback' | 'aes', hint: number | null, traced: boolean): Session {
  const sc = parseScenario({ go, arch: 'amd64', type, hint, hash: { mode, prngSeed: 11 }, ops: [] }, 'fast');
  if (sc.impl === 'classic') {
    const m = openMap(sc, { trace: traced });
    return Object.assign(m, { arena: () => m.map.mem.arena });
  }
  const s = openSwiss(sc, traced ? { onTrace: () => {} } : {});
  return Object.assign(s, { arena: () => s.map.cx.mem.arena });
}

function same(go: string, type: string, mode: 'fallback' | 'aes', hint: number | null, key: (n: number) => number | string, ops: Op[]): void {
  const fast = open(go, type, mode, hint, false);
  const slow = open(go, type, mode, hint, true);
  const value = (n: number): number | string => (type.endsWith(']string') ? `v${n}` : n);
  assert.equal(fast.fastPaths, true);
  assert.equal(slow.fastPaths, false);
  ops.forEach((op, i) => {
    if (op[0] === 'insert') {
      fast.insert(key(op[1]), value(op[2]));
      slow.insert(key(op[1]), value(op[2]));
    } else if (op[0] === 'clear') {
      fast.clear();
      slow.clear();
    } else if (op[0] === 'iterate') {
      if (fast.iterate && slow.iterate) assert.deepEqual(fast.iterate(BigInt(op[1])), slow.iterate(BigInt(op[1])), `op ${i}`);
    } else {
      assert.deepEqual(fast[op[0]](key(op[1])), slow[op[0]](key(op[1])), `op ${i}`);
    }
  });
  assert.deepEqual(fast.snapshot(), slow.snapshot());
  // Every byte, the header fields no snapshot shows (Swiss tombstonePossible) and the stale bytes of deleted slots included.
  assert.ok(Buffer.from(fast.arena()).equals(Buffer.from(slow.arena())), 'the simulated memories differ');
}

const TARGETS: [string, string][] = [
  ['1.23', 'map[int64]int64'], ['1.23', 'map[string]int64'], ['1.21', 'map[uint64]string'],
  ['1.26', 'map[int64]int64'], ['1.26', 'map[string]int64'], ['1.24', 'map[string]uint64'], ['1.27', 'map[int64]int64'],
];

for (const [go, type] of TARGETS) {
  for (const mode of ['fallback', 'aes'] as const) {
    const key = type.startsWith('map[string]') ? strKey : type.startsWith('map[uint64]') ? uintKey : intKey;
    test(`fast paths leave what the generic ones leave: Go ${go} ${type}, ${mode} hash`, () => {
      fc.assert(
        fc.property(fc.array(opArb(3000), { minLength: 1, maxLength: 6000, size: 'max' }), fc.constantFrom(null, 0, 100), (ops, hint) => {
          same(go, type, mode, hint, key, ops);
        }),
        { numRuns: 6, seed: 20261207 },
      );
    });
  }
}

test('fast paths leave what the generic ones leave through big grows (20,000 keys in, half out, in again)', () => {
  for (const [go, type] of [['1.23', 'map[int64]int64'], ['1.26', 'map[string]int64']] as const) {
    const key = type === 'map[string]int64' ? strKey : intKey;
    const ops: Op[] = [];
    for (let i = 0; i < 20000; i++) ops.push(['insert', i, i]);
    for (let i = 0; i < 20000; i += 2) ops.push(['delete', i]);
    for (let i = 0; i < 20000; i += 3) ops.push(['lookup', i]);
    for (let i = 20000; i < 30000; i++) ops.push(['insert', i, i]);
    for (let i = 0; i < 30000; i++) ops.push(['delete', i]);
    same(go, type, 'fallback', null, key, ops);
  }
});
