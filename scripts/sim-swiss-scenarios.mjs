#!/usr/bin/env node
// Writes test/fixtures/sim-swiss/scenarios/*.json: the Swiss engine's
// differential suite. Deterministic (a fixed xorshift PRNG), so re-running it
// reproduces the committed files. Each scenario says what it is for.
import { writeFileSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'sim-swiss', 'scenarios');
mkdirSync(dir, { recursive: true });
let s = 88172645463325252n;
const rnd = (n) => { s ^= (s << 13n) & 0xffffffffffffffffn; s ^= s >> 7n; s ^= (s << 17n) & 0xffffffffffffffffn; return Number(s % BigInt(n)); };
const w = (name, comment, o) =>
  writeFileSync(join(dir, name + '.json'), JSON.stringify({ name, comment, go: '1.26', arch: 'amd64', hint: null, ...o }) + '\n');
const range = (a, b) => Array.from({ length: b - a }, (_, i) => a + i);
const ins = (keys, val = (k, i) => i) => keys.map((k, i) => ['insert', k, val(k, i)]);
const del = (keys) => keys.map((k) => ['delete', k]);
const str = (i) => `key-${i}`;

// fifo churn: keep `live` keys, insert a new one and delete the oldest
function churn(live, total, mk) {
  const ops = ins(range(0, live).map(mk));
  for (let i = live; i < total; i++) ops.push(['insert', mk(i), i], ['delete', mk(i - live)]);
  return ops;
}
function randomMix(n, space, mk, val = (i) => i) {
  const ops = [];
  for (let i = 0; i < n; i++) {
    const r = rnd(100);
    const k = mk(rnd(space));
    if (r < 55) ops.push(['insert', k, val(i)]);
    else if (r < 90) ops.push(['delete', k]);
    else ops.push(['lookup', k]);
  }
  return ops;
}

const I = 'map[int64]int64';
w('int64-empty', 'make with no insert: no group yet', { type: I, ops: [] });
w('int64-small-1', 'one insert: growToSmall', { type: I, ops: ins([42]) });
w('int64-small-full-8', 'exactly full small map', { type: I, ops: ins(range(0, 8)) });
w('int64-ninth-insert', 'the 9th key converts the small map to a 16-slot table', { type: I, ops: ins(range(0, 9)) });
w('int64-small-full-update', 'full small map, then an existing key is assigned: 1.24-1.26 convert to a table, 1.27 stays small',
  { type: I, ops: [...ins(range(0, 8)), ['insert', 3, 333]] });
w('int64-small-delete-reinsert', 'small map: delete leaves empty slots, inserts take the lowest',
  { type: I, ops: [...ins(range(0, 8)), ...del([2, 5, 0]), ...ins([100, 101])] });
w('int64-doublings', 'every doubling 16..1024 (inserts 9, 15, 29, 57, 113, 225, 449)', { type: I, ops: ins(range(0, 896)) });
w('int64-first-split', 'the 897th insert splits the 1024-slot table (globalDepth 1)', { type: I, ops: ins(range(0, 897)) });
w('int64-splits-1900', 'more splits and directory doubling', { type: I, ops: ins(range(0, 1900).map((i) => i * 7919)) });
for (const h of [8, 9, 14, 15, 896, 897, 1000]) {
  w(`int64-hint-${h}`, `make(map, ${h}) and a few inserts`, { type: I, hint: h, ops: ins(range(0, 10).map((i) => i * 1000003)) });
}
w('int64-hint-1793', 'make(map, 1793): 4 tables of 512', { type: I, hint: 1793, ops: ins(range(0, 5)) });
w('int64-fifo-churn-12', 'FIFO churn with 12 live keys: tombstones; pruned from 1.25 on the fast path', { type: I, ops: churn(12, 600, (i) => i) });
w('int64-fifo-churn-100', 'FIFO churn with 100 live keys', { type: I, ops: churn(100, 1500, (i) => i * 31) });
w('int64-fifo-churn-850', 'FIFO churn near a split', { type: I, ops: churn(850, 2200, (i) => i) });
w('int64-random-mix', 'random insert/delete/lookup over 300 keys', { type: I, ops: randomMix(4000, 300, (k) => k) });
w('int64-empty-refill', 'fill 40, delete all (re-seed), refill 40', { type: I, ops: [...ins(range(0, 40)), ...del(range(0, 40)), ...ins(range(100, 140))] });
w('int64-small-emptied', 'small map emptied by delete (re-seed) and refilled', { type: I, ops: [...ins(range(0, 5)), ...del(range(0, 5)), ...ins(range(10, 13))] });
w('int64-delete-absent', 'deletes of absent keys, on an empty and a non-empty map, and lookups', {
  type: I, ops: [['delete', 1], ['lookup', 1], ...ins(range(0, 20)), ['delete', 999], ['lookup', 5], ['lookup', 998]],
});
w('int64-clear-small', 'clear of a small map', { type: I, ops: [...ins(range(0, 6)), ['clear'], ...ins([7, 8])] });
w('int64-clear-table', 'clear of a dense table: every group zeroed', { type: I, ops: [...ins(range(0, 100)), ['clear'], ...ins(range(0, 10))] });
w('int64-clear-sparse', 'clear of a sparse table (1.26+: only groups with a full slot are zeroed; stale keys stay)', {
  type: I, ops: [...ins(range(0, 200)), ...del(range(0, 195)), ['clear']],
});
w('int64-clear-empty-tombstones', 'clear of an emptied map that holds tombstones: 1.24 does nothing, 1.25+ clears', {
  type: I, ops: [...churn(12, 40, (i) => i), ...del(range(28, 40)), ['clear']],
});
w('int64-clear-emptied-full', 'a 1024-slot table filled to its limit and emptied by delete leaves many tombstones: clear keeps them in 1.24 (used == 0), wipes them from 1.25', {
  type: I, hint: 896, ops: [...ins(range(0, 896)), ...del(range(0, 896)), ['clear']],
});
w('int64-clear-twice', 'clear of an empty map is a no-op', { type: I, ops: [...ins(range(0, 30)), ['clear'], ['clear'], ...ins([1])] });
w('int64-set', 'a set: zero-size elems pad the slot', { type: 'map[int64]struct {}', ops: ins(range(0, 60), () => ({})) });
w('int64-bigslot-clear', 'slots over 32 bytes: 1.26 Clear zeroes only groups with a full slot', {
  type: 'map[int64][5]int64', ops: [...ins(range(0, 100), (k, i) => [i, i, i, i, i]), ...del(range(0, 50)), ['clear']],
});
w('int64-indirect-elem', 'elem over 128 bytes: stored through a pointer, generic assignment path', {
  type: 'map[int64][20]int64', ops: [...ins(range(0, 30), (k, i) => Array(20).fill(i)), ...del(range(0, 10))],
});

