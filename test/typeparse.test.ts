import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseType } from '../src/model/typeparse.js';
import { InputError } from '../src/base/errors.js';

test('parses the type expressions users write', () => {
  for (const e of [
    'map[string]int',
    'map[[16]byte]*T',
    'map[struct{a int8; b int64}][]string',
    'map[any]chan int',
    'map[float64]complex128',
    'map[string]map[int]bool',
    'map[rune]uintptr',
    'map[struct{ T1 *T; _ int; x, y int16 `json:"x"` }]struct{}',
    'map[interface{ M(); String() string }]int',
    'map[error]func(a, b int) (string, error)',
    'map[int]atomic.Pointer[T]',
    'map[*http.Request]chan<- []byte',
    'map[unsafe.Pointer]<-chan int',
    'map[int]struct{ sync struct{}; e struct{} }',
  ]) {
    assert.equal(parseType(e).kind, 'map', e);
  }
});

test('bad input: an InputError naming the column', () => {
  const bad: [string, RegExp][] = [
    ['map[string', /column 11: expected "\]"/],
    ['map[T]int', /unknown named type T: mapscope looked in mapscope's built-in types .* Pass --source DIR/],
    ['map[int]T', /unknown named type T/],
    ['map[int]int]', /unexpected "\]" after the type/],
    ['[x]int', /expected array length/],
    ['struct{a int; a int}', /duplicate field a/],
    ['map[int]$', /unexpected character/],
    ['', /expected a type, found end of input/],
  ];
  for (const [e, re] of bad) {
    assert.throws(() => parseType(e), (err: unknown) => err instanceof InputError && re.test(err.message), e);
  }
});

test('fuzz: any string parses or gives an InputError, never anything else', () => {
  const alphabet = fc.constantFrom(...'map[]{}()*;,. int string struct interface chan func <- ... 0 1 9 _ a T byte any atomic.Int64 `'.split(' '));
  fc.assert(
    fc.property(fc.array(alphabet, { maxLength: 30 }), (parts) => {
      const src = parts.join(parts.length % 2 ? ' ' : '');
      try {
        parseType(src);
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
      }
    }),
    { numRuns: 3000 },
  );
  // Deep nesting is bounded, not a stack overflow.
  assert.throws(() => parseType('*'.repeat(5000) + 'int'), InputError);
});
