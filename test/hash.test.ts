/**
 * src/hash against the real Go runtime.
 *
 * test/fixtures/hash/go<V>-<ARCH>-<aes|fallback>.json were printed by
 * gosrc/hashprobe (scripts/hash-fixtures.sh) running on real Go toolchains:
 * amd64 and 386 natively, arm64 under qemu-aarch64, arm under qemu-arm,
 * js/wasm under Node. Each holds the process's hashkey/aeskeysched and what runtime.memhash, strhash,
 * memhash32/64, f32/f64/c64/c128hash, nilinterhash/interhash and the
 * compiler-installed map hashers returned. Every value is recomputed here.
 *
 * The unit tests below check the building blocks against published
 * references (FIPS-197 via Node's AES, BigInt arithmetic) or hand derivations
 * from Go's source, written beside them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCipheriv } from 'node:crypto';
import fc from 'fast-check';
import { checkProbe, type ProbeReport } from './support/hashprobe.js';
import { ARCHES } from '../src/model/arch.js';
import { GoHasher, hasherFor, eqSignature, typehashRecipe, goMinor, type HashType, type HashTarget } from '../src/hash/index.js';
import { Regs, SBOX } from '../src/hash/aes.js';
import { mix64, mul32x32, out } from '../src/hash/word.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'fixtures', 'hash');
const files = readdirSync(fixtures).filter((f) => f.endsWith('.json')).sort();

test('fixtures cover every release, arch and mode the brief asks for', () => {
  for (const v of ['1.19', '1.21', '1.22', '1.23', '1.24', '1.26', '1.27']) {
    for (const f of [`go${v}-amd64-aes`, `go${v}-amd64-fallback`, `go${v}-arm64-aes`, `go${v}-arm64-fallback`,
      `go${v}-386-aes`, `go${v}-386-fallback`, `go${v}-arm-fallback`, `go${v}-wasm-fallback`]) {
      assert.ok(files.includes(`${f}.json`), `missing fixture ${f}.json: run scripts/hash-fixtures.sh ${v}`);
    }
  }
});

for (const f of files) {
  test(`matches the real runtime: ${f}`, () => {
    const r = JSON.parse(readFileSync(join(fixtures, f), 'utf8')) as ProbeReport;
    assert.equal(r.useAeshash, f.includes('-aes'), 'fixture mode');
    const { checked, failures } = checkProbe(r);
    assert.ok(checked > 1900, `only ${checked} values checked`);
    assert.deepEqual(failures.slice(0, 20), [], `${failures.length} of ${checked} values differ`);
    // Short inputs at the end of a page take their own path in the x86 AES code.
    assert.equal(r.values.filter((v) => v.note === 'endofpage').length, 15, 'end-of-page inputs in the fixture');
  });
}

test('key material: hashkey forced odd up to 1.22, random from 1.23; zero under AES before 1.27', () => {
  // go1.19.8 runtime/alg.go alginit: `hashkey[i] |= 1`; go1.22.12: `bootstrapRand() | 1`;
  // go1.23.5: `bootstrapRand()`; go1.27.3 maps.AlgInit initialises hashkey always (#78073).
  let evenSeen = false;
  for (const f of files) {
    const r = JSON.parse(readFileSync(join(fixtures, f), 'utf8')) as ProbeReport;
    const minor = goMinor(r.goVersion);
    const keys = r.hashkey.map((x) => BigInt(x));
    if (minor >= 27) assert.ok(keys.every((k) => k !== 0n), `${f}: 1.27 initialises hashkey even with AES`);
    if (r.useAeshash && minor < 27) assert.ok(keys.every((k) => k === 0n), `${f}: hashkey should stay zero`);
    else if (minor <= 22) assert.ok(keys.every((k) => (k & 1n) === 1n), `${f}: hashkey words should be odd`);
    else if (keys.some((k) => (k & 1n) === 0n)) evenSeen = true;
  }
  // 4 words × many 1.23+ fixtures: an all-odd outcome would be 2^-100-ish unlikely.
  assert.ok(evenSeen, 'no even hashkey word seen in any 1.23+ fixture');
});

// ---------------------------------------------------------------- AES ----

/** AES-128 built from our round: FIPS-197 §5.1 cipher with §5.2 key expansion. */
function aes128(key: Uint8Array, block: Uint8Array): Uint8Array {
  const rk: number[][] = [];
  const w: number[] = [];
  for (let i = 0; i < 4; i++) w.push(key[4 * i] | (key[4 * i + 1] << 8) | (key[4 * i + 2] << 16) | (key[4 * i + 3] << 24));
  let rcon = 1;
  for (let i = 4; i < 44; i++) {
    let t = w[i - 1];
    if (i % 4 === 0) {
      t = (t >>> 8) | (t << 24); // RotWord on little-endian packing
      t = SBOX[t & 0xff] | (SBOX[(t >>> 8) & 0xff] << 8) | (SBOX[(t >>> 16) & 0xff] << 16) | (SBOX[t >>> 24] << 24);
      t ^= rcon;
      rcon = ((rcon << 1) ^ (rcon & 0x80 ? 0x11b : 0)) & 0xff;
    }
    w.push((w[i - 4] ^ t) >>> 0);
  }
  for (let r = 0; r < 11; r++) rk.push(w.slice(4 * r, 4 * r + 4));
  const R = new Regs(3);
  R.load(0, block, 0);
  R.set(1, rk[0][0], rk[0][1], rk[0][2], rk[0][3]);
  R.xor(0, 1);
  for (let r = 1; r < 10; r++) {
    R.set(1, rk[r][0], rk[r][1], rk[r][2], rk[r][3]);
    R.aesenc(0, 1); // x86 AESENC = one full round with AddRoundKey last
  }
  // Last round (no MixColumns): arm64 AESE with a zero key is SubBytes+ShiftRows.
  R.set(2, 0, 0, 0, 0);
  R.aese(0, 2);
  R.set(1, rk[10][0], rk[10][1], rk[10][2], rk[10][3]);
  R.xor(0, 1);
  return new Uint8Array(R.w.buffer.slice(0, 16));
}

