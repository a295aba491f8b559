#!/usr/bin/env node
// Writes the differential-test scenarios to test/fixtures/sim-classic/scenarios/
// (deterministic: a fixed xorshift drives the "random" keys). Each is a base
// scenario without go/arch/hash; scripts/sim-fixtures.sh fills those in per
// target and records what the real runtime did.
import console from 'node:console';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'test/fixtures/sim-classic/scenarios');
mkdirSync(dir, { recursive: true });
let s = 0x2545f491n;
const rnd = (bits) => {
  s ^= (s << 13n) & 0xffffffffffffffffn; s ^= s >> 7n; s ^= (s << 17n) & 0xffffffffffffffffn;
  return BigInt.asIntN(bits, s);
};
const out = (name, type, ops, hint = null, extra = {}) => {
  writeFileSync(join(dir, `${name}.json`), JSON.stringify({ name, type, hint, ops, ...extra }) + '\n');
};
const seq = (n, f = (i) => i, v = (i) => i * 10) => Array.from({ length: n }, (_, i) => ['insert', f(i), v(i)]);
const I64 = 'map[int64]int64';
const I32 = 'map[int32]int32';

out('empty', I64, []);
out('empty-hint', I64, [], 100);
for (const n of [1, 8, 9, 13, 14, 100, 1000, 5000]) out(`int64-seq-${n}`, I64, seq(n));
for (const n of [100, 1000]) out(`int64-rand-${n}`, I64, seq(n, () => String(rnd(64))));
for (const n of [9, 14, 100, 1000]) out(`int32-seq-${n}`, I32, seq(n));
out('int32-rand-500', I32, seq(500, () => Number(rnd(32))));
out('int64-hint13-13', I64, seq(13), 13);
out('int64-hint1000-1000', I64, seq(1000), 1000);
out('int64-update', I64, [...seq(20), ...seq(20, (i) => i, (i) => -i), ['lookup', 3], ['lookup', 99]]);
// Strings of every length class of memhash (0, 1-3, 4-7, 8, 9-16, 17-32, 33-64, 65-128, 129+).
const lens = [0, 1, 2, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 24, 31, 32, 33, 48, 63, 64, 65, 100, 127, 128, 129, 200, 300];
const str = (i, len) => {
  let t = `k${i}-`;
  while (t.length < len) t += String.fromCharCode(97 + ((i * 7 + t.length) % 26));
  return t.slice(0, len);
};
out('string-lengths', 'map[string]int', lens.map((l, i) => ['insert', str(i, l), i]));
out('string-seq-100', 'map[string]int', seq(100, (i) => `key-${i}`));
out('string-seq-1000', 'map[string]int64', seq(1000, (i) => str(i, 1 + (i % 70))));
out('string-string-50', 'map[string]string', seq(50, (i) => `k${i}`, (i) => `value ${i}`));
out('string-delete-all', 'map[string]int', [...seq(30, (i) => `s${i}`), ...Array.from({ length: 30 }, (_, i) => ['delete', `s${i}`]), ...seq(10, (i) => `t${i}`)]);
out('string-delete-some', 'map[string]int', [...seq(40, (i) => str(i, 5 + i)), ...Array.from({ length: 15 }, (_, i) => ['delete', str(i * 2, 5 + i * 2)])]);
out('struct-key', 'map[struct { a int32; b string }]int64', [
  ...seq(40, (i) => ({ a: i, b: `n${i % 7}` })),
  ['delete', { a: 3, b: 'n3' }], ['delete', { a: 10, b: 'n3' }], ['lookup', { a: 4, b: 'n4' }],
]);
out('struct-key-mem', 'map[struct { a int32; b int16 }]uint8', seq(60, (i) => ({ a: i * 3, b: i % 5 }), (i) => i % 256));
out('float64-keys', 'map[float64]int64', [
  ['insert', 0, 1], ['insert', 1.5, 2], ['insert', '-Inf', 3], ['insert', '+Inf', 4], ['insert', 1e300, 5],
  ['insert', '-0', 6], ['insert', 2.25, 7], ...seq(10, (i) => i + 0.5), ['lookup', 'NaN'], ['delete', 2.25],
]);
out('float32-keys', 'map[float32]int32', [['insert', 0, 1], ['insert', '-0', 2], ...seq(20, (i) => i / 4), ['delete', 1]]);
out('int64-delete-to-empty-and-back', I64, [
  ...seq(100), ...Array.from({ length: 100 }, (_, i) => ['delete', i]), ...seq(30, (i) => i + 1000),
]);
out('int64-delete-some', I64, [...seq(200), ...Array.from({ length: 80 }, (_, i) => ['delete', i * 2]), ['delete', 100000]]);
out('int32-delete-to-empty', I32, [...seq(9), ...Array.from({ length: 9 }, (_, i) => ['delete', 8 - i])]);
// Mid-evacuation: the grow starts at the last insert.
out('int64-mid-grow-27', I64, seq(27));
out('int64-mid-grow-53', I64, seq(53));
out('int64-mid-grow-delete', I64, [...seq(14), ['delete', 3], ['delete', 200]]);
out('int64-string-mid-grow', 'map[int64]string', seq(53, (i) => i, (i) => `v${i}`));
// Same-size grow: churn a small map until it has as many overflow buckets as
// buckets; MAPSNAP_STOP=samesize makes the probe stop once that grow begins.
const churn = (live, n, bits) => {
  const ops = [];
  const keys = [];
  for (let i = 0; i < n; i++) {
    const k = String(rnd(bits));
    ops.push(['insert', k, i]);
    keys.push(k);
    if (keys.length > live) ops.push(['delete', keys.shift()]);
  }
  return ops;
};
out('int64-same-size-grow', I64, churn(22, 6000, 64), null, { stop: 'samesize' });
out('int32-same-size-grow', I32, churn(22, 6000, 32), null, { stop: 'samesize' });
out('string-same-size-grow', 'map[string]int', churn(22, 6000, 64).map((o) => o.length === 3 ? [o[0], `s${o[1]}`, o[2]] : [o[0], `s${o[1]}`]), null, { stop: 'samesize' });
out('clear-int64', I64, [...seq(100), ['clear'], ...seq(20, (i) => i + 500)]);
out('clear-mid-grow', I64, [...seq(14), ['clear'], ...seq(3)]);
out('clear-empty', I64, [['clear'], ['insert', 1, 1]]);
out('clear-string', 'map[string]int', [...seq(40, (i) => `c${i}`), ['clear']]);
out('big-key-indirect', 'map[[20]int64]int64', seq(30, (i) => Array.from({ length: 20 }, (_, j) => i * j)));
out('big-elem-indirect', 'map[int64][20]int64', [...seq(20, (i) => i, (i) => Array.from({ length: 20 }, (_, j) => i + j)), ['delete', 5]]);
out('zero-size-elem', 'map[int32]struct {}', [...seq(30, (i) => i, () => ({})), ['delete', 7]]);
out('uint8-keys', 'map[uint8]bool', seq(200, (i) => i, (i) => i % 2 === 0));
out('array16-keys', 'map[[16]uint8]int', seq(40, (i) => Array.from({ length: 16 }, (_, j) => (i * 31 + j) % 256)));
out('pointerful-hint-100', 'map[int64]*int', seq(120, (i) => i, () => 0), 100);
out('string-hint-1000', 'map[string]int', seq(200, (i) => `h${i}`), 1000);
// Iteration: the probe records each range's order; the test finds the random
// start that reproduces it and checks what the iterator marks leave behind.
out('iterate-int64', I64, [...seq(50), ['iterate', 0], ...seq(60, (i) => i + 100), ['iterate', 0], ...seq(5, (i) => i + 1000)]);
out('iterate-string-mid-grow', 'map[string]int', [...seq(53, (i) => `it${i}`), ['iterate', 0], ...seq(3, (i) => `x${i}`), ['iterate', 0]]);
out('iterate-empty', I32, [['iterate', 0], ['insert', 1, 1]]);
// From 1.22 a pointerful bucket array carries an 8-byte malloc header, which
// changes how many overflow buckets makeBucketArray preallocates for 96-byte
// buckets (map[int16]*int on 64-bit): B=5 gets 4 before 1.22 and 3 after, B=6
// 4 and 6 (src/model/malloc.ts). The probe stops when the map has taken 3
// (B=5) or 5 (B=6) overflow buckets: then extra.nextOverflow is the next
// preallocated one, or null when they ran out, which tells the counts apart.
out('malloc-header-b5', 'map[int16]*int', seq(190, (i) => i * 7, () => 0), 150, { stop: 'noverflow=3' });
out('malloc-header-b6', 'map[int16]*int', seq(380, (i) => i * 7, () => 0), 300, { stop: 'noverflow=5' });
console.error('scenarios written to', dir);
