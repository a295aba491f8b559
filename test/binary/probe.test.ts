/**
 * mapscope's reader against test programs built with the real toolchains.
 *
 * Truth comes from outside mapscope:
 * - Go version: `go env GOVERSION` of the toolchain that built the file;
 * - GOOS/GOARCH: what we asked the toolchain to build;
 * - map figures: the DWARF the linker wrote (read by gosrc/dwarftruth with Go's
 *   debug/dwarf) of the unstripped build of the same program, toolchain and target;
 * - which map types exist and their flags: gosrc/inspectprobe/main.go (comments below).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { inspectBytes } from '../../src/inspect/inspect.js';
import { openObjects } from '../../src/binary/open.js';
import { buildProbe, dwarfTruth, goVersionOf, type ProbeBuild } from '../support/probe.js';

const MATRIX: ProbeBuild[] = [
  { go: '1.19', goos: 'linux', goarch: 'amd64', variant: 'plain' },
  { go: '1.19', goos: 'linux', goarch: 'amd64', variant: 'stripped' },
  { go: '1.19', goos: 'linux', goarch: '386', variant: 'plain' },
  { go: '1.21', goos: 'linux', goarch: 'arm64', variant: 'plain' },
  { go: '1.22', goos: 'linux', goarch: 'arm', variant: 'plain' },
  { go: '1.23', goos: 'linux', goarch: 'amd64', variant: 'plain' },
  { go: '1.23', goos: 'linux', goarch: 'amd64', variant: 'pie' },
  { go: '1.24', goos: 'linux', goarch: 'amd64', variant: 'plain' },
  { go: '1.24', goos: 'linux', goarch: 'amd64', variant: 'noswissmap' },
  { go: '1.24', goos: 'windows', goarch: 'amd64', variant: 'plain' },
  { go: '1.24', goos: 'linux', goarch: '386', variant: 'plain' },
  { go: '1.26', goos: 'linux', goarch: 'amd64', variant: 'stripped' },
  { go: '1.26', goos: 'linux', goarch: 'arm', variant: 'plain' },
  { go: '1.26', goos: 'darwin', goarch: 'arm64', variant: 'plain' },
  { go: '1.27', goos: 'linux', goarch: 'amd64', variant: 'plain' },
  { go: '1.27', goos: 'linux', goarch: 'amd64', variant: 'stripped' },
  { go: '1.27', goos: 'linux', goarch: 'arm64', variant: 'pie' },
  // cgo on, linked by the system's GNU ld (the reference found no .gopclntab section in external-link PIE).
  { go: '1.19', goos: 'linux', goarch: 'amd64', variant: 'extpie' },
  { go: '1.26', goos: 'linux', goarch: 'amd64', variant: 'extlink' },
  // LLVM's lld (Debian's lld package): RELA-only pointers, and RELR.
  { go: '1.26', goos: 'linux', goarch: 'amd64', variant: 'lldpie' },
  { go: '1.24', goos: 'linux', goarch: 'amd64', variant: 'lldrelr' },
  // Big-endian targets: ELF64 ppc64 and s390x, ELF32 mips.
  { go: '1.22', goos: 'linux', goarch: 'ppc64', variant: 'plain' },
  { go: '1.27', goos: 'linux', goarch: 's390x', variant: 'plain' },
  { go: '1.23', goos: 'linux', goarch: 'mips', variant: 'plain' },
  { go: '1.26', goos: 'darwin', goarch: 'amd64', variant: 'plain' },
];

// The map types main.go creates (reflect spelling) and the flags its source implies:
// a key over 128 bytes is stored indirectly; float, string and interface keys need
// key updates (cmd/compile/internal/reflectdata needkeyupdate: +0/-0, NaN, and a
// string's backing array must be replaced on overwrite); interface keys may panic when hashed.
const PROBE_MAPS: Record<string, { indirectKey?: boolean; indirectElem?: boolean; needKeyUpdate?: boolean; hashMightPanic?: boolean }> = {
  'map[string]int': { needKeyUpdate: true },
  'map[int64]struct {}': {},
  'map[main.Big]main.Point': { indirectKey: true },
  'map[main.Point][300]uint8': { indirectElem: true },
  'main.Named': { needKeyUpdate: true },
  'map[float64]string': { needKeyUpdate: true },
  'map[interface {}]int': { needKeyUpdate: true, hashMightPanic: true },
  'map[int32]int8': {},
  'map[uint64]*main.Point': {},
  'map[int8]uint16': {},
};

for (const b of MATRIX) {
  test(`inspectprobe go${b.go} ${b.goos}/${b.goarch} ${b.variant}: version, target, impl and every map figure match the toolchain and DWARF`, () => {
    const file = buildProbe(b);
    // Stripped and PIE builds are checked against the DWARF of the plain build of the same target.
    const truthFile = b.variant === 'stripped' ? buildProbe({ ...b, variant: 'plain' }) : file;
    const truth = new Map(dwarfTruth(truthFile).map((m) => [m.type, m]));
    const [r] = inspectBytes(file, readFileSync(file));
    assert.equal(r.goVersion?.split(' ')[0], goVersionOf(b.go));
    assert.equal(r.versionSource, 'buildinfo');
    assert.equal(r.goarch, b.goarch);
    assert.equal(r.goos, b.goos);
    assert.equal(r.format, b.goos === 'windows' ? 'pe' : b.goos === 'darwin' ? 'macho' : 'elf');
    const swiss = Number(b.go.split('.')[1]) >= 24 && b.variant !== 'noswissmap';
    assert.equal(r.mapImpl, swiss ? 'swiss' : 'classic');
    if (b.variant === 'noswissmap') assert.ok(r.experiments.includes('noswissmap'), `experiments ${r.experiments}`);
    const ptr = b.goarch === '386' || b.goarch === 'arm' || b.goarch === 'mips' ? 4 : 8;
    const found = new Map(r.maps.map((m) => [m.type, m]));
    for (const [type, flags] of Object.entries(PROBE_MAPS)) {
      const m = found.get(type);
      assert.ok(m, `${type} not found among ${r.maps.length} map types`);
      assert.equal(m.indirectKey, Boolean(flags.indirectKey), `${type} indirectKey`);
      assert.equal(m.indirectElem, Boolean(flags.indirectElem), `${type} indirectElem`);
      const nku = swiss ? 1 : 8;
      const hmp = swiss ? 2 : 16;
      assert.equal((m.flags & nku) !== 0, Boolean(flags.needKeyUpdate), `${type} needKeyUpdate`);
      assert.equal((m.flags & hmp) !== 0, Boolean(flags.hashMightPanic), `${type} hashMightPanic`);
    }
    let compared = 0;
    for (const m of r.maps) {
      assert.equal(m.model, 'agrees', `${m.type}: model disagrees (${r.findings.join('; ')})`);
      const t = truth.get(m.type);
      if (!t) continue;
      compared++;
      assert.equal(m.impl, t.impl, `${m.type} impl`);
      if (m.impl === 'classic') {
        assert.equal(m.bucketSize, t.bucketSize, `${m.type} bucketSize`);
        // The classic descriptor's sizes are slot sizes: the pointer size when over 128 bytes.
        assert.equal(m.keySize, t.keySize > 128 ? ptr : t.keySize, `${m.type} keySize`);
        assert.equal(m.elemSize, t.elemSize > 128 ? ptr : t.elemSize, `${m.type} elemSize`);
      } else {
        assert.equal(m.groupSize, t.groupSize, `${m.type} groupSize`);
        assert.equal(m.slotSize, t.slotSize, `${m.type} slotSize`);
        assert.equal(m.elemOffset, t.elemOffset, `${m.type} elemOffset`);
        assert.equal(m.keySize, t.keySize, `${m.type} keySize`);
        assert.equal(m.elemSize, t.elemSize, `${m.type} elemSize`);
      }
    }
    assert.ok(compared >= Object.keys(PROBE_MAPS).length, `only ${compared} map types had DWARF truth`);
    assert.deepEqual(r.findings, []);
    if (b.variant === 'lldpie') {
      // The point of this build: moduledata's first word (pcHeader) is zero in the file itself.
      const [o] = openObjects(file, readFileSync(file));
      const seg = o.segments.find((g) => r.moduledata.addr >= g.addr && r.moduledata.addr < g.addr + g.fileSize);
      assert.ok(seg);
      const raw = readFileSync(file).subarray(seg.offset + r.moduledata.addr - seg.addr, seg.offset + r.moduledata.addr - seg.addr + 8);
      assert.deepEqual([...raw], [0, 0, 0, 0, 0, 0, 0, 0]);
    }
  });
}
