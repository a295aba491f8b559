/**
 * Which runtime functions are map code, and which family of map work each
 * does, for every Go release mapscope knows.
 *
 * Names are as they appear in profiles (the symbol name, so a function the
 * runtime pushes into another package with //go:linkname carries that
 * package's name: Go's reflect.mapassign_faststr0 is runtime code).
 *   classic (Go ≤ 1.23, and GOEXPERIMENT=noswissmap): runtime/map*.go —
 *     mapaccess*, mapassign*, mapdelete*, mapiterinit/next, mapclear,
 *     makemap*, hashGrow, growWork*, evacuate*, makeBucketArray;
 *   Swiss (Go 1.24+): the runtime.map* entry points (linknamed from
 *     internal/runtime/maps), and internal/runtime/maps' own methods —
 *     (*Map).getWithKeySmall, (*table).grow / split / rehash, (*Iter).Next…;
 *   hash: the runtime's hash functions (memhash*, strhash, aeshashbody,
 *     interhash…; in Go 1.27 also internal/runtime/maps.MemHash*), counted
 *     as map code whoever calls them.
 * A closure (name.funcN) belongs to the function that encloses it.
 * Helpers that serve several operations (makeBucketArray, newTable,
 * newarray, ctrlGroup.matchH2…) are "shared": a frame of one takes the family
 * of the nearest map frame that calls it (newTable under (*table).grow is
 * growth), and "other" with none.
 */

export const FAMILIES = ['hash', 'lookup', 'insert', 'delete', 'growth', 'iteration', 'clear', 'make', 'clone', 'other'] as const;
export type Family = (typeof FAMILIES)[number];
export type Classified = Family | 'shared' | null;

const MAPS = 'internal/runtime/maps.';

/** reflect's map primitives are the runtime's code under reflect's name (//go:linkname). */
const REFLECT_LINKNAMED = /^reflect\.(map(access|assign|delete|iterinit|iternext|iterkey|iterelem|len|clear|clone)\w*|makemap)$/;

const HASH = /^(aeshashbody|runtime\.(memhash\w*|strhash\w*|aeshash\w*|nilinterhash|interhash|typehash|f32hash|f64hash|c64hash|c128hash))$/;

/** Family of a function by its name alone; 'shared' for helpers, null when not map code. */
export function classify(full: string): Classified {
  // A closure (runtime.mapclear.func1, Go ≤ 1.22) is part of the function that encloses it.
  const name = full.replace(/(\.func\d+)+$/, '');
  if (HASH.test(name)) return 'hash';
  if (name.startsWith(MAPS)) return classifySwiss(name.slice(MAPS.length));
  let op: string;
  if (name.startsWith('runtime.')) op = name.slice('runtime.'.length);
  else if (REFLECT_LINKNAMED.test(name)) op = name.slice('reflect.'.length);
  else if (name === 'maps.clone') return 'clone';
  else return null;
  if (op.startsWith('reflect_')) op = op.slice('reflect_'.length);
  if (/^mapaccess/.test(op)) return 'lookup';
  if (/^mapassign/.test(op)) return 'insert';
  if (/^mapdelete/.test(op)) return 'delete';
  if (/^(mapiter|mapIter)/.test(op)) return 'iteration';
  if (op === 'mapclear') return 'clear';
  if (/^mapclone/.test(op)) return 'clone';
  if (/^makemap/.test(op)) return 'make';
  if (op === 'maplen') return 'other';
  if (/^(hashGrow|growWork|evacuate(_fast\w+)?$|advanceEvacuationMark|tooManyOverflowBuckets|overLoadFactor|\(\*hmap\)\.(newoverflow|incrnoverflow|growing|sameSizeGrow|noldbuckets|oldbucketmask|createOverflow))/.test(op)) return 'growth';
  if (op === 'makeBucketArray' || op === 'evacuated' || /^\(\*?(hmap|bmap)\)\./.test(op) || op === 'bucketShift' || op === 'bucketMask' || op === 'tophash') return 'shared';
  return null;
}

function classifySwiss(f: string): Family | 'shared' {
  if (/^(MemHash|StrHash|memHash|mix|r4$|r8$|readUnaligned)/.test(f)) return 'hash';
  if (/^runtime_mapaccess/.test(f)) return 'lookup';
  if (/^runtime_mapassign/.test(f)) return 'insert';
  if (/^runtime_mapdelete/.test(f)) return 'delete';
  if (/^\(\*Iter\)\./.test(f)) return 'iteration';
  const m = /^\(\*(Map|table)\)\.(\w+)$/.exec(f);
  if (m) {
    const meth = m[2];
    if (/^(grow|split|rehash|growToSmall|growToTable|installTableSplit|replaceTable|uncheckedPutSlot|pruneTombstones)$/.test(meth)) return 'growth';
    if (/^(Put|PutSlot|putSlotSmall\w*|uncheckedPutSlotForAssign\w*)$/.test(meth)) return 'insert';
    if (/^(Get|getWithKey\w*|getWithoutKey\w*)$/.test(meth)) return 'lookup';
    if (/^(Delete|deleteSmall)$/.test(meth)) return 'delete';
    if (/^(Clear|clearSmall|reset|resetGrowthLeft)$/.test(meth)) return 'clear';
    if (/^(Clone|clone)$/.test(meth)) return 'clone';
    return 'shared';
  }
  if (/^(NewMap|NewEmptyMap)$/.test(f)) return 'make';
  if (/^(cloneGroup)$/.test(f)) return 'clone';
  return 'shared';
}

/** Code of the runtime (or the runtime's under another name): skipped when looking for the caller. */
export function isRuntimeFrame(name: string): boolean {
  return (
    name.startsWith('runtime.') ||
    name.startsWith('internal/runtime/') ||
    REFLECT_LINKNAMED.test(name) ||
    name === 'maps.clone' ||
    HASH.test(name)
  );
}
