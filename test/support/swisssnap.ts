/**
 * Builds and runs gosrc/swisssnap, the real-Go side of the Swiss engine's
 * differential tests, and (run as a script) regenerates the fixtures:
 *
 *   node dist/test/support/swisssnap.js fixtures [version…]   (scripts/sim-swiss-fixtures.sh)
 *
 * The Go program needs one compiled function per map type, so that the
 * compiler picks its real assignment path for the key type; `runnersGo`
 * writes them (gosrc/swisssnap/runners_gen.go) from the scenarios' types.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { gzipSync, gunzipSync } from 'node:zlib';
import { join, dirname, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseType } from '../../src/model/typeparse.js';
import { typeString, type MapType } from '../../src/model/types.js';
import { emulatorFor } from './toolchains.js';
import { goBuild } from './gobuild.js';
import { parseScenario } from '../../src/engine/scenario.js';
import { simulateSwiss, runSwiss, iterationOrder, openSwiss, type SwissSnapshot } from '../../src/engine/swiss/index.js';

/**
 * The engine's snapshot in the form gosrc/swisssnap prints (the real
 * runtime's side): without the go/arch/experiment/hash fields, which the
 * real program prints on its first line instead. Those fields are compared
 * with that line by `assertProcessFields`.
 */
export function realForm(snap: SwissSnapshot, space?: number): string {
  const { go: _go, arch: _arch, experiment: _exp, hash: _hash, type, impl, ...rest } = snap;
  return JSON.stringify({ impl, type, ...rest }, null, space);
}

/**
 * The engine's go/arch/experiment/hash against the real process's first
 * line: the same release and GOARCH, the same hash mode and key material,
 * and exactly the seeds the real map had (the recorder notes every re-seed).
 */
function sameRelease(metaLine: string, go: string): boolean {
  return new RegExp(`^go${go.replace('.', '\\.')}(\\.|$)`).test((JSON.parse(metaLine) as { go: string }).go);
}

export function assertProcessFields(snap: SwissSnapshot, metaLine: string, go: string, mode: 'fallback' | 'aes', seeds = true): void {
  const meta = JSON.parse(metaLine) as { go: string; arch: string; seeds: string[]; hashkey: string[]; aeskeysched: string };
  const fail = (what: string, a: unknown, b: unknown) => {
    throw new Error(`snapshot ${what} ${JSON.stringify(a)} differs from the real process's ${JSON.stringify(b)}`);
  };
  if (!meta.go.startsWith(`go${snap.go}`) || snap.go !== go) fail('go', snap.go, meta.go);
  if (snap.arch !== meta.arch) fail('arch', snap.arch, meta.arch);
  if (snap.experiment !== '') fail('experiment', snap.experiment, '');
  if (snap.hash.mode !== mode) fail('hash.mode', snap.hash.mode, mode);
  if (seeds && snap.hash.seeds.map(String).join() !== meta.seeds.join()) fail('hash.seeds', snap.hash.seeds, meta.seeds);
  if (mode === 'aes' && snap.hash.aeskeysched !== meta.aeskeysched) fail('hash.aeskeysched', snap.hash.aeskeysched, meta.aeskeysched);
  if (mode === 'fallback' && snap.hash.hashkey?.join() !== meta.hashkey.join()) fail('hash.hashkey', snap.hash.hashkey, meta.hashkey);
}

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const GOSRC = join(REPO, 'gosrc', 'swisssnap');
export const FIXTURES = join(REPO, 'test', 'fixtures', 'sim-swiss');
export const SCENARIOS = join(FIXTURES, 'scenarios');

/** Targets the committed fixtures cover: [go, goarch, hash mode]. */
export const FIXTURE_TARGETS: readonly [string, string, 'fallback' | 'aes'][] = [
  ...['1.24', '1.26', '1.27'].flatMap((go) =>
    (['amd64', '386', 'arm64'] as const).flatMap((arch) => (['fallback', 'aes'] as const).map((mode): [string, string, 'fallback' | 'aes'] => [go, arch, mode])),
  ),
  // Beyond the three: 32-bit arm (4-byte load alignment), and the
  // big-endian s390x and ppc64, where slot i's control byte is byte 7-i.
  ['1.26', 'arm', 'fallback'], ['1.26', 's390x', 'fallback'], ['1.27', 'ppc64', 'fallback'],
  // 1.25: the release that added pruning (fast paths), tombstonePossible and the structural clone.
  ['1.25', 'amd64', 'fallback'], ['1.25', 'amd64', 'aes'], ['1.25', '386', 'fallback'], ['1.25', 'arm64', 'aes'],
];

