/**
 * A Go binary with every trace of its version erased (the build-info blob, the
 * modinfo sentinels and every "go1." string zeroed, as a stripper or packer
 * might): mapscope must still find pclntab and moduledata by structure and
 * decode every map by its bucket/group type's name. The expected figures are
 * those of the untouched file, which the probe tests check against DWARF.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { inspectBytes } from '../../src/inspect/inspect.js';
import { buildProbe, type ProbeBuild } from '../support/probe.js';

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
