/**
 * Package names are not paths. gosrc/pkgnames imports packages whose name
 * differs from their import path's last element — example.com/lib/v2
 * (package lib), example.com/go-isthing (package isthing), gopkg.in/yamlish.v3
 * (package yamlish) — through `replace` directives, and has an anonymous
 * struct with unexported fields. Built with real toolchains (classic 1.22,
 * Swiss 1.26; amd64 and 386), its DWARF names those map types with import
 * paths while the descriptors use package names; inspect must match them
 * without a finding. Before the fix: 6 "DWARF disagrees: name" findings each.
 *
 * Expected package names come from the `package` clauses in gosrc/pkgnames.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { inspectBytes } from '../../src/inspect/inspect.js';
import { canonicalName } from '../../src/binary/typenames.js';
import { buildGoProgram } from '../support/probe.js';

for (const [go, goarch] of [['1.22', 'amd64'], ['1.26', 'amd64'], ['1.26', '386']] as const) {
  test(`pkgnames built with Go ${go} ${goarch}: DWARF and descriptors agree on every map type`, () => {
    const file = buildGoProgram('pkgnames', go, goarch);
    const [r] = inspectBytes(file, readFileSync(file));
    assert.deepEqual(r.findings, []);
    assert.deepEqual(r.dwarf.missing, []);
    assert.ok(r.maps.some((m) => m.type === 'main.hits'), 'main.hits, a named map type only code uses');
    for (const t of ['map[lib.Vendor]isthing.Op', 'lib.Values', 'map[string]*yamlish.Node', 'map[*yamlish.Node]int', 'map[string]isthing.Op', 'map[string]struct { label string; line int }']) {
      const m = r.maps.find((x) => x.type === t);
      assert.ok(m, `${t} not found among ${r.maps.map((x) => x.type).join(', ')}`);
      assert.equal(m.dwarf, 'agrees', t);
    }
  });
}

test('canonicalName: paths resolve through the table, field names lose their package, nothing is guessed', () => {
  const names = new Map([['example.com/lib/v2', 'lib'], ['gopkg.in/yaml.v3', 'yaml'], ['github.com/hashicorp/go-version', 'version'], ['crypto/ecdh', 'ecdh']]);
  const pk = (p: string) => names.get(p);
  assert.equal(canonicalName('map[string]example.com/lib/v2.Vendor', pk), 'map[string]lib.Vendor');
  assert.equal(canonicalName('map[string]*gopkg.in/yaml%2ev3.Node', pk), 'map[string]*yaml.Node');
  assert.equal(canonicalName('map[string]github.com/hashicorp/go-version.constraintOperation', pk), 'map[string]version.constraintOperation');
  // DWARF qualifies unexported field names (crypto/internal/hpke in bazelisk's DWARF); the descriptor does not.
  assert.equal(
    canonicalName('map[uint16]struct { crypto/internal/hpke.curve crypto/ecdh.Curve; crypto/internal/hpke.nSecret uint16 }', pk),
    'map[uint16]struct { curve ecdh.Curve; nSecret uint16 }',
  );
  assert.equal(canonicalName('map[string]struct { lib.T; x int }', pk), 'map[string]struct { lib.T; x int }');
  // A path the binary does not name stays whole: a mismatch stays visible.
  assert.equal(canonicalName('map[string]example.com/other/v3.T', pk), 'map[string]example.com/other/v3.T');
  assert.equal(canonicalName('map[string]main.mismatch·4', pk), 'map[string]main.mismatch');
});