/** qemu-user for a GOARCH (test/support/toolchains.ts knows arm64 and arm). */
function emulator(goarch: string): string | null {
  const extra: Record<string, string> = { s390x: 'qemu-s390x', ppc64: 'qemu-ppc64' };
  if (extra[goarch]) {
    try {
      execFileSync('sh', ['-c', `command -v ${extra[goarch]}`], { stdio: 'pipe' });
    } catch {
      throw new Error(`${extra[goarch]} missing: install Debian's qemu-user`);
    }
    return extra[goarch];
  }
  return emulatorFor(goarch);
}

export function scenarioFiles(): string[] {
  return readdirSync(SCENARIOS).filter((f) => f.endsWith('.json')).sort().map((f) => join(SCENARIOS, f));
}

/** Go source with one replay function per map type. */
export function runnersGo(typeTexts: readonly string[]): string {
  const byType = new Map<string, Set<string>>();
  for (const text of typeTexts) {
    const t = parseType(text) as MapType;
    const s = typeString(t);
    if (!byType.has(s)) byType.set(s, new Set([s]));
    byType.get(s)!.add(text.trim().split(/\s+/).join(' '));
  }
  const out: string[] = [
    '// Code generated by test/support/swisssnap.ts; DO NOT EDIT.',
    '',
    'package main',
    '',
    'import (',
    '\t"maps"',
    '\t"reflect"',
    '\t"unsafe"',
    ')',
    '',
    'var _ = reflect.TypeOf',
    '',
  ];
  let n = 0;
  for (const [s, aliases] of byType) {
    const t = parseType(s) as MapType;
    const K = typeString(t.key);
    const V = typeString(t.elem);
    out.push(
      `// ${s}`,
      `func init() {`,
      ...[...aliases].map((a) => `\trunners[${JSON.stringify(a)}] = run${n}`),
      `}`,
      '',
      `func run${n}(sc *scenario) {`,
      `\tvar m map[${K}]${V}`,
      `\tif sc.hint == nil {`,
      `\t\tm = make(map[${K}]${V})`,
      `\t} else {`,
      `\t\tm = make(map[${K}]${V}, *sc.hint)`,
      `\t}`,
      `\tsink = m`,
      `\tr := newRecorder(m)`,
      `\tfor _, o := range sc.ops {`,
      `\t\tvar k ${K}`,
      `\t\tif o.kind != "clear" && o.kind != "iterate" {`,
      `\t\t\tsetValue(unsafe.Pointer(&k), reflect.TypeOf(&k).Elem(), o.key)`,
      `\t\t}`,
      `\t\tswitch o.kind {`,
      `\t\tcase "insert":`,
      `\t\t\tvar v ${V}`,
      `\t\t\tsetValue(unsafe.Pointer(&v), reflect.TypeOf(&v).Elem(), o.value)`,
      `\t\t\tm[k] = v`,
      `\t\tcase "delete":`,
      `\t\t\tdelete(m, k)`,
      `\t\tcase "lookup":`,
      `\t\t\t_, ok := m[k]`,
      `\t\t\tsinkBool = ok`,
      `\t\tcase "clear":`,
      `\t\t\tclear(m)`,
      `\t\tcase "iterate":`,
      `\t\t\tfor range m {`,
      `\t\t\t}`,
      `\t\t}`,
      `\t\tr.observe()`,
      `\t}`,
      `\tr.finish(m, func() any { return maps.Clone(m) })`,
      `}`,
      '',
    );
    n++;
  }
  out.push('var sinkBool bool', '');
  return out.join('\n');
}

function scenarioTypes(files: readonly string[]): string[] {
  return files.map((f) => (JSON.parse(readFileSync(f, 'utf8')) as { type: string }).type);
}

/** Writes gosrc/swisssnap/runners_gen.go for the committed scenarios. */
export function writeRunners(files = scenarioFiles()): void {
  writeFileSync(join(GOSRC, 'runners_gen.go'), runnersGo(scenarioTypes(files)));
}

/** Builds swisssnap with a toolchain for a GOARCH (test/support/gobuild.ts caches it by source hash); returns the binary's path. */
export function buildSwisssnap(version: string, goarch: string, files = scenarioFiles()): string {
  return goBuild({
    go: version, src: GOSRC, files: { 'runners_gen.go': runnersGo(scenarioTypes(files)) }, goarch,
    flags: ['-ldflags=-checklinkname=0'], name: `swisssnap-${version}-${goarch}`,
  });
}

