/**
 * Oracle: our decoding (Capstone) against `go tool objdump -gnu` of the same
 * binaries: for every instruction of the runtime's map functions and of
 * disasmprobe's functions, the start, length, mnemonic, operands (after the
 * mapping documented in test/support/objdump.ts and docs/disasm.md) and the
 * pclntab line agree. Go 1.19, 1.22, 1.23, 1.24 and 1.27 for amd64, arm64,
 * 386 and arm. The stripped esbuild 0.28.2 releases (amd64 and arm64) have
 * no symbol table, which go tool objdump requires, so GNU objdump
 * (binutils-multiarch) over the pclntab's function bounds is their oracle.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { valueAt } from '../src/binary/pclnfuncs.js';
import { decodeFunc, openProgram } from '../src/disasm/program.js';
import { buildDisasmProbe } from './support/disasmprobe.js';
import { compareFunc, emptyComparison, gnuObjdump, goObjdump, type Comparison } from './support/objdump.js';
import { cacheDir } from './support/toolchains.js';

const GOS = ['1.19', '1.22', '1.23', '1.24', '1.27'];
const ARCHS = ['amd64', 'arm64', '386', 'arm'];
const MAP_FUNCS = '^(runtime\\.(makemap|mapaccess|mapassign|mapdelete|mapiter|mapIter|mapclear|growWork|evacuate|hashGrow)|internal/runtime/maps\\.|main\\.)';

function assertClean(c: Comparison, label: string, t: { diagnostic(s: string): void }): void {
  t.diagnostic(`${label}: ${c.instructions} instructions in ${c.functions} functions agree${c.oracleUndecoded ? ` (${c.oracleUndecoded} words the oracle prints as ?: arm literal pools, LSE atomics)` : ''}`);
  const bad = [...c.boundary.slice(0, 8), ...c.mnemonic.slice(0, 8), ...c.operands.slice(0, 8), ...c.line.slice(0, 8)];
  assert.deepEqual(bad.slice(0, 20), [], `${label}: ${c.boundary.length} boundary, ${c.mnemonic.length} mnemonic, ${c.operands.length} operand, ${c.line.length} line differences`);
  assert.ok(c.instructions > 1000, `${label}: only ${c.instructions} instructions compared`);
}

for (const go of GOS) {
  for (const arch of ARCHS) {
    test(`decoding agrees with go tool objdump (go${go} ${arch})`, async (t) => {
      const bin = buildDisasmProbe(go, arch);
      const p = await openProgram(bin, readFileSync(bin));
      const oracle = goObjdump(go, bin, MAP_FUNCS);
      const c = emptyComparison();
      for (const [name, want] of oracle) {
        // Go 1.19's pclntab names shape functions main.gget[...]; the symbol table spells the shapes out.
        const f = p.funcs.byName(name)[0] ?? p.funcs.find(want[0]?.addr ?? 0);
        assert.ok(f, `pclntab has no ${name}`);
        const lines = p.funcs.lines(f);
        const ours = decodeFunc(p, f).map((i) => ({ ...i, line: valueAt(lines, i.addr) }));
        compareFunc(c, name, p.goarch, ours, want);
      }
      assertClean(c, `go${go} ${arch}`, t);
    });
  }
}

for (const [name, arch] of [['esbuild-0.28.2', 'amd64'], ['esbuild-arm64-0.28.2', 'arm64']]) {
  test(`decoding agrees with GNU objdump on the stripped ${name} (${arch})`, async (t) => {
    const bin = join(cacheDir(), 'bin', name, 'esbuild');
    const p = await openProgram(bin, readFileSync(bin));
    assert.equal(p.goarch, arch);
    const c = emptyComparison();
    const re = new RegExp(MAP_FUNCS);
    for (const f of p.funcs.funcs.filter((x) => re.test(x.name))) {
      compareFunc(c, f.name, p.goarch, decodeFunc(p, f), gnuObjdump(bin, f.entry, f.end, arch === 'amd64' ? undefined : 4), arch === 'amd64');
    }
    assertClean(c, name, t);
  });
}
