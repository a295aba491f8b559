/**
 * The core reader against real core dumps of a real Go program
 * (gosrc/coreprobe): every global map it finds must be at the address the
 * program printed for it, the header words read through the core must be the
 * words the program read through unsafe, and the Go version, GOARCH and hash
 * key material must be what the running program reported (go:linkname).
 *
 * Cores: the kernel's (GOTRACEBACK=crash equivalent) for Go 1.19 and 1.22 (classic,
 * with a map caught mid-growth), 1.24, 1.26 and 1.27 (Swiss; 1.27 keeps its
 * key material in internal/runtime/maps) on amd64; qemu-user's for 1.22 and
 * 1.26 and 1.27 on arm64 and 1.26 on 32-bit arm; the kernel's for 1.26 on 386; gdb's
 * gcore for 1.26 amd64; a PIE build (loaded at a slide).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { openCore, openCoreFile } from '../../src/source/process/index.js';
import { realCore, type CoreSpec } from '../support/cores.js';
import { checkAgainstTruth } from '../support/coretruth.js';
import { readELF } from '../../src/binary/elf.js';
import { readDwarf } from '../../src/binary/dwarf.js';
import { dwarfMapTypes } from '../../src/binary/dwarfgo.js';
import { layoutOf } from '../../src/layout/index.js';
import { typeString } from '../../src/model/types.js';

const SPECS: CoreSpec[] = [
  { go: '1.19', arch: 'amd64', how: 'crash' },
  { go: '1.26', arch: 'arm', how: 'crash' },
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
    if (Number(spec.go.split('.')[1]) < 24) {
      // Classic: main.growing was caught mid-growth (hmap.oldbuckets, word 3, non-nil) by the program's own reading.
      const g = truth.maps.find((m) => m.name === 'main.growing');
      assert.ok(g && BigInt(g.hdr[3]) !== 0n, 'main.growing has oldbuckets set');
      assert.equal(p.target.go.minor, Number(spec.go.split('.')[1]));
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
  // Only maps whose elements can hold maps are expanded: the map of maps, and the map of interfaces.
  assert.deepEqual(calls.sort(), ['main.handlers', 'main.nested']);
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

/**
 * The map types built from DWARF lay out as the linker describes the runtime
 * structures behind them: the classic bucket<K,V> size, the Swiss group and
 * slot sizes and element offset (src/binary/dwarfgo.ts reads those from the same DWARF,
 * as the real toolchain wrote them). So the key and element types, named
 * structs and indirect (>128-byte) parts included, are the program's own.
 */
for (const spec of SPECS.filter((s) => s.how === 'crash' && !s.pie)) {
  const label = `${spec.go} ${spec.arch}`;
  test(`core ${label}: every global map's type lays out as the DWARF runtime structures say`, async () => {
    const { core, exe } = await realCore(spec);
    const p = openCore(core, readFileSync(core), exe, readFileSync(exe));
    const obj = readELF(exe, readFileSync(exe));
    const dw = readDwarf(obj);
    assert.ok(dw);
    const described = new Map(dwarfMapTypes(dw, obj.ptrSize).map((m) => [m.name, m]));
    const maps = p.globalMaps({ all: true });
    assert.ok(maps.length >= 15, `${maps.length} maps`);
    for (const m of maps) {
      const name = typeString(m.type);
      const d = described.get(name);
      assert.ok(d, `${m.name}: DWARF describes ${name}`);
      const l = layoutOf(m.type, p.target);
      assert.equal(l.impl, d.impl, `${m.name}: implementation`);
      if (l.impl === 'classic') assert.equal(l.bucket.size, d.bucketSize, `${m.name} ${name}: bucket size`);
      else {
        assert.equal(l.group.size, d.groupSize, `${m.name} ${name}: group size`);
        assert.equal(l.group.slotSize, d.slotSize, `${m.name} ${name}: slot size`);
        assert.equal(l.group.elemOffset, d.elemOffset, `${m.name} ${name}: elem offset`);
      }
    }
  });
}

test('core: bytes the kernel did not dump (text) come from the executable, moved by the PIE slide', async () => {
  for (const spec of [{ go: '1.26', arch: 'amd64', how: 'crash' }, { go: '1.26', arch: 'amd64', how: 'crash', pie: true }, { go: '1.26', arch: 'arm64', how: 'crash' }] as const) {
    const { core, exe } = await realCore(spec);
    const bytes = readFileSync(exe);
    const obj = readELF(exe, bytes);
    const p = openCore(core, readFileSync(core), exe, bytes) as ReturnType<typeof openCore> & { slide: number; core: { segments: { addr: number; memSize: number; fileSize: number }[] } };
    const text = obj.sections.find((s) => s.name === '.text');
    assert.ok(text);
    // Middle of .text: the kernel and qemu write no bytes for it (p_filesz short of p_memsz).
    const at = text.addr + (text.size >> 1);
    const seg = p.core.segments.find((s) => at + p.slide >= s.addr && at + p.slide < s.addr + s.memSize);
    assert.ok(!seg || at + p.slide >= seg.addr + seg.fileSize, `${spec.arch}${spec.pie ? ' pie' : ''}: .text is not in the core's file bytes`);
    const got = p.reader.read(BigInt(at + p.slide), 64);
    const off = text.offset + (text.size >> 1);
    assert.deepEqual(Buffer.from(got), bytes.subarray(off, off + 64));
  }
});

test('core: threads from NT_PRSTATUS: the crashing one got SIGABRT', async () => {
  for (const arch of ['amd64', 'arm64'] as const) {
    const { core, exe, truth } = await realCore({ go: '1.26', arch, how: 'crash' });
    const p = openCore(core, readFileSync(core), exe, readFileSync(exe)) as ReturnType<typeof openCore> & { core: { threads: { pid: number; signal: number; pc?: bigint }[] } };
    assert.ok(p.core.threads.length >= 1);
    assert.ok(p.core.threads.some((t) => t.signal === 6), `${arch}: a thread stopped by SIGABRT (6)`);
    if (arch === 'amd64') assert.ok(p.core.threads.some((t) => t.pid === truth.pid), 'the main thread has the process id');
    for (const t of p.core.threads) assert.ok(t.pc !== undefined && t.pc > 0n);
  }
});
