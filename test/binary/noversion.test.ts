/**
 * A Go binary with every trace of its version erased (the build-info blob, the
 * modinfo sentinels and every "go1." string zeroed, as a stripper or packer
 * might): mapscope must still find pclntab and moduledata by structure and
 * decode every map by its bucket/group type's name. The expected figures are
 * those of the untouched file, which the probe tests check against DWARF.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspectBytes } from '../../src/inspect/inspect.js';
import { buildProbe, type ProbeBuild } from '../support/probe.js';
import { cacheDir } from '../support/toolchains.js';

function erase(d: Uint8Array, needle: Uint8Array): number {
  let n = 0;
  for (let i = d.indexOf(needle[0]); i >= 0 && i + needle.length <= d.length; i = d.indexOf(needle[0], i + 1)) {
    let ok = true;
    for (let j = 1; j < needle.length && ok; j++) ok = d[i + j] === needle[j];
    if (ok) {
      d.fill(0, i, i + needle.length);
      n++;
    }
  }
  return n;
}

const enc = (s: string) => new TextEncoder().encode(s);
const cases: [ProbeBuild, number, string][] = [
  // [build, the Go minor the structure alone can prove, the implementation]
  // 1.20–1.25 share a moduledata layout; Swiss group names (map.group[K]V) then prove at least 1.24.
  [{ go: '1.24', goos: 'linux', goarch: 'amd64', variant: 'stripped' as const }, 24, 'swiss'],
  [{ go: '1.23', goos: 'linux', goarch: '386', variant: 'plain' as const }, 20, 'classic'],
  [{ go: '1.26', goos: 'linux', goarch: 'arm64', variant: 'plain' as const }, 26, 'swiss'],
  [{ go: '1.27', goos: 'linux', goarch: 'amd64', variant: 'stripped' as const }, 27, 'swiss'],
];

for (const [b, minor, impl] of cases) {
  test(`go${b.go} ${b.goarch} with no version anywhere: structure and names give ≥go1.${minor}, maps decoded by name as ${impl}`, () => {
    const file = buildProbe(b);
    const orig = readFileSync(file);
    const [want] = inspectBytes(file, orig);
    const d = Uint8Array.from(orig);
    assert.ok(erase(d, Uint8Array.from([0xff, ...enc(' Go buildinf:')])) >= 1);
    erase(d, Uint8Array.from([0x30, 0x77, 0xaf, 0x0c, 0x92, 0x74, 0x08, 0x02, 0x41, 0xe1, 0xc1, 0x07, 0xe6, 0xd6, 0x18, 0xe6]));
    assert.ok(erase(d, enc('go1.')) >= 1);
    const [r] = inspectBytes('erased', d);
    assert.equal(r.goVersion, undefined);
    assert.equal(r.versionSource, 'structure');
    assert.equal(r.goMinor, minor);
    assert.equal(r.goarch, b.goarch);
    assert.equal(r.mapImpl, impl);
    assert.deepEqual(r.findings, []);
    for (const m of r.maps) assert.equal(m.model, 'agrees', m.type);
    assert.deepEqual(
      r.maps.map((m) => [m.type, m.impl, m.implFromName, m.keySize, m.elemSize, m.bucketSize, m.groupSize, m.slotSize, m.elemOffset, m.flags]),
      want.maps.map((m) => [m.type, m.impl, true, m.keySize, m.elemSize, m.bucketSize, m.groupSize, m.slotSize, m.elemOffset, m.flags]),
    );
  });
}

// Go 1.8–1.15 share moduledata's 1.8 layout; their classic descriptors differ (1.11: bool fields,
// 1.12–1.13: flags word, 1.14+: a hasher pointer first), and the descriptors' own BucketSize
// fields, checked against their bucket types, tell which. Real npm binaries from the pinned corpus;
// the bound each must give is the oldest release of the layout its true version (the list's column) has.
for (const [name, file, minor, model] of [
  ['buildifier-0.19.2', 'buildifier', 11, 'skipped'], // go1.11.2
  ['ibazel-darwin-x64-0.9.0', 'ibazel', 11, 'skipped'], // go1.11.2, Mach-O
  ['esbuild-0.0.16', 'esbuild', 12, 'skipped'], // go1.13.8
  ['esbuild-0.7.22', 'esbuild', 14, 'agrees'], // go1.15
] as const) {
  test(`${name} with no version anywhere: its map descriptors prove ≥go1.${minor} and decode as with the version`, () => {
    const path = join(cacheDir(), 'bin', name, file);
    if (!existsSync(path)) assert.fail(`${path} missing: run scripts/real-binaries.sh`);
    const orig = readFileSync(path);
    const [want] = inspectBytes(path, orig);
    const d = Uint8Array.from(orig);
    erase(d, Uint8Array.from([0xff, ...enc(' Go buildinf:')]));
    assert.ok(erase(d, enc('go1.')) >= 1);
    const [r] = inspectBytes('erased', d);
    assert.equal(r.versionSource, 'structure');
    assert.equal(r.goMinor, minor);
    assert.deepEqual(r.findings, []);
    for (const m of r.maps) assert.equal(m.model, model, m.type);
    const fig = (x: typeof r) => x.maps.map((m) => [m.type, m.keySize, m.elemSize, m.bucketSize, m.flags]);
    assert.deepEqual(fig(r), fig(want));
  });
}
