/**
 * The standard-library table (data/std-types.json) against the compilers it
 * was read from.
 *
 * Each variant of a type carries the size, alignment and field offsets that
 * reflect reported in a program built by that toolchain for that GOARCH
 * (scripts/std-types.mjs): real compiler figures, not ours. mapscope lays
 * the structure out by its own rules (src/model/types.ts); every recorded
 * target must come out the same. test/std-types-live.test.ts checks a sample
 * against freshly built programs (unsafe.Sizeof and map descriptors).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StdNames, stdTableEntries, stdTableVersions, stdTargets, stdTableGoarches } from '../src/model/stdnamed.js';
import { archByName } from '../src/model/arch.js';
import { sizeOf, structLayout, underlying } from '../src/model/types.js';
import { layoutOf, target } from '../src/layout/index.js';
import { InputError } from '../src/base/errors.js';

test('the table covers the installed toolchains on four GOARCHes', () => {
  assert.deepEqual(stdTableVersions(), ['1.19', '1.21', '1.22', '1.23', '1.24', '1.25', '1.26', '1.27']);
  assert.deepEqual([...stdTableGoarches()].sort(), ['386', 'amd64', 'arm', 'arm64']);
});

test('every recorded type lays out as the compiler laid it out, on every recorded target', () => {
  let checked = 0;
  const resolvers = new Map<string, StdNames>();
  for (const [key, variants] of stdTableEntries()) {
    for (const v of variants) {
      for (const tr of v.truth) {
        for (const tgt of tr.targets) {
          let names = resolvers.get(tgt);
          if (!names) resolvers.set(tgt, (names = new StdNames([tgt])));
          const arch = archByName(tgt.split('/')[1]);
          const t = names.byKey(key);
          const s = sizeOf(t, arch);
          assert.equal(s.size, tr.size, `${key} on ${tgt}: size`);
          assert.equal(s.align, tr.align, `${key} on ${tgt}: align`);
          const u = underlying(t);
          if (u.kind === 'struct') {
            const l = structLayout(u, arch, t.kind === 'named' && Boolean(t.align64));
            assert.deepEqual(l.fields.map((f) => f.offset), tr.offsets, `${key} on ${tgt}: field offsets`);
          }
          checked++;
        }
      }
    }
  }
  assert.ok(checked > 3000, `only ${checked} (type, target) figures checked`);
});

test('names resolve as users write them, per version and GOARCH', () => {
  const time = layoutOf('map[string]time.Time', target('1.22', '386'));
  // Hand derivation: time.Time is { wall uint64; ext int64; loc *Location }: 8+8+4 = 20 with 4-byte alignment on 386.
  assert.equal(time.elem.size, 20);
  assert.equal(time.elem.align, 4);
  assert.equal(layoutOf('map[string]time.Time', target('1.27', 'amd64')).elem.size, 24);
  assert.equal(layoutOf('map[netip.Addr]int', target('1.27', 'amd64')).key.type, 'netip.Addr');
  assert.equal(layoutOf('map[int]json.RawMessage', target('1.21', 'arm')).elem.size, 12);
  assert.equal(layoutOf('map[string]reflect.Type', target('1.21', 'arm64')).elem.size, 16);
});

test('Go releases the table has no compiler for', () => {
  // 1.20: taken where 1.19 and 1.21 agree.
  assert.equal(stdTargets({ major: 1, minor: 20 }, archByName('amd64'))?.targets.join(' '), '1.19/amd64 1.21/amd64');
  assert.equal(layoutOf('map[string]time.Time', target('1.20', 'amd64')).elem.size, 24);
  // 1.13–1.18: refused with the reason.
  assert.throws(() => layoutOf('map[string]time.Time', target('1.17', 'amd64')),
    (e: unknown) => e instanceof InputError && /standard-library type.*Go 1\.19–1\.27 only/.test(e.message));
  // Other GOARCHes: the structure of the same pointer size, their own layout rules.
  assert.equal(stdTargets({ major: 1, minor: 23 }, archByName('riscv64'))?.targets[0], '1.23/amd64');
  assert.equal(layoutOf('map[string]time.Time', target('1.23', 'mips')).elem.size, 20);
});
