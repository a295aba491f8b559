/**
 * Never crashes: random corruption of rebuilt memory (any byte of any
 * allocation: header, directory, table headers, groups, indirect keys and
 * elems, string data) and of snapshot JSON gives findings or an InputError,
 * never another exception or a hang. Bounded: a fixed seed and a few
 * hundred runs, a few seconds in all.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { SimMemory } from '../src/model/memory.js';
import { InputError } from '../src/base/errors.js';
import { checkSwiss, swissEntries, swissSnapshotSource } from '../src/check/swiss/index.js';
import { realSnapshot } from './support/swisscheck.js';
import { cpuClock } from './support/cpuclock.js';

// Small and table maps, string/struct/indirect/float keys, 32- and 64-bit, both byte orders.
const BASES = [
  'string-fill-12.go1.26-amd64-fallback',
  'int64-splits-1900.go1.24-386-aes',
  'indirect-key.go1.27-arm64-aes',
  'int64-small-delete-reinsert.go1.26-s390x-fallback',
  'struct-string-keys.go1.25-amd64-aes',
  'float64-churn.go1.27-ppc64-fallback',
  'int64-indirect-elem.go1.26-arm-fallback',
].map((name) => {
  return realSnapshot(name);
});

const deadline = (ms: number) => {
  const start = Date.now();
  return () => Date.now() - start < ms;
};

test('random byte corruption of rebuilt memory: findings, never an exception', () => {
  let findings = 0;
  fc.assert(
    fc.property(
      fc.nat(BASES.length - 1),
      fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 12 }),
      (b, edits) => {
        const src = swissSnapshotSource(BASES[b], 'fuzz');
        const mem = src.reader as SimMemory;
        const allocs = mem.allocations().filter((a) => a.size > 0);
        for (const [ai, off, v] of edits) {
          const a = allocs[ai % allocs.length];
          // Bias towards the header and the first bytes of structures, where the pointers and counts are.
          a.bytes[ai % 3 === 0 ? off % Math.min(a.size, 48) : off % a.size] = v;
        }
        const cpuMs = cpuClock();
        const r = checkSwiss(src);
        findings += r.findings.length;
        assert.ok(cpuMs() < 2000, 'one check took over 2 s');
        for (const f of r.findings) assert.match(f.code, /^swiss\//);
        swissEntries(src, 1000);
      },
    ),
    { numRuns: 250, seed: 20261121 },
  );
  assert.ok(findings > 0);
});

/** Replaces the value at a random path of a JSON tree with a random JSON value, or deletes it. */
function corrupt(json: unknown, picks: number[], value: unknown, del: boolean): unknown {
  const root = structuredClone(json) as Record<string, unknown>;
  let node: unknown = root;
  for (let d = 0; d < picks.length; d++) {
    if (node === null || typeof node !== 'object') break;
    const keys = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
    if (keys.length === 0) break;
    const k = keys[picks[d] % keys.length];
    const child = (node as Record<string | number, unknown>)[k];
    const last = d === picks.length - 1 || child === null || typeof child !== 'object';
    if (last) {
      if (del && !Array.isArray(node)) delete (node as Record<string, unknown>)[k as string];
      else (node as Record<string | number, unknown>)[k] = value;
      break;
    }
    node = child;
  }
  return root;
}

test('random corruption of snapshot JSON: an InputError or a report, never another exception', () => {
  let inputErrors = 0;
  let reports = 0;
  const more = deadline(8000);
  fc.assert(
    fc.property(
      fc.nat(BASES.length - 1),
      fc.array(fc.nat(), { minLength: 1, maxLength: 7 }),
      fc.oneof(
        fc.jsonValue({ maxDepth: 2 }),
        fc.integer({ min: -3, max: 300 }),
        fc.constantFrom(128, 254, 0x7f, 1 << 16, -1, 2 ** 53, '18446744073709551615', '0x10', null, '', 'map[int]int'),
      ),
      fc.boolean(),
      (b, picks, value, del) => {
        if (!more()) return;
        const j = corrupt(BASES[b], picks, value, del);
        let src;
        try {
          src = swissSnapshotSource(j, 'fuzz.json');
        } catch (e) {
          if (!(e instanceof InputError)) throw e;
          assert.equal(e.source, 'fuzz.json');
          inputErrors++;
          return;
        }
        checkSwiss(src);
        swissEntries(src, 100);
        reports++;
      },
    ),
    { numRuns: 400, seed: 5150 },
  );
  assert.ok(inputErrors > 0 && reports > 0, `${inputErrors} input errors, ${reports} reports`);
});

test('not JSON objects at all: InputError', () => {
  for (const j of [null, 1, 'x', [], {}, { go: '1.26' }]) {
    assert.throws(() => swissSnapshotSource(j, 'f.json'), (e: unknown) => e instanceof InputError);
  }
});
