/**
 * Every layout figure against what real Go compilers produced.
 *
 * test/fixtures/layout/*.json are written by gosrc/layoutprobe, built with each
 * real toolchain for each GOARCH (scripts/layout-fixtures.sh): map type
 * descriptors read through unsafe, bucket/group types through reflect, runtime
 * headers from DWARF, and growth thresholds measured on live maps. Nothing in
 * them comes from mapscope. Any disagreement fails.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layoutOf, target, type MapLayout, type StructDesc } from '../src/layout/index.js';
import { InputError } from '../src/base/errors.js';
import { layoutFixtureFiles, readLayoutFixture, type LayoutFixture, type LayoutStruct } from './support/layoutFixtures.js';

function loadFixtures(): { file: string; fx: LayoutFixture }[] {
  const files = layoutFixtureFiles();
  if (files.length === 0) throw new Error('no layout fixtures: run scripts/layout-fixtures.sh');
  return files.map((file) => ({ file, fx: readLayoutFixture(file) }));
}

function targetOf(fx: LayoutFixture) {
  return target(fx.go, fx.goarch, fx.experiment || undefined);
}

function sameFields(ctx: string, ours: StructDesc, real: LayoutStruct & { align?: number }, compareNames: boolean) {
  assert.equal(ours.size, real.size, `${ctx}: size`);
  if (real.align !== undefined) assert.equal(ours.align, real.align, `${ctx}: align`);
  assert.equal(ours.fields.length, real.fields.length, `${ctx}: field count (ours ${ours.fields.map((f) => f.name)}; real ${real.fields.map((f) => f.name)})`);
  real.fields.forEach((rf, i) => {
    const of = ours.fields[i];
    if (compareNames) assert.equal(of.name, rf.name, `${ctx}: field ${i} name`);
    assert.equal(of.offset, rf.offset, `${ctx}: field ${rf.name} offset`);
    assert.equal(of.size, rf.size, `${ctx}: field ${rf.name} size`);
  });
}

/** Which of our headers a DWARF struct name is. Descriptor field names differ by version, so only offsets are compared there. */
const HEADER_OF: Record<string, [key: string, compareNames: boolean]> = {
  'runtime.hmap': ['hmap', true],
  'runtime.mapextra': ['mapextra', true],
  'runtime.hiter': ['hiter', true],
  'runtime.maptype': ['maptype', false],
  'internal/abi.OldMapType': ['maptype', false],
  'internal/runtime/maps.Map': ['Map', true],
  'internal/runtime/maps.table': ['table', true],
  'internal/runtime/maps.groupsReference': ['groupsReference', true],
  'internal/runtime/maps.Iter': ['Iter', true],
  'internal/abi.SwissMapType': ['MapType', false],
};

function hasherMatches(ours: MapLayout['hasher'], real: string): boolean {
  if (ours.name === 'generated') return /\.hash\./.test(real);
  return real === `runtime.${ours.name}` || real === `internal/runtime/maps.${ours.name}` || real.endsWith(`.${ours.name}`);
}

const fixtures = loadFixtures();

test('fixtures cover the toolchains and architectures the issue names', () => {
  const have = new Set(fixtures.map(({ fx }) => `${fx.go.replace(/^go(1\.\d+).*/, '$1')}-${fx.goarch}${fx.experiment ? '-' + fx.experiment : ''}`));
  for (const v of ['1.19', '1.21', '1.22', '1.23', '1.24', '1.26', '1.27']) {
    for (const a of ['amd64', 'arm64', '386', 'arm']) assert.ok(have.has(`${v}-${a}`), `missing fixture ${v}-${a}`);
  }
  for (const a of ['amd64', 'arm64', '386', 'arm']) assert.ok(have.has(`1.24-${a}-noswissmap`), `missing fixture 1.24-${a}-noswissmap`);
});

