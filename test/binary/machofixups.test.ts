/**
 * Mach-O chained fixups. The real case: ibazel 0.28.0 for darwin/arm64 (npm
 * @bazel/ibazel, Go 1.23.0 per `go version`, cgo: links CoreServices) keeps
 * moduledata's pointers as DYLD_CHAINED_PTR_64_OFFSET chains; before the fix
 * inspect failed with "no moduledata points to the pclntab" (test/binary/real.test.ts
 * reads it from the pinned corpus). Here, each pointer format on a hand-built
 * blob, the expected words derived by hand from the bit layouts in
 * mach-o/fixup-chains.h (quoted in src/binary/machofixups.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteView } from '../../src/binary/bytes.js';
import { applyChainedFixups } from '../../src/binary/machofixups.js';
import { InputError } from '../../src/base/errors.js';

const BASE = 0x100000000;
const segments = [
  { vmaddr: 0, fileoff: 0, filesize: 0 }, // __PAGEZERO
  { vmaddr: BASE, fileoff: 0, filesize: 0x4000 }, // __TEXT
  { vmaddr: BASE + 0x4000, fileoff: 0x4000, filesize: 0x4000 }, // __DATA
];

/** A file with one fixup page in __DATA starting at 0x4010, slots given as raw 64-bit records. */
function image(format: number, slots: [number, bigint][]): { v: ByteView; at: number; size: number } {
  const b = new Uint8Array(0x9000);
  const dv = new DataView(b.buffer);
  for (const [off, raw] of slots) dv.setBigUint64(off, raw, true);
  const h = 0x8000;
  dv.setUint32(h, 0, true); // fixups_version
  dv.setUint32(h + 4, 0x20, true); // starts_offset
  const st = h + 0x20;
  dv.setUint32(st, 3, true); // seg_count
  dv.setUint32(st + 4, 0, true);
  dv.setUint32(st + 8, 0, true);
  dv.setUint32(st + 12, 0x10, true); // __DATA's starts_in_segment at st+0x10
  const si = st + 0x10;
  dv.setUint32(si, 24, true);
  dv.setUint16(si + 4, 0x4000, true); // page_size
  dv.setUint16(si + 6, format, true);
  dv.setBigUint64(si + 8, 0x4000n, true); // segment_offset
  dv.setUint16(si + 20, 1, true); // page_count
  dv.setUint16(si + 22, 0x10, true); // page_start
  return { v: new ByteView(b, 'synthetic', 0, true), at: h, size: 0x100 };
}

const word = (b: Uint8Array, off: number) => new DataView(b.buffer, b.byteOffset).getBigUint64(off, true);

// DYLD_CHAINED_PTR_64 rebase: target bits 0–35 (an address), high8 36–43, next 51–62 (×4 bytes), bind 63.
test('DYLD_CHAINED_PTR_64: rebase targets are addresses; binds become 0; high8 lands in the top byte', () => {
  const { v, at, size } = image(2, [
    [0x4010, 0x100001234n | (2n << 51n)], // next 2 → 0x4018
    [0x4018, (1n << 63n) | 5n | (2n << 51n)], // a bind (ordinal 5), next 2 → 0x4020
    [0x4020, 0x100002000n | (0xabn << 36n)], // high8 0xab, end
  ]);
  const out = applyChainedFixups(v, at, size, segments, BASE);
  assert.equal(word(out, 0x4010), 0x100001234n);
  assert.equal(word(out, 0x4018), 0n);
  assert.equal(word(out, 0x4020), 0xab00000100002000n);
});

test('DYLD_CHAINED_PTR_64_OFFSET (what Go 1.23 cgo darwin/arm64 binaries use): targets are offsets from the base', () => {
  const { v, at, size } = image(6, [
    [0x4010, 0x4a30n | (4n << 51n)], // next 4 → 0x4020
    [0x4020, 0x12345n],
  ]);
  const out = applyChainedFixups(v, at, size, segments, BASE);
  assert.equal(word(out, 0x4010), 0x100004a30n);
  assert.equal(word(out, 0x4020), 0x100012345n);
});

// arm64e: target 0–42, high8 43–50, next 51–61 (×8 bytes), bind 62, auth 63; auth rebase target 0–31 (an offset).
test('arm64e formats: plain and authenticated rebases, stride 8', () => {
  for (const format of [1, 9, 12]) {
    const plain = format === 1 ? 0x100000040n : 0x40n;
    const { v, at, size } = image(format, [
      [0x4010, plain | (1n << 51n)], // next 1 → 0x4018
      [0x4018, (1n << 63n) | 0x80n | (0x1234n << 32n) | (1n << 51n)], // auth rebase, diversity 0x1234, next → 0x4020
      [0x4020, (1n << 62n) | 7n], // bind, end
    ]);
    const out = applyChainedFixups(v, at, size, segments, BASE);
    assert.equal(word(out, 0x4010), 0x100000040n, `format ${format}`);
    assert.equal(word(out, 0x4018), 0x100000080n, `format ${format}`);
    assert.equal(word(out, 0x4020), 0n, `format ${format}`);
  }
});

test('bad chains are clean errors: unknown format, a chain running off its segment', () => {
  const bad = image(3, [[0x4010, 1n]]);
  assert.throws(() => applyChainedFixups(bad.v, bad.at, bad.size, segments, BASE), (e) => e instanceof InputError && /pointer format 3 not supported/.test(e.message));
  const off = image(6, [[0x7ff8, 1n | (0xfffn << 51n)]]);
  new DataView(off.v.bytes.buffer).setUint16(0x8000 + 0x20 + 0x10 + 22, 0x3ff8, true);
  assert.throws(() => applyChainedFixups(off.v, off.at, off.size, segments, BASE), (e) => e instanceof InputError && /past segment/.test(e.message));
});
