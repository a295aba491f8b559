/**
 * Go's map hash functions, value for value as the runtime computes them.
 *
 * - target.ts: what a hash depends on (release, GOARCH, AES on/off, key material).
 * - word.ts: 64-bit arithmetic on uint32 halves (wyhash's 128-bit mix).
 * - fallback.ts: runtime/hash64.go and hash32.go, the portable hashes.
 * - aes.ts, aeshash.ts: a software AES round and the amd64/386/arm64 assembly hashes.
 * - recipe.ts: which hasher the compiler installs for a key type (hasherFor),
 *   and runtime.typehash for interface contents.
 * - hasher.ts: GoHasher, which runs all of the above on a key's bytes.
 */
export * from './target.js';
export * from './recipe.js';
export { GoHasher } from './hasher.js';
export type { DynamicType, KeyMemory, NanDraw } from './hasher.js';
export { hashTypeOf } from './model.js';
export { mapKeyHash, type MapKeyHash } from './mapkey.js';
