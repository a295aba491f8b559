/**
 * Keys: the hasher's signature (typ.Hasher(key, seed), supplied by src/hash
 * through index.ts) and Go's == on keys (typ.Key.Equal): floats compare as
 * numbers (NaN != NaN, -0 == +0), strings by content, structs field by field
 * skipping blank fields, plain memory byte for byte. Moving keys into slots
 * and clearing them is group.ts.
 */

/** typ.Hasher(key, seed): the key is the bytes at `addr` of the simulated memory. */
export type KeyHasher = (addr: number, seed: bigint) => bigint;

export { keyEqualFor, goEqual } from '../../model/equal.js';
