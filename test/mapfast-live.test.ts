/**
 * Live differential test of walk.mapfast (src/layout/mapfast.ts), the rule
 * both engines take their assignment path from: a Go program assigns into
 * maps of key and elem types chosen at the rule's edges, real toolchains
 * build it for amd64, 386 and arm (GOARM=7), and `go tool objdump` shows
 * which runtime.mapassign* each function calls. Covers the 8-byte key
 * holding a pointer on 32-bit targets (the generic path), the under-aligned
 * [2]uint16 on arm (issue 46283), blank fields, one-string structs and elems
 * over 128 bytes. Fails loudly when a toolchain is missing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ARCHES, type GoArch } from '../src/model/arch.js';
import { parseType } from '../src/model/typeparse.js';
import { mapfast } from '../src/layout/mapfast.js';
import { goroot } from './support/toolchains.js';
import { goBuild, goEnv } from './support/gobuild.js';

const CASES: [key: string, elem: string][] = [
  ['int32', 'int'],
  ['uint64', 'int'],
  ['string', 'int'],
  ['*int', 'int'],
  ['struct{p *int; x int32}', 'int'],
  ['[2]uint16', 'int'],
  ['[4]uint16', 'int'],
  ['[8]uint8', 'int'],
  ['struct{a int32; _ int32}', 'int'],
  ['struct{s string}', 'int'],
  ['float64', 'int'],
  ['int64', '[129]uint8'],
  ['int64', '[128]uint8'],
];

function program(): string {
  const fns = CASES.map(([k, e], i) => `//go:noinline\nfunc a${i}(m map[${k}]${e}, k ${k}) { var e ${e}; m[k] = e }\n`);
  const calls = CASES.map(([k, e], i) => `\tvar k${i} ${k}\n\ta${i}(make(map[${k}]${e}), k${i})\n`);
  return `package main\n\n${fns.join('\n')}\nfunc main() {\n${calls.join('')}}\n`;
}

/** The mapassign entry point each a<i> calls, as objdump prints it. */
function realPaths(go: string, goarch: string): Map<number, string> {
  const files = { 'go.mod': 'module mapfast\n\ngo 1.19\n', 'main.go': program() };
  const bin = goBuild({ go, files, goarch, name: 'mapfast' });
  const dump = execFileSync(join(goroot(go), 'bin', 'go'), ['tool', 'objdump', '-s', '^main\\.a\\d+$', bin], { env: goEnv(go), encoding: 'utf8', maxBuffer: 1 << 26 });
  const out = new Map<number, string>();
  let fn = -1;
  for (const line of dump.split('\n')) {
    const t = /^TEXT main\.a(\d+)\(SB\)/.exec(line);
    if (t) fn = Number(t[1]);
    const c = /runtime\.mapassign(\w*)\(SB\)/.exec(line);
    if (c && fn >= 0 && !out.has(fn)) out.set(fn, c[1] === '' ? 'generic' : c[1].slice(1));
  }
  return out;
}

for (const go of ['1.22', '1.27']) {
  test(`mapfast agrees with go${go}'s compiled calls on amd64, 386 and arm`, { timeout: 180_000 }, () => {
    const minor = Number(go.split('.')[1]);
    for (const a of ['amd64', '386', 'arm'] as GoArch[]) {
      const real = realPaths(go, a);
      assert.equal(real.size, CASES.length, `objdump found ${real.size} of ${CASES.length} functions on ${a}`);
      CASES.forEach(([k, e], i) => {
        const ours = mapfast(parseType(k), parseType(e), ARCHES[a], { minor });
        assert.equal(ours, real.get(i), `go${go} ${a} map[${k}]${e}`);
      });
    }
  });
}
