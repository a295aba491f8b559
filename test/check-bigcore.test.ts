/**
 * `mapscope check` at scale: real gcore cores of gosrc/bigmap holding one
 * map[int64]int64 of 10^6 entries (Go 1.23: classic, Go 1.26: Swiss), made
 * once and cached (test/support/cores.ts bigMapCore). Each is checked by
 * the CLI in its own process, whose peak RSS (getrusage's maxRSS, read as
 * the process exits) must stay within the map's own bytes plus 200 MB
 * (issue 14). The map's bytes, derived by hand: classic, 10^6 entries need
 * B = 18 (6.5·2^17 = 851,968 < 10^6 ≤ 6.5·2^18), and makeBucketArray adds
 * 2^(B-4) preallocated overflow buckets: (2^18 + 2^14) buckets of
 * 8 + 8·8 + 8·8 + 8 = 144 bytes (a multiple of the page, so no rounding) plus
 * the 48-byte hmap = 40,108,080 bytes (the core's own header and chains agree:
 * docs/benchmarks.md); Swiss, a table of 1024 slots holds at most 7/8 of
 * them, 896 entries, so 10^6 entries need at least 1,117 tables of 128 groups
 * of 8 control bytes + 8·16 = 136 bytes: at least 19,444,736 bytes, the figure
 * used here (the core's map holds 37.7 MB, so the test is stricter than the
 * bound it proves).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { bigMapCore } from './support/cores.js';
import { captureIO } from '../src/cli/io.js';
import { progressLine } from '../src/cli/progress.js';

const BIN = resolve(import.meta.dirname, '..', '..', 'bin', 'mapscope.js');
const MAP_BYTES: Record<string, number> = { '1.23': 40_108_080, '1.26': 19_444_736 };
const BUDGET = 200e6;

// Prints the process's peak RSS (KiB) on stderr as it exits.
const REPORT_RSS = 'data:text/javascript,process.on("exit",()=>process.stderr.write("maxRSS "+process.resourceUsage().maxRSS+"\\n"))';

for (const go of ['1.23', '1.26']) {
  test(`check --core of a real 10^6-entry map (Go ${go}): intact, within the map's bytes + 200 MB of RSS`, async () => {
    const { core, exe, truth } = await bigMapCore(go, 1_000_000);
    assert.equal(truth.len, 1_000_000);
    const r = spawnSync(process.execPath, ['--import', REPORT_RSS, BIN, 'check', '--core', core, '--binary', exe, '--json'], { encoding: 'utf8', maxBuffer: 1 << 26 });
    assert.equal(r.status, 0, r.stderr.slice(-2000));
    const doc = JSON.parse(r.stdout) as { ok: boolean; maps: { name: string; count: number; impl: string; findings: unknown[]; unchecked: unknown[] }[] };
    const m = doc.maps.find((x) => x.name === 'main.big');
    assert.ok(m, 'main.big is found');
    assert.equal(m.count, 1_000_000);
    assert.equal(m.impl, go === '1.23' ? 'classic' : 'swiss');
    assert.deepEqual(m.findings, []);
    assert.deepEqual(m.unchecked, [], 'every invariant was checked');
    const rss = Number(/maxRSS (\d+)/.exec(r.stderr)?.[1]) * 1024;
    assert.ok(rss > 0, 'the peak RSS was reported');
    assert.ok(rss <= MAP_BYTES[go] + BUDGET, `peak RSS ${(rss / 1e6).toFixed(0)} MB > ${(MAP_BYTES[go] + BUDGET) / 1e6} MB`);
    // Not a terminal: no progress on stderr, however long the check took.
    assert.doesNotMatch(r.stderr, /checking main\.big/);
  });
}

test('progress: drawn on a terminal after the first second, redrawn in place, never when stderr is not a terminal', () => {
  let now = 0;
  const tty = { ...captureIO(), errIsTTY: true };
  const lines: string[] = [];
  tty.err = (t: string) => lines.push(t);
  const p = progressLine(tty, 'checking m', () => now);
  p(10, 100, 'buckets');
  assert.deepEqual(lines, [], 'nothing in the first second');
  now = 1500;
  p(50, 100, 'buckets');
  now = 1600;
  p(60, 100, 'buckets');
  assert.equal(lines.length, 1, 'at most four redraws a second');
  now = 2000;
  p(90, 100, 'buckets');
  assert.deepEqual(lines, ['checking m: 50% (50 of 100 buckets)', '\x1b[1A\x1b[2Kchecking m: 90% (90 of 100 buckets)']);
  p.end();
  assert.equal(lines.length, 3, 'the line is cleared at the end');

  const pipe = captureIO();
  const q = progressLine(pipe, 'checking m', () => now);
  now = 0;
  q(1, 2, 'buckets');
  now = 10_000;
  q(2, 2, 'buckets');
  q.end();
  assert.equal(pipe.stderr, '');
});
