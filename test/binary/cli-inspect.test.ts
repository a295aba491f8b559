/**
 * `mapscope inspect` end to end, in process: the baseline gate between real
 * Go 1.23 and Go 1.24 builds of the same program, --json, --maps, directories,
 * and the one-line error with exit code 2 for bad input.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync, mkdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { captureIO } from '../../src/cli/io.js';
import { buildProbe } from '../support/probe.js';
import { assertBadInput } from '../support/badinput.js';

const tmp = mkdtempSync(join(tmpdir(), 'mapscope-inspect-'));
const go123 = () => buildProbe({ go: '1.23', goos: 'linux', goarch: 'amd64', variant: 'plain' });
const go123pie = () => buildProbe({ go: '1.23', goos: 'linux', goarch: 'amd64', variant: 'pie' });
const go124 = () => buildProbe({ go: '1.24', goos: 'linux', goarch: 'amd64', variant: 'plain' });

async function run(...argv: string[]) {
  const io = captureIO();
  const code = await main(argv, io);
  return { code, out: io.stdout, err: io.stderr };
}

test('baseline gate: Go 1.23 → 1.24 of the same program drifts (exit 1, readable diff); same Go does not (exit 0)', async () => {
  const base = join(tmp, 'maps.json');
  const w = await run('inspect', go123(), '--write-baseline', base, '--maps', 'main.*,map[string]int');
  assert.equal(w.code, 0, w.err);
  const b = JSON.parse(readFileSync(base, 'utf8')) as { files: { maps: { type: string }[] }[] };
  // main.* also selects maps of main's types (Big, Point): see the --maps test below.
  assert.deepEqual(b.files[0].maps.map((m) => m.type).sort(), ['main.Named', 'map[main.Big]main.Point', 'map[main.Point][300]uint8', 'map[string]int', 'map[uint64]*main.Point']);

  const same = await run('inspect', go123pie(), '--baseline', base, '--maps', 'main.*,map[string]int');
  assert.equal(same.code, 0, same.out + same.err);
  assert.match(same.out, /no map layout drift/);

  const drift = await run('inspect', go124(), '--baseline', base, '--maps', 'main.*,map[string]int');
  assert.equal(drift.code, 1, drift.out + drift.err);
  // Go 1.23 classic bucket of map[string]int is 208 bytes (DWARF bucket<string,int>); Go 1.24's Swiss group 200.
  assert.match(drift.out, /changed map\[string\]int: impl classic → swiss, .*bucketSize 208 → -, groupSize - → 200, slotSize - → 24, elemOffset - → 16, flags 12 → 1/);
  assert.match(drift.out, /changed main\.Named: impl classic → swiss/);

  const gh = await run('inspect', go124(), '--baseline', base, '--maps', 'main.Named', '--format', 'github');
  assert.equal(gh.code, 1);
  assert.match(gh.out, /^::error file=.*maps\.json,title=map layout drift%3A main\.Named::.*changed main\.Named/m);

  const sarif = await run('inspect', go124(), '--baseline', base, '--format', 'sarif');
  assert.equal(sarif.code, 1);
  const log = JSON.parse(sarif.out) as { version: string; runs: { results: { ruleId: string }[] }[] };
  assert.equal(log.version, '2.1.0');
  assert.ok(log.runs[0].results.length >= 2);
});

test('--json: documented per-file fields; --maps filters', async () => {
  const r = await run('inspect', go124(), '--json', '--maps', 'map[string]*');
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out) as Record<string, unknown> & { maps: Record<string, unknown>[] };
  for (const k of ['file', 'format', 'goos', 'goarch', 'goVersion', 'mapImpl', 'buildSettings', 'maps']) assert.ok(k in j, k);
  assert.equal(j.goarch, 'amd64');
  assert.equal(j.mapImpl, 'swiss');
  assert.ok(j.maps.length > 0);
  for (const m of j.maps) {
    assert.match(String(m.type), /^map\[string\]/);
    for (const k of ['type', 'key', 'elem', 'keySize', 'elemSize', 'groupSize', 'slotSize', 'elemOffset', 'flags']) assert.ok(k in m, k);
  }
});

test('a directory gives one summary row per executable and skips other files', async () => {
  const dir = join(tmp, 'dir');
  mkdirSync(join(dir, 'sub'), { recursive: true });
  copyFileSync(go123(), join(dir, 'a'));
  copyFileSync(go124(), join(dir, 'sub', 'b'));
  writeFileSync(join(dir, 'README'), 'not a binary');
  const r = await run('inspect', dir);
  assert.equal(r.code, 0, r.err);
  const rows = r.out.trim().split('\n');
  assert.equal(rows.length, 3, r.out);
  assert.match(rows[1], /go1\.23\.\d+\s+linux\/amd64\s+classic:/);
  assert.match(rows[2], /go1\.24\.\d+\s+linux\/amd64\s+swiss:/);
  assert.match(r.err, /3\/3/); // progress on stderr
});

for (const [what, bytes] of [
  ['a non-Go executable', () => readFileSync('/bin/true')],
  ['a truncated Go executable', () => readFileSync(go124()).subarray(0, 100_000)],
  ['random bytes', () => Uint8Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24)],
  ['an empty file', () => new Uint8Array(0)],
] as const) {
  test(`${what}: one-line error naming the file, exit 2`, async () => {
    const f = join(tmp, what.replace(/\W+/g, '-'));
    writeFileSync(f, bytes());
    const r = await run('inspect', f);
    const line = assertBadInput(r.code, r.err, { stdout: r.out });
    assert.ok(line.startsWith(`mapscope: ${f}: `), line);
  });
}

test('--maps: commas inside brackets do not split a pattern; a pattern matches the spelling or the key/elem base type', async () => {
  const { splitPatterns, matcher } = await import('../../src/inspect/baseline.js');
  assert.deepEqual(splitPatterns('main.*, map[func(int, string)]*,map[string]int'), ['main.*', 'map[func(int, string)]*', 'map[string]int']);
  const m = matcher(['map[string]*', 'main.?amed']);
  const t = (type: string, key: string, elem: string) => ({ type, key, elem });
  assert.ok(m(t('map[string]int', 'string', 'int')));
  assert.ok(m(t('main.Named', 'string', '[]string')));
  assert.ok(!m(t('map[int]string', 'int', 'string')));
  assert.ok(!m(t('xmap[string]int', 'string', 'int')));
  // What users mean by main.*: maps of main's types, whatever the map's own spelling.
  const main = matcher(['main.*']);
  assert.ok(main(t('map[uint64]*main.Point', 'uint64', '*main.Point')));
  assert.ok(main(t('map[main.Big]main.Point', 'main.Big', 'main.Point')));
  assert.ok(main(t('map[int][]main.Point', 'int', '[]main.Point')));
  assert.ok(main(t('map[int][4]*main.Point', 'int', '[4]*main.Point')));
  assert.ok(!main(t('map[string]int', 'string', 'int')), 'map[string]int names no package');
  assert.ok(!main(t('map[string]map[main.K]int', 'string', 'map[main.K]int')), 'only the key/elem base type, not types nested in them');
});

test('--maps that matches nothing: one-line error, exit 2, no baseline written', async () => {
  const f = join(tmp, 'none.json');
  for (const argv of [['--maps', 'nosuchpkg.*'], ['--maps', 'nosuchpkg.*', '--write-baseline', f]]) {
    const r = await run('inspect', go124(), ...argv);
    assertBadInput(r.code, r.err, { want: /--maps 'nosuchpkg\.\*' matches none of \d+ map types/, what: argv.join(' ') });
  }
  assert.throws(() => readFileSync(f));
});

test("README's gate example: --maps 'main.*' selects maps of main's types, not only named map types", async () => {
  const base = join(tmp, 'main.json');
  const w = await run('inspect', go123(), '--write-baseline', base, '--maps', 'main.*');
  assert.equal(w.code, 0, w.err);
  const b = JSON.parse(readFileSync(base, 'utf8')) as { maps: string[]; files: { maps: { type: string }[] }[] };
  assert.deepEqual(b.maps, ['main.*']);
  // gosrc/inspectprobe: Named, map[Big]Point, map[Point][300]byte, map[uint64]*Point (field of Holder).
  assert.deepEqual(b.files[0].maps.map((m) => m.type).sort(), ['main.Named', 'map[main.Big]main.Point', 'map[main.Point][300]uint8', 'map[uint64]*main.Point']);
  const up = await run('inspect', go124(), '--baseline', base);
  assert.equal(up.code, 1, up.out);
  assert.match(up.out, /changed map\[main\.Big\]main\.Point: impl classic → swiss/);
});

test('the filter is stored in the baseline and applied to both sides: no false added/removed', async () => {
  const all = join(tmp, 'all.json');
  const some = join(tmp, 'some.json');
  assert.equal((await run('inspect', go123(), '--write-baseline', all)).code, 0);
  assert.equal((await run('inspect', go123(), '--write-baseline', some, '--maps', 'map[string]*')).code, 0);
  // Unfiltered baseline, filtered comparison (the 19 false "removed").
  const a = await run('inspect', go123pie(), '--baseline', all, '--maps', 'map[string]*');
  assert.equal(a.code, 0, a.out);
  assert.match(a.out.trim(), /^no map layout drift against .*all\.json \(\d+ map types compared, --maps map\[string\]\*\)$/);
  // Filtered baseline, no --maps now: the recorded filter applies.
  const s2 = await run('inspect', go123pie(), '--baseline', some);
  assert.equal(s2.code, 0, s2.out);
  assert.doesNotMatch(s2.out, /added|removed/);
  const j = JSON.parse((await run('inspect', go123pie(), '--baseline', some, '--json')).out) as { drift: unknown[]; filter: string[] };
  assert.deepEqual(j.drift, []);
  assert.deepEqual(j.filter, ['map[string]*']);
});

/** A copy of the Go 1.23 probe whose map[string]int descriptor has its flags word changed: a finding, not drift. */
async function corruptCopy(): Promise<string> {
  const { openObjects } = await import('../../src/binary/open.js');
  const { Memory } = await import('../../src/binary/object.js');
  const src = go123();
  const data = new Uint8Array(readFileSync(src));
  const j = JSON.parse((await run('inspect', src, '--json', '--maps', 'map[string]int')).out) as { maps: { descriptor: string }[] };
  const mem = new Memory(openObjects(src, data)[0]);
  // Classic maptype on amd64: 48-byte header, Key, Elem, Bucket, Hasher, KeySize u8, ValueSize u8, BucketSize u16, Flags u32.
  const off = mem.fileOffset(Number(j.maps[0].descriptor) + 48 + 4 * 8 + 4);
  assert.ok(off !== undefined);
  data[off] ^= 0x10;
  const out = join(tmp, 'corrupt');
  writeFileSync(out, data);
  return out;
}

