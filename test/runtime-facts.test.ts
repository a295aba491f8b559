/**
 * The runtime's facts (src/model/runtime) against Go's own source: each
 * value is read here from $GOROOT/src of the real toolchains
 * (~/.cache/mapscope/go/<v>, test/support/toolchains.ts), never from
 * mapscope's code. Where a fact is a formula (maxAlloc), the formula is read
 * from the source and evaluated per GOARCH.
 *
 * Then what settling each fact changed, pinned on the engines:
 * - maxAlloc: the classic engine honoured 2^32-1 on every 32-bit target and the
 *   Swiss engine 2^31; runtime/malloc.go gives 2^31-1 on mips/mipsle, 2^32-1 on
 *   other 32-bit targets, 2^32 on wasm.
 * - key material: the classic engine made every drawn hashkey word odd on every
 *   release and the Swiss engine drew aeskeysched a byte per PRNG draw; now both
 *   draw as alginit does (odd words up to 1.22 only; AES keys as 64-bit words),
 *   so one PRNG seed gives both engines the same material.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { goroot } from './support/toolchains.js';
import { ARCHES } from '../src/model/arch.js';
import {
  BUCKET_CNT, EMPTY_REST, EMPTY_ONE, EVACUATED_X, EVACUATED_Y, EVACUATED_EMPTY, MIN_TOP_HASH,
  ITERATOR, OLD_ITERATOR, HASH_WRITING, SAME_SIZE_GROW,
  SLOTS, CTRL_EMPTY, CTRL_DELETED, MAX_TABLE_CAPACITY, MAX_AVG_GROUP_LOAD,
  maxAlloc, hashRandomBytes, hashkeyOdd,
} from '../src/model/runtime/index.js';
import { parseScenario } from '../src/engine/scenario.js';
import { engineFor } from '../src/engine/index.js';
import type { ClassicSnapshot } from '../src/engine/classic/snapshot.js';

const src = (go: string, file: string): string => readFileSync(join(goroot(go), 'src', file), 'utf8');

/** The value of a Go constant `name = <literal>` in a source text (decimal, 0b or 0x). */
function goConst(text: string, name: string): number {
  const m = new RegExp(`^\\s*(?:const\\s+)?${name}\\s+(?:\\w+\\s+)?=\\s*(0b[01]+|0x[0-9a-fA-F]+|\\d+)\\b`, 'm').exec(text);
  assert.ok(m, `${name} is a literal constant in the source`);
  return Number(m[1]);
}

test('classic tophash marks and hmap flags: runtime/map.go (1.19, 1.22, 1.23) and map_noswiss.go (1.24)', () => {
  for (const [go, file] of [['1.19', 'runtime/map.go'], ['1.22', 'runtime/map.go'], ['1.23', 'runtime/map.go'], ['1.24', 'runtime/map_noswiss.go']]) {
    const t = src(go, file);
    const want: [string, number][] = [
      ['emptyRest', EMPTY_REST], ['emptyOne', EMPTY_ONE], ['evacuatedX', EVACUATED_X], ['evacuatedY', EVACUATED_Y],
      ['evacuatedEmpty', EVACUATED_EMPTY], ['minTopHash', MIN_TOP_HASH],
      ['iterator', ITERATOR], ['oldIterator', OLD_ITERATOR], ['hashWriting', HASH_WRITING], ['sameSizeGrow', SAME_SIZE_GROW],
    ];
    for (const [name, value] of want) assert.equal(value, goConst(t, name), `${go} ${file} ${name}`);
  }
  // bucketCnt = 1 << bucketCntBits (1.19 runtime/map.go:66-67); abi.MapBucketCount = 1 << MapBucketCountBits (1.22 internal/abi/map.go).
  assert.equal(BUCKET_CNT, 1 << goConst(src('1.19', 'runtime/map.go'), 'bucketCntBits'));
  assert.equal(BUCKET_CNT, 1 << goConst(src('1.22', 'internal/abi/map.go'), 'MapBucketCountBits'));
});

test('Swiss slots, control bytes and table sizing: internal/abi and internal/runtime/maps (1.24, 1.26, 1.27)', () => {
  assert.equal(SLOTS, 1 << goConst(src('1.24', 'internal/abi/map_swiss.go'), 'SwissMapGroupSlotsBits'));
  for (const go of ['1.26', '1.27']) assert.equal(SLOTS, 1 << goConst(src(go, 'internal/abi/map.go'), 'MapGroupSlotsBits'), go);
  for (const go of ['1.24', '1.26', '1.27']) {
    const group = src(go, 'internal/runtime/maps/group.go');
    assert.equal(CTRL_EMPTY, goConst(group, 'ctrlEmpty'), `${go} ctrlEmpty`);
    assert.equal(CTRL_DELETED, goConst(group, 'ctrlDeleted'), `${go} ctrlDeleted`);
    assert.equal(MAX_AVG_GROUP_LOAD, goConst(group, 'maxAvgGroupLoad'), `${go} maxAvgGroupLoad`);
    assert.equal(MAX_TABLE_CAPACITY, goConst(src(go, 'internal/runtime/maps/table.go'), 'maxTableCapacity'), `${go} maxTableCapacity`);
  }
});

