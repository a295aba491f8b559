/**
 * The classic checker never crashes: random corruption of a rebuilt map's
 * memory (bytes anywhere, pointer-sized words set to random values or to
 * other allocations' addresses, which makes loops, shared chains, wild
 * pointers) yields findings, never an exception or a hang; random corruption
 * of a snapshot's JSON yields an InputError from classicSnapshotSource or a
 * report. Bounded: a few hundred cases, a few seconds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CLASSIC_INVARIANTS, checkClassic, classicSnapshotSource, classicEntries } from '../src/check/classic/index.js';
import { rebuilt } from '../src/source/snapshot/classic.js';
import { InputError } from '../src/base/errors.js';
import { loadSnapshot } from './support/checkclassic.js';
import type { MapReport } from '../src/check/types.js';
import { cpuClock } from './support/cpuclock.js';

const CASES: [string, string][] = [
  ['1.22-amd64-aes', 'int64-mid-grow-53'],
  ['1.23-s390x-fallback', 'string-same-size-grow'],
  ['1.19-386-aes', 'big-key-indirect'],
  ['1.24-noswissmap-arm64-fallback', 'string-seq-100'],
  ['1.23-arm-fallback', 'big-elem-indirect'],
  ['1.21-amd64-aes', 'iterate-string-mid-grow'],
];
const texts = CASES.map(([t, n]) => JSON.stringify(loadSnapshot(t, n)));
const codes = new Set(CLASSIC_INVARIANTS.map((i) => i.code));

function wellFormed(r: MapReport): void {
  for (const f of r.findings) {
    assert.ok(codes.has(f.code), f.code);
    assert.equal(typeof f.message, 'string');
    assert.equal(typeof f.location.text, 'string');
  }
}

const edit = fc.record({
  alloc: fc.nat(),
  off: fc.nat(),
  kind: fc.constantFrom('byte', 'word-random', 'word-alloc', 'word-zero'),
  value: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  other: fc.nat(),
  delta: fc.integer({ min: -16, max: 300 }),
});

test('fuzz: random corruption of rebuilt memory gives findings, never an exception or a hang', () => {
  let withFindings = 0;
  fc.assert(
    fc.property(fc.nat({ max: CASES.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 12 }), (which, edits) => {
      const src = classicSnapshotSource(JSON.parse(texts[which]), CASES[which].join('/'));
      const { mem } = rebuilt.get(src)!;
      const allocs = mem.allocations();
      const ps = mem.arch.ptrSize;
      for (const e of edits) {
        const a = allocs[e.alloc % allocs.length];
        if (a.size === 0) continue;
        if (e.kind === 'byte') {
          mem.setU8(a.addr + (e.off % a.size), Number(e.value & 0xffn));
          continue;
        }
        if (a.size < ps) continue;
        const at = a.addr + Math.floor((e.off % (a.size - ps + 1)) / ps) * ps;
        const o = allocs[e.other % allocs.length];
        const v = e.kind === 'word-zero' ? 0n : e.kind === 'word-alloc' ? BigInt(Math.max(0, o.addr + e.delta)) : e.value;
        mem.setUint(at, ps, v & ((1n << BigInt(ps * 8)) - 1n));
      }
      const cpuMs = cpuClock();
      const r = checkClassic(src);
      classicEntries(src, 1000);
      assert.ok(cpuMs() < 5000, 'the check ran away');
      wellFormed(r);
      if (r.findings.length) withFindings++;
    }),
    { numRuns: 400, seed: 5 },
  );
  // Most corruptions land somewhere the checker reads; it must notice a good share of them.
  assert.ok(withFindings > 100, `${withFindings} of 400 corruptions found`);
});

/** Every path into a JSON value, depth first. */
function paths(v: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v !== null && typeof v === 'object') for (const k of Object.keys(v)) paths((v as Record<string, unknown>)[k], [...at, k], out);
  return out;
}

const jsonEdit = fc.record({
  path: fc.nat(),
  kind: fc.constantFrom('replace', 'delete', 'number', 'bump'),
  value: fc.jsonValue({ maxDepth: 2 }),
  n: fc.oneof(fc.integer(), fc.constantFrom(0, 1, 255, 256, 65536, 2 ** 32, 2 ** 53, -1, 0.5)),
});

