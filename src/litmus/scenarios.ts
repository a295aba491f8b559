/**
 * The map-publication scenarios shipped in litmus/map-publish/: a grower
 * fills a new bucket array and publishes the bucket pointer and B; a reader
 * loads B, the pointer, and a bucket through it. Each (variant, bad outcome)
 * is one litmus file, so every cell of the table is a verdict on a file a
 * user can run by itself (`mapscope litmus litmus/map-publish/<file>`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { parseLitmus } from './parse.js';
import { runTest, defaultModel, type LitmusResult, type ModelName } from './run.js';
import type { LitmusTest } from './ast.js';

export const SCENARIOS = ['map-publish'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

/** litmus/<name>/ in the package (dist/src/litmus → ../../../litmus). */
export function scenarioDir(name: ScenarioName): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'litmus', name);
}

export function scenarioFiles(name: ScenarioName): string[] {
  const dir = scenarioDir(name);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.litmus'))
    .sort()
    .map((f) => path.join(dir, f));
}

export const OUTCOMES = {
  'stale-ptr': 'new B, old pointer',
  uninit: 'new pointer, unfilled bucket',
} as const;
export type Outcome = keyof typeof OUTCOMES;

export interface ScenarioCell {
  readonly variant: string;
  readonly arch: LitmusTest['arch'];
  readonly model: ModelName;
  readonly outcome: Outcome;
  readonly file: string;
  readonly result: LitmusResult;
}

/** Runs every scenario file under SC and under its architecture's model. */
export function runScenario(name: ScenarioName): ScenarioCell[] {
  const cells: ScenarioCell[] = [];
  for (const file of scenarioFiles(name)) {
    const test = parseLitmus(readFileSync(file, 'utf8'), file);
    const m = path.basename(file, '.litmus').match(/^(.*)\+(stale-ptr|uninit)$/);
    if (!m) continue;
    for (const model of ['sc', defaultModel(test.arch)] as ModelName[]) {
      cells.push({ variant: m[1], arch: test.arch, model, outcome: m[2] as Outcome, file, result: runTest(test, model) });
    }
  }
  return cells;
}

/** What the table means for Go. Facts cited from Go's runtime source. */
export const GO_NOTE = `What this means for Go: none of these rows makes a Go map safe to share. Go's maps are not safe for
concurrent use when any goroutine writes: a read racing with a write (or two writes) is a data race,
and the runtime aborts with "fatal error: concurrent map read and map write" when it notices
(runtime/map.go in Go 1.19-1.23, internal/runtime/maps in 1.24+). The classic map grows with plain
stores and no barrier, and its hashGrow even stores h.B before h.buckets (runtime/map.go:
"h.B += bigger" then "h.buckets = newbuckets"): the B-first rows show that a racing reader can pair
the new B with the old bucket array even under SC and on x86, and the nobarrier row shows that arm64
adds the unfilled-bucket outcome. The barrier rows describe what a hand-written publication protocol
would need; in Go, use a sync.Mutex/RWMutex, sync.Map or channels, and run the race detector.`;