/** Runs a built swisssnap on a scenario file: [meta line, snapshot line]. */
export function runSwisssnap(bin: string, goarch: string, scenario: string, mode: 'fallback' | 'aes', indent = false, iter = false, clone = false): [string, string, string?, string?] {
  const emu = emulator(goarch);
  const cmd = emu ?? bin;
  const flags = [...(indent ? ['-indent'] : []), ...(iter ? ['-iter'] : []), ...(clone ? ['-clone'] : [])];
  const args = emu ? [bin, ...flags, scenario] : [...flags, scenario];
  const env = { ...process.env };
  // cpu.aes exists only where the runtime has AES hashing (it warns elsewhere).
  if (mode === 'fallback' && ['amd64', '386', 'arm64'].includes(goarch)) env.GODEBUG = 'cpu.aes=off';
  else delete env.GODEBUG;
  const out = execFileSync(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 }).toString();
  const nl = out.indexOf('\n');
  let rest = out.slice(nl + 1).replace(/\n$/, '');
  let cloneLine: string | undefined;
  if (clone) {
    const last = rest.lastIndexOf('\n');
    cloneLine = rest.slice(last + 1);
    rest = rest.slice(0, last);
  }
  let iterLine: string | undefined;
  if (iter) {
    const last = rest.lastIndexOf('\n');
    iterLine = rest.slice(last + 1);
    rest = rest.slice(0, last);
  }
  const lines: [string, string, string?, string?] = [out.slice(0, nl), rest, iterLine, cloneLine];
  const meta = JSON.parse(lines[0]) as { useAeshash: boolean };
  if (meta.useAeshash !== (mode === 'aes')) throw new Error(`${basename(bin)}: expected useAeshash ${mode === 'aes'}, the runtime reports ${meta.useAeshash}`);
  return lines;
}

/**
 * The engine's snapshot, as JSON text, for a scenario replayed on a target
 * with the random numbers the real run drew (its meta line).
 */
export function simulateLike(scenarioFile: string, go: string, goarch: string, mode: 'fallback' | 'aes', metaLine: string, space?: number): string {
  const meta = JSON.parse(metaLine) as { seeds: string[]; hashkey: string[]; aeskeysched: string };
  const json = JSON.parse(readFileSync(scenarioFile, 'utf8')) as Record<string, unknown>;
  const hash: Record<string, unknown> = { mode, seeds: meta.seeds, hashkey: meta.hashkey };
  if (mode === 'aes') hash.aeskeysched = meta.aeskeysched;
  const sc = parseScenario({ ...json, go, arch: goarch, hash }, scenarioFile);
  const snap = simulateSwiss(sc);
  // A replay on the release the real run used (some tests replay one release's run on another on purpose).
  if (sameRelease(metaLine, go)) assertProcessFields(snap, metaLine, go, mode);
  return realForm(snap, space);
}

/** The engine's iteration order (JSON text of the keys) for the real run's meta line and iterator start (its -iter line). */
export function iterateLike(scenarioFile: string, go: string, goarch: string, mode: 'fallback' | 'aes', metaLine: string, iterLine: string): string {
  const meta = JSON.parse(metaLine) as { seeds: string[]; hashkey: string[]; aeskeysched: string };
  const it = JSON.parse(iterLine) as { entryOffset: string; dirOffset: string };
  const json = JSON.parse(readFileSync(scenarioFile, 'utf8')) as Record<string, unknown>;
  const hash: Record<string, unknown> = { mode, seeds: meta.seeds, hashkey: meta.hashkey };
  if (mode === 'aes') hash.aeskeysched = meta.aeskeysched;
  const sc = parseScenario({ ...json, go, arch: goarch, hash }, scenarioFile);
  return JSON.stringify(iterationOrder(runSwiss(sc).map, BigInt(it.entryOffset), BigInt(it.dirOffset)));
}

/**
 * The engine's snapshot of maps.Clone of the scenario's final map. 1.25+
 * copies the map as it is. 1.24 rebuilds it in the order of an iteration
 * whose random start the real run does not reveal: every start is tried
 * (entryOffset below the largest table's capacity, dirOffset below dirLen —
 * only those bits matter; at most 64 starts) and the text of the first that reproduces the
 * real clone is returned, else that of start 0/0. Returns undefined when
 * there are too many starts to try.
 */