test('AES round: FIPS-197 Appendix C.1 vector and Node crypto', () => {
  const key = Uint8Array.from({ length: 16 }, (_, i) => i);
  const pt = Uint8Array.from({ length: 16 }, (_, i) => i * 0x11);
  // FIPS-197 Appendix C.1 (AES-128): 00112233445566778899aabbccddeeff under 000102…0f.
  assert.equal(Buffer.from(aes128(key, pt)).toString('hex'), '69c4e0d86a7b0430d8cdb78070b4c55a');
  fc.assert(fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ minLength: 16, maxLength: 16 }), (k, p) => {
    const c = createCipheriv('aes-128-ecb', k, null).setAutoPadding(false).update(p);
    assert.deepEqual(Buffer.from(aes128(k, p)), c);
  }), { numRuns: 200 });
});

test('AES round: arm64 AESE+AESMC with key k equals x86 AESENC of (state ^ k) with a zero key', () => {
  // ARM ARM: AESE = SubBytes(ShiftRows(state ^ key)); AESMC = MixColumns.
  // Intel SDM: AESENC = MixColumns(SubBytes(ShiftRows(state))) ^ key.
  const words = fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 8, maxLength: 8 });
  fc.assert(fc.property(words, (w) => {
    const R = new Regs(4);
    R.set(0, w[0], w[1], w[2], w[3]);
    R.set(1, w[4], w[5], w[6], w[7]);
    R.copy(2, 0);
    R.aeseMC(0, 1);
    R.xor(2, 1);
    R.set(3, 0, 0, 0, 0);
    R.aesenc(2, 3);
    assert.deepEqual([...R.w.slice(0, 4)], [...R.w.slice(8, 12)]);
  }), { numRuns: 300 });
});

// ------------------------------------------------------------ arithmetic --

test('mix64 is hi^lo of the 128-bit product; mul32x32 is the 64-bit product', () => {
  const u32 = fc.integer({ min: 0, max: 0xffffffff });
  fc.assert(fc.property(u32, u32, u32, u32, (ah, al, bh, bl) => {
    const a = (BigInt(ah) << 32n) | BigInt(al), b = (BigInt(bh) << 32n) | BigInt(bl);
    const p = a * b;
    const want = (p >> 64n) ^ (p & 0xffffffffffffffffn);
    mix64(ah, al, bh, bl);
    assert.equal((BigInt(out.hi) << 32n) | BigInt(out.lo), want);
    mul32x32(al, bl);
    assert.equal((BigInt(out.hi) << 32n) | BigInt(out.lo), BigInt(al) * BigInt(bl));
  }), { numRuns: 2000 });
  mix64(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff);
  // (2^64-1)^2 = 2^128 - 2^65 + 1: hi = 2^64-2, lo = 1, xor = 2^64-1.
  assert.deepEqual([out.hi, out.lo], [0xffffffff, 0xffffffff]);
});

