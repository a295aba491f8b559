/**
 * The classic-engine differential fixtures (test/fixtures/sim-classic):
 * base scenarios, and per target (`<go>[-noswissmap]-<arch>-<fallback|aes>`)
 * the randomness the real runtime used (replays.json) and its snapshots
 * (`<name>.snapshot.json.gz`, the mapsnap probe's output byte for byte).
 * Written by scripts/sim-fixtures.sh.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test', 'fixtures', 'sim-classic');

export interface Replay {
  readonly hash: Record<string, unknown>;
  readonly ops: number;
}

export function baseScenario(name: string): Record<string, unknown> & { ops: unknown[] } {
  return JSON.parse(readFileSync(join(FIXTURES, 'scenarios', `${name}.json`), 'utf8'));
}

export function targets(): string[] {
  return readdirSync(FIXTURES).filter((d) => d !== 'scenarios' && existsSync(join(FIXTURES, d, 'replays.json'))).sort();
}

/** Parses a target directory name into go, experiment, arch and hash mode. */
export function parseTarget(t: string): { go: string; experiment: string; arch: string; mode: string } {
  const m = /^(1\.\d+)(-noswissmap)?-([a-z0-9]+)-(fallback|aes)$/.exec(t);
  if (!m) throw new Error(`bad fixture directory ${t}`);
  return { go: m[1], experiment: m[2] ? 'noswissmap' : '', arch: m[3], mode: m[4] };
}

export function replays(target: string): Record<string, Replay> {
  return JSON.parse(readFileSync(join(FIXTURES, target, 'replays.json'), 'utf8'));
}

/** The replayable scenario for one fixture: base ops cut to what ran, with the runtime's seeds and keys. */
export function replayScenario(target: string, name: string, r: Replay): Record<string, unknown> {
  const t = parseTarget(target);
  const base = baseScenario(name);
  return {
    name, go: t.go, arch: t.arch, ...(t.experiment ? { experiment: t.experiment } : {}),
    type: base.type, hint: base.hint, hash: r.hash, ops: base.ops.slice(0, r.ops),
  };
}

export function runtimeSnapshot(target: string, name: string): string {
  return gunzipSync(readFileSync(join(FIXTURES, target, `${name}.snapshot.json.gz`))).toString('utf8');
}
