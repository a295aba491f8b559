/**
 * readUint (src/model/memory.ts) gathers up to 8 bytes as two 32-bit halves
 * in doubles instead of a BigInt per byte. Against the definition — byte i
 * of n (counted from the least significant end) weighs 256^i — on hand
 * examples and on random bytes, offsets and both byte orders.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeUint, readUint } from '../src/model/memory.js';

function definition(b: Uint8Array, off: number, size: number, bigEndian: boolean): bigint {
  let v = 0n;
  for (let i = 0; i < size; i++) v += BigInt(b[bigEndian ? off + size - 1 - i : off + i]) << BigInt(8 * i);
  return v;
}

test('readUint: hand examples', () => {
  const b = Uint8Array.from([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0xff]);
  assert.equal(readUint(b, 0, 2, false), 0x0201n);
  assert.equal(readUint(b, 0, 2, true), 0x0102n);
  assert.equal(readUint(b, 0, 8, false), 0x0807060504030201n);
  assert.equal(readUint(b, 1, 8, true), 0x02030405060708ffn);
  assert.equal(decodeUint(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), false), 2n ** 64n - 1n);
  assert.equal(decodeUint(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f, 0x00]), false), 2n ** 53n - 1n);
  assert.equal(decodeUint(Uint8Array.from([0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x20, 0x00]), false), 2n ** 53n);
  assert.equal(decodeUint(new Uint8Array(0), true), 0n);
});

test('readUint: equals the definition for every size up to 16, both byte orders', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 24 }), fc.nat(), fc.nat(), fc.boolean(), (b, o, n, be) => {
      const off = b.length === 0 ? 0 : o % (b.length + 1);
      const size = Math.min(16, b.length - off === 0 ? 0 : n % (b.length - off + 1));
      assert.equal(readUint(b, off, size, be), definition(b, off, size, be));
    }),
    { numRuns: 5000 },
  );
});