test('maxAlloc per GOARCH: runtime/malloc.go heapAddrBits and maxAlloc, evaluated (1.19, 1.22, 1.27)', () => {
  for (const go of ['1.19', '1.22', '1.27']) {
    const t = src(go, 'runtime/malloc.go');
    const bitsExpr = /^\s*heapAddrBits = (.+)$/m.exec(t)?.[1];
    const allocExpr = /^\s*maxAlloc = (.+)$/m.exec(t)?.[1];
    assert.ok(bitsExpr && allocExpr, `${go}: heapAddrBits and maxAlloc in malloc.go`);
    for (const a of Object.values(ARCHES)) {
      const is = (n: string) => (a.name === n ? 1 : 0);
      const vars: Record<string, number> = {
        _64bit: a.ptrSize === 8 ? 1 : 0, 'goarch.IsWasm': is('wasm'), 'goos.IsIos': 0, 'goarch.IsArm64': is('arm64'),
        'goarch.IsMips': is('mips'), 'goarch.IsMipsle': is('mipsle'),
      };
      const subst = (e: string) => e.replace(/goarch\.\w+|goos\.\w+|_64bit/g, (v) => {
        assert.ok(v in vars, `${go}: unexpected ${v} in malloc.go`);
        return String(vars[v]);
      });
      const bits = Function(`return ${subst(bitsExpr)}`)() as number;
      const want = Function('heapAddrBits', `return ${subst(allocExpr).replace('1 << heapAddrBits', '2 ** heapAddrBits')}`)(bits) as number;
      assert.equal(maxAlloc(a), want, `${go} ${a.name}: maxAlloc = 2^${bits} - …`);
    }
  }
});

test('key material sizes and odd hashkey words: runtime/alg.go alginit per release', () => {
  for (const go of ['1.19', '1.21', '1.22', '1.23', '1.24', '1.26', '1.27']) {
    const minor = Number(go.split('.')[1]);
    const alg = src(go, 'runtime/alg.go') + (minor >= 27 ? src(go, 'internal/runtime/maps/runtime_alg.go') : '');
    // "hashkey[i] = uintptr(bootstrapRand()) | 1" (1.22 alg.go:394) or "hashkey[0] |= 1" (1.19 alg.go:325).
    const odd = /hashkey\[\w+\]\s*(\|=\s*1\b|=[^\n]*\|\s*1\b)/.test(alg);
    assert.equal(hashkeyOdd(minor), odd, `${go}: alginit ${odd ? 'makes' : 'does not make'} hashkey words odd`);
    // const hashRandomBytes = goarch.PtrSize / 4 * 64
    assert.match(alg, /hashRandomBytes = goarch\.PtrSize \/ 4 \* 64/, go);
  }
  assert.equal(hashRandomBytes({ ptrSize: 8 }), 128);
  assert.equal(hashRandomBytes({ ptrSize: 4 }), 64);
});

test('classic make: a hint past maxAlloc is treated as 0, at the mips (2^31-1) and 386 (2^32-1) boundaries', () => {
  // map[int32]int32 buckets are 8 + 8*4 + 8*4 + 4 = 76 bytes on 32-bit targets.
  // 386: 2^32-1 = 4294967295; 56512728*76 = 4294967328 > it, so makemap uses hint 0 (B=0).
  // mips: 2^31-1 = 2147483647; 28256364*76 = 2147483664 > it: B=0. (The engine once took 2^32-1 on every
  // 32-bit target, and so honoured this hint with B=22, a 2^22-bucket array the real runtime never makes.)
  for (const [arch, over] of [['386', 56512728], ['mips', 28256364]] as const) {
    const sc = parseScenario({ go: '1.22', arch, type: 'map[int32]int32', hint: over, ops: [['insert', 1, 1]] }, 't');
    const snap = engineFor(sc.impl).simulate(sc).snapshot as ClassicSnapshot;
    assert.equal(snap.header.B, 0, `${arch}: hint ${over} past maxAlloc makes a B=0 map`);
    assert.ok((over - 1) * 76 <= maxAlloc(ARCHES[arch]) && over * 76 > maxAlloc(ARCHES[arch]), `${arch}: ${over} is the first hint past maxAlloc`);
  }
});

test('both engines draw the same key material for one PRNG seed, as alginit would', () => {
  const draw = (go: string, mode: string) => {
    const sc = parseScenario({ go, arch: 'amd64', type: 'map[int64]int64', hash: { mode, prngSeed: 42 }, ops: [] }, 't');
    return engineFor(sc.impl).simulate(sc).snapshot.hash as { hashkey?: string[]; aeskeysched?: string };
  };
  // AES keys: the same 16 words after the same 4 hashkey draws, classic (1.23) and Swiss (1.24).
  assert.equal(draw('1.23', 'aes').aeskeysched, draw('1.24', 'aes').aeskeysched);
  assert.equal(draw('1.23', 'aes').aeskeysched?.length, 2 * 128);
  // hashkey: odd up to 1.22, as drawn from 1.23 (1.23 and 1.24 agree; 1.22 is the same draws with the low bit set).
  const k22 = draw('1.22', 'fallback').hashkey!.map(BigInt);
  const k23 = draw('1.23', 'fallback').hashkey!.map(BigInt);
  assert.deepEqual(draw('1.24', 'fallback').hashkey!.map(BigInt), k23);
  assert.deepEqual(k22, k23.map((k) => k | 1n));
  assert.ok(k23.some((k) => (k & 1n) === 0n), 'an even word is drawn (seed 42), so the rule is observable');
});
