/**
 * `disasm --perf`: perf script text (src/binary/perfscript.ts) attributed to
 * map call sites and runtime map functions (src/profile/perfsites.ts).
 *
 * The oracle for the real profile (test/fixtures/perf, a `perf record -g` of
 * gosrc/perfprobe) is derived here from perf's own symbol names, not from
 * mapscope: a sample is map work when perf names a frame of the executable as
 * runtime map or hash code; walking out from it, the first frame perf names
 * as anything else is the caller. gosrc/perfprobe/main.go has exactly one map
 * call in main.lookup (line 24, mapaccess1_fast64 on map[uint64]int) and one
 * in main.insert (line 28, mapassign_faststr on map[string]int), so every map
 * sample whose caller perf names main.lookup+… belongs to the first site, and
 * main.insert+… to the second.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { InputError, LimitError } from '../src/base/errors.js';
import { PERF_LIMITS, parsePerfScript } from '../src/binary/perfscript.js';
import { main } from '../src/cli/main.js';
import { captureIO } from '../src/cli/io.js';
import { openProgram } from '../src/disasm/program.js';
import { findSites } from '../src/disasm/sites.js';
import { attributePerf } from '../src/profile/perfsites.js';
import { goBuild } from './support/gobuild.js';
import { caseRng, exeSeeds, mutateText } from '../bench/fuzz/targets.js';
import { assertBadInput } from './support/badinput.js';

const repo = join(import.meta.dirname, '..', '..');
const FIXTURE = join(repo, 'test', 'fixtures', 'perf', 'perfprobe-go1.26-amd64.script.gz');
const SHA256 = 'f91b98e83fe86e967fba613dbb756f249aac0a2bcecfb17f031ebed94f2ab015';

function perfprobe(): string {
  const exe = goBuild({ go: '1.26', src: join(repo, 'gosrc', 'perfprobe'), goarch: 'amd64', flags: ['-trimpath'], name: 'perfprobe' });
  const sum = createHash('sha256').update(readFileSync(exe)).digest('hex');
  assert.equal(sum, SHA256, 'the rebuilt perfprobe differs from the one the fixture was recorded from (test/fixtures/perf/README.md)');
  return exe;
}

test('perf script: headers with spaces in COMM, CPU and TID, frames with -g and on the header line without it', () => {
  const text = [
    '# ========',
    '# captured on: x',
    'Chrome IO  4242/4243 [001] 100.000001:     250000 cpu-clock:u: ',
    '\t          4a2b3c runtime.mapaccess1_fast64+0x1c (/srv/app)',
    '\tffffffff81000130 entry_SYSCALL_64_after_hwframe+0x76 ([kernel.kallsyms])',
    '\t               0 [unknown] ([unknown])',
    '',
    '             app     7 100.5: cpu-clock:   1000 main.f+0x2 (/srv/app)',
    '',
  ].join('\n');
  const s = parsePerfScript('t.script', text);
  assert.equal(s.length, 2);
  assert.deepEqual([s[0].comm, s[0].pid, s[0].event, s[0].period, s[0].line, s[0].frames.length], ['Chrome IO', 4242, 'cpu-clock:u', 250000, 3, 3]);
  assert.deepEqual(s[0].frames[0], { addr: 0x4a2b3c, relative: true, sym: 'runtime.mapaccess1_fast64+0x1c', dso: '/srv/app' });
  assert.equal(s[0].frames[1].addr, -1, 'a kernel address past 2^53');
  assert.deepEqual([s[1].comm, s[1].period, s[1].frames], ['app', 1, [{ addr: 0x1000, relative: false, sym: 'main.f+0x2', dso: '/srv/app' }]]);
  // CRLF line ends read the same.
  assert.deepEqual(parsePerfScript('t.script', text.replace(/\n/g, '\r\n')), s);
});

test('perf script: anything else is one error naming the file and line; limits refuse, not truncate', () => {
  const bad: [string, RegExp][] = [
    ['hello world\n', /^t\.script: line 1: not perf script output/],
    ['\t 4a2b3c f+0x1 (/a)\n', /^t\.script: line 1: a frame line outside a sample/],
    ['a 1 1.0: ev:\n   4a2b3c f+0x1 (/a)\n', /^t\.script: line 2: not perf script output/],
    ['a 1 1.0: ev:\n\tnot a frame\n', /^t\.script: line 2: not a frame line/],
    ['a 1 1.0: ev: zz\n', /^t\.script: line 1: not a frame after the event/],
    [`a 1 1.0: ev:\n\t${'f'.repeat(17)} x (/a)\n`, /line 2: not a frame line/],
  ];
  for (const [text, re] of bad) {
    assert.throws(() => parsePerfScript('t.script', text), (e) => e instanceof InputError && re.test(e.message) && !e.message.includes('\n'), text);
  }
  const lim = { ...PERF_LIMITS, frames: 2, line: 100, samples: 1 };
  assert.throws(() => parsePerfScript('t.script', 'a 1 1.0: ev:\n\t1 f (/a)\n\t2 f (/a)\n\t3 f (/a)\n', lim), /line 4: more than 2 frames/);
  assert.throws(() => parsePerfScript('t.script', `a 1 1.0: ev:\n\t1 ${'f'.repeat(200)} (/a)\n`, lim), /line 2: line longer than 100/);
  assert.throws(() => parsePerfScript('t.script', 'a 1 1.0: ev:\n\na 1 2.0: ev:\n', lim), (e) => e instanceof LimitError);
});

test('disasm --perf on a real perf record -g of gosrc/perfprobe matches the attribution derived from perf\'s symbols', async () => {
  const exe = perfprobe();
  const text = gunzipSync(readFileSync(FIXTURE)).toString('utf8');
  const dir = mkdtempSync(join(tmpdir(), 'mapscope-perf-'));
  try {
    const script = join(dir, 'perf.script');
    writeFileSync(script, text);
    // The oracle, from perf's names only.
    const isMap = (n: string) => /^(runtime\.(mapaccess|mapassign|mapdelete|makemap|mapclear|mapiter|mapIter|memhash|strhash)|aeshashbody$|internal\/runtime\/maps\.)/.test(n);
    let samples = 0;
    let mapSamples = 0;
    const byCaller: Record<string, number> = {};
    for (const block of text.split(/\n\s*\n/)) {
      if (!block.trim()) continue;
      samples++;
      const names = block.split('\n').slice(1)
        .map((l) => /^\s+[0-9a-f]+ (\S+) \((.*)\)$/.exec(l))
        .filter((m) => m && basename(m[2]) === 'perfprobe')
        .map((m) => m![1].replace(/\+0x[0-9a-f]+$/, '').replace(/\.abi0$/, ''));
      const first = names.findIndex(isMap);
      if (first < 0) continue;
      mapSamples++;
      let k = first;
      while (k + 1 < names.length && isMap(names[k + 1])) k++;
      const caller = names[k + 1] ?? '(none)';
      byCaller[caller] = (byCaller[caller] ?? 0) + 1;
    }
    assert.equal(samples, 772);
    assert.ok(byCaller['main.lookup'] > 500, `the program spends most of its time in lookups: ${JSON.stringify(byCaller)}`);

    const io = captureIO();
    const code = await main(['disasm', exe, '--perf', script, '--json'], io);
    assert.equal(code, 0, io.stderr);
    const j = JSON.parse(io.stdout) as {
      samples: number; outside: number; notMap: number; map: number;
      sites: { func: string; line: number; op: string; path: string; mapType: string; samples: number }[];
      unattributed: { reason: string; samples: number }[];
      functions: { func: string; self: number; total: number }[];
    };
    assert.equal(j.samples, samples);
    assert.equal(j.map, mapSamples);
    assert.equal(j.outside + j.notMap + j.map, j.samples, 'every sample counted once');
    assert.equal(j.sites.reduce((a, s) => a + s.samples, 0) + j.unattributed.reduce((a, u) => a + u.samples, 0), j.map, 'every map sample at a site or given a reason');
    const lookup = j.sites.find((s) => s.func === 'main.lookup');
    const insert = j.sites.find((s) => s.func === 'main.insert');
    assert.deepEqual(lookup && [lookup.line, lookup.op, lookup.path, lookup.mapType, lookup.samples], [24, 'access', 'fast64', 'map[uint64]int', byCaller['main.lookup']]);
    assert.deepEqual(insert && [insert.line, insert.op, insert.path, insert.mapType, insert.samples], [28, 'assign', 'faststr', 'map[string]int', byCaller['main.insert']]);
    // main.main's map samples: at its sites or (perf's unwinding skipped the callee's frame) unattributed.
    const mainSites = j.sites.filter((s) => s.func === 'main.main').reduce((a, s) => a + s.samples, 0);
    assert.equal(mainSites + j.unattributed.reduce((a, u) => a + u.samples, 0), byCaller['main.main'] ?? 0);
    // Self time per function: perf's innermost frame of the executable, counted by name.
    const selfAccess = text.split(/\n\s*\n/).filter((b) => {
      const own = b.split('\n').slice(1).find((l) => /\(.*\/perfprobe\)$/.test(l));
      return own !== undefined && / runtime\.mapaccess1_fast64\+0x/.test(own);
    }).length;
    assert.equal(j.functions.find((f) => f.func === 'runtime.mapaccess1_fast64')?.self, selfAccess);

    // Text output: one line per site, the same counts.
    const t = captureIO();
    assert.equal(await main(['disasm', exe, '--perf', script], t), 0, t.stderr);
    assert.match(t.stdout, new RegExp(`${byCaller['main.lookup']}\\s+\\S+%\\s+main\\.lookup\\s+main\\.go:24\\s+access\\s+fast64\\s+map\\[uint64\\]int`));

    // A profile of another build is refused: the hello seed renamed perfprobe has other functions at perf's addresses.
    const other = join(dir, 'perfprobe');
    copyFileSync(exeSeeds()[1], other);
    const o = captureIO();
    assertBadInput(await main(['disasm', other, '--perf', script], o), o.stderr, {
      want: /^mapscope: .*perf\.script: line \d+: perf names \S+ at 0x[0-9a-f]+ of .*perfprobe, but .* has .* there: the profile is not of this executable$/,
    });
    // …and so is one with no frame of the executable at all.
    const n = captureIO();
    assertBadInput(await main(['disasm', exeSeeds()[1], '--perf', script], n), n.stderr, { want: /no frame of hello-1\.26-linux-amd64 in the perf samples/ });
    const u = captureIO();
    assertBadInput(await main(['disasm', exe, '--perf', script, '--sites'], u), u.stderr, { want: /^mapscope: --perf lists the sites/ });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('disasm --perf without -g: the header line\'s virtual addresses give self time per function as perf names it; no site', async () => {
  const exe = perfprobe();
  const text = gunzipSync(readFileSync(FIXTURE.replace('.script.gz', '-nog.script.gz'))).toString('utf8');
  const dir = mkdtempSync(join(tmpdir(), 'mapscope-perf-'));
  try {
    const script = join(dir, 'perf.script');
    writeFileSync(script, text);
    // perf's own names for each sample's one frame: `… cpu-clock:  ADDR NAME+0xOFF (DSO)`.
    const bySym: Record<string, number> = {};
    let ours = 0;
    const lines = text.split('\n').filter((l) => l.trim());
    for (const l of lines) {
      const m = / ([0-9a-f]+) (\S+?)\+0x[0-9a-f]+ \((.*)\)$/.exec(l);
      if (!m || basename(m[3]) !== 'perfprobe') continue;
      ours++;
      bySym[m[2]] = (bySym[m[2]] ?? 0) + 1;
    }
    const io = captureIO();
    assert.equal(await main(['disasm', exe, '--perf', script, '--json'], io), 0, io.stderr);
    const j = JSON.parse(io.stdout) as { samples: number; outside: number; notMap: number; map: number; sites: unknown[]; unattributed: { reason: string; samples: number }[]; functions: { func: string; self: number; total: number }[] };
    assert.equal(j.samples, lines.length);
    assert.equal(j.outside, lines.length - ours);
    assert.equal(j.notMap + j.map, ours);
    assert.deepEqual(j.sites, []);
    assert.deepEqual(j.unattributed, [{ reason: 'no call chain (recorded without -g): only self time', samples: j.map }]);
    for (const name of ['runtime.mapaccess1_fast64', 'runtime.mapassign_faststr', 'runtime.memhash64']) {
      const f = j.functions.find((x) => x.func === name);
      assert.deepEqual(f && [f.self, f.total], [bySym[name], bySym[name]], name);
    }
    assert.ok(bySym['runtime.mapaccess1_fast64'] > 300, JSON.stringify(bySym));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('perf script fuzz: 1500 mutations of the real profile end in an attribution that adds up or one InputError', async () => {
  const exe = perfprobe();
  const p = await openProgram(exe, readFileSync(exe));
  const sites = findSites(p);
  const seed = gunzipSync(readFileSync(FIXTURE)).toString('utf8').split('\n').slice(0, 600).join('\n');
  const dict = ['\t', ' ', '\n', '\n\n', '(', ')', '[unknown]', '+0x', 'ffffffffffffffff', '0', 'cpu-clock:', '/perfprobe', '#', ':', '/', '9999999999999999999'];
  const kinds: Record<string, number> = {};
  for (let i = 0; i < 1500; i++) {
    const text = mutateText(caseRng(11, i), seed, dict);
    try {
      const a = attributePerf(p, parsePerfScript('f.script', text), sites, 'f.script');
      assert.equal(a.outside + a.notMap + a.map, a.samples, `case ${i}`);
      assert.equal(a.sites.reduce((x, s) => x + s.samples, 0) + a.unattributed.reduce((x, u) => x + u.samples, 0), a.map, `case ${i}`);
      kinds.ok = (kinds.ok ?? 0) + 1;
    } catch (e) {
      assert.ok(e instanceof InputError || e instanceof LimitError, `case ${i}: ${(e as Error).stack}`);
      assert.ok(!e.message.includes('\n'), `case ${i}: one line: ${e.message}`);
      kinds.refused = (kinds.refused ?? 0) + 1;
    }
  }
  assert.ok(kinds.ok > 0 && kinds.refused > 0, JSON.stringify(kinds));
});