export function cloneLike(scenarioFile: string, go: string, goarch: string, mode: 'fallback' | 'aes', metaLine: string, realClone: string): string | undefined {
  const meta = JSON.parse(metaLine) as { seeds: string[]; hashkey: string[]; aeskeysched: string };
  const cloneSeed = (JSON.parse(realClone) as { header: { seed: number | string } }).header.seed;
  const json = JSON.parse(readFileSync(scenarioFile, 'utf8')) as Record<string, unknown> & { ops: unknown[] };
  const hash: Record<string, unknown> = { mode, seeds: [...meta.seeds, String(cloneSeed)], hashkey: meta.hashkey };
  if (mode === 'aes') hash.aeskeysched = meta.aeskeysched;
  const sc = parseScenario({ ...json, go, arch: goarch, hash }, scenarioFile);
  const open = () => {
    const s = openSwiss(sc);
    for (const op of sc.ops) {
      if (op.op === 'insert') s.insert(op.key, op.value);
      else if (op.op === 'delete') s.delete(op.key);
      else if (op.op === 'lookup') s.lookup(op.key);
      else if (op.op === 'clear') s.clear();
    }
    return s;
  };
  const first = open();
  if (sc.go.minor >= 25) {
    const c = first.clone();
    if (sameRelease(metaLine, go)) assertProcessFields(c, metaLine, go, mode, false);
    return realForm(c);
  }
  const m = first.map;
  const cap = m.dirLen === 0 ? 8 : Math.max(...m.tables().map((t) => t.capacity));
  const dirs = Math.max(m.dirLen, 1);
  if (cap * dirs > 64) return undefined;
  let fallback: string | undefined;
  for (let e = 0; e < cap; e++) {
    for (let d = 0; d < dirs; d++) {
      const text = realForm(open().clone({ entryOffset: BigInt(e), dirOffset: BigInt(d) }));
      fallback ??= text;
      if (text === realClone) return text;
    }
  }
  return fallback;
}

/** Fixtures are gzipped text: line 1 what the run drew, then the snapshot (and iteration, clone). */
export function writeFixture(file: string, text: string): void {
  writeFileSync(file, gzipSync(text, { level: 9 }));
}

export function readFixture(file: string): string[] {
  return gunzipSync(readFileSync(file)).toString('utf8').split('\n');
}

/** A fixture file's name for a scenario and target. */
export function fixtureName(scenario: string, go: string, goarch: string, mode: string): string {
  return join(FIXTURES, 'real', `${basename(scenario, '.json')}.go${go}-${goarch}-${mode}.jsonl.gz`);
}

/** Targets of the committed iteration-order and maps.Clone fixtures (test/fixtures/sim-swiss/iter). */
export const ITER_TARGETS: readonly [string, string, 'fallback' | 'aes'][] = [
  ['1.26', 'amd64', 'fallback'], ['1.24', '386', 'aes'], ['1.27', 'arm64', 'fallback'], ['1.24', 'amd64', 'fallback'],
];

export function iterFixtureName(scenario: string, go: string, goarch: string, mode: string): string {
  return join(FIXTURES, 'iter', `${basename(scenario, '.json')}.go${go}-${goarch}-${mode}.jsonl.gz`);
}

function main(argv: string[]): void {
  if (argv[0] === 'gen') {
    writeRunners();
    return;
  }
  if (argv[0] === 'iter-fixtures') {
    const files = scenarioFiles();
    mkdirSync(join(FIXTURES, 'iter'), { recursive: true });
    for (const [go, goarch, mode] of ITER_TARGETS) {
      const bin = buildSwisssnap(go, goarch, files);
      for (const f of files) {
        const [meta, snap, it, cl] = runSwisssnap(bin, goarch, f, mode, false, true, true);
        writeFixture(iterFixtureName(f, go, goarch, mode), [meta, snap, it, cl].join('\n') + '\n');
      }
      process.stderr.write(`iteration go${go} ${goarch} ${mode}: ${files.length} scenarios\n`);
    }
    return;
  }
  if (argv[0] !== 'fixtures') throw new Error('usage: swisssnap.js gen | fixtures [version…] | iter-fixtures');
  // fixtures [version…] [--only go-arch-mode,…] [--scenario name]
  const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1].split(',') : undefined;
  const versions = argv.slice(1).filter((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--'));
  // --scenario name: (re)record only that scenario
  const one = argv.includes('--scenario') ? argv[argv.indexOf('--scenario') + 1] : undefined;
  const files = scenarioFiles().filter((f) => !one || basename(f, '.json') === one);
  writeRunners();
  mkdirSync(join(FIXTURES, 'real'), { recursive: true });
  for (const [go, goarch, mode] of FIXTURE_TARGETS) {
    if (versions.length && !versions.includes(go)) continue;
    if (only && !only.includes(`${go}-${goarch}-${mode}`)) continue;
    const bin = buildSwisssnap(go, goarch, files);
    for (const f of files) {
      const [meta, snap] = runSwisssnap(bin, goarch, f, mode);
      writeFixture(fixtureName(f, go, goarch, mode), meta + '\n' + snap + '\n');
    }
    process.stderr.write(`go${go} ${goarch} ${mode}: ${files.length} scenarios\n`);
  }
}

// Run as a script only with a command (node --test also runs every file under dist/test).
if (process.argv[1] && basename(process.argv[1]) === 'swisssnap.js' && existsSync(process.argv[1]) && process.argv.length > 2) main(process.argv.slice(2));
