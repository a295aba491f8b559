/**
 * Cache lines: mapscope's default is Go's own pad, internal/cpu.CacheLinePadSize,
 * read here from each installed toolchain's source for every GOARCH; and
 * `layout --cache-line` lays out against the hardware's line instead, saying
 * which it used and what common hardware has.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARCHES, cacheLinePad, type GoArch } from '../src/model/arch.js';
import { main } from '../src/cli/main.js';
import { captureIO } from '../src/cli/io.js';
import { GO_VERSIONS, goroot } from './support/toolchains.js';

/** The file of src/internal/cpu that defines CacheLinePadSize for a GOARCH. */
const CPU_FILE: Record<GoArch, string> = {
  amd64: 'cpu_x86.go', '386': 'cpu_x86.go', arm64: 'cpu_arm64.go', arm: 'cpu_arm.go', riscv64: 'cpu_riscv64.go',
  ppc64: 'cpu_ppc64x.go', ppc64le: 'cpu_ppc64x.go', s390x: 'cpu_s390x.go', mips: 'cpu_mips.go', mipsle: 'cpu_mipsle.go',
  mips64: 'cpu_mips64x.go', mips64le: 'cpu_mips64x.go', loong64: 'cpu_loong64.go', wasm: 'cpu_wasm.go',
};

test('cacheLinePad equals CacheLinePadSize in every installed toolchain\'s src/internal/cpu, for every GOARCH', () => {
  let compared = 0;
  for (const v of GO_VERSIONS) {
    const root = goroot(v);
    for (const a of Object.keys(ARCHES) as GoArch[]) {
      const src = readFileSync(join(root, 'src', 'internal', 'cpu', CPU_FILE[a]), 'utf8');
      const m = /^const CacheLinePadSize = (\d+)$/m.exec(src);
      assert.ok(m, `${v} ${CPU_FILE[a]}: CacheLinePadSize`);
      assert.equal(cacheLinePad(ARCHES[a], { minor: Number(v.split('.')[1]) }), Number(m[1]), `Go ${v} ${a}`);
      compared++;
    }
  }
  assert.equal(compared, GO_VERSIONS.length * Object.keys(ARCHES).length);
});

async function layout(argv: string[]) {
  const io = captureIO();
  const code = await main(['layout', ...argv], io);
  return { code, out: io.stdout, err: io.stderr };
}

test('layout explains its cache line: Go\'s pad by default, the hardware\'s with --cache-line', async () => {
  const def = await layout(['map[string]int', '--arch', 'arm64', '--go', '1.26']);
  assert.equal(def.code, 0);
  assert.match(def.out, /^ {2}cache lines: 128 bytes, as Go pads to 128 on arm64 \(internal\/cpu\.CacheLinePadSize\); hardware: 64 on Arm Neoverse \(AWS Graviton 2-4, Ampere Altra\), 128 on Apple M-series/m);
  const g64 = await layout(['map[string]int', '--arch', 'arm64', '--go', '1.26', '--cache-line', '64']);
  assert.match(g64.out, /^ {2}cache lines: 64 bytes \(--cache-line\); Go pads to 128 on arm64/m);
  assert.match(g64.out, /starts on a 64-byte line/);
  assert.match(def.out, /starts on a 128-byte line/);
  const x86 = await layout(['map[string]int', '--arch', 'amd64']);
  assert.match(x86.out, /^ {2}cache lines: 64 bytes, as Go pads to 64 on amd64 \(internal\/cpu\.CacheLinePadSize\); hardware: 64 on Intel and AMD x86 cores$/m);
  const json = JSON.parse((await layout(['map[string]int', '--arch', 'arm64', '--cache-line', '64', '--json'])).out) as { cacheLine: number; goCacheLinePad: number }[];
  assert.deepEqual([json[0].cacheLine, json[0].goCacheLinePad], [64, 128]);
  const bad = await layout(['map[string]int', '--cache-line', '100']);
  assert.equal(bad.code, 2);
  assert.equal(bad.err, 'mapscope: --cache-line: expected 32, 64, 128, 256 (bytes), got "100"\n');
});
