/**
 * writeJson (src/base/json.ts) writes the text JSON.stringify(v, null, 2)
 * gives — the reference is V8's own JSON.stringify — in pieces that each end
 * at a line break, so `sim --json` can print snapshots longer than V8's
 * longest string without changing a byte of the smaller ones.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { writeJson } from '../src/base/json.js';

test('writeJson: the same text as JSON.stringify(v, null, 2), in pieces ending at a line break', () => {
  fc.assert(
    fc.property(fc.jsonValue(), fc.integer({ min: 1, max: 200 }), (v, chunk) => {
      const parts: string[] = [];
      writeJson(v, (t) => parts.push(t), chunk);
      assert.equal(parts.join(''), JSON.stringify(v, null, 2));
      for (const p of parts.slice(0, -1)) assert.ok(p.endsWith('\n'));
    }),
    { numRuns: 2000 },
  );
});

test('writeJson: undefined members are dropped and undefined array elements are null, as JSON.stringify does', () => {
  const v = { a: undefined, b: [undefined, 1, { c: undefined }], d: {} , e: [] };
  let out = '';
  writeJson(v, (t) => (out += t), 4);
  assert.equal(out, JSON.stringify(v, null, 2));
});
