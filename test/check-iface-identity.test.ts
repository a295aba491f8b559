/**
 * keyIdentity and the dynamic-type errors for keys holding interfaces, on
 * hand-built memory with a hand-written DynamicTypes provider. Expected values
 * follow Go's == on interfaces (runtime/alg.go nilinterequal / interequal):
 * equal exactly when the first words are the same and the values are equal
 * under that dynamic type (a float's +0 == −0, strings by content, a NaN
 * never). The real-runtime proof is test/check-iface-keys.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimMemory, decodeUint } from '../src/model/memory.js';
import { ARCHES } from '../src/model/arch.js';
import { parseType } from '../src/model/typeparse.js';
import type { DynamicTypes } from '../src/check/types.js';
import { KeyReadError, UncomparableKeyError, UnresolvedTypeError, keyIdentity } from '../src/check/keys.js';

const amd64 = ARCHES.amd64;
// Fake descriptor addresses: 0x1000 int, 0x2000 int64, 0x3000 string, 0x4000 *int (direct),
// 0x5000 []int, 0x6000 float64. 0x7000 is an itab whose _type (one word in) is 0x1000.
const TYPES: Record<number, string> = { 0x1000: 'int', 0x2000: 'int64', 0x3000: 'string', 0x4000: '*int', 0x5000: '[]int', 0x6000: 'float64' };
function provider(mem: SimMemory): DynamicTypes {
  return {
    dynamicType(word, itab) {
      const t = itab ? decodeUint(mem.read(word + 8n, 8), false) : word;
      const name = TYPES[Number(t)];
      return name ? { type: parseType(name), direct: name.startsWith('*') } : undefined;
    },
  };
}

function setup() {
  const mem = new SimMemory(amd64);
  const dyn = provider(mem);
  const box = (size: number, f: (a: number) => void): number => {
    const a = mem.alloc(size, 'box');
    f(a);
    return a;
  };
  const key = (type: number, data: number): Uint8Array => {
    const b = new Uint8Array(16);
    const dv = new DataView(b.buffer);
    dv.setBigUint64(0, BigInt(type), true);
    dv.setBigUint64(8, BigInt(data), true);
    return b;
  };
  const id = (t: string, k: Uint8Array) => keyIdentity(mem, parseType(t), k, 0, dyn);
  return { mem, dyn, box, key, id };
}

test('interface keys: identity is type word plus value under the dynamic type', () => {
  const { mem, box, key, id } = setup();
  const five = box(8, (a) => mem.setUint(a, 8, 5n));
  const fiveAgain = box(8, (a) => mem.setUint(a, 8, 5n));
  // Two boxes holding int 5: equal (the data pointers differ, the values do not).
  assert.equal(id('any', key(0x1000, five)), id('any', key(0x1000, fiveAgain)));
  // int(5) and int64(5): different type words, not equal.
  assert.notEqual(id('any', key(0x1000, five)), id('any', key(0x2000, five)));
  // Strings by content, wherever their bytes are.
  const s1 = box(2, (a) => mem.write(a, Uint8Array.of(0x68, 0x69)));
  const s2 = box(2, (a) => mem.write(a, Uint8Array.of(0x68, 0x69)));
  const h1 = box(16, (a) => { mem.setPtr(a, s1); mem.setUint(a + 8, 8, 2n); });
  const h2 = box(16, (a) => { mem.setPtr(a, s2); mem.setUint(a + 8, 8, 2n); });
  assert.equal(id('any', key(0x3000, h1)), id('any', key(0x3000, h2)));
  // A pointer is direct: the data word is the value; equal pointers are equal keys.
  assert.equal(id('any', key(0x4000, 0x1234)), id('any', key(0x4000, 0x1234)));
  assert.notEqual(id('any', key(0x4000, 0x1234)), id('any', key(0x4000, 0x1238)));
  // Floats: +0 == −0; NaN has no identity.
  const pz = box(8, (a) => mem.setUint(a, 8, 0n));
  const nz = box(8, (a) => mem.setUint(a, 8, 0x8000000000000000n));
  const nan = box(8, (a) => mem.setUint(a, 8, 0x7ff8000000000001n));
  assert.equal(id('any', key(0x6000, pz)), id('any', key(0x6000, nz)));
  assert.equal(id('any', key(0x6000, nan)), null);
  // The nil interface equals only itself.
  assert.equal(id('any', key(0, 0)), id('any', key(0, 0)));
  assert.notEqual(id('any', key(0, 0)), id('any', key(0x4000, 0)));
  // error: the first word is an itab, compared as such; the value under itab._type (int).
  const itab = box(32, (a) => mem.setPtr(a + 8, 0x1000));
  assert.equal(id('error', key(itab, five)), id('error', key(itab, fiveAgain)));
  // A struct key with an interface field: field by field.
  assert.equal(id('struct { A any; B int }', new Uint8Array([...key(0x1000, five), 7, 0, 0, 0, 0, 0, 0, 0])),
    id('struct { A any; B int }', new Uint8Array([...key(0x1000, fiveAgain), 7, 0, 0, 0, 0, 0, 0, 0])));
});

test('interface keys: unknown, uncomparable and unreadable dynamic values', () => {
  const { mem, box, key, id } = setup();
  // A type word no type describes: cannot be resolved (the checker leaves the key unchecked).
  assert.throws(() => id('any', key(0x9000, 0)), UnresolvedTypeError);
  // No provider at all (a snapshot): same.
  assert.throws(() => keyIdentity(mem, parseType('any'), key(0x1000, 0)), UnresolvedTypeError);
  // []int is not comparable: the runtime panics hashing it, so no such key can be in a map.
  assert.throws(() => id('any', key(0x5000, box(24, () => {}))), (e) => e instanceof UncomparableKeyError && e.typeName === '[]int');
  // The boxed value is unreadable memory: a read error (an "unreadable" finding).
  assert.throws(() => id('any', key(0x1000, 0x10)), KeyReadError);
  // The itab is unreadable.
  assert.throws(() => id('error', key(0x10, 0)), KeyReadError);
});
