/**
 * `mapscope footprint`: output shapes, hand-derived figures, bad input.
 * (test/footprint-live.test.ts holds the engine to real processes' bytes.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main.js';
import { captureIO } from '../src/cli/io.js';
import { parseEntries } from '../src/footprint/index.js';
import { heapBytes, appendedCapacity } from '../src/model/malloc.js';
import { parseGoVersion } from '../src/model/goversion.js';
import { archByName } from '../src/model/arch.js';
import { assertBadInput } from './support/badinput.js';

async function run(...argv: string[]) {
  const io = captureIO();
  const code = await main(argv, io);
  return { code, out: io.stdout, err: io.stderr };
}

test('footprint --json: Swiss map[int64]int64 at 1000 entries on go1.24/amd64, derived by hand', async () => {
  const r = await run('footprint', 'map[int64]int64', '--entries', '1000', '--go', '1.24', '--seeds', '2', '--json');
  assert.equal(r.code, 0, r.err);
  const doc = JSON.parse(r.out) as { type: string; targets: { target: string; impl: string; points: { entries: number; bytes: { median: number; min: number; max: number }; parts: Record<string, number>; load: number }[]; growth: { kind: string }[] }[] };
  const t = doc.targets[0];
  assert.equal(t.target, 'go1.24/amd64');
  assert.equal(t.impl, 'swiss');
  const p = t.points[0];
  // 1000 entries: the one table splits at 897 (7/8 of 1024 slots), so two tables of 1024 slots, each
  // 128 groups of 8 + 8 × (8+8) = 136 bytes = 17408 bytes, in the 18432-byte size class
  // (runtime/sizeclasses.go); a directory of 2 pointers (16); two 32-byte table headers; maps.Map 48. Total 48 + 16 + 64 + 2 × 18432 = 36992, the figure gosrc/footprint
  // measured on go1.24 amd64 and arm64 (docs/footprint.md).
  assert.deepEqual([p.parts.header, p.parts.directory, p.parts.tables, p.parts.groups, p.parts.total], [48, 16, 64, 36864, 36992]);
  assert.equal(p.bytes.min, 36992);
  assert.equal(p.bytes.max, 36992);
  assert.equal(p.load, 1000 / 2048);
  assert.ok(t.growth.some((g) => g.kind === 'directory'));
});

test('footprint: classic map[int64]int64 at 10^4 on go1.22 holds a page-rounded bucket array', async () => {
  const r = await run('footprint', 'map[int64]int64', '--entries', '10000', '--go', '1.22', '--seeds', '1', '--json');
  assert.equal(r.code, 0, r.err);
  const p = (JSON.parse(r.out) as { targets: { points: { parts: Record<string, number> }[] }[] }).targets[0].points[0];
  // 10^4 > 6.5 × 2^10, so B = 11: 2048 buckets + 2^(11-4) = 128 preallocated overflow buckets,
  // 2176 × 144 bytes = 313344 bytes, a large object: 39 pages of 8 KiB = 319488.
  assert.equal(p.parts.buckets, 319488);
  assert.equal(p.parts.header, 48);
  assert.equal(p.parts.oldbuckets, 0);
});

test('footprint: several targets side by side, growth table, and an SVG', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'footprint-'));
  const svg = join(dir, 'out.svg');
  const r = await run('footprint', 'map[string]int64', '--entries', '100,1000', '--go', '1.23,1.26', '--arch', 'amd64,386', '--seeds', '1', '--svg', svg);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /go1\.23\/amd64 +B\/entry +go1\.23\/386 +B\/entry +go1\.26\/amd64 +B\/entry +go1\.26\/386/);
  assert.match(r.out, /growth \(first seed\)/);
  assert.match(r.out, /double +B=4/);
  const text = readFileSync(svg, 'utf8');
  assert.match(text, /^<svg /);
  assert.equal(text.match(/<path /g)?.length, 4);
});

test('footprint: bad input gets one line on stderr and exit code 2', async () => {
  for (const argv of [
    ['footprint', 'map[int64]int64', '--entries', 'lots'],
    ['footprint', 'map[int64]int64', '--entries', '1e3..5e4'],
    ['footprint', 'map[int8]int64', '--entries', '1000'],
    ['footprint', 'map[any]int', '--entries', '10'],
    ['footprint', 'map[int64]int64', '--seeds', '0'],
  ]) {
    const r = await run(...argv);
    assertBadInput(r.code, r.err, { what: argv.join(' '), stdout: r.out });
  }
});

test('--entries: a size, a list, or powers of ten', () => {
  assert.deepEqual(parseEntries('1e3..1e6'), [1000, 10000, 100000, 1000000]);
  assert.deepEqual(parseEntries('50000,1000,1_000'), [1000, 50000]);
  assert.deepEqual(parseEntries('7'), [7]);
});

test('heapBytes and append growth follow runtime/malloc.go and slice.go', () => {
  const go22 = parseGoVersion('1.22');
  const go21 = parseGoVersion('1.21');
  const amd64 = archByName('amd64');
  // A 600-byte pointerful object carries an 8-byte malloc header from 1.22: class(608) = 640; before, class(600) = 640 too;
  // 520 bytes: 1.22 class(528) = 576, 1.21 class(520) = 576; 513 noscan: class 576.
  assert.equal(heapBytes(600, false, go22, amd64), 640);
  assert.equal(heapBytes(1020, false, go22, amd64), 1152); // class(1028) = 1152
  assert.equal(heapBytes(1020, false, go21, amd64), 1024);
  assert.equal(heapBytes(40000, true, go22, amd64), 40960); // 5 pages
  // cap() after each append to a []*int, printed by real Go 1.21 and 1.22 programs on amd64:
  const real: Record<string, number[]> = {
    '1.21': [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 848, 1280, 1792, 2560],
    '1.22': [1, 2, 4, 8, 16, 32, 64, 143, 287, 607, 1023, 1535, 2303],
  };
  for (const [v, caps] of Object.entries(real)) {
    const got: number[] = [];
    for (let n = 1; n <= 2000; n++) {
      const c = appendedCapacity(n, 8, false, parseGoVersion(v), amd64);
      if (c !== got[got.length - 1]) got.push(c);
    }
    assert.deepEqual(got, caps, `Go ${v}`);
  }
});
