/**
 * Function names and entry addresses from pclntab against `go tool nm` (the
 * real toolchain's symbol-table reader) on unstripped builds: pclntab layouts
 * 1.18 (go1.19), 1.20 (go1.24, go1.27) and 1.2 (esbuild 0.2.12, go1.14.2).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openObjects } from '../../src/binary/open.js';
import { functionTable } from '../../src/inspect/inspect.js';
import { buildProbe } from '../support/probe.js';
import { cacheDir, goroot } from '../support/toolchains.js';
import { goEnv } from '../support/gobuild.js';

// A name can have two text symbols (an ABI0 wrapper and the ABIInternal body), so keep every address.
function nmText(file: string): Map<string, Set<number>> {
  const out = execFileSync(join(goroot('1.27'), 'bin', 'go'), ['tool', 'nm', file], {
    env: goEnv('1.27'),
    maxBuffer: 1 << 28,
  }).toString();
  const m = new Map<string, Set<number>>();
  for (const line of out.split('\n')) {
    const f = line.trim().split(/\s+/);
    if ((f[1] !== 'T' && f[1] !== 't') || f.length < 3) continue;
    const name = f.slice(2).join(' ');
    if (!m.has(name)) m.set(name, new Set());
    m.get(name)?.add(parseInt(f[0], 16));
  }
  return m;
}

const files: [string, () => string, string][] = [
  ['go1.19 amd64', () => buildProbe({ go: '1.19', goos: 'linux', goarch: 'amd64', variant: 'plain' }), 'runtime.mapaccess2'],
  ['go1.24 amd64', () => buildProbe({ go: '1.24', goos: 'linux', goarch: 'amd64', variant: 'plain' }), 'internal/runtime/maps.(*Map).getWithKey'],
  ['go1.27 arm64 PIE', () => buildProbe({ go: '1.27', goos: 'linux', goarch: 'arm64', variant: 'pie' }), 'internal/runtime/maps.(*Map).getWithKey'],
  ['esbuild 0.2.12 (go1.14.2)', () => join(cacheDir(), 'bin', 'esbuild-0.2.12', 'esbuild'), 'runtime.mapaccess1'],
];

for (const [what, path, mapFunc] of files) {
  test(`pclntab functions of ${what} equal go tool nm's text symbols`, () => {
    const file = path();
    if (!existsSync(file)) assert.fail(`${file} missing: run scripts/real-binaries.sh`);
    const nm = nmText(file);
    const [o] = openObjects(file, readFileSync(file));
    const fns = functionTable(o);
    assert.ok(fns.length > 1000);
    // pclntab may list an assembly function twice under one name (ABI0 and ABIInternal
    // entries) where the symbol table has one symbol: the address sets must overlap.
    const ours = new Map<string, Set<number>>();
    for (const f of fns) {
      if (!ours.has(f.name)) ours.set(f.name, new Set());
      ours.get(f.name)?.add(f.addr);
    }
    let compared = 0;
    for (const [name, addrs] of ours) {
      const want = nm.get(name);
      if (want === undefined) continue;
      compared += addrs.size;
      assert.ok([...addrs].some((a) => want.has(a)), `${name}: ${[...addrs].map((a) => `0x${a.toString(16)}`).join(', ')} not among ${[...want].map((a) => `0x${a.toString(16)}`).join(', ')}`);
    }
    // Nearly every pclntab function has a text symbol of the same name.
    assert.ok(compared > fns.length * 0.9, `${compared}/${fns.length} compared`);
    const mf = fns.find((f) => f.name === mapFunc);
    assert.ok(mf && nm.get(mapFunc)?.has(mf.addr), mapFunc);
  });
}
