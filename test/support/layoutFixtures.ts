/**
 * The layout fixtures: what real Go compilers produced for a list of map types,
 * one JSON file per (toolchain, GOARCH, experiment) in test/fixtures/layout/.
 *
 * They are written by scripts/layout-fixtures.sh, which builds and runs
 * gosrc/layoutprobe with each toolchain; see that program for how every figure
 * is read (descriptor via unsafe, reflect on the compiler's bucket/group type,
 * the binary's own DWARF, growth measured on live maps). Nothing in them is
 * computed by mapscope, so layout tests may take them as the truth.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (tests run from dist/test/…). */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const layoutFixtureDir = join(repoRoot, 'test', 'fixtures', 'layout');

export interface LayoutField { name: string; offset: number; size: number }
export interface LayoutStruct { size: number; fields: LayoutField[] }
export interface LayoutTypeInfo { rtype: string; size: number; align: number }
export interface LayoutGroup {
  rtype: string;
  size: number;
  align: number;
  fields: LayoutField[];
  /** Swiss only: the slot struct {key; elem}. */
  slot?: { size: number; align: number; fields: LayoutField[] };
  /** Name of the same struct in DWARF (under `structs`) when the binary had it. */
  dwarf?: string;
}
export interface LayoutDescriptor {
  keySize?: number; elemSize?: number; bucketSize?: number;
  groupSize?: number; slotSize?: number;
  keysOff?: number; keyStride?: number; elemsOff?: number; elemStride?: number;
  elemOff?: number;
  flags: number;
}
export interface LayoutMap {
  /** The type expression as written in gosrc/layoutprobe. */
  type: string;
  /** Set instead of everything else when the compiler refused the type. */
  compileError?: string;
  rtype?: string;
  key?: LayoutTypeInfo;
  elem?: LayoutTypeInfo;
  descriptor?: LayoutDescriptor;
  hasher?: string;
  bucket?: LayoutGroup;
  group?: LayoutGroup;
}
export interface SwissState { dirLen: number; small?: boolean; globalDepth?: number; capacities?: number[] }
export interface LayoutFixture {
  go: string;
  goarch: string;
  experiment: '' | 'noswissmap';
  impl: 'classic' | 'swiss';
  cacheLinePad: number;
  structs: Record<string, LayoutStruct>;
  maps: LayoutMap[];
  growth: {
    classic?: { hintB: Record<string, number>; insertB: [number, number][]; insertMax: number };
    swiss?: { hint: Record<string, SwissState>; insert: [number, SwissState][]; insertMax: number };
  };
}

/** File names of all committed fixtures, sorted. */
export function layoutFixtureFiles(): string[] {
  return readdirSync(layoutFixtureDir).filter((f) => f.endsWith('.json')).sort();
}

export function readLayoutFixture(file: string): LayoutFixture {
  return JSON.parse(readFileSync(join(layoutFixtureDir, file), 'utf8')) as LayoutFixture;
}

/** The fixture for a toolchain ("1.23"), GOARCH and experiment; throws if absent. */
export function layoutFixture(minor: string, goarch: string, experiment = ''): LayoutFixture {
  const suffix = `-${goarch}${experiment ? `-${experiment}` : ''}.json`;
  const file = layoutFixtureFiles().find((f) => f.startsWith(`go${minor}.`) && f.endsWith(suffix));
  if (!file) throw new Error(`no layout fixture for go${minor} ${goarch} ${experiment}: run scripts/layout-fixtures.sh`);
  return readLayoutFixture(file);
}