// -------------------------------------------------------- special floats --

const amd64Fallback: HashTarget = { arch: ARCHES.amd64, go: '1.24', aes: false };
const keysForTest = { hashkey: [3n, 5n, 7n, 9n], aeskeysched: new Uint8Array(128) };

test('NaN: hash is c1*(c0^h^r), i.e. the ±0 hash of seed h^r (runtime/alg.go f64hash)', () => {
  const h = new GoHasher(amd64Fallback, keysForTest);
  const nan = new Uint8Array(new Float64Array([NaN]).buffer);
  const zero = new Uint8Array(8);
  const f64 = hasherFor({ kind: 'float64', size: 8, align: 8 }, amd64Fallback);
  for (const [seed, r] of [[1n, 2n], [0xdeadbeefn, 0x123456789n]]) {
    assert.equal(h.hashKey(f64, nan, seed, undefined, () => r), h.hashKey(f64, zero, seed ^ r));
  }
  assert.throws(() => h.hashKey(f64, nan, 1n), /random draw/);
  // c1*(c0^h) mod 2^64 with go1.19.8 runtime/alg.go's 64-bit constants, h = 0.
  assert.equal(h.hashKey(f64, zero, 0n), (23344194077549503n * 33054211828000289n) & 0xffffffffffffffffn);
});

// ------------------------------------------------------ hasher selection --

const i8: HashType = { kind: 'int8', size: 1, align: 1 };
const i16: HashType = { kind: 'int16', size: 2, align: 2 };
const i32: HashType = { kind: 'int32', size: 4, align: 4 };
const i64: HashType = { kind: 'int64', size: 8, align: 8 };
const str: HashType = { kind: 'string', size: 16, align: 8 };
const f32: HashType = { kind: 'float32', size: 4, align: 4 };

test('hasherFor: the generated hasher steps (hand-derived from reflectdata/alg.go)', () => {
  const old: HashTarget = { arch: ARCHES.amd64, go: '1.26', aes: true };
  const neu: HashTarget = { arch: ARCHES.amd64, go: '1.27', aes: true };
  // struct{X int32; In struct{Y int32; S string}}: before 1.27 X alone is a
  // memory run (the nested struct is not plain memory), then the nested
  // struct's own generated hasher; 1.27 flattens to M8 S.
  const inner: HashType = { kind: 'struct', size: 24, align: 8, fields: [{ name: 'Y', offset: 0, type: i32 }, { name: 'S', offset: 8, type: str }] };
  const nested: HashType = { kind: 'struct', size: 32, align: 8, fields: [{ name: 'X', offset: 0, type: i32 }, { name: 'In', offset: 8, type: inner }] };
  assert.equal(eqSignature(nested), 'M4K4M4K4S');
  const r = hasherFor(nested, old);
  assert.equal(r.op, 'seq');
  if (r.op === 'seq') {
    assert.deepEqual(r.steps.map((s) => [s.offset, s.recipe.op]), [[0, 'mem'], [8, 'seq']]);
  }
  // struct{A int32; F float32} ×3 in an array: unroll = 32/8 = 4 > 3, so all inline.
  const mf: HashType = { kind: 'struct', size: 8, align: 4, fields: [{ name: 'A', offset: 0, type: i32 }, { name: 'F', offset: 4, type: f32 }] };
  assert.equal(eqSignature({ kind: 'array', size: 24, align: 4, len: 3, elem: mf }), 'M4FM4FM4F');
  // [40]struct{S string; A int32}: elem 24 bytes, unroll 1, loop of 40; the
  // element's tail padding stays in the loop body (flush(false) before "]").
  const si: HashType = { kind: 'struct', size: 24, align: 8, fields: [{ name: 'S', offset: 0, type: str }, { name: 'A', offset: 16, type: i32 }] };
  assert.equal(eqSignature({ kind: 'array', size: 960, align: 8, len: 40, elem: si }), '[40SM4K4]');
  // Blank and padding: struct{A int8; _ int8; B int16; C int64}.
  const bl: HashType = { kind: 'struct', size: 16, align: 8, fields: [
    { name: 'A', offset: 0, type: i8 }, { name: '_', offset: 1, type: i8 }, { name: 'B', offset: 2, type: i16 }, { name: 'C', offset: 8, type: i64 }] };
  assert.equal(eqSignature(bl), 'M1K1M2K4M8');
  assert.equal(hasherFor(bl, neu).op, 'seq');
  // [2]int16 is 4 bytes of plain memory: memhash32 on amd64, but a
  // memhash_varlen closure on arm, whose loads need 4-byte alignment (issue 46283).
  const a2: HashType = { kind: 'array', size: 4, align: 2, len: 2, elem: i16 };
  assert.equal(hasherFor(a2, old).fn, 'runtime.memhash32');
  assert.equal(hasherFor(a2, { arch: ARCHES.arm, go: '1.26', aes: false }).fn, 'runtime.memhash_varlen');
  assert.equal(hasherFor(a2, { arch: ARCHES.arm, go: '1.27', aes: false }).fn, 'runtime.memhash32');
  assert.throws(() => hasherFor({ kind: 'slice', size: 24, align: 8 }, old), /not comparable/);
  assert.equal(typehashRecipe(a2).op, 'memhash32');
});