test('fuzz: random corruption of snapshot JSON gives an InputError or a report, nothing else', () => {
  let inputErrors = 0;
  fc.assert(
    fc.property(fc.nat({ max: CASES.length - 1 }), fc.array(jsonEdit, { minLength: 1, maxLength: 4 }), (which, edits) => {
      const j: unknown = JSON.parse(texts[which]);
      let root: unknown = j;
      for (const e of edits) {
        const ps = paths(root);
        const p = ps[e.path % ps.length];
        if (p.length === 0) {
          root = e.kind === 'replace' ? e.value : root;
          continue;
        }
        let parent = root as Record<string | number, unknown>;
        for (const k of p.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
        const last = p[p.length - 1];
        if (e.kind === 'delete') {
          if (Array.isArray(parent)) parent.splice(last as number, 1);
          else delete parent[last];
        } else if (e.kind === 'replace') parent[last] = e.value;
        else if (e.kind === 'number') parent[last] = e.n;
        else if (typeof parent[last] === 'number') parent[last] = (parent[last] as number) + 1;
      }
      let src;
      try {
        src = classicSnapshotSource(root, 'fuzz.json');
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
        assert.equal(err.source, 'fuzz.json');
        inputErrors++;
        return;
      }
      const cpuMs = cpuClock();
      wellFormed(checkClassic(src));
      classicEntries(src, 1000);
      assert.ok(cpuMs() < 5000, 'the check ran away');
    }),
    { numRuns: 400, seed: 7 },
  );
  assert.ok(inputErrors > 50, `${inputErrors} input errors`);
});

test('bad snapshots: one-line InputErrors naming the JSON path', () => {
  const base = () => loadSnapshot('1.22-amd64-aes', 'int64-seq-100') as Record<string, unknown> & {
    header: Record<string, unknown>; buckets: { tophash: unknown[]; keys: unknown[] }[][];
  };
  const cases: [string, (j: ReturnType<typeof base>) => unknown, string, RegExp][] = [
    ['not an object', () => 42, 'top level', /expected an object/],
    ['swiss impl', (j) => ({ ...j, impl: 'swiss' }), 'impl', /expected "classic"/],
    ['unknown field', (j) => ({ ...j, extraField: 1 }), 'extraField', /unknown field/],
    ['swiss toolchain', (j) => ({ ...j, go: '1.24', experiment: '' }), 'go', /Swiss/],
    ['bad arch', (j) => ({ ...j, arch: 'pdp11' }), 'arch', /unknown GOARCH/],
    ['not a map', (j) => ({ ...j, type: '[]int' }), 'type', /not a map/],
    ['B too big for the array', (j) => ((j.header.B = 5), j), 'buckets', /expected 32 entries/],
    ['flags out of range', (j) => ((j.header.flags = 256), j), 'header.flags', /out of range/],
    ['tophash not a byte', (j) => ((j.buckets[3][0].tophash[2] = -1), j), 'buckets[3][0].tophash[2]', /out of range/],
    ['key of the wrong type', (j) => ((j.buckets[3][0].keys[2] = 'x'), j), 'buckets[3][0].keys[2]', /integer/],
    ['empty chain', (j) => ((j.buckets[1] = []), j), 'buckets[1]', /at least/],
    ['missing hashkey', (j) => ({ ...j, hash: { mode: 'fallback', seeds: [] } }), 'hash.hashkey', /missing/],
    ['bad aeskeysched', (j) => ({ ...j, hash: { mode: 'aes', seeds: [], aeskeysched: 'zz' } }), 'hash.aeskeysched', /hex/],
    // One reading of `hash` for both formats (docs/json.md): aeskeysched is exactly hashRandomBytes
    // (runtime/alg.go: PtrSize/4*64 = 128 bytes on amd64), never cut short; hash0 seeds are uint32.
    ['aeskeysched too long', (j) => ({ ...j, hash: { mode: 'aes', seeds: [], aeskeysched: '00'.repeat(129) } }), 'hash.aeskeysched', /128 bytes/],
    ['missing seeds', (j) => ({ ...j, hash: { mode: 'fallback', hashkey: ['1', '2', '3', '4'] } }), 'hash.seeds', /missing/],
    ['seed wider than hash0', (j) => ({ ...j, hash: { mode: 'fallback', seeds: [2 ** 32], hashkey: ['1', '2', '3', '4'] } }), 'hash.seeds[0]', /./],
  ];
  for (const [what, mutate, where, detail] of cases) {
    assert.throws(() => classicSnapshotSource(mutate(base()), 'x.json'), (e: unknown) => {
      assert.ok(e instanceof InputError, `${what}: ${String(e)}`);
      assert.equal(e.source, 'x.json', what);
      assert.equal(e.where, where, `${what}: ${e.message}`);
      assert.match(e.detail, detail, what);
      assert.ok(!e.message.includes('\n'));
      return true;
    }, what);
  }
});
