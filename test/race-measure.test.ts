/**
 * `mapscope race --measure` on real Go, at CI size (docs/race.md, "Measured
 * on real Go", has the full-size figures).
 *
 * gosrc/racemeasure runs two scenarios' goroutines on real maps with Go 1.22
 * (classic) and 1.26 (Swiss), natively on amd64 (200 runs) and on arm64 under
 * qemu-aarch64 (20 runs), built by src/race/measurebuild.ts exactly as the
 * command builds it. The shares depend on this machine's load, so the test
 * asserts what must hold whatever the timing:
 * - every run is accounted for: the four classes add up to the runs;
 * - no run hangs;
 * - every caught run's message is one of the runtime's own `fatal("…concurrent map…")`
 *   strings, read from that toolchain's source ($GOROOT/src/runtime and
 *   internal/runtime/maps), not from mapscope's code; any other death is one of
 *   that source's `throw`/`fatal` strings or runtime-error panics (counted corrupt), never a panic of ours;
 * - the clean runs' maps sampled into cores were read and checked by `check`,
 *   and a map with findings is counted corrupt;
 * - the measuring itself (not the one-time builds) takes at most 60 s.
 * The parser of the program's output is tested strictly on made-up lines, and
 * the Wilson interval on a published value.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../src/base/errors.js';
import { deathOf, measureRace, parseMeasureLine, type Measurement } from '../src/race/measure.js';
import { wilson } from '../src/race/outcome.js';
import { buildRaceMeasure } from '../src/race/measurebuild.js';
import { goroot } from './support/toolchains.js';
import { useRunGoCache } from './support/gobuild.js';
import { main } from '../src/cli/main.js';
import { captureIO } from '../src/cli/io.js';
import { assertBadInput } from './support/badinput.js';

/**
 * Messages the toolchain's runtime can die with, from its own source: `fatal("…")`
 * calls naming a concurrent map access (the map checks), or with `anyThrow` every
 * `throw("…")`/`fatal("…")` string (a corrupted map can make the runtime throw,
 * e.g. classic evacuate's "bad map state").
 */
function runtimeFatalStrings(go: string, anyThrow = false): Set<string> {
  const pattern = anyThrow ? /\b(?:throw|fatal)\("([^"]*)"\)/g : /\bfatal\("([^"]*concurrent map[^"]*)"\)/g;
  return runtimeStrings(go, pattern);
}

/** The runtime's own panic texts (`panic: runtime error: …`): its errorString and plainError values. */
function runtimePanicStrings(go: string): Set<string> {
  return runtimeStrings(go, /\b(?:errorString|plainError)\("([^"]*)"\)/g);
}

