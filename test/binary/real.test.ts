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
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { inspectBytes } from '../../src/inspect/inspect.js';
import { cacheDir, goroot, GO_VERSIONS } from '../support/toolchains.js';
import { buildProbe, dwarfTruth, goVersionOf, type DwarfMap } from '../support/probe.js';

const repo = resolve(import.meta.dirname, '..', '..', '..');

interface Entry {
  name: string;
  spec: string;
  file: string;
  format: string;
  goos: string;
  goarch: string;
  go: string;
  truth: string;
}

const entries: Entry[] = readFileSync(join(repo, 'test', 'fixtures', 'real-binaries.tsv'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() && !l.startsWith('#'))
  .map((l) => {
    const [name, spec, , file, format, goos, goarch, go, truth] = l.split('\t');
    return { name, spec, file, format, goos, goarch, go, truth };
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
    assert.ok(r.maps.length >= 20, `only ${r.maps.length} map types`);
    assert.deepEqual(r.findings, [], 'descriptor inconsistencies, DWARF or model disagreements');
    for (const m of r.maps) {
      assert.equal(m.impl, impl, m.type);
      assert.ok(m.implFromName, `${m.type}: implementation not told by the bucket/group name`);
      // The layout model covers Go 1.13 on; older descriptors stand alone.
      assert.equal(m.model, minor >= 13 ? 'agrees' : 'skipped', m.type);
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

    // Unstripped (esbuild 0.0.16, mkcert, buildifier 5.1.0, bazelisk, mcp-nomad, golar): every map
    // descriptor DWARF names (DW_AT_go_runtime_type, read with Go's own debug/dwarf) is among the
    // reported map types, with the figures the linker's DWARF gives.
    if (r.dwarf.present) {
      const own = dwarfTruth(file);
      const byAddr = new Map(r.maps.map((m) => [m.addr, m]));
      let n = 0;
      const missing: string[] = [];
      for (const t of own) {
        if (!t.runtimeType) continue; // the linker emitted no descriptor for this map type
        const m = byAddr.get(r.moduledata.types + t.runtimeType);
        if (!m) {
          missing.push(t.type);
          continue;
        }
        n++;
        assert.equal(m.impl, t.impl, m.type);
        if (impl === 'classic') assert.equal(m.bucketSize, t.bucketSize, m.type);
        else assert.deepEqual([m.groupSize, m.slotSize, m.elemOffset], [t.groupSize, t.slotSize, t.elemOffset], m.type);
      }
      assert.deepEqual(missing, [], 'map descriptors DWARF names that inspect did not report');
      assert.ok(n >= 20, `${n} map types compared with DWARF`);
    }

    // Build info (pre-1.18 pointer form for go1.14–1.17, inline form after): main module,
    // dependencies and build settings equal what `go version -m` prints.
    if (e.truth.startsWith('go version')) {
      const m = goVersionM(file);
      assert.equal(r.mainModule, m.mod ?? m.path);
      assert.deepEqual(r.dependencies.map((d) => `${d.path} ${d.version}${d.replace ? ` => ${d.replace}` : ''}`), m.deps);
      assert.deepEqual(r.buildSettings, m.build);
    }
  });
}

function goVersionM(file: string): { path?: string; mod?: string; deps: string[]; build: Record<string, string> } {
  const out = execFileSync(join(goroot('1.27'), 'bin', 'go'), ['version', '-m', file], { env: { ...process.env, GOTOOLCHAIN: 'local' } }).toString();
  const r: { path?: string; mod?: string; deps: string[]; build: Record<string, string> } = { deps: [], build: {} };
  for (const line of out.split('\n').slice(1)) {
    const f = line.replace(/^\t/, '').split('\t');
    if (f[0] === 'path') r.path = f[1];
    else if (f[0] === 'mod') r.mod = f[1];
    else if (f[0] === 'dep') r.deps.push(`${f[1]} ${f[2]}`);
    else if (f[0] === '=>') r.deps[r.deps.length - 1] += ` => ${f[1]}${f[2] ? ` ${f[2]}` : ''}`;
    else if (f[0] === 'build') {
      const kv = f.slice(1).join('\t');
      const eq = kv.indexOf('=');
      // go version -m prints quoted values Go-quoted; unquote the simple cases.
      const v = kv.slice(eq + 1);
      r.build[kv.slice(0, eq)] = v.startsWith('"') ? (JSON.parse(v) as string) : v;
    }
  }
  return r;
}

// The `go` command of every local toolchain is itself a Go program built by that
// release (Debian's golang-1.X packages): its version is `go env GOVERSION`.
for (const v of GO_VERSIONS) {
  test(`the go${v} toolchain's own go binary: version, impl, every map agrees with the model`, () => {
    const file = join(goroot(v), 'bin', 'go');
    const [r] = inspectBytes(file, readFileSync(file));
    assert.equal(r.goVersion?.split(' ')[0], goVersionOf(v));
    assert.equal(r.goarch, 'amd64');
    assert.equal(r.mapImpl, Number(v.split('.')[1]) >= 24 ? 'swiss' : 'classic');
    assert.ok(r.maps.length > 50);
    assert.deepEqual(r.findings, []);
    for (const m of r.maps) assert.equal(m.model, 'agrees', m.type);
  });
}
