import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../src/cli/main.js';
import { captureIO } from '../src/cli/io.js';
import { assertBadInput } from './support/badinput.js';

async function run(...argv: string[]) {
  const io = captureIO();
  const code = await main(argv, io);
  return { code, out: io.stdout, err: io.stderr };
}

test('layout --go 1.23,1.24 --arch amd64,arm64 lays classic and Swiss side by side', async () => {
  const r = await run('layout', 'map[string]int', '--go', '1.23,1.24', '--arch', 'amd64,arm64');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /1\.23\/amd64 +1\.23\/arm64 +1\.24\/amd64 +1\.24\/arm64/);
  assert.match(r.out, /implementation +classic +classic +swiss +swiss/);
  // What real compilers made (test/fixtures/layout/go1.23.5-amd64.json and test/fixtures/layout/go1.24.4-amd64.json): bucket 208, group 200, slot 24.
  assert.match(r.out, /bucket size +208 +208/);
  assert.match(r.out, /group size +- +- +200 +200/);
  assert.match(r.out, /Differs: implementation/);
});

test('layout --json: one object per (go, arch) with the documented fields', async () => {
  const r = await run('layout', 'map[string][200]byte', '--go', '1.22,1.26', '--arch', '386', '--json');
  assert.equal(r.code, 0, r.err);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON read back to check its documented shape
  const a = JSON.parse(r.out) as Array<Record<string, any>>;
  assert.equal(a.length, 2);
  assert.deepEqual(a.map((x) => [x.go, x.arch, x.impl]), [['1.22', '386', 'classic'], ['1.26', '386', 'swiss']]);
  // test/fixtures/layout/go1.22.12-386.json: map[string][200]byte bucket 108, flags 14 (indirect elem, reflexive, need key update).
  assert.equal(a[0].bucket.size, 108);
  assert.deepEqual(a[0].descriptor.flags.names, ['indirectElem', 'reflexiveKey', 'needKeyUpdate']);
  assert.equal(a[0].elem.indirect, true);
  assert.ok(Array.isArray(a[0].bucket.fields) && a[0].bucket.fields[0].name === 'topbits');
  // test/fixtures/layout/go1.26.10-386.json: 32-bit slot 12, elemOff 8, group 104, flags 0x9.
  assert.deepEqual([a[1].group.slotSize, a[1].group.elemOffset, a[1].group.size, a[1].descriptor.flags.value], [12, 8, 104, 9]);
});

test('bad input gets one line on stderr and exit code 2', async () => {
  for (const argv of [
    ['layout', 'map[string'],
    ['layout', 'map[string]int', '--arch', 'sparc'],
    ['layout', 'map[string]int', '--go', '1.99'],
    ['layout', 'map[string]int', '--go', 'banana'],
    ['layout', 'map[Foo]int'],
    ['layout', 'map[[]int]bool'],
    ['layout', '[]int'],
    ['layout', 'map[string]int', '--go', '1.26', '--experiment', 'noswissmap'],
    ['layout'],
    ['layout', 'map[int]int', '--bogus'],
  ]) {
    const r = await run(...argv);
    assertBadInput(r.code, r.err, { what: argv.join(' '), stdout: r.out });
  }
});

test('an unknown named type says where mapscope looked and what to pass, without guessing it is a struct', async () => {
  const r = await run('layout', 'map[Point]int');
  assert.match(r.err, /unknown named type Point: mapscope looked in the standard-library table for Go 1\.27\/amd64\. Pass --source DIR .* or --binary APP .* or use it behind a pointer \(\*Point\)/);
  assert.doesNotMatch(r.err, /struct literal/);
});

test('--help works on every command', async () => {
  for (const c of ['layout', 'tour']) {
    const r = await run(c, '--help');
    assert.equal(r.code, 0);
    assert.match(r.out, /Usage: mapscope/);
  }
});

test('no arguments runs the tour', async () => {
  const r = await run();
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /1\. Layouts of everyday map types/);
  assert.match(r.out, /2\. One map's life/);
  assert.match(r.out, /go1\.23\/amd64/); // classic engine section
  assert.match(r.out, /Swiss engine, go1\.24\/amd64/);
  assert.match(r.out, /3\. Checking a map's memory/);
  assert.match(r.out, /4\. Publishing a map's new buckets/);
  assert.equal(r.err, '');
});
