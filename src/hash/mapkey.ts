/**
 * The hash one map runs: the hasher the compiler installs for its key type
 * (hasherFor, over the type seen through hashTypeOf) and the runtime's hash
 * functions with the process's key material (GoHasher). The engines and the
 * checker set a map's hash up through this one function.
 */
import type { Arch } from '../model/arch.js';
import type { GoType } from '../model/types.js';
import { GoHasher } from './hasher.js';
import { hashTypeOf } from './model.js';
import { hasherFor, type Recipe } from './recipe.js';
import type { HashTarget, KeyMaterial } from './target.js';

export interface MapKeyHash {
  readonly target: HashTarget;
  readonly recipe: Recipe;
  readonly hasher: GoHasher;
}

/** `go` as "1.N" (or "1.N.P"); `aes`: runtime.useAeshash. Throws where the release or key type has no modelled hash. */
export function mapKeyHash(key: GoType, arch: Arch, go: string, aes: boolean, keys: KeyMaterial): MapKeyHash {
  const target: HashTarget = { arch, go, aes };
  const recipe = hasherFor(hashTypeOf(key, arch), target);
  return { target, recipe, hasher: new GoHasher(target, keys) };
}
