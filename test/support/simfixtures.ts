/**
 * The classic-engine differential fixtures (test/fixtures/sim-classic):
 * base scenarios, and per target (`<go>[-noswissmap]-<arch>-<fallback|aes>`)
 * one `<name>.jsonl.gz` per scenario, the mapsnap probe's output byte for
 * byte in the format it shares with gosrc/swisssnap (docs/json.md, "Real-Go
 * snapshot fixtures"): line 1 the run (operations that ran, each range's
 * order), line 2 the snapshot, whose hash holds the seeds and keys the
 * runtime drew. Written by scripts/sim-fixtures.sh.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { parseScenario } from '../../src/engine/scenario.js';
import { openMap } from '../../src/engine/classic/index.js';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test', 'fixtures', 'sim-classic');

/** What a replay needs from a real run: the hash it drew (the snapshot's), the operations that ran, each range's order. */
export interface Replay {
  readonly hash: Record<string, unknown>;
  readonly ops: number;
  /** Each range's [key, elem] pairs in the order the runtime returned them. */
  readonly iterations?: unknown[][];
}

/** A real-Go snapshot fixture's lines: the run, the snapshot (compact JSON text), and any further lines. */
export interface Recording {
  readonly run: { runtime: string; ops: number; iterations?: unknown[][] };
  readonly snapshot: string;
  readonly extra: string[];
}

/** Splits a real-Go snapshot fixture's text (docs/json.md, "Real-Go snapshot fixtures") into its lines. */
export function parseRecording(text: string, file: string): Recording {
  const lines = text.replace(/\n$/, '').split('\n');
  if (lines.length < 2) throw new Error(`${file}: a recording has a run line and a snapshot line`);
  return { run: JSON.parse(lines[0]) as Recording['run'], snapshot: lines[1], extra: lines.slice(2) };
}

/** A gzipped real-Go snapshot fixture. */
export function readRecording(file: string): Recording {
  return parseRecording(gunzipSync(readFileSync(file)).toString('utf8'), file);
}

/** The fixture file of a scenario on a target. */
export function recordingFile(target: string, name: string): string {
  return join(FIXTURES, target, `${name}.jsonl.gz`);
}

/** The replay a recording gives: the hash from its snapshot, the rest from its run line. */
export function replayOf(rec: Recording): Replay {
  const { hash } = JSON.parse(rec.snapshot) as { hash: Record<string, unknown> };
  return { hash, ops: rec.run.ops, ...(rec.run.iterations ? { iterations: rec.run.iterations } : {}) };
}

export function baseScenario(name: string): Record<string, unknown> & { ops: unknown[] } {
  return JSON.parse(readFileSync(join(FIXTURES, 'scenarios', `${name}.json`), 'utf8'));
}

export function targets(): string[] {
  return readdirSync(FIXTURES).filter((d) => d !== 'scenarios' && statSync(join(FIXTURES, d)).isDirectory()).sort();
}

/** The scenarios recorded for a target. */
export function recordedNames(target: string): string[] {
  return readdirSync(join(FIXTURES, target)).filter((f) => f.endsWith('.jsonl.gz')).map((f) => f.replace(/\.jsonl\.gz$/, '')).sort();
}

/** Parses a target directory name into go, experiment, arch and hash mode. */
export function parseTarget(t: string): { go: string; experiment: string; arch: string; mode: string } {
  const m = /^(1\.\d+)(-noswissmap)?-([a-z0-9]+)-(fallback|aes)$/.exec(t);
  if (!m) throw new Error(`bad fixture directory ${t}`);
  return { go: m[1], experiment: m[2] ? 'noswissmap' : '', arch: m[3], mode: m[4] };
}

/** Every recorded scenario's replay on a target, by name. */
export function replays(target: string): Record<string, Replay> {
  return Object.fromEntries(recordedNames(target).map((n) => [n, replayOf(readRecording(recordingFile(target, n)))]));
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

/** The snapshot the real runtime printed: compact JSON text, byte for byte. */
export function runtimeSnapshot(target: string, name: string): string {
  return readRecording(recordingFile(target, name)).snapshot;
}

/**
 * The engine's snapshot text (compact, as the fixture holds it) for a fixture. A range's random start is not
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
  return JSON.stringify(sim.snapshot());
}
