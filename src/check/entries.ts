/**
 * Addresses of a map's live keys and elems, for following map elements to
 * more maps (src/source/process: maps held in maps). Each implementation
 * walks its own structure; what they share is here: the layout must be the
 * walker's, and corrupt memory ends the walk with what was found so far,
 * never with an exception.
 */
import { layoutOf, type ClassicLayout, type SwissLayout } from '../layout/index.js';
import type { MapSource } from './types.js';

export interface Entry {
  key: bigint;
  elem: bigint;
}

type Walk<L> = (src: MapSource, L: L, limit: number, out: Entry[]) => void;

export function collectEntries(src: MapSource, limit: number, walk: { classic?: Walk<ClassicLayout>; swiss?: Walk<SwissLayout> }): Entry[] {
  const out: Entry[] = [];
  try {
    const L = layoutOf(src.type, src.target);
    if (L.impl === 'classic') walk.classic?.(src, L, limit, out);
    else walk.swiss?.(src, L, limit, out);
  } catch {
    // Corrupt memory, an impossible header or a type the layout refuses: what was found so far is the answer.
  }
  return out;
}
