/**
 * Classic maps past B = 16 against the real runtime. From B = 16 the
 * runtime's incrnoverflow counts one in 2^(B-15) overflow buckets by a
 * per-thread coin no process exposes; the engine flips hash.rand's generator
 * instead and marks the fields that depend on it (randDependent). Everything
 * else must equal the real map byte for byte: gosrc/mapsnap grows
 * map[int64]int64 to 1M and 3M entries on Go 1.22 and 1.24 (noswissmap), on
 * amd64 and on arm64 under qemu-user, and the engine replays each run with
 * the seed and hash keys it printed. The marked field, noverflow, is held to
 * the runtime's bounds instead: below 2^15 (else a same-size grow would have
 * started) and at most the overflow buckets the current array has chained.
 *
 * A real run takes minutes under qemu-user, so what mapsnap printed is kept
 * per build and input (test/support/gobuild.ts goOutput): each case is one
 * real run, made again when mapsnap, the toolchain or the input changes, and
 * the engine is replayed against it on every run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseScenario } from '../src/engine/scenario.js';
import { simulate, type ClassicSnapshot } from '../src/engine/classic/index.js';
import { emulatorFor } from './support/toolchains.js';
import { goBuild, goOutput } from './support/gobuild.js';
import { FIXTURES } from './support/simfixtures.js';

const probeSrc = join(FIXTURES, '..', '..', '..', 'gosrc', 'mapsnap');
const work = mkdtempSync(join(tmpdir(), 'mapsnap-b16-'));

const CASES: { go: string; experiment: string; arch: string; sizes: number[] }[] = [
  { go: '1.22', experiment: '', arch: 'amd64', sizes: [1_000_000, 3_000_000] },
  { go: '1.24', experiment: 'noswissmap', arch: 'amd64', sizes: [1_000_000] },
  { go: '1.22', experiment: '', arch: 'arm64', sizes: [1_000_000] },
  { go: '1.24', experiment: 'noswissmap', arch: 'arm64', sizes: [1_000_000, 3_000_000] },
];

function overflowChained(s: ClassicSnapshot): number {
  return (s.buckets ?? []).reduce((n, chain) => n + chain.length - 1, 0);
}

for (const c of CASES) {
  for (const n of c.sizes) {
    const name = `go${c.go}${c.experiment ? '-' + c.experiment : ''}/${c.arch} map[int64]int64 × ${n}`;
    test(`B ≥ 16 live: ${name}: real map = engine except hash.rand's fields`, { timeout: 1_800_000 }, () => {
      const emu = emulatorFor(c.arch);
      const bin = goBuild({
        go: c.go,
        src: probeSrc,
        goarch: c.arch,
        env: c.experiment ? { GOEXPERIMENT: c.experiment } : {},
        flags: Number(c.go.split('.')[1]) >= 23 ? ['-ldflags=-checklinkname=0'] : [],
        name: 'mapsnap',
      });
      const ops: [string, number, number][] = [];
      for (let i = 0; i < n; i++) ops.push(['insert', i, i]);
      const base = { go: c.go, arch: c.arch, experiment: c.experiment, type: 'map[int64]int64', ops };
      const input = JSON.stringify(base);
      const godebug = 'cpu.aes=off';
      const realText = goOutput(bin, [input, `GODEBUG=${godebug}`, emu ?? 'native'], () => {
        const file = join(work, `${c.go}${c.experiment}-${c.arch}-${n}.json`);
        writeFileSync(file, input);
        try {
          const env = { ...process.env, GODEBUG: godebug };
          return execFileSync(emu ?? bin, emu ? [bin, file] : [file], { env, encoding: 'utf8', maxBuffer: 1 << 30 });
        } finally {
          rmSync(file);
        }
      });
      // Line 1 the run, line 2 the snapshot (docs/json.md, "Real-Go snapshot fixtures").
      const real = JSON.parse(realText.split('\n')[1]) as ClassicSnapshot;
      assert.ok(real.header.B >= 16, `the real map has B=${real.header.B}`);
      const sc = parseScenario({ ...base, hash: real.hash }, name);
      const engine = simulate(sc).snapshot;
      assert.deepEqual(engine.randDependent, ['header.noverflow'], 'the engine marks noverflow as drawn from hash.rand');
      assert.ok(engine.hash.rand !== undefined, 'the engine prints hash.rand');
      for (const [who, s] of [['real', real], ['engine', engine]] as const) {
        const limit = Math.min(2 ** 15 - 1, overflowChained(s));
        assert.ok(s.header.noverflow <= limit, `${who} noverflow ${s.header.noverflow} outside 0..${limit}`);
      }
      const strip = (s: ClassicSnapshot) => JSON.stringify({ ...s, header: { ...s.header, noverflow: 0 }, hash: { ...s.hash, rand: undefined }, randDependent: undefined });
      const a = strip(engine);
      const b = strip(real);
      if (a !== b) {
        let i = 0;
        while (i < a.length && a[i] === b[i]) i++;
        assert.fail(`${name}: engine and real snapshots differ at character ${i}: engine …${a.slice(Math.max(0, i - 80), i + 80)}… real …${b.slice(Math.max(0, i - 80), i + 80)}…`);
      }
    });
  }
}
