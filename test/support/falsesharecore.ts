/**
 * Real core dumps of gosrc/falsesharecore (maps of pointers whose pointees do
 * and do not share cache lines), made the way test/support/cores.ts makes
 * coreprobe's crash cores and cached beside them, keyed by the program's
 * source: $MAPSCOPE_CACHE/cores/falseshare-<hash>/<go>/.
 *
 * The truth is the program's first output line: every key's pointee address.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cacheDir } from './toolchains.js';
import { goBuild } from './gobuild.js';
import { crashCore } from './cores.js';

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

function srcHash(): string {
  const h = createHash('sha256');
  for (const f of readdirSync(FALSESHARECORE).sort()) h.update(f).update(readFileSync(join(FALSESHARECORE, f)));
  return h.digest('hex').slice(0, 12);
}

/** A crash core of gosrc/falsesharecore built by Go `go` for amd64 (made once, then cached). */
export async function falseShareCore(go: string): Promise<FalseShareCore> {
  const root = join(cacheDir(), 'cores', `falseshare-${srcHash()}`);
  const dir = join(root, go);
  const done = (): FalseShareCore => ({ core: join(dir, 'dump.core'), exe: join(dir, 'prog'), truth: JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8')) as PointeeTruth });
  if (existsSync(join(dir, 'truth.json'))) return done();
  mkdirSync(root, { recursive: true });
  const scratch = mkdtempSync(join(root, `.${go}-`));
  try {
    const exe = join(scratch, 'prog');
    copyFileSync(goBuild({ go, src: FALSESHARECORE, goarch: 'amd64', name: 'prog' }), exe);
    const { core, truth } = await crashCore(scratch, exe, 'amd64');
    if (core !== join(scratch, 'dump.core')) renameSync(core, join(scratch, 'dump.core'));
    writeFileSync(join(scratch, 'truth.json'), JSON.stringify(truth));
    try {
      renameSync(scratch, dir);
    } catch {
      if (!existsSync(join(dir, 'truth.json'))) throw new Error(`could not place ${scratch} at ${dir}`);
    }
    return done();
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
