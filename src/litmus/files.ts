/**
 * The .litmus files under a directory, recursively, sorted by path so runs
 * and reports are reproducible. Depth is bounded: a symlink loop or an absurd
 * tree cannot make the walk run away. The CLI, the benchmark and the tests
 * all enumerate catalogues through this.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';

const MAX_DEPTH = 32;

export function litmusFilesIn(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, depth: number) => {
    if (depth > MAX_DEPTH) return;
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full, depth + 1);
      else if (e.name.endsWith('.litmus')) out.push(full);
    }
  };
  walk(dir, 0);
  return out;
}
