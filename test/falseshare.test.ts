/**
 * `mapscope falseshare`: the generated benchmark builds and runs with real Go
 * 1.22 and 1.26, its output parses, the counters add up, the counters sit
 * where src/layout says, and bad options give one line and exit 2.
 *
 * No timing is asserted: timings are benchmarks (docs/falseshare.md has the
 * measured figures and the machine), not tests.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import fc from 'fast-check';
import { main } from '../src/cli/main.js';
import { captureIO } from '../src/cli/io.js';
import { goroot } from './support/toolchains.js';
import { useRunGoCache } from './support/gobuild.js';
import { InputError } from '../src/base/errors.js';
import { plan } from '../src/race/falseshare.js';
import { parseRunOutput, overlap, MIN_COUNTED, MIN_OVERLAP, type FalseShareResult } from '../src/race/falsesharerun.js';
import { target } from '../src/layout/index.js';
import { assertBadInput } from './support/badinput.js';

async function run(...argv: string[]) {
  const io = captureIO();
  const code = await main(argv, io);
  return { code, out: io.stdout, err: io.stderr };
}

useRunGoCache(); // `falseshare` builds its generated benchmark with the run's Go build cache
const goTool = (v: string) => join(goroot(v), 'bin', 'go');

/** Lines (address / 64) holding two or more of the written counters, computed here from the printed addresses. */
function sharedByHand(addrs: string[], hot: number): string[][] {
  const by = new Map<bigint, string[]>();
  addrs.slice(0, hot).forEach((a, i) => by.set(BigInt(a) / 64n, [...(by.get(BigInt(a) / 64n) ?? []), String(i)]));
  return [...by.values()].filter((g) => g.length > 1);
}

function checkRun(r: FalseShareResult, goroutines: number, rounds: number, iters: number) {
  assert.equal(r.gomaxprocs, goroutines, 'GOMAXPROCS = goroutines');
  assert.equal(r.rounds, rounds);
  for (const l of r.layouts) {
    assert.equal(l.rounds.length, rounds, `${l.name}: one time per round`);
    assert.ok(l.rounds.every((x) => x.nsPerAdd > 0 && x.overlap >= 0 && x.overlap <= 1), `${l.name}: positive times, overlaps in [0, 1]`);
    assert.equal(l.concurrent, l.rounds.filter((x) => x.overlap >= MIN_OVERLAP).length);
    assert.equal(l.nsPerAdd === undefined, l.concurrent === 0);
    assert.ok(l.countsAddUp, `${l.name}: written counters end at rounds × iters, idle ones at 0`);
    // mapptr's offsets are the allocator's packing, a prediction (the first pointee may finish a used tiny block).
    if (l.name !== 'mapptr') assert.ok(l.offsetsAgree, `${l.name}: real addresses agree with the planned offsets`);
    if (l.concurrent < MIN_COUNTED) assert.equal(l.slowdown, undefined, `${l.name}: no slowdown from fewer than ${MIN_COUNTED} counted rounds`);
    if (l.slowdown) assert.ok(l.slowdown.p10 <= l.slowdown.median && l.slowdown.median <= l.slowdown.p90, `${l.name}: a slowdown with its spread`);
    if (l.name === r.baseline) assert.equal(l.slowdown, undefined);
    // The sharing reported is the sharing of the printed addresses.
    assert.deepEqual(l.real.map((s) => s.counters.map(String)), sharedByHand(l.counters.map((c) => c.addr), goroutines), `${l.name}: shared lines`);
    assert.equal(l.sharing, new Set(sharedByHand(l.counters.map((c) => c.addr), goroutines).flat()).size);
  }
  assert.equal(iters > 0, true);
}

test('go 1.22: the default benchmark ([8]int64, 2 goroutines) builds, runs, parses and adds up', async () => {
  const r = await run('falseshare', '--go', goTool('1.22'), '--iters', '20000', '--rounds', '3', '--json');
  assert.equal(r.code, 0, r.err);
  const doc = JSON.parse(r.out) as FalseShareResult;
  assert.match(doc.go, /^go1\.22\./);
  assert.deepEqual(doc.layouts.map((l) => l.name), ['array', 'pad64', 'pad128', 'mapptr']);
  assert.equal(doc.baseline, 'pad64');
  checkRun(doc, 2, 3, 20000);
  const by = Object.fromEntries(doc.layouts.map((l) => [l.name, l]));
  // Hand-derived: [8]int64 at a line-aligned address puts [0] at 0 and [1] at 8, one 64-byte line.
  assert.deepEqual(by.array.counters.slice(0, 2).map((c) => c.offset), [0, 8]);
  assert.deepEqual(by.array.real.map((s) => s.counters), [[0, 1]]);
  assert.deepEqual(by.pad64.real, []);
  assert.deepEqual(by.pad128.real, []);
  // map[int]*int64: 8-byte pointer-free pointees come from the tiny allocator, 8 bytes apart (malloc.go mallocgcTiny).
  // The first may finish a tiny block left half used by earlier allocations; the rest follow one another.
  const m = by.mapptr.counters.map((c) => BigInt(c.addr)).slice(1);
  assert.deepEqual(m.map((a) => Number(a - m[0])), [0, 8, 16, 24, 32, 40, 48]);
  assert.ok(typeof doc.perf.note === 'string' && doc.perf.note.length > 0, 'perf says what it did or why not');
  assert.match(doc.machine.cpu, /\S/);
});