for (const { file, fx } of fixtures) {
  test(`layout matches the real compiler: ${file}`, () => {
    const t = targetOf(fx);
    assert.equal(fx.cacheLinePad === undefined, false, `${file}: no cacheLinePad`);
    assert.equal(layoutOf('map[int]int', t).cacheLine, fx.cacheLinePad, 'cache line pad (internal/cpu.CacheLinePad)');
    let checked = 0;
    for (const m of fx.maps) {
      const ctx = `${file} ${m.type}`;
      if (m.compileError !== undefined) {
        assert.throws(() => layoutOf(m.type, t), (e: unknown) => e instanceof InputError && /rejects this map/.test(e.message), `${ctx}: real compiler failed (${m.compileError}) but mapscope laid it out`);
        // The message restates the compiler's own words.
        assert.throws(() => layoutOf(m.type, t), (e: unknown) => e instanceof InputError && e.message.includes(`internal compiler error: ${m.compileError!.replace(/"sync\/atomic"\./g, 'atomic.')}`), `${ctx}: mapscope's message differs from the compiler's (${m.compileError})`);
        checked++;
        continue;
      }
      const l = layoutOf(m.type, t);
      assert.equal(l.impl, fx.impl, `${ctx}: impl`);
      if (m.rtype) assert.equal(l.type, m.rtype, `${ctx}: type string`);
      assert.deepEqual([l.key.size, l.key.align], [m.key!.size, m.key!.align], `${ctx}: key size/align`);
      assert.deepEqual([l.elem.size, l.elem.align], [m.elem!.size, m.elem!.align], `${ctx}: elem size/align`);
      if (m.hasher) assert.ok(hasherMatches(l.hasher, m.hasher), `${ctx}: hasher ours ${l.hasher.name}, real ${m.hasher}`);
      const d = m.descriptor!;
      if (l.impl === 'classic') {
        assert.deepEqual(
          [l.descriptor.keySize, l.descriptor.elemSize, l.descriptor.bucketSize, l.descriptor.flags.value],
          [d.keySize, d.elemSize, d.bucketSize, d.flags],
          `${ctx}: descriptor keySize/elemSize/bucketSize/flags`,
        );
        sameFields(`${ctx} bucket`, l.bucket, m.bucket!, true);
      } else {
        const ours: Record<string, number | undefined> = { ...l.descriptor, flags: l.descriptor.flags.value };
        for (const [k, v] of Object.entries(d)) assert.equal(ours[k], v, `${ctx}: descriptor ${k}`);
        sameFields(`${ctx} group`, l.group, m.group!, true);
        if (m.group!.slot) sameFields(`${ctx} slot`, l.group.slot, m.group!.slot, true);
      }
      checked++;
    }
    assert.ok(checked >= 40, `${file}: only ${checked} map types`);

    // Runtime headers and the descriptor struct, from DWARF.
    const any = layoutOf('map[int]int', t);
    let headers = 0;
    for (const [name, real] of Object.entries(fx.structs)) {
      const h = HEADER_OF[name] ?? (name === 'internal/abi.MapType' ? [fx.impl === 'classic' ? 'maptype' : 'MapType', false] as [string, boolean] : undefined);
      if (!h) continue;
      const ours = any.headers[h[0]];
      assert.ok(ours, `${file}: no header ${h[0]} for ${name}`);
      sameFields(`${file} ${name}`, ours, real, h[1]);
      headers++;
    }
    // classic: hmap, mapextra, hiter, the descriptor; Swiss: Map, table, groupsReference, Iter, the descriptor.
    assert.ok(headers >= 4, `${file}: only ${headers} runtime structs compared`);
  });
}

test('classic growth thresholds follow the per-version load factor, as measured on real maps', () => {
  for (const { file, fx } of fixtures) {
    const g = fx.growth?.classic;
    if (fx.impl !== 'classic' || !g) continue;
    const l = layoutOf('map[int64]int64', targetOf(fx));
    if (l.impl !== 'classic') throw new Error('expected classic');
    const over = (count: number, B: number) => count > 8 && count > (l.loadFactor.num * 2 ** B) / l.loadFactor.den;
    // makemap: the smallest B for which the hint is not over the load factor.
    for (const [hint, B] of Object.entries(g.hintB)) {
      let b = 0;
      while (over(Number(hint), b)) b++;
      assert.equal(b, B, `${file}: make(map, ${hint}) B`);
    }
    // mapassign grows when count+1 is over the load factor for the current B.
    let B = 0;
    const changes: [number, number][] = [];
    const last = g.insertB[g.insertB.length - 1]?.[0] ?? 0;
    for (let count = 0; count < last; count++) {
      if (over(count + 1, B)) {
        B++;
        changes.push([count + 1, B]);
      }
    }
    assert.deepEqual(changes, g.insertB, `${file}: counts at which B grows`);
  }
});
