/**
 * Go's map hash functions, value for value as the runtime computes them.
 *
 * A hash depends on the release, the GOARCH, whether AES hashing is on, and
 * the process's key material (its target). Two families compute it: the
 * portable fallback of runtime/hash64.go and hash32.go (64-bit arithmetic on
 * uint32 halves, wyhash's 128-bit mix), and the amd64, 386 and arm64 assembly
 * hashes over a software AES round. Which hasher applies to a key type is the
 * compiler's choice, restated here (hasherFor; runtime.typehash for the
 * contents of interfaces), and GoHasher runs the chosen recipe on a key's bytes.
 */
export * from './target.js';
export * from './recipe.js';
export { GoHasher } from './hasher.js';
export type { DynamicType, KeyMemory, NanDraw } from './hasher.js';
export { hashTypeOf } from './model.js';
export { mapKeyHash, type MapKeyHash } from './mapkey.js';
