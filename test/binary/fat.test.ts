/**
 * A fat (universal) Mach-O holding two real thin executables built by Go 1.26
 * (darwin/arm64 and darwin/amd64). There is no lipo here, so the fat header is
 * written by the test following <mach-o/fat.h>: big-endian magic 0xcafebabe,
 * nfat_arch, then {cputype, cpusubtype, offset, size, align} per slice, with
 * slices at 2^14-aligned offsets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspectBytes } from '../../src/inspect/inspect.js';
import { main } from '../../src/cli/main.js';
import { captureIO } from '../../src/cli/io.js';
import { buildProbe, goVersionOf } from '../support/probe.js';

function fat(slices: { cpu: number; sub: number; data: Uint8Array }[]): Uint8Array {
  const align = 1 << 14;
  let off = align;
  const placed = slices.map((s) => {
    const at = off;
    off = Math.ceil((at + s.data.length) / align) * align;
    return { ...s, at };
  });
  const out = new Uint8Array(off);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, 0xcafebabe);
  dv.setUint32(4, slices.length);
  placed.forEach((s, i) => {
    const h = 8 + 20 * i;
    dv.setUint32(h, s.cpu);
    dv.setUint32(h + 4, s.sub);
    dv.setUint32(h + 8, s.at);
    dv.setUint32(h + 12, s.data.length);
    dv.setUint32(h + 16, 14);
    out.set(s.data, s.at);
  });
  return out;
}

test('fat Mach-O: one inspection per slice, each with its own GOARCH, version and maps', async () => {
  const arm64 = readFileSync(buildProbe({ go: '1.26', goos: 'darwin', goarch: 'arm64', variant: 'plain' }));
  const amd64 = readFileSync(buildProbe({ go: '1.26', goos: 'darwin', goarch: 'amd64', variant: 'plain' }));
  // CPU_TYPE_ARM64 = 0x0100000c, CPU_TYPE_X86_64 = 0x01000007 (<mach/machine.h>)
  const data = fat([{ cpu: 0x0100000c, sub: 0, data: arm64 }, { cpu: 0x01000007, sub: 3, data: amd64 }]);
  const rs = inspectBytes('universal', data);
  assert.deepEqual(rs.map((r) => r.goarch), ['arm64', 'amd64']);
  for (const r of rs) {
    assert.equal(r.format, 'macho');
    assert.equal(r.goos, 'darwin');
    assert.equal(r.goVersion, goVersionOf('1.26'));
    assert.equal(r.mapImpl, 'swiss');
    assert.ok(r.maps.some((m) => m.type === 'main.Named' && m.groupSize === 328));
    assert.deepEqual(r.findings, []);
  }
  const f = join(mkdtempSync(join(tmpdir(), 'mapscope-fat-')), 'universal');
  writeFileSync(f, data);
  const io = captureIO();
  assert.equal(await main(['inspect', f], io), 0, io.stderr);
  assert.match(io.stdout, /fat slice arm64[\s\S]*darwin\/arm64/);
  assert.match(io.stdout, /fat slice amd64[\s\S]*darwin\/amd64/);
});
