/**
 * splitmix64: what both engines draw from where a scenario records none of
 * the runtime's random numbers (map seeds, hash keys, the overflow coin).
 * The sequence for a scenario's `hash.prngSeed` (default 1) is part of the
 * engines' output (`mapscope sim` prints the seeds it drew), so it must not
 * change.
 */
export function prng(seed: number | bigint): () => bigint {
  let x = BigInt.asUintN(64, BigInt(seed));
  return () => {
    x = BigInt.asUintN(64, x + 0x9e3779b97f4a7c15n);
    let z = x;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    return z ^ (z >> 31n);
  };
}
