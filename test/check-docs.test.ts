/**
 * docs/check.md is the catalogue users read: one `### <code> — <title>`
 * section per invariant, no section for a code that does not exist, and
 * each with an example.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CLASSIC_INVARIANTS } from '../src/check/classic/index.js';
import { SWISS_INVARIANTS } from '../src/check/swiss/index.js';

const doc = readFileSync(join(resolve(import.meta.dirname, '..', '..'), 'docs', 'check.md'), 'utf8');

test('docs/check.md has exactly one section per catalogue code, each with an example', () => {
  const sections = [...doc.matchAll(/^### ((?:classic|swiss)\/[a-z0-9-]+) — /gm)].map((m) => m[1]);
  const codes = [...CLASSIC_INVARIANTS, ...SWISS_INVARIANTS].map((i) => i.code);
  assert.deepEqual([...sections].sort(), [...codes].sort());
  for (const code of codes) {
    const start = doc.indexOf(`### ${code} — `);
    const next = doc.indexOf('\n#', start + 4);
    const body = doc.slice(start, next < 0 ? undefined : next);
    // An example: the word, or a finding line naming the code beyond the heading.
    assert.ok(/example/i.test(body) || body.split(code).length > 2, `${code}: an example`);
  }
});
