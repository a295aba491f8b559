/**
 * writeJson (src/base/json.ts) writes the text JSON.stringify(v, null, 2)
 * gives — the reference is V8's own JSON.stringify — in pieces that each end
 * at a line break, so `sim --json` can print snapshots longer than V8's
 * longest string without changing a byte of the smaller ones.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseJsonBytes, writeJson } from '../src/base/json.js';

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

test('parseJsonBytes: what JSON.parse gives, however small the pieces it splits the text into', () => {
  const enc = new TextEncoder();
  fc.assert(
    fc.property(fc.jsonValue(), fc.integer({ min: 1, max: 40 }), fc.boolean(), (v, piece, pretty) => {
      const text = pretty ? JSON.stringify(v, null, 2) : JSON.stringify(v);
      assert.deepEqual(parseJsonBytes(enc.encode(text), 'x.json', piece), JSON.parse(text));
    }),
    { numRuns: 2000 },
  );
});

test('parseJsonBytes: text JSON.parse refuses is refused (an InputError naming the file), split or not', () => {
  const enc = new TextEncoder();
  const cases = ['{"a":1,}', '[1 2]', '{"a" 1}', '{"a":1 "b":2}', '[1,,2]', '{"a":[1,2}', '["a\\"]', '{1:2}', '[1]]', '{"__proto__":{"x":1},"y":[1,2,3]}'];
  for (const t of cases) {
    let want: unknown;
    let ok = true;
    try {
      want = JSON.parse(t);
    } catch {
      ok = false;
    }
    for (const piece of [1, 3, 1 << 20]) {
      if (ok) assert.deepEqual(parseJsonBytes(enc.encode(t), 'x.json', piece), want, t);
      else assert.throws(() => parseJsonBytes(enc.encode(t), 'x.json', piece), (e: Error) => e.name === 'InputError' && /x\.json/.test(e.message), `${t} (piece ${piece})`);
    }
  }
  // "__proto__" stays an own property, as JSON.parse makes it.
  const p = parseJsonBytes(enc.encode('{"__proto__":{"x":1},"y":[1,2,3]}'), 'x.json', 2) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(p), Object.prototype);
  assert.deepEqual(Object.keys(p), ['__proto__', 'y']);
});
