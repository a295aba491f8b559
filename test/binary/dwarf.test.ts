/**
 * mapscope's DWARF reader (TypeScript, zlib-compressed sections, DWARF 4/5)
 * against Go's own debug/dwarf (gosrc/dwarftruth) on unstripped test programs
 * built by real toolchains, and against facts from Go's source.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { openObjects } from '../../src/binary/open.js';
import { readDwarf } from '../../src/binary/dwarf.js';
import { dwarfMapTypes } from '../../src/binary/dwarfgo.js';
import { inspectBytes } from '../../src/inspect/inspect.js';
import { buildGoCommand, buildProbe, dwarfTruth, type ProbeBuild } from '../support/probe.js';

const BUILDS: ProbeBuild[] = [
  { go: '1.19', goos: 'linux', goarch: '386', variant: 'plain' },
  { go: '1.23', goos: 'linux', goarch: 'amd64', variant: 'pie' },
  { go: '1.24', goos: 'windows', goarch: 'amd64', variant: 'plain' },
  { go: '1.24', goos: 'linux', goarch: 'amd64', variant: 'noswissmap' },
  { go: '1.26', goos: 'darwin', goarch: 'arm64', variant: 'plain' },
  { go: '1.27', goos: 'linux', goarch: 'arm64', variant: 'pie' },
];

for (const b of BUILDS) {
  test(`DWARF of go${b.go} ${b.goos}/${b.goarch} ${b.variant}: map typedefs equal Go's debug/dwarf; descriptors agree; globals named`, () => {
    const file = buildProbe(b);
    const data = readFileSync(file);
    const [o] = openObjects(file, data);
    // Go compresses DWARF by default: SHF_COMPRESSED on ELF, .zdebug_* on PE and Mach-O.
    assert.ok(o.sections.some((s) => (s.name === '.debug_info' && s.compressed) || /^(\.|__)zdebug_info$/.test(s.name)), 'expected compressed DWARF');
    const dw = readDwarf(o);
    assert.ok(dw);
    const ours = new Map(dwarfMapTypes(dw, o.ptrSize).map((m) => [m.name, m]));
    const truth = dwarfTruth(file);
    assert.ok(truth.length >= 10);
    for (const t of truth) {
      const m = ours.get(t.type);
      assert.ok(m, `${t.type} missing`);
      assert.equal(m.impl, t.impl, t.type);
      assert.equal(m.keySize, t.keySize, t.type);
      assert.equal(m.elemSize, t.elemSize, t.type);
      if (t.impl === 'classic') assert.equal(m.bucketSize, t.bucketSize, t.type);
      else {
        assert.equal(m.groupSize, t.groupSize, t.type);
        assert.equal(m.slotSize, t.slotSize, t.type);
        assert.equal(m.elemOffset ?? 0, t.elemOffset, t.type);
      }
    }
    const [r] = inspectBytes(file, data);
    assert.ok(r.dwarf.present);
    assert.ok(r.dwarf.checked >= 10, `checked ${r.dwarf.checked}`);
    assert.deepEqual(r.findings, []);
    // unicode/tables.go: var FoldCategory = map[string]*RangeTable{…}
    assert.ok(r.dwarf.mapGlobals.some((g) => g.name === 'unicode.FoldCategory' && g.type === 'map[string]*unicode.RangeTable'), JSON.stringify(r.dwarf.mapGlobals));
  });
}

test('DWARF of a large real program (cmd/go of go1.26, rebuilt unstripped): every map typedef equals debug/dwarf, no findings', () => {
  const file = buildGoCommand('1.26');
  const data = readFileSync(file);
  const [o] = openObjects(file, data);
  const dw = readDwarf(o);
  assert.ok(dw);
  const ours = new Map(dwarfMapTypes(dw, o.ptrSize).map((m) => [m.name, m]));
  const truth = dwarfTruth(file);
  assert.ok(truth.length >= 100, `${truth.length} map typedefs`);
  for (const t of truth) {
    const m = ours.get(t.type);
    assert.ok(m, `${t.type} missing`);
    assert.deepEqual([m.impl, m.keySize, m.elemSize, m.groupSize, m.slotSize, m.elemOffset ?? 0], [t.impl, t.keySize, t.elemSize, t.groupSize, t.slotSize, t.elemOffset], t.type);
  }
  const [r] = inspectBytes(file, data);
  assert.ok(r.dwarf.checked >= 100, `checked ${r.dwarf.checked}`);
  assert.deepEqual(r.findings, []);
});
