/**
 * A snapshot's `hash` object (docs/json.md "sim"), one reading for the
 * classic and the Swiss snapshot: `mode` ("fallback" or "aes"), `seeds`
 * (every seed the map had, in order), and the process's key material for
 * that mode alone: `hashkey` (fallback: runtime.hashkey, 4 uintptr words as
 * decimal strings) or `aeskeysched` (AES: exactly hashRandomBytes bytes as
 * hex, 128 on 64-bit targets and 64 on 32-bit, as runtime/alg.go declares
 * it). The two formats differ only in how wide a seed is: hmap.hash0 is a
 * uint32, maps.Map.seed a uintptr.
 */
import type { Arch } from '../../model/arch.js';
import { hashRandomBytes } from '../../model/runtime/index.js';
import { bytesOfHex } from '../../base/hex.js';
import type { HashState } from '../types.js';
import { JsonReader, brief } from './json.js';

/** `withRand`: classic snapshots may carry `hash.rand`, the seed standing for incrnoverflow's random source (docs/scenario.md). */
export function snapshotHash(v: JsonReader, hv: unknown, arch: Arch, seedBits: number, withRand = false): HashState {
  const h = v.obj(hv, 'hash', ['mode', 'seeds'], withRand ? ['hashkey', 'aeskeysched', 'rand'] : ['hashkey', 'aeskeysched']);
  if (h.rand !== undefined && !/^\d{1,20}$/.test(v.str(h.rand, 'hash.rand'))) v.fail('hash.rand', `expected a uint64 as a decimal string, got ${brief(h.rand)}`);
  if (h.mode !== 'aes' && h.mode !== 'fallback') v.fail('hash.mode', `expected "aes" or "fallback", got ${brief(h.mode)}`);
  const aes = h.mode === 'aes';
  if (aes && !arch.aesHash) v.fail('hash.mode', `the runtime has no AES hash on ${arch.name}`);
  const seedMax = (1n << BigInt(seedBits)) - 1n;
  v.arr(h.seeds, 'hash.seeds').forEach((s, i) => v.big(s, `hash.seeds[${i}]`, 0n, seedMax));
  const want = hashRandomBytes(arch);
  let hashkey: bigint[] = [0n, 0n, 0n, 0n];
  let aeskeysched: Uint8Array = new Uint8Array(want);
  if (!aes) {
    if (h.aeskeysched !== undefined) v.fail('hash.aeskeysched', 'only with mode "aes"');
    if (h.hashkey === undefined) v.fail('hash.hashkey', 'missing field (mode "fallback" hashes with runtime.hashkey)');
    hashkey = v.arr(h.hashkey, 'hash.hashkey', 4).map((k, i) => {
      const s = v.str(k, `hash.hashkey[${i}]`);
      if (!/^\d{1,20}$/.test(s) || BigInt(s) >= 1n << BigInt(arch.ptrSize * 8)) {
        v.fail(`hash.hashkey[${i}]`, `expected a uintptr as a decimal string, got ${brief(s)}`);
      }
      return BigInt(s);
    });
  } else {
    if (h.hashkey !== undefined) v.fail('hash.hashkey', 'only with mode "fallback"');
    if (h.aeskeysched === undefined) v.fail('hash.aeskeysched', 'missing field (mode "aes" hashes with runtime.aeskeysched)');
    const s = v.str(h.aeskeysched, 'hash.aeskeysched');
    if (!/^[0-9a-fA-F]*$/.test(s) || s.length !== 2 * want) {
      v.fail('hash.aeskeysched', `expected ${want} bytes as ${2 * want} hex digits on ${arch.name}`);
    }
    aeskeysched = bytesOfHex(s);
  }
  return { aes, keys: { hashkey, aeskeysched } };
}
