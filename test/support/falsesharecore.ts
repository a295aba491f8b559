/**
 * Real core dumps of gosrc/falsesharecore (maps of pointers whose pointees do
 * and do not share cache lines), made the way test/support/cores.ts makes
 * coreprobe's crash cores and cached beside them, keyed by the program's
 * source: $MAPSCOPE_CACHE/cores/falseshare-<hash>/<go>/.
 *
 * The truth is the program's first output line: every key's pointee address.
 */
import { join, resolve } from 'node:path';
import { cacheDir } from './toolchains.js';
import { goBuild } from './gobuild.js';
import { cachedCore, crashCore, srcHash } from './cores.js';

const repo = resolve(import.meta.dirname, '..', '..', '..');
export const FALSESHARECORE = join(repo, 'gosrc', 'falsesharecore');

export interface PointeeTruth {
  placed: Record<string, string | null>;
  packed: Record<string, string>;
  spread: Record<string, string>;
}

export interface FalseShareCore {
  core: string;
  exe: string;
  truth: PointeeTruth;
}

/** A crash core of gosrc/falsesharecore built by Go `go` for amd64 (made once, then cached). */
export function falseShareCore(go: string): Promise<FalseShareCore> {
  const dir = join(cacheDir(), 'cores', `falseshare-${srcHash(FALSESHARECORE)}`, go);
  return cachedCore<PointeeTruth>(dir, 'prog', () => goBuild({ go, src: FALSESHARECORE, goarch: 'amd64', name: 'prog' }),
    (scratch, exe) => crashCore<PointeeTruth>(scratch, exe, 'amd64'));
}
