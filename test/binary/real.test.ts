/**
 * mapscope inspect on real third-party Go executables (esbuild, buf) from npm,
 * pinned with sha256 in test/fixtures/real-binaries.tsv and fetched by
 * scripts/real-binaries.sh. A missing file fails the test with the command
 * that fetches it.
 *
 * Truth, from outside mapscope:
 * - Go version, GOOS, GOARCH, format: the list's columns, established with
 *   `go version FILE` (go1.27.3) or, for files without build info, the only
 *   go1.X.Y string in the file (`scripts/real-binaries.sh --verify` prints both);
 *   GOOS/GOARCH/format from the npm package's platform.
 * - implementation: Swiss from Go 1.24 (release notes), classic before.
 * - figures: for map types these binaries share with gosrc/inspectprobe
 *   (map[string]int, map[string][]string via http.Header, …), the DWARF of the
 *   probe built by a real toolchain of the same implementation and pointer size.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { inspectBytes } from '../../src/binary/inspect.js';
import { cacheDir } from '../support/toolchains.js';
import { buildProbe, dwarfTruth, type DwarfMap } from '../support/probe.js';

const repo = resolve(import.meta.dirname, '..', '..', '..');

interface Entry {
  name: string;
  spec: string;
  file: string;
  format: string;
  goos: string;
  goarch: string;
  go: string;
}

const entries: Entry[] = readFileSync(join(repo, 'test', 'fixtures', 'real-binaries.tsv'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() && !l.startsWith('#'))
  .map((l) => {
    const [name, spec, , file, format, goos, goarch, go] = l.split('\t');
    return { name, spec, file, format, goos, goarch, go };
  });

// DWARF truth per (implementation, pointer size), from probe builds by real toolchains.
const truthCache = new Map<string, Map<string, DwarfMap>>();
function truthFor(impl: string, ptr: number): Map<string, DwarfMap> {
  const k = `${impl}-${ptr}`;
  let t = truthCache.get(k);
  if (!t) {
    const go = impl === 'swiss' ? '1.24' : '1.23';
    const goarch = ptr === 8 ? 'amd64' : '386';
    const file = buildProbe({ go, goos: 'linux', goarch, variant: 'plain' });
    t = new Map(dwarfTruth(file).map((m) => [m.type === 'main.Named' ? 'map[string][]string' : m.type, m]));
    truthCache.set(k, t);
  }
  return t;
}

for (const e of entries) {
  test(`real binary ${e.name} (${e.spec}): ${e.go} ${e.goos}/${e.goarch}`, () => {
    const file = join(cacheDir(), 'bin', e.name, basename(e.file));
    if (!existsSync(file)) assert.fail(`${file} missing: run scripts/real-binaries.sh`);
    const [r] = inspectBytes(file, readFileSync(file));
    assert.equal(r.goVersion, e.go);
    assert.equal(r.goos, e.goos);
    assert.equal(r.goarch, e.goarch);
    assert.equal(r.format, e.format);
    const minor = Number(/go1\.(\d+)/.exec(e.go)?.[1]);
    const impl = minor >= 24 ? 'swiss' : 'classic';
    assert.equal(r.mapImpl, impl);
    assert.ok(r.maps.length > 40, `only ${r.maps.length} map types`);
    assert.deepEqual(r.findings, [], 'descriptor inconsistencies or model disagreements');
    for (const m of r.maps) {
      assert.equal(m.impl, impl, m.type);
      assert.ok(m.implFromName, `${m.type}: implementation not told by the bucket/group name`);
      assert.equal(m.model, 'agrees', m.type);
    }
    // Shared map types: figures equal the DWARF of a real toolchain's build.
    const ptr = e.goarch === '386' || e.goarch === 'arm' ? 4 : 8;
    const truth = truthFor(impl, ptr);
    let shared = 0;
    for (const m of r.maps) {
      const t = truth.get(m.type === 'http.Header' ? 'map[string][]string' : m.type);
      if (!t || !/^(map\[(string|int32|int64|uint64|float64|interface \{\})\](int|string|\[\]string|bool|struct \{\}|int8|uint16)|http\.Header)$/.test(m.type)) continue;
      shared++;
      if (impl === 'classic') assert.equal(m.bucketSize, t.bucketSize, m.type);
      else {
        assert.equal(m.groupSize, t.groupSize, m.type);
        assert.equal(m.slotSize, t.slotSize, m.type);
        assert.equal(m.elemOffset, t.elemOffset, m.type);
      }
    }
    assert.ok(shared >= 2, `only ${shared} map types shared with the probe`);
  });
}
