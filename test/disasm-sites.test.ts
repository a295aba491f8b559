/**
 * `disasm --sites` against gosrc/disasmprobe, built by real toolchains for
 * amd64, arm64, 386 and arm: every map call the hand-written expected list
 * names is found with its operation, fast path, line, inlined frame and map
 * type, and no other map call is reported in package main. Also stripped
 * (no symbol table): the pclntab alone must suffice. Fails loudly when a
 * toolchain is missing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { openProgram } from '../src/disasm/program.js';
import { findSites } from '../src/disasm/sites.js';
import { buildDisasmProbe, expectedSites } from './support/disasmprobe.js';

const GOS = ['1.19', '1.22', '1.23', '1.24', '1.27'];
const ARCHS = ['amd64', 'arm64', '386', 'arm'] as const;

function key(s: { func: string; line: number; op: string; path: string; type: string | undefined; inlined: string | undefined }): string {
  return [s.func, s.line, s.op, s.path, s.type ?? '-', s.inlined ?? '-'].join(' | ');
}

for (const go of GOS) {
  for (const arch of ARCHS) {
    test(`disasm --sites finds every map call of disasmprobe (go${go} ${arch})`, async () => {
      const bin = buildDisasmProbe(go, arch, arch === 'amd64');
      const p = await openProgram(bin, readFileSync(bin));
      const got = findSites(p, { func: /^main\./ }).map((s) => key({
        func: s.func.replace(/\[.*\]$/, ''), line: s.line, op: s.op, path: s.path || 'generic', type: s.mapType, inlined: s.inlined[0],
      }));
      const want = expectedSites(p.goMinor, p.obj.ptrSize).map(key);
      assert.deepEqual(got.slice().sort(), want.slice().sort());
    });
  }
}
