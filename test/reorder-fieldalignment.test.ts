/**
 * The reorder advice against golang.org/x/tools' fieldalignment analyzer, on
 * the analyzer's own test data (Debian's golang-golang-x-tools-dev, installed
 * by scripts/setup.sh). Each `// want "struct of size A could be B"` or
 * `"struct with A pointer bytes could be B"` is what fieldalignment reports
 * for amd64 (a.go plus the amd64 file) or 386 (a.go plus the 386 file of the analyzer's testdata); structs without a want are
 * ones it finds already optimal. mapscope must report the same figures and
 * find nothing to improve where fieldalignment finds nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseType, type NameResolver } from '../src/model/typeparse.js';
import { archByName } from '../src/model/arch.js';
import { structHoles } from '../src/layout/reorder.js';
import type { GoType } from '../src/model/types.js';

const DIR = '/usr/share/gocode/src/golang.org/x/tools/go/analysis/passes/fieldalignment/testdata/src/a';

interface Decl { name: string; body: string; want?: string }

/** `type X struct { ... } // want "..."` declarations of a test file, comments stripped. */
function decls(file: string): Decl[] {
  const src = readFileSync(join(DIR, file), 'utf8');
  const out: Decl[] = [];
  const re = /^type (\w+) struct \{(?: \/\/ want "([^"]+)")?\n([\s\S]*?)^\}/gm;
  for (const m of src.matchAll(re)) {
    const body = m[3].split('\n').map((l) => l.replace(/\/\/.*$/, '').trim()).filter(Boolean).join('; ').replace(/\{; /g, '{ ');
    out.push({ name: m[1], body: `struct { ${body} }`, ...(m[2] ? { want: m[2] } : {}) });
  }
  return out;
}

function check(files: string[], goarch: string) {
  if (!existsSync(DIR)) throw new Error(`fieldalignment test data missing at ${DIR}: run scripts/setup.sh (installs golang-golang-x-tools-dev)`);
  const arch = archByName(goarch);
  const all = files.flatMap(decls);
  const types = new Map<string, GoType>();
  const names: NameResolver = { resolve: (n) => types.get(n), unknown: (n) => `unknown ${n}` };
  for (const d of all) types.set(d.name, { kind: 'named', name: d.name, underlying: parseType(d.body, names) });
  assert.ok(all.length >= 10, `${all.length} declarations read`);
  let wants = 0;
  for (const d of all) {
    const h = structHoles('x', types.get(d.name)!, arch)[0];
    const better = h.better;
    if (!d.want) {
      assert.equal(better, undefined, `${d.name} on ${goarch}: fieldalignment finds it optimal, we propose ${JSON.stringify(better?.order)}`);
      continue;
    }
    wants++;
    const size = /^struct of size (\d+) could be (\d+)$/.exec(d.want);
    const ptr = /^struct with (\d+) pointer bytes could be (\d+)$/.exec(d.want);
    assert.ok(better, `${d.name} on ${goarch}: fieldalignment says "${d.want}", we propose nothing`);
    if (size) {
      assert.equal(h.size, Number(size[1]), `${d.name} on ${goarch}: size`);
      assert.equal(better.size, Number(size[2]), `${d.name} on ${goarch}: optimal size`);
    } else if (ptr) {
      assert.equal(better.size, h.size, `${d.name} on ${goarch}: size unchanged`);
      assert.equal(h.ptrBytes, Number(ptr[1]), `${d.name} on ${goarch}: pointer bytes`);
      assert.equal(better.ptrBytes, Number(ptr[2]), `${d.name} on ${goarch}: optimal pointer bytes`);
    } else assert.fail(`unexpected want ${d.want}`);
  }
  return wants;
}

test('fieldalignment test data, amd64 (a.go + a_amd64.go)', () => {
  assert.equal(check(['a.go', 'a_amd64.go'], 'amd64'), 8);
});

test('fieldalignment test data, 386 (a.go + a_386.go)', () => {
  assert.equal(check(['a.go', 'a_386.go'], '386'), 7);
});
