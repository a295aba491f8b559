/**
 * The GOARCH table (src/model/arch.ts) against the compiler's own table,
 * cmd/internal/sys/arch.go, read from each fetched toolchain's source: pointer
 * and register size, byte order, and the load alignment (Arch.Alignment) that
 * decides memhash_varlen and the fast map paths for under-aligned keys; and
 * the GOARCHes whose runtime installs AES hashes (runtime/alg.go `alginit`,
 * internal/runtime/maps/runtime_alg.go `AlgInit` in 1.27).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARCHES, loadAlignment, type GoArch } from '../src/model/arch.js';
import { GO_VERSIONS, goroot } from './support/toolchains.js';

interface SysArch { ptrSize: number; regSize: number; bigEndian: boolean; alignment: number }

/** The `var ArchX = &Arch{...}` literals of cmd/internal/sys/arch.go, by Name. */
function sysArches(src: string): Map<string, SysArch> {
  const out = new Map<string, SysArch>();
  for (const block of src.split(/\nvar Arch\w+ = &Arch\{/).slice(1)) {
    const body = block.slice(0, block.indexOf('\n}'));
    const field = (re: RegExp): string => {
      const m = re.exec(body);
      if (!m) throw new Error(`arch.go: no ${re.source} in ${body.slice(0, 80)}`);
      return m[1];
    };
    out.set(field(/Name:\s+"(\w+)"/), {
      ptrSize: Number(field(/PtrSize:\s+(\d+)/)),
      regSize: Number(field(/RegSize:\s+(\d+)/)),
      bigEndian: field(/ByteOrder:\s+binary\.(\w+)Endian/) === 'Big',
      alignment: Number(field(/Alignment:\s+(\d+)/)),
    });
  }
  return out;
}

for (const v of GO_VERSIONS) {
  test(`arch table agrees with go${v} cmd/internal/sys/arch.go`, () => {
    const src = readFileSync(join(goroot(v), 'src', 'cmd', 'internal', 'sys', 'arch.go'), 'utf8');
    const sys = sysArches(src);
    const minor = Number(v.split('.')[1]);
    let compared = 0;
    for (const [name, a] of Object.entries(ARCHES) as [GoArch, (typeof ARCHES)[GoArch]][]) {
      const s = sys.get(name);
      if (!s) continue; // e.g. loong64 before it was ported
      compared++;
      assert.equal(a.ptrSize, s.ptrSize, `${name} PtrSize`);
      assert.equal(a.regSize, s.regSize, `${name} RegSize`);
      assert.equal(a.bigEndian, s.bigEndian, `${name} ByteOrder`);
      assert.equal(loadAlignment(a, { minor }), s.alignment, `${name} Alignment in go${v}`);
    }
    // Every GOARCH mapscope knows is in every release tested (loong64 since 1.19).
    assert.equal(compared, Object.keys(ARCHES).length);
  });
}

for (const v of GO_VERSIONS) {
  test(`Arch.aesHash agrees with go${v}'s alginit`, () => {
    const root = join(goroot(v), 'src');
    const file = [join(root, 'internal', 'runtime', 'maps', 'runtime_alg.go'), join(root, 'runtime', 'alg.go')]
      .find((f) => existsSync(f) && /^func (alginit|AlgInit)\(\)/m.test(readFileSync(f, 'utf8')));
    assert.ok(file, `no alginit in go${v}`);
    const src = readFileSync(file, 'utf8');
    const start = src.search(/^func (alginit|AlgInit)\(\)/m);
    const body = src.slice(start, src.indexOf('\n}\n', start));
    const named = new Set([...body.matchAll(/GOARCH == "(\w+)"/g)].map((m) => m[1]));
    const ours = Object.values(ARCHES).filter((a) => a.aesHash).map((a) => a.name);
    assert.deepEqual([...named].sort(), ours.sort());
  });
}