test('rejects releases whose hashes are not modelled', () => {
  assert.throws(() => new GoHasher({ arch: ARCHES.amd64, go: '1.18', aes: false }, keysForTest), /1\.19/);
  assert.throws(() => goMinor('2.0'), /expected 1\.N/);
  // runtime.Version() forms: release, pre-release, experiment suffix.
  assert.deepEqual(['go1.27.3', '1.24', 'go1.23rc1', 'go1.27.3-X:simd'].map(goMinor), [27, 24, 23, 27]);
});

test('hashKeyWords (no BigInt) agrees with hashKey', () => {
  const r = JSON.parse(readFileSync(join(fixtures, 'go1.24-amd64-aes.json'), 'utf8')) as ProbeReport;
  const h = new GoHasher({ arch: ARCHES.amd64, go: r.goVersion, aes: true }, {
    hashkey: r.hashkey.map((x) => BigInt(x)), aeskeysched: Uint8Array.from(Buffer.from(r.aeskeysched, 'hex')),
  });
  const rec = hasherFor(i64, { arch: ARCHES.amd64, go: '1.24', aes: true });
  fc.assert(fc.property(fc.uint8Array({ minLength: 8, maxLength: 8 }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (k, seed) => {
    h.hashKeyWords(rec, k, Number(seed >> 32n), Number(seed & 0xffffffffn));
    assert.equal((BigInt(h.hi) << 32n) | BigInt(h.lo), h.hashKey(rec, k, seed));
  }), { numRuns: 300 });
});

test('bad input: short keys and dangling pointers give HashTypeError, never a crash or hang', () => {
  const t: HashTarget = { arch: ARCHES.amd64, go: '1.26', aes: true };
  const h = new GoHasher(t, keysForTest);
  const kmix: HashType = { kind: 'struct', size: 48, align: 8, fields: [
    { name: 'S', offset: 0, type: str }, { name: 'A', offset: 16, type: i32 },
    { name: 'E', offset: 24, type: { kind: 'interface', size: 16, align: 8, methods: 0 } }, { name: 'F', offset: 40, type: f32 }] };
  const recipes = [hasherFor(kmix, t), hasherFor(kmix, { ...t, go: '1.27' }), hasherFor(i64, t)];
  const mem = {
    read: (_a: bigint, n: number) => new Uint8Array(Math.min(n, 3)),
    dynamicType: () => ({ type: { kind: 'slice', size: 24, align: 8 } as HashType, direct: false }),
  };
  fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(2), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (key, ri, seed) => {
    try {
      assert.equal(typeof h.hashKey(recipes[ri], key, seed, mem, () => 0n), 'bigint');
    } catch (e) {
      assert.equal((e as Error).name, 'HashTypeError', String(e));
    }
  }), { numRuns: 500 });
});