const S = 'map[string]int';
w('string-small-full-8', 'exactly full small map of strings', { type: S, ops: ins(range(0, 8).map(str)) });
w('string-fill-12', 'strings: small map to table', { type: S, ops: ins(range(0, 12).map((i) => 'k' + i)) });
w('string-fill-300', 'strings: doublings to 512', { type: S, ops: ins(range(0, 300).map(str)) });
w('string-long-keys', 'strings over 64 bytes (faststr small-map path)', { type: S, ops: ins(range(0, 20).map((i) => 'x'.repeat(70) + i)) });
w('string-fifo-churn', 'string FIFO churn: pruning on faststr from 1.25', { type: S, ops: churn(12, 500, str) });
w('string-random-mix', 'random mix over 200 string keys', { type: S, ops: randomMix(3000, 200, str) });
w('string-clear-refill', 'strings: fill, clear, refill', { type: S, ops: [...ins(range(0, 50).map(str)), ['clear'], ...ins(range(0, 20).map(str))] });
w('string-string', 'string elems', { type: 'map[string]string', ops: [...ins(range(0, 30).map(str), (k) => 'v' + k), ...del(range(0, 30, 3).map(str))] });

w('int32-fill-churn', 'int32 keys: fast32 path with pruning', { type: 'map[int32]uint16', ops: [...ins(range(0, 100)), ...churn(20, 400, (i) => i + 1000)] });
w('int-random-mix', 'int keys: fast64 on 64-bit, fast32 on 386', { type: 'map[int]int', ops: randomMix(2500, 150, (k) => k * 3) });
w('bytes8-keys', '[8]byte keys: plain 8-byte memory, the fast64 path', {
  type: 'map[[8]uint8]int', ops: churn(10, 200, (i) => [i & 255, i >> 8, 1, 2, 3, 4, 5, 6]),
});
w('bytes3-generic', '[3]byte keys: generic path (memhash_varlen), no pruning in any release', {
  type: 'map[[3]uint8]struct {}', ops: churn(12, 600, (i) => [i & 255, (i >> 8) & 255, 7]).map((o) => (o[0] === 'insert' ? ['insert', o[1], {}] : o)),
});
const ST = 'map[struct { a int32; b int64 }]int64';
const sk = (i) => ({ a: i % 97, b: i * 13 });
w('struct-generic-churn', 'struct keys with padding: generated hasher, generic path, no pruning', { type: ST, ops: churn(12, 500, sk) });
w('struct-random-mix', 'struct keys, random mix', { type: ST, ops: randomMix(2000, 150, sk) });
w('struct-string-keys', 'struct with a string: generated hasher, key cleared on delete (pointers)', {
  type: 'map[struct { s string; n int16 }]int', ops: churn(10, 200, (i) => ({ s: 'n' + (i % 37), n: i })),
});
const F = 'map[float64]int';
w('float64-keys', 'float keys: generic path, ±0 hash alike and the key is updated on assign', {
  type: F, ops: [...ins([1.5, 2.25, 0, -3.75, 1e300, 5e-324, 1e21, 1e-7]), ['insert', '-0', 99], ...ins(range(0, 30).map((i) => i / 8)), ['delete', 0.5]],
});
w('float64-churn', 'float keys churn: generic path keeps tombstones until growth', { type: F, ops: churn(12, 400, (i) => i + 0.5) });
w('float32-keys', 'float32 keys', { type: 'map[float32]int', ops: [...ins(range(0, 40).map((i) => i * 0.1)), ['insert', '-0', 1], ['insert', 0, 2]] });
w('complex-keys', 'complex128 keys', { type: 'map[complex128]uint8', ops: ins(range(0, 20).map((i) => [i, -i])) });
w('uint8-keys', 'uint8 keys: memhash8, generic path; all 256 keys', { type: 'map[uint8]uint16', ops: [...ins(range(0, 256)), ...del(range(0, 256, 2))] });
w('bool-keys', 'bool keys', { type: 'map[bool]int', ops: [['insert', true, 1], ['insert', false, 2], ['delete', true], ['insert', true, 3]] });
w('indirect-key', 'keys over 128 bytes: stored through a pointer', {
  type: 'map[[17]int64]int', ops: [...ins(range(0, 12).map((i) => Array(17).fill(i))), ...del([Array(17).fill(3)])],
});
