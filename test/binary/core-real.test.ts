/**
 * The core reader against real core dumps of a real Go program
 * (gosrc/coreprobe): every global map it finds must be at the address the
 * program printed for it, the header words read through the core must be the
 * words the program read through unsafe, and the Go version, GOARCH and hash
 * key material must be what the running program reported (go:linkname).
 *
 * Cores: the kernel's (GOTRACEBACK=crash equivalent) for Go 1.22 (classic,
 * with a map caught mid-growth), 1.24, 1.26 and 1.27 (Swiss; 1.27 keeps its
 * key material in internal/runtime/maps) on amd64; qemu-user's for 1.22 and
 * 1.26 on arm64; gdb's gcore for 1.26 amd64; a PIE build (loaded at a slide).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { openCore, openCoreFile } from '../../src/binary/core/index.js';
import { realCore, type CoreSpec } from '../support/cores.js';
import { checkAgainstTruth } from '../support/coretruth.js';
import { readELF } from '../../src/binary/elf.js';

const SPECS: CoreSpec[] = [
  { go: '1.22', arch: 'amd64', how: 'crash' },
  { go: '1.24', arch: 'amd64', how: 'crash' },
  { go: '1.26', arch: 'amd64', how: 'crash' },
  { go: '1.27', arch: 'amd64', how: 'crash' },
  { go: '1.22', arch: 'arm64', how: 'crash' },
  { go: '1.26', arch: 'arm64', how: 'crash' },
  { go: '1.27', arch: 'arm64', how: 'crash' },
  { go: '1.26', arch: 'amd64', how: 'gcore' },
  { go: '1.26', arch: 'amd64', how: 'crash', pie: true },
  { go: '1.26', arch: '386', how: 'crash' },
];

for (const spec of SPECS) {
  const label = `${spec.go} ${spec.arch} ${spec.how}${spec.pie ? ' pie' : ''}`;
  test(`core ${label}: maps, addresses, header words, version and key material match the program's truth`, async () => {
    const { core, exe, truth } = await realCore(spec);
    // gcore cores are large (Go's reserved ranges, written as zeros): read them on demand.
    const p = spec.how === 'gcore' ? openCoreFile(core, exe, readFileSync(exe)) : openCore(core, readFileSync(core), exe, readFileSync(exe));
    checkAgainstTruth(p, truth, label);
    if (spec.pie) assert.notEqual((p as unknown as { slide: number }).slide, 0, 'a PIE is loaded at a slide');
    if (spec.go === '1.22') {
      // Classic: main.growing was caught mid-growth (hmap.oldbuckets, word 3, non-nil) by the program's own reading.
      const g = truth.maps.find((m) => m.name === 'main.growing');
      assert.ok(g && BigInt(g.hdr[3]) !== 0n, 'main.growing has oldbuckets set');
      assert.equal(p.target.go.minor, 22);
    }
  });
}

test('core: the entries callback is called for maps whose elements hold maps, and their elements are walked', async () => {
  const { core, exe, truth } = await realCore({ go: '1.26', arch: 'amd64', how: 'crash' });
  const p = openCore(core, readFileSync(core), exe, readFileSync(exe));
  const nested = truth.maps.find((m) => m.name === 'main.nested');
  const small = truth.maps.find((m) => m.name === 'main.small');
  assert.ok(nested && small);
  // The variable main.small holds a map pointer: an "element" at its address is a map[int64]int64 value there.
  const smallVar = p.mapByName('main.small');
  assert.equal(`0x${smallVar.addr.toString(16)}`, small.addr);
  const calls: string[] = [];
  const varAddr = globalAddr(exe, 'main.small');
  const maps = p.globalMaps({
    entries: (m) => {
      calls.push(m.name);
      return m.name === 'main.nested' ? [{ key: 0n, elem: varAddr }] : [];
    },
  });
  // Only map-valued maps are expanded (main.nested is the only map of maps).
  assert.deepEqual(calls, ['main.nested']);
  const elem = maps.find((m) => m.name.startsWith('main.nested['));
  assert.ok(elem, 'the element was walked as a map');
  assert.equal(`0x${elem.addr.toString(16)}`, small.addr);
  assert.equal(elem.name, 'main.nested[…]', 'an undecodable key is shown as …');
});

/** A global's link-time address from the ELF symbol table (non-PIE: the run-time address). */
function globalAddr(exe: string, name: string): bigint {
  const out = readFileSync(exe);
  // Reuse the repo's ELF reader for the symbol table.
  return BigInt(symbols(out, exe).get(name) ?? 0);
}

function symbols(b: Uint8Array, file: string): ReadonlyMap<string, number> {
  return readELF(file, b).symbols;
}
