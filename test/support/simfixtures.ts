/**
 * The classic-engine differential fixtures (test/fixtures/sim-classic):
 * base scenarios, and per target (`<go>[-noswissmap]-<arch>-<fallback|aes>`)
 * the randomness the real runtime used (<target>/replays.json) and its snapshots
 * (`<name>.snapshot.json.gz`, the mapsnap probe's output byte for byte).
 * Written by scripts/sim-fixtures.sh.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { parseScenario } from '../../src/engine/scenario.js';
import { openMap } from '../../src/engine/classic/index.js';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test', 'fixtures', 'sim-classic');

export interface Replay {
  readonly hash: Record<string, unknown>;
  readonly ops: number;
  /** Each range's [key, elem] pairs in the order the runtime returned them. */
  readonly iterations?: unknown[][];
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

/**
 * The engine's snapshot text for a fixture. A range's random start is not
 * observable, so for each ["iterate", _] the start (bucket, offset) that
 * reproduces the runtime's recorded order is searched for; none is an error.
 */
export function engineSnapshotText(target: string, name: string, r: Replay): string {
  const sc = parseScenario(replayScenario(target, name, r), `${target}/${name}`);
  const sim = openMap(sc);
  let k = 0;
  sc.ops.forEach((op, i) => {
    sim.opIndex = i;
    switch (op.op) {
      case 'insert': sim.insert(op.key, op.value); break;
      case 'delete': sim.delete(op.key); break;
      case 'lookup': sim.lookup(op.key); break;
      case 'clear': sim.clear(); break;
      case 'iterate': {
        const want = JSON.stringify(r.iterations?.[k] ?? null);
        const n = 2 ** sim.map.B * 8;
        let found = -1;
        for (let c = 0; c < n && found < 0; c++) if (JSON.stringify(sim.peekIteration(BigInt(c))) === want) found = c;
        if (found < 0) throw new Error(`${target}/${name}: ops[${i}]: no random start reproduces the runtime's iteration order ${want.slice(0, 200)}`);
        sim.iterate(BigInt(found));
        k++;
        break;
      }
    }
  });
  return JSON.stringify(sim.snapshot(), null, 2);
}
