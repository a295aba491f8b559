/**
 * Size and alignment rules of the gc compiler, checked on hand derivations
 * written beside each case (rules: cmd/compile/internal/types/size.go). The
 * exhaustive check against real compilers is layout-fixtures.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ARCHES } from '../src/model/arch.js';
import { parseType } from '../src/model/typeparse.js';
import { sizeOf, structLayout, typeString, type StructType } from '../src/model/types.js';

const s = (expr: string, arch: keyof typeof ARCHES) => {
  const z = sizeOf(parseType(expr), ARCHES[arch]);
  return [z.size, z.align];
};

test('scalars: int64/float64/complex128 align to the register size; complex64 to 4', () => {
  assert.deepEqual(s('int64', 'amd64'), [8, 8]);
  assert.deepEqual(s('int64', '386'), [8, 4]); // RegSize 4 on 386 (cmd/internal/sys/arch.go)
  assert.deepEqual(s('float64', 'arm'), [8, 4]);
  assert.deepEqual(s('complex128', 'arm'), [16, 4]);
  assert.deepEqual(s('complex64', 'amd64'), [8, 4]);
  assert.deepEqual(s('uintptr', 'mips'), [4, 4]);
  assert.deepEqual(s('string', 'arm64'), [16, 8]);
  assert.deepEqual(s('[]int', '386'), [12, 4]);
  assert.deepEqual(s('any', 'amd64'), [16, 8]);
  assert.deepEqual(s('func()', 'amd64'), [8, 8]);
  assert.deepEqual(s('chan int', '386'), [4, 4]);
});

test('struct padding: fields rounded up to their alignment, size rounded to the max alignment', () => {
  // a int8 @0, b int64 @8 (align 8) -> 16 on amd64; on 386 b aligns to 4 -> b @4, size 12.
  assert.deepEqual(s('struct{a int8; b int64}', 'amd64'), [16, 8]);
  assert.deepEqual(s('struct{a int8; b int64}', '386'), [12, 4]);
  // b int64 @0, a int8 @8, 9 bytes rounded to 16 / to 12 on 386.
  assert.deepEqual(s('struct{b int64; a int8}', 'amd64'), [16, 8]);
  assert.deepEqual(s('struct{b int64; a int8}', '386'), [12, 4]);
});

test('a trailing zero-size field adds one byte before the final round-up (issue 9401)', () => {
  // a int32 @0, _ [0]int64 @8 (align 8): size 8, +1 for the trailing zero-size field = 9, round to 16.
  assert.deepEqual(s('struct{a int32; _ [0]int64}', 'amd64'), [16, 8]);
  // x int @0, y struct{} @8: 8 + 1 = 9 -> 16.
  assert.deepEqual(s('struct{x int; y struct{}}', 'amd64'), [16, 8]);
  // A struct whose only field is zero-size stays zero-size (the rule needs size > 0).
  assert.deepEqual(s('struct{y struct{}}', 'amd64'), [0, 1]);
  // A leading zero-size field costs nothing.
  assert.deepEqual(s('struct{y struct{}; x int32}', 'amd64'), [4, 4]);
});

test('sync/atomic: atomic.Int64 is 8-aligned on every target, atomic.Int32 is not', () => {
  // type Int64 struct { _ noCopy; _ align64; v int64 } and align64 forces 8 (types/size.go CalcStructSize).
  for (const a of ['amd64', '386', 'arm', 'mips'] as const) assert.deepEqual(s('atomic.Int64', a), [8, 8]);
  assert.deepEqual(s('atomic.Uint64', '386'), [8, 8]);
  assert.deepEqual(s('atomic.Int32', '386'), [4, 4]);
  assert.deepEqual(s('atomic.Pointer[int]', 'arm'), [4, 4]);
  assert.deepEqual(s('atomic.Value', '386'), [8, 4]);
  // struct{ a atomic.Uint64; b int32 }: b @8, 12 -> rounded to 16 even on 386.
  assert.deepEqual(s('struct{ a atomic.Uint64; b int32 }', '386'), [16, 8]);
});

test('arrays multiply; zero-length arrays keep the element alignment', () => {
  assert.deepEqual(s('[3]byte', 'amd64'), [3, 1]);
  assert.deepEqual(s('[0]int64', 'amd64'), [0, 8]);
  assert.deepEqual(s('[2]string', '386'), [16, 4]);
});

test('algorithm kinds: padding and blank fields need generated hash/equal functions', () => {
  const alg = (e: string) => sizeOf(parseType(e), ARCHES.amd64).alg;
  assert.equal(alg('struct{a int8; b int64}'), 'SPECIAL'); // padded field
  assert.equal(alg('struct{a int32; b int32}'), 'MEM');
  assert.equal(alg('struct{a int32}'), 'MEM');
  assert.equal(alg('struct{s string}'), 'STRING'); // one-field struct is its field
  assert.equal(alg('[1]float64'), 'FLOAT64'); // one-element array is its element
  assert.equal(alg('[2]float64'), 'SPECIAL');
  assert.equal(alg('struct{_ int32; b int32}'), 'SPECIAL'); // blank field
  assert.equal(alg('[]int'), 'NOEQ');
  assert.equal(alg('struct{a int; f func()}'), 'NOEQ');
  assert.equal(alg('interface{ M() }'), 'INTER');
  assert.equal(alg('any'), 'NILINTER');
});

test('field offsets inside a struct', () => {
  const t = parseType('struct{a int8; b int64; c int16; d [0]int32}') as StructType;
  const l = structLayout(t, ARCHES.amd64);
  // a@0 b@8 c@16 d@20 (align 4), 20+0 -> +1 = 21 -> round 8 = 24
  assert.deepEqual(l.fields.map((f) => f.offset), [0, 8, 16, 20]);
  assert.equal(l.sized.size, 24);
});

test('type strings are spelled as reflect spells them', () => {
  assert.equal(typeString(parseType('map[[16]byte]*T')), 'map[[16]uint8]*T');
  assert.equal(typeString(parseType('map[struct{a int8; b int64}][]string')), 'map[struct { a int8; b int64 }][]string');
  assert.equal(typeString(parseType('map[any]chan int')), 'map[interface {}]chan int');
  assert.equal(typeString(parseType('map[rune]byte')), 'map[int32]uint8');
  assert.equal(typeString(parseType('func(int, ...string) (bool, error)')), 'func(int, ...string) (bool, error)');
  assert.equal(typeString(parseType('<-chan int')), '<-chan int');
});