test('with --baseline, findings are reported and "no map layout drift" never comes with exit 1', async () => {
  const bad = await corruptCopy();
  const base = join(tmp, 'bad.json');
  await run('inspect', bad, '--write-baseline', base);
  const r = await run('inspect', bad, '--baseline', base);
  assert.equal(r.code, 1, r.out);
  assert.doesNotMatch(r.out, /no map layout drift/);
  assert.match(r.out, /map layouts unchanged .*, but the binaries have findings:\nfindings \(1\):\n {2}.*map\[string\]int: model disagrees: flags/);
  const gh = await run('inspect', bad, '--baseline', base, '--format', 'github');
  assert.equal(gh.code, 1);
  assert.match(gh.out, /^::error title=map descriptor finding::.*map\[string\]int: model disagrees/);
});

test('--format github prints annotations only; SARIF informationUri names the project docs', async () => {
  const base = join(tmp, 'gh.json');
  await run('inspect', go123(), '--write-baseline', base, '--maps', 'main.*');
  for (const bin of [go123pie(), go124()]) {
    const r = await run('inspect', bin, '--baseline', base, '--format', 'github');
    const lines = r.out.trim().split('\n');
    assert.ok(lines.length >= 1);
    for (const l of lines) assert.match(l, /^::(error|notice) /, l);
  }
  const ok = await run('inspect', go123pie(), '--baseline', base, '--format', 'github');
  assert.equal(ok.code, 0);
  assert.match(ok.out, /^::notice file=.*,title=map layout::no drift: 4 map types match/);
  const s = JSON.parse((await run('inspect', go124(), '--baseline', base, '--format', 'sarif')).out) as { runs: { tool: { driver: { informationUri: string } } }[] };
  const uri = s.runs[0].tool.driver.informationUri;
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { homepage?: string };
  if (pkg.homepage) assert.equal(uri, pkg.homepage);
  else {
    const [file, anchor] = uri.split('#');
    const readme = readFileSync(new URL(file), 'utf8');
    assert.ok(file.endsWith('/README.md'), uri);
    // GitHub's anchor of the README's gate heading.
    const heading = readme.split('\n').find((l) => l.startsWith('### CI gate'));
    assert.ok(heading);
    assert.equal(anchor, heading.slice(4).toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-'));
  }
});

test('a directory of symlinks to executables is inspected through the links', async () => {
  const dir = join(tmp, 'links');
  mkdirSync(join(dir, 'loop'), { recursive: true });
  symlinkSync(go123(), join(dir, 'app123'));
  symlinkSync(go124(), join(dir, 'app124'));
  symlinkSync(dir, join(dir, 'loop', 'back')); // a cycle ends
  symlinkSync(join(dir, 'missing'), join(dir, 'dangling'));
  const r = await run('inspect', dir);
  assert.equal(r.code, 0, r.err);
  const rows = r.out.trim().split('\n');
  assert.equal(rows.length, 3, r.out);
  assert.match(rows[1], /app123\s.*go1\.23/);
  assert.match(rows[2], /app124\s.*go1\.24/);
});

test('--baseline with an unreadable file among several: exit 2 and no "no map layout drift"', async () => {
  const base = join(tmp, 'two.json');
  const junk = join(tmp, 'junk-binary');
  writeFileSync(junk, 'not an executable');
  await run('inspect', go123(), '--write-baseline', base, '--maps', 'main.*');
  const r = await run('inspect', go123pie(), junk, '--baseline', base);
  assert.equal(r.code, 2, r.out + r.err);
  assert.doesNotMatch(r.out, /no map layout drift/);
  assert.match(r.out, /but not every file was read:\nnot compared \(1 unreadable\):/);
});