function runtimeStrings(go: string, pattern: RegExp): Set<string> {
  const out = new Set<string>();
  for (const dir of ['runtime', 'internal/runtime/maps']) {
    let files: string[];
    try {
      files = readdirSync(join(goroot(go), 'src', dir));
    } catch {
      continue; // internal/runtime/maps exists from Go 1.24
    }
    for (const f of files.filter((n) => n.endsWith('.go') && !n.endsWith('_test.go'))) {
      for (const m of readFileSync(join(goroot(go), 'src', dir, f), 'utf8').matchAll(pattern)) out.add(m[1]);
    }
  }
  // And fatal prints them after this prefix (runtime/panic.go).
  assert.match(readFileSync(join(goroot(go), 'src', 'runtime', 'panic.go'), 'utf8'), /print\("fatal error: "/);
  return out;
}

function goCmd(go: string): string {
  return join(goroot(go), 'bin', 'go');
}

useRunGoCache(); // `race --measure` builds gosrc/racemeasure with the run's Go build cache
const dir = mkdtempSync(join(tmpdir(), 'race-measure-test-'));

/** The smallest race: one insert each into an empty map. */
function pairScenario(go: string, arch: string): string {
  const f = join(dir, `pair-${go}-${arch}.json`);
  writeFileSync(f, JSON.stringify({ go, arch, type: 'map[int64]int64', setup: [], goroutines: [[['insert', 1, 10]], [['insert', 2, 20]]] }));
  return f;
}

/** Two bursts of 24 inserts on disjoint keys, growing the map: a window long enough to be caught. */
function burstScenario(go: string, arch: string): string {
  const f = join(dir, `burst-${go}-${arch}.json`);
  const burst = (base: number) => Array.from({ length: 24 }, (_, i) => ['insert', String(base + i), i]);
  writeFileSync(f, JSON.stringify({ go, arch, type: 'map[string]int64', setup: [['insert', 'x', 1]], goroutines: [burst(100), burst(200)] }));
  return f;
}

interface Config {
  go: string;
  arch: 'amd64' | 'arm64';
  runs: number;
  scenario: (go: string, arch: string) => string;
  type: string;
}

const CONFIGS: Config[] = [
  { go: '1.22', arch: 'amd64', runs: 200, scenario: pairScenario, type: 'map[int64]int64' },
  { go: '1.26', arch: 'amd64', runs: 200, scenario: pairScenario, type: 'map[int64]int64' },
  { go: '1.22', arch: 'amd64', runs: 200, scenario: burstScenario, type: 'map[string]int64' },
  { go: '1.26', arch: 'amd64', runs: 200, scenario: burstScenario, type: 'map[string]int64' },
  { go: '1.22', arch: 'arm64', runs: 20, scenario: burstScenario, type: 'map[string]int64' },
  { go: '1.26', arch: 'arm64', runs: 20, scenario: burstScenario, type: 'map[string]int64' },
];

before(() => {
  // The one-time builds (cached in mapscope's cache) are not part of the 60 s.
  for (const c of CONFIGS) buildRaceMeasure(goCmd(c.go), c.arch);
});

function assertInvariants(c: Config, m: Measurement): void {
  const what = `${c.go} ${c.arch} ${c.type}`;
  const sum = m.outcomes.caught + m.outcomes.benign + m.outcomes.corrupt + m.outcomes.hang;
  assert.equal(sum, c.runs, `${what}: every run accounted for`);
  assert.equal(m.runs, c.runs);
  assert.equal(m.outcomes.hang, 0, `${what}: no run hangs`);
  assert.equal(m.goarch, c.arch);
  assert.equal(m.emulator, c.arch === 'amd64' ? null : 'qemu-aarch64');
  assert.ok(m.gomaxprocs >= 2, `${what}: GOMAXPROCS ${m.gomaxprocs}`);
  assert.ok(readFileSync(join(goroot(c.go), 'VERSION'), 'utf8').startsWith(m.go), `${what}: measured ${m.go}`);
  const allowed = runtimeFatalStrings(c.go);
  assert.ok(allowed.has('concurrent map writes'), `${c.go}'s runtime source has the writes check`);
  for (const f of m.fatal) assert.ok(allowed.has(f.message), `${what}: "${f.message}" is one of ${c.go}'s runtime strings`);
  assert.equal(m.fatal.reduce((s, f) => s + f.count, 0), m.outcomes.caught, `${what}: every caught run has its message`);
  // Anything else that killed a run is the runtime throwing or panicking on a corrupted map: its own words, counted corrupt.
  const throws = runtimeFatalStrings(c.go, true);
  const panics = runtimePanicStrings(c.go);
  for (const k of m.crashes) {
    const thrown = /^fatal error: (.*)$/.exec(k.message)?.[1];
    const panicked = /^panic: runtime error: (.*)$/.exec(k.message)?.[1];
    assert.ok((thrown !== undefined && throws.has(thrown)) || (panicked !== undefined && panics.has(panicked)), `${what}: crash "${k.message}" is one of ${c.go}'s runtime throws or panics`);
  }
  // The serial end states: disjoint keys leave one state whatever the order.
  assert.equal(m.serialStates, 1);
  // Clean runs' maps: the sampled cores were read and checked; a map with findings is counted corrupt.
  if (m.outcomes.benign > 0) assert.ok(m.cores.length >= 1, `${what}: some clean run's map was checked from a core`);
  for (const k of m.cores) {
    assert.equal(k.error, undefined, `${what}: core of trial ${k.trial} read`);
    if (k.findings.length) assert.ok(m.outcomes.corrupt > 0, `${what}: trial ${k.trial}'s findings ${k.findings.join(',')} are counted corrupt`);
  }
  const corruptReasons = m.corrupt.reduce((s, r) => s + r.count, 0);
  assert.equal(corruptReasons, m.outcomes.corrupt, `${what}: every corrupt run has its reason`);
  assert.equal(m.timing.clean, m.outcomes.benign + m.outcomes.corrupt - m.crashes.reduce((s, k) => s + k.count, 0), `${what}: every clean run reported its timing`);
  assert.ok(m.timing.overlapped <= m.timing.clean);
  for (const cls of ['caught', 'benign', 'corrupt', 'hang'] as const) {
    const s = m.shares[cls];
    assert.ok(s.lo <= s.share + 1e-12 && s.share <= s.hi + 1e-12, `${what}: ${cls} share inside its interval`);
  }
}

test('real Go at CI size: every run accounted for, only the runtime\'s own fatal messages, no hang, cores checked', async () => {
  let seconds = 0;
  for (const c of CONFIGS) {
    const m = await measureRace({ scenarioFile: c.scenario(c.go, c.arch), goText: c.go, arch: c.arch, type: c.type, runs: c.runs, go: goCmd(c.go), cores: 1 });
    process.stderr.write(`${c.go} ${c.arch} ${c.type}: ${JSON.stringify(m.outcomes)} in ${m.seconds.toFixed(1)} s, ${m.processes} processes\n`);
    assertInvariants(c, m);
    seconds += m.seconds;
  }
  assert.ok(seconds <= 60, `measuring took ${seconds.toFixed(1)} s (at most 60)`);
});

test('a toolchain of another release than the scenario\'s is refused', async () => {
  await assert.rejects(
    measureRace({ scenarioFile: pairScenario('1.22', 'amd64'), goText: '1.22', arch: 'amd64', type: 'map[int64]int64', runs: 1, go: goCmd('1.26') }),
    (e: unknown) => e instanceof InputError && /scenario is for Go 1\.22 but .* is go1\.26/.test(e.message),
  );
});

test('the output parser takes only the lines racemeasure prints', () => {
  const w = 'racemeasure';
  assert.deepEqual(parseMeasureLine('R 7 benign 1 130', w), { kind: 'R', trial: 7, overlap: true, skewNs: 130, outcome: 'benign' });
  assert.deepEqual(parseMeasureLine('R 3 corrupt 0 90 "lost key 2 (every serial order keeps it)"', w), { kind: 'R', trial: 3, overlap: false, skewNs: 90, outcome: 'corrupt', reason: 'lost key 2 (every serial order keeps it)' });
  assert.deepEqual(parseMeasureLine('C 9', w), { kind: 'C', trial: 9 });
  assert.deepEqual(parseMeasureLine('E 200', w), { kind: 'E', count: 200 });
  const h = parseMeasureLine('H {"go":"go1.22.12","goarch":"amd64","gomaxprocs":2,"goroutines":2,"serialStates":1}', w);
  assert.equal(h.kind, 'H');
  for (const bad of ['', 'R -1 benign 0 0', 'R 1 benign', 'R 1 benign 2 5', 'R 1 ok', 'R 1 corrupt 0 0 lost', 'R 1 corrupt 0 0 "a" b', 'R 1 corrupt "a"', 'H {', 'H {"go":1}', 'E', `R 1 corrupt 0 0 "${'x'.repeat(2000)}"`, 'R 99999999999999999999 benign 0 0', 'fatal error: concurrent map writes']) {
    assert.throws(() => parseMeasureLine(bad, w), InputError, JSON.stringify(bad.slice(0, 40)));
  }
});

test('a dead process is read from its stderr: the fatal line, else the first panic or signal line', () => {
  assert.deepEqual(deathOf('\nfatal error: concurrent map writes\n\ngoroutine 6 [running]:\n', 2, null), { fatal: 'concurrent map writes' });
  assert.deepEqual(deathOf('panic: runtime error: index out of range\n', 2, null), { crash: 'panic: runtime error: index out of range' });
  assert.deepEqual(deathOf('', null, 'SIGKILL'), { crash: 'killed by SIGKILL' });
});

test('Wilson 95% interval: 5 of 10 by hand, and the closed form at 0 of n', () => {
  // By hand, z = 1.959964: p = 0.5, z²/n = 0.384146; centre = (0.5 + 0.192073)/1.384146 = 0.5;
  // half = (z/1.384146)·sqrt(0.25/10 + 3.841459/400) = 1.416011 · 0.186006 = 0.263386 → 0.2366–0.7634.
  const { lo, hi } = wilson(5, 10);
  assert.equal(lo.toFixed(4), '0.2366');
  assert.equal(hi.toFixed(4), '0.7634');
  // k = 0: [0, z²/(n+z²)], by hand for n = 200 with z = 1.959964: 3.841459/203.841459 = 0.018845.
  const { lo: lo0, hi: hi0 } = wilson(0, 200);
  assert.equal(lo0, 0);
  assert.equal(hi0.toFixed(6), '0.018845');
  // k = n, by symmetry: [1 - 0.018845, 1].
  const { lo: loN, hi: hiN } = wilson(200, 200);
  assert.equal(hiN, 1);
  assert.equal(loN.toFixed(6), (1 - 0.018845).toFixed(6));
});

/** Two goroutines update key 1 (docs/race.md's scenario): small enough to simulate whole. */
function updateScenario(type = 'map[int64]int64'): string {
  const f = join(dir, `update-${type.replace(/\W+/g, '_')}.json`);
  writeFileSync(f, JSON.stringify({ go: '1.22', type, hash: { seeds: [1] }, setup: [['insert', 1, 10]], goroutines: [[['insert', 1, 20]], [['insert', 1, 30]]] }));
  return f;
}

test('race --measure --json: measured beside simulated, with the documented fields (docs/json.md "race --measure")', async () => {
  const io = captureIO();
  assert.equal(await main(['race', updateScenario(), '--measure', '--runs', '50', '--go', goCmd('1.22'), '--json'], io), 0, io.stderr);
  const r = JSON.parse(io.stdout);
  assert.ok(r.outcomes && r.shares, 'the simulation is still there');
  const m = r.measured;
  assert.deepEqual(Object.keys(m).sort(), ['corrupt', 'cores', 'crashes', 'emulator', 'fatal', 'go', 'gomaxprocs', 'goarch', 'outcomes', 'processes', 'runs', 'seconds', 'serialStates', 'shares', 'timing'].sort());
  assert.equal(m.outcomes.caught + m.outcomes.benign + m.outcomes.corrupt + m.outcomes.hang, 50);
  // Two serial orders, two end states: {1: 30} and {1: 20}.
  assert.equal(m.serialStates, 2);
  const text = captureIO();
  assert.equal(await main(['race', updateScenario(), '--measure', '--runs', '20', '--go', goCmd('1.22')], text), 0, text.stderr);
  assert.match(text.stdout, /measured on real Go: go1\.22\.\d+ amd64, GOMAXPROCS \d+, 20 runs/);
  assert.match(text.stdout, /^outcome +simulated +runs +measured +Wilson 95%$/m);
});

for (const [what, args, re] of [
  ['--runs without --measure', ['--runs', '5'], /--runs and --go go with --measure/],
  ['a type racemeasure has no code for', ['--measure', '--runs', '5'], /--measure runs map\[int64\]int64 and map\[string\]int64 on real Go, not map\[int32\]int64/],
  ['--runs 0', ['--measure', '--runs', '0'], /--runs expects an integer from 1/],
] as const) {
  test(`race: ${what} → one line, exit 2`, async () => {
    const io = captureIO();
    const file = what.startsWith('a type') ? updateScenario('map[int32]int64') : updateScenario();
    assertBadInput(await main(['race', file, ...args, '--go', goCmd('1.22')], io), io.stderr, { want: re, progress: /^mapscope race:/ });
  });
}