test('go 1.26: a user struct with int32, uint32 and atomic.Int64 counters, 3 goroutines, perf attempted', async () => {
  const type = 'struct{ a int64; b int32; c uint32; _ [4]byte; d atomic.Int64 }';
  const r = await run('falseshare', '--go', goTool('1.26'), '--type', type, '--goroutines', '3', '--iters', '20000', '--rounds', '2', '--json');
  assert.equal(r.code, 0, r.err);
  const doc = JSON.parse(r.out) as FalseShareResult;
  assert.match(doc.go, /^go1\.26\./);
  checkRun(doc, 3, 2, 20000);
  const s = doc.layouts.find((l) => l.name === 'struct')!;
  // Hand-derived (gc's struct layout): a@0 (8), b@8 (4), c@12 (4), _@16 (4), d@24 (atomic.Int64 is 8-aligned).
  assert.deepEqual(s.counters.map((c) => [c.name, c.offset, c.size]), [['.a', 0, 8], ['.b', 8, 4], ['.c', 12, 4], ['.d', 24, 8]]);
  assert.deepEqual(s.real.map((l) => l.counters), [[0, 1, 2]]);
  // Padded copies keep each counter's width.
  assert.deepEqual(doc.layouts.find((l) => l.name === 'pad64')!.counters.map((c) => c.size), [8, 4, 4, 8]);
  // perf is installed or not; either way the answer is stated, and counts appear only when available.
  assert.equal(doc.perf.available, doc.perf.counts !== undefined);
  if (!doc.perf.available) assert.match(doc.perf.note, /perf/);
});

test('text output names the machine, the baseline and what perf could do', async () => {
  const r = await run('falseshare', '--go', goTool('1.26'), '--layout', 'array,pad64', '--iters', '5000', '--rounds', '1', '--no-perf');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /machine: .+, \d+ CPUs, load average/);
  assert.match(r.out, /pad64 .* baseline/);
  assert.match(r.out, /perf: perf not run/);
  assert.match(r.err, /building the benchmark/);
});

test('bad options: one line, exit 2', async () => {
  const go = goTool('1.26');
  const cases: [string[], RegExp][] = [
    [['--layout', 'bogus'], /unknown layout "bogus"/],
    [['--goroutines', '0'], /--goroutines/],
    [['--counters', '4', '--goroutines', '5'], /more than the 4 counters/],
    [['--type', 'map[int]int'], /neither a struct nor an array/],
    [['--type', '[4]int8'], /not a counter/],
    [['--type', 'struct{ s string }'], /holds no counter/],
    [['--type', '[2000]int64'], /at most 1024/],
    [['--type', 'struct{ a int64; _ [2097152]byte }'], /at most 1048576/],
    [['--type', '[4]int64', '--layout', 'struct'], /is an array/],
    [['--type', '[4]int64', '--counters', '8'], /disagrees with --type/],
    [['--arch', 'arm64'], /runs on this machine/],
    [['--cache-line', '100'], /--cache-line/],
    [['--iters', '-3'], /--iters/],
    [['--map', 'main.x'], /apply to --core/],
  ];
  for (const [args, re] of cases) {
    const r = await run('falseshare', '--go', go, ...args);
    assertBadInput(r.code, r.err, { want: re, what: args.join(' ') });
  }
  const missing = await run('falseshare', '--go', '/nonexistent/go');
  assert.equal(missing.code, 2);
  assert.match(missing.err, /no Go toolchain at/);
  // A toolchain that answers `go env` but cannot build, and a --go that is no toolchain at all.
  const dir = mkdtempSync(join(tmpdir(), 'mapscope-fakego-'));
  const fake = join(dir, 'go');
  writeFileSync(fake, '#!/bin/sh\nif [ "$1" = env ]; then echo go1.26.0; echo amd64; exit 0; fi\necho "broken toolchain" >&2; exit 1\n', { mode: 0o755 });
  const broken = await run('falseshare', '--go', fake);
  assert.equal(broken.code, 2);
  assert.match(broken.err, /could not build the generated benchmark: broken toolchain/);
  const notGo = await run('falseshare', '--go', '/bin/false');
  assert.equal(notGo.code, 2);
  assert.match(notGo.err, /did not answer `go env/);
  rmSync(dir, { recursive: true, force: true });
  const both = await run('falseshare', '--core', 'x', '--type', '[2]int64');
  assert.equal(both.code, 2);
  assert.match(both.err, /apply to the benchmark/);
});

test('overlap of the goroutines\' loops, by hand', () => {
  assert.equal(overlap([[0, 100], [0, 100]]), 1);
  assert.equal(overlap([[0, 100], [100, 200]]), 0); // one after the other: the OS ran them in turn
  assert.equal(overlap([[0, 100], [10, 100]]), 0.9);
  assert.equal(overlap([[0, 100], [50, 80], [20, 120]]), 0.3);
});

test('the benchmark output parser refuses anything else with an InputError, never a crash', () => {
  const p = plan({ target: target('1.26', 'amd64'), line: 64, counters: 2 });
  const good = [
    '{"kind":"start","go":"go1.26.0","goarch":"amd64","gomaxprocs":2,"numcpu":2}',
    '{"kind":"layout","layout":"array","addrs":["0x1000","0x1008"]}',
  ].join('\n');
  assert.equal(parseRunOutput(good, p).addrs.get('array')!.length, 2);
  for (const bad of ['', 'x', '[]', '{"kind":"layout","layout":"array","addrs":["0x1"]}', '{"kind":"round","layout":"nope"}', '{"kind":"round","layout":"array","round":0,"ns":[1],"iters":5}', '{"kind":"round","layout":"array","round":0,"ns":[1,2],"iters":0}', '{"kind":"final","layout":"array","values":["-1","2"]}']) {
    assert.throws(() => parseRunOutput(bad, p), InputError, bad);
  }
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.string(), fc.json()), { maxLength: 6 }), (lines) => {
      try {
        parseRunOutput(lines.join('\n'), p);
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
      }
    }),
    { numRuns: 300 },
  );
});
