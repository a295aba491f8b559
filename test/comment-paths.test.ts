/**
 * Every file a source comment cites exists (issue 11): a comment in src/,
 * test/, bench/, scripts/ or gosrc/ that names a file must name one a reader
 * can open.
 *
 * What counts as a citation: a word in a comment that ends in a file
 * extension (.ts .go .s .md .json .sh …). It must be, in this order:
 * - a path in the repository, from its root, from src/ (as the floors name
 *   folders) or from the citing file's folder (so a bare name must be the
 *   citing file's neighbour);
 * - or a file of Go's own source tree, in any toolchain of
 *   $MAPSCOPE_CACHE/go (test/support/toolchains.ts): `runtime/map.go`,
 *   `maps/table.go` and `src/runtime/type.go` are read as path suffixes under
 *   a GOROOT, a bare `hash64.go` as a file name there;
 * - or a file of herd's litmus catalogue in shared/litmus (test/support/shared.ts),
 *   which the litmus tests read.
 * Nothing else outside the repository: notes kept beside it (the reference
 * notes, a contract file) are brought in as docs/ and cited there.
 * Placeholders are written in angle brackets (`<scenario.json>`) or in
 * capitals as command synopses write them (`SNAPSHOT.json`), and are not
 * citations.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { repoRoot, sharedDir } from './support/shared.js';
import { cacheDir } from './support/toolchains.js';

const ROOTS = ['src', 'test', 'bench', 'scripts', 'gosrc'];
const SOURCE = /\.(ts|go|s|sh|mjs|py)$/;

function filesUnder(root: string, dir: string, keep: (rel: string) => boolean, out: string[] = []): string[] {
  for (const name of readdirSync(join(root, dir))) {
    const rel = dir ? `${dir}/${name}` : name;
    const st = statSync(join(root, rel), { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) {
      if (name !== 'testdata' && name !== 'node_modules' && !rel.startsWith('test/fixtures')) filesUnder(root, rel, keep, out);
    } else if (keep(rel)) out.push(rel);
  }
  return out;
}

/** The comment text of a source file (strings are skipped, so a path in a string literal is not a citation). */
export function commentsOf(text: string, ext: string): string {
  if (ext === '.sh' || ext === '.py') {
    return text.split('\n').map((l) => /(^|\s)#.*$/.exec(l)?.[0] ?? '').join('\n');
  }
  const out: string[] = [];
  // Block and line comments, and the three kinds of string literal (quotes written as \x27, \x22, \x60 so
  // that this file's own regular expressions do not look like strings to the scanner).
  const re = /\/\*[\s\S]*?\*\/|\/\/[^\n]*|\x60(?:\\[\s\S]|[^\x60\\])*\x60|\x27(?:\\.|[^\x27\\\n])*\x27|\x22(?:\\.|[^\x22\\\n])*\x22/g;
  for (const m of text.matchAll(re)) if (m[0].startsWith('/')) out.push(m[0]);
  return out.join('\n');
}

const CITATION = /(?<![\w./$<-])((?:\.\.?\/)?\w[\w.-]*(?:\/[\w.-]+)*\.(?:ts|js|mjs|go|s|sh|py|md|json|jsonl|tsv|txt|gz))(?![\w/>])/g;

/** Words of a comment that cite a file. */
export function citations(comment: string): string[] {
  return [...comment.matchAll(CITATION)].map((m) => m[1]).filter((p) => !/^[A-Z_]+\./.test(basename(p)));
}

/** Every file path of every toolchain's GOROOT ("src/runtime/map.go", "misc/wasm/wasm_exec.js"), and their base names. */
function goTrees(): { paths: string[]; names: Set<string> } {
  const goDir = join(cacheDir(), 'go');
  const roots = existsSync(goDir) ? readdirSync(goDir).map((v) => join(goDir, v)).filter((r) => existsSync(join(r, 'src', 'runtime'))) : [];
  assert.ok(roots.length > 0, `no Go toolchain under ${goDir}: run scripts/go-toolchains.sh`);
  const paths = new Set<string>();
  for (const r of roots) for (const p of filesUnder(r, '', () => true)) paths.add(p);
  return { paths: [...paths], names: new Set([...paths].map((p) => basename(p))) };
}

/** Whether a citation in `file` (a path from the repository root) names a file that exists, by the rules above. */
function resolver(): (file: string, p: string) => boolean {
  const go = goTrees();
  const litmus = join(sharedDir(), 'litmus');
  const litmusFiles = existsSync(litmus) ? filesUnder(litmus, '', () => true) : [];
  const inLitmus = (p: string): boolean => litmusFiles.some((f) => f === p || f.endsWith(`/${p}`) || basename(f) === p);
  const bySuffix = new Map<string, boolean>();
  const inGo = (p: string): boolean => {
    if (!p.includes('/')) return go.names.has(p);
    let hit = bySuffix.get(p);
    if (hit === undefined) {
      hit = go.paths.some((g) => g === p || g.endsWith(`/${p}`));
      bySuffix.set(p, hit);
    }
    return hit;
  };
  return (file, p) => {
    const inRepo = (p.includes('/') && (existsSync(join(repoRoot, p)) || existsSync(join(repoRoot, 'src', p)))) || existsSync(join(repoRoot, dirname(file), p));
    return inRepo || inGo(p) || inLitmus(p);
  };
}

test('every file cited in a source comment exists', () => {
  const exists = resolver();
  // Self-check: the rules refuse what must be refused and accept what must be accepted.
  assert.equal(exists('src/binary/elf.ts', 'go-binary-format.md'), false, 'a note outside the repository');
  assert.equal(exists('src/check/classic/index.ts', 'keys.ts'), false, 'a bare name that is not a neighbour');
  assert.equal(exists('src/check/classic/index.ts', 'check.ts'), true, 'a neighbour');
  assert.equal(exists('src/engine/classic/map.ts', 'runtime/map.go'), true, "Go's source");
  assert.equal(exists('src/engine/classic/map.ts', 'runtime/nomap.go'), false, "a file Go's source does not have");
  const missing: string[] = [];
  let cited = 0;
  for (const file of ROOTS.flatMap((r) => filesUnder(repoRoot, r, (rel) => SOURCE.test(rel)))) {
    const text = commentsOf(readFileSync(join(repoRoot, file), 'utf8'), extname(file));
    for (const p of citations(text)) {
      cited++;
      if (!exists(file, p)) missing.push(`${file}: ${p}`);
    }
  }
  assert.ok(cited > 200, `only ${cited} citations found: the scanner is broken`);
  assert.deepEqual([...new Set(missing)], []);
});

test('the scanner finds citations in comments, not in strings or placeholders', () => {
  const ts = commentsOf('const a = \'src/x.ts\'; // see src/model/types.ts\n/* and notes/x.md, <scenario.json>, FILE.json */', '.ts');
  assert.deepEqual(citations(ts), ['src/model/types.ts', 'notes/x.md']);
  const sh = commentsOf(`echo "a.json" # writes test/fixtures/x.json\n`, '.sh');
  assert.deepEqual(citations(sh), ['test/fixtures/x.json']);
});
