/**
 * `mapscope inspect` end to end, in process: the baseline gate between real
 * Go 1.23 and Go 1.24 builds of the same program, --json, --maps, directories,
 * and the one-line error with exit code 2 for bad input.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { captureIO } from '../../src/cli/io.js';
import { buildProbe } from '../support/probe.js';

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
  assert.deepEqual(b.files[0].maps.map((m) => m.type).sort(), ['main.Named', 'map[string]int']);

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
  assert.match(gh.out, /^::error file=.*maps\.json,title=map layout drift: main\.Named::.*changed main\.Named/m);

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
    assert.equal(r.code, 2, r.out + r.err);
    assert.equal(r.err.trim().split('\n').length, 1, r.err);
    assert.ok(r.err.startsWith(`mapscope: ${f}: `), r.err);
    assert.equal(r.out, '');
  });
}

test('--maps: commas inside brackets do not split a pattern; globs match type strings literally otherwise', async () => {
  const { splitPatterns, matcher } = await import('../../src/inspect/baseline.js');
  assert.deepEqual(splitPatterns('main.*, map[func(int, string)]*,map[string]int'), ['main.*', 'map[func(int, string)]*', 'map[string]int']);
  const m = matcher(['map[string]*', 'main.?amed']);
  assert.ok(m('map[string]int'));
  assert.ok(m('main.Named'));
  assert.ok(!m('map[int]string'));
  assert.ok(!m('xmap[string]int'));
});
