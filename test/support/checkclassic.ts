/**
 * Helpers for the classic checker's tests: real-runtime classic snapshots
 * (test/fixtures/sim-classic, printed by the mapsnap probe from real maps'
 * memory), rebuilt and checked.
 */
import { FIXTURES, targets, recordedNames, readRecording, recordingFile } from './simfixtures.js';
import { checkClassic, classicSnapshotSource } from '../../src/check/classic/index.js';
import type { MapReport } from '../../src/check/types.js';

export { FIXTURES, targets };

/** Every snapshot name recorded for a target. */
export function snapshotNames(target: string): string[] {
  return recordedNames(target);
}

/** A real-runtime snapshot as parsed JSON (a fresh copy each call, free to mutate). */
export function loadSnapshot(target: string, name: string): Record<string, unknown> {
  return JSON.parse(readRecording(recordingFile(target, name)).snapshot) as Record<string, unknown>;
}

export function check(json: unknown, file = 'snapshot'): MapReport {
  return checkClassic(classicSnapshotSource(json, file));
}

/** The distinct codes of a report's findings, sorted. */
export function codes(r: MapReport): string[] {
  return [...new Set(r.findings.map((f) => f.code))].sort();
}
