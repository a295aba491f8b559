/**
 * Named types on the command line: the standard-library table with no Go on
 * PATH, targets the compiler rejects, --entries, and --source without a
 * toolchain. Expected figures are hand derivations (written beside them) or
 * come from the table, whose every figure test/std-types.test.ts checks
 * against the compilers it was read from.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertBadInput } from './support/badinput.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** mapscope in a child process whose PATH has node and nothing Go. */
function run(...argv: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'mapscope.js'), ...argv], {
    encoding: 'utf8', env: { ...process.env, PATH: '/nonexistent', GOROOT: '' },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test("layout 'map[string]time.Time' --go 1.22,1.27 --arch amd64,386 works with no Go toolchain on PATH", () => {
  const r = run('layout', 'map[string]time.Time', '--go', '1.22,1.27', '--arch', 'amd64,386');
  assert.equal(r.code, 0, r.err);
  // time.Time is { wall uint64; ext int64; loc *Location }: 24 bytes aligned 8 on amd64; 8+8+4 = 20 aligned 4 on 386.
  assert.match(r.out, /elem size\/align +24\/8 +20\/4 +24\/8 +20\/4/);
  // classic 1.22 bucket on amd64: 8 tophash + 8*16 keys + 8*24 elems + 8 overflow = 336; Swiss 1.27 group: 8 + 8*(16+24) = 328.
  assert.match(r.out, /bucket size +336 +/);
  assert.match(r.out, /group size +- +- +328 +/);
});

test('a target the compiler rejects shows its error in its column; the others still print', () => {
  const r = run('layout', 'map[int]atomic.Int64', '--go', '1.23,1.24', '--arch', 'amd64,386');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /implementation +classic +REJECTED +swiss +swiss/);
  // The real compiler's message for this map on 386 (test/fixtures/layout/go1.23*-386.json, compileError).
  assert.match(r.out, /1\.23\/386: .*internal compiler error: bad offset of overflow in bmap for map\[int\]atomic\.Int64, overflow\.Offset=104, bucket\.Size\(\)-int64\(types\.PtrSize\)=108/);
  const j = run('layout', 'map[int]atomic.Int64', '--go', '1.23,1.24', '--arch', 'amd64,386', '--json');
  assert.equal(j.code, 0, j.err);
  const a = JSON.parse(j.out) as { go: string; arch: string; impl?: string; error?: string }[];
  assert.deepEqual(a.map((x) => [x.go, x.arch, x.impl ?? 'error']), [['1.23', 'amd64', 'classic'], ['1.23', '386', 'error'], ['1.24', 'amd64', 'swiss'], ['1.24', '386', 'swiss']]);
  assert.match(a[1].error!, /bad offset of overflow in bmap/);
  // Go 1.21–1.23 on 386 refused map[string]sync.WaitGroup when test/std-types-live.test.ts built it (go1.21.13,
  // go1.22.12, go1.23 for GOARCH=386): "internal compiler error: bad offset of overflow in bmap for
  // map[string]sync.WaitGroup, overflow.Offset=200, bucket.Size()-int64(types.PtrSize)=204"; 1.19 built it.
  const wg = run('layout', 'map[string]sync.WaitGroup', '--go', '1.19,1.21,1.23', '--arch', '386');
  assert.match(wg.out, /implementation +classic +REJECTED +REJECTED/);
  assert.match(wg.out, /1\.21\/386: .*bad offset of overflow in bmap for map\[string\]sync\.WaitGroup, overflow\.Offset=200, bucket\.Size\(\)-int64\(types\.PtrSize\)=204/);
  // When every target fails, it is bad input: exit 2, one line.
  const all = run('layout', 'map[int]atomic.Int64', '--go', '1.23', '--arch', '386');
  assertBadInput(all.code, all.err);
});

test('holes, the better order and --entries, in text and JSON', () => {
  const r = run('layout', 'map[int64]struct{a bool; b int64; c bool}', '--go', '1.23,1.27', '--entries', '1000');
  assert.equal(r.code, 0, r.err);
  // gdb ptype /o shows a 7-byte hole after a and 7 bytes of tail padding: size 24; b, a, c is 16.
  assert.match(r.out, /b +int64 +8 +8 +8 +7-byte hole before/);
  assert.match(r.out, /\(tail\) +17 +7 +7-byte tail padding/);
  assert.match(r.out, /better order: b, a, c: 24 -> 16 bytes \(saves 8\)/);
  // Hand derivation, 1000 entries. Classic 1.23: B = 8 (1000 <= 6.5*256), 256 + 2^(8-4) = 272 buckets; bucket
  // 8 + 8*8 + 8*24 + 8 = 272 -> 8 + 64 + 128 + 8 = 208 reordered. Swiss 1.27: capacity 1000*8/7 = 1142,
  // 2 tables of 1024 slots = 256 groups of 8 + 8*(8+24) = 264 -> 8 + 8*(8+16) = 200 bytes.
  assert.match(r.out, /1\.23\/amd64 +classic +272 +208 +32 +24 +272 +73984 +56576 +17408/);
  assert.match(r.out, /1\.27\/amd64 +swiss +264 +200 +32 +24 +256 +67584 +51200 +16384/);
  const j = run('layout', 'map[int64]struct{a bool; b int64; c bool}', '--entries', '1000', '--json');
  const a = JSON.parse(j.out) as { structs: { path: string; padding: number; better: { order: string[]; saves: number } }[]; savings: { entries: { saves: number } } }[];
  assert.deepEqual(a[0].structs.map((s) => [s.path, s.padding, s.better.order, s.better.saves]), [['elem', 14, ['b', 'a', 'c'], 8]]);
  assert.equal(a[0].savings.entries.saves, 16384);
});

test('--source with no Go toolchain: one line saying what to install, exit 2', () => {
  const r = run('layout', 'map[string]Session', '--source', ROOT);
  assertBadInput(r.code, r.err, { want: /needs a Go toolchain .* none is on PATH: install Go .* or pass --goroot DIR/, stdout: r.out });
});

test('standard-library names with no table for the release say so', () => {
  const r = run('layout', 'map[string]time.Time', '--go', '1.16');
  assert.equal(r.code, 2);
  assert.match(r.err, /time\.Time is a standard-library type, but the table mapscope ships was read from Go 1\.19–1\.27 only/);
});
