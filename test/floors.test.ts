// The floors of src/: no import runs up or sideways. The order is written once,
// in docs/architecture.md ("## Floors"); this test reads it from there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize, relative } from 'node:path';
import { repoRoot } from './support/shared.js';

interface Import {
  file: string; // path relative to src/, e.g. "check/report.ts"
  target: string; // path relative to src/, e.g. "base/errors.ts"
}

function readFloors(): Map<string, number> {
  const doc = readFileSync(join(repoRoot, 'docs/architecture.md'), 'utf8');
  const block = /```floors\n([\s\S]*?)```/.exec(doc);
  assert.ok(block, 'docs/architecture.md has a ```floors block');
  const floors = new Map<string, number>();
  for (const line of block[1].split('\n')) {
    const m = /^(\d+)\s+(\S+)/.exec(line);
    if (m) floors.set(m[2], Number(m[1]));
  }
  return floors;
}

/** The top folder of a path under src/ ("check/classic/check.ts" → "check"), or the file at src/'s root. */
const place = (p: string): string => p.split('/')[0];

/** Every import that breaks the floors, as "file -> target (floor a -> floor b)". */
function violations(imports: Import[], floors: Map<string, number>): string[] {
  const out: string[] = [];
  for (const { file, target } of imports) {
    const a = place(file);
    const b = place(target);
    if (a === b) continue;
    const fa = floors.get(a);
    const fb = floors.get(b);
    if (fa === undefined) out.push(`${file}: folder ${a} has no floor in docs/architecture.md`);
    else if (fb === undefined) out.push(`${file} -> ${target}: folder ${b} has no floor in docs/architecture.md`);
    else if (fb >= fa) out.push(`${file} -> ${target} (floor ${fa} ${a} -> floor ${fb} ${b})`);
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

function importsOf(src: string): Import[] {
  const out: Import[] = [];
  for (const path of sourceFiles(src)) {
    const text = readFileSync(path, 'utf8');
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)) {
      const target = normalize(join(dirname(path), m[1])).replace(/\.js$/, '.ts');
      out.push({ file: relative(src, path), target: relative(src, target) });
    }
  }
  return out;
}

test('no import in src/ runs up or sideways across the floors of docs/architecture.md', () => {
  const floors = readFloors();
  const imports = importsOf(join(repoRoot, 'src'));
  assert.ok(imports.length > 100, `read ${imports.length} imports`);
  assert.deepEqual(violations(imports, floors), []);
});

test('self-check: the floor test catches an upward import, a sideways one and a folder with no floor', () => {
  const floors = readFloors();
  assert.deepEqual(violations([{ file: 'model/types.ts', target: 'cli/main.ts' }], floors).length, 1);
  assert.deepEqual(violations([{ file: 'engine/classic/map.ts', target: 'binary/elf.ts' }], floors).length, 1);
  assert.deepEqual(violations([{ file: 'nowhere/x.ts', target: 'base/errors.ts' }], floors).length, 1);
  assert.deepEqual(violations([{ file: 'check/report.ts', target: 'base/errors.ts' }], floors), []);
  assert.deepEqual(violations([{ file: 'check/classic/check.ts', target: 'check/types.ts' }], floors), []);
});

/** Lines of the checkers (src/check) longer than the limit, as "file:line (length)". */
function longLines(files: string[], max: number): string[] {
  const out: string[] = [];
  for (const path of files) {
    readFileSync(path, 'utf8').split('\n').forEach((line, i) => {
      if (line.length > max) out.push(`${relative(repoRoot, path)}:${i + 1} (${line.length})`);
    });
  }
  return out;
}

// Issue 11: the checkers' finding texts live in the invariant catalogues' templates, and no line of
// src/check runs past 140 characters.
const CHECK_LINE_MAX = 140;

test(`no line of src/check is over ${CHECK_LINE_MAX} characters`, () => {
  const files = sourceFiles(join(repoRoot, 'src/check'));
  assert.ok(files.length > 10, `read ${files.length} files`);
  assert.deepEqual(longLines(files, CHECK_LINE_MAX), []);
});

test('self-check: the line-length test catches a long line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mapscope-lines-'));
  try {
    const f = join(dir, 'x.ts');
    writeFileSync(f, `const ok = 1;\nconst long = '${'x'.repeat(CHECK_LINE_MAX)}';\n`);
    assert.equal(longLines([f], CHECK_LINE_MAX).length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
