/**
 * The CI gate: a recorded baseline of map layouts and the drift between it
 * and a new build. Only the figures unsafe/linkname code depends on are
 * compared (implementation, key/elem sizes, bucket or group/slot sizes,
 * elem offset, flags); addresses and counts are not.
 */
import { InputError } from '../base/errors.js';
import type { Inspection } from './inspect.js';
import type { MapInfo } from '../binary/mapdesc.js';

export interface BaselineMap {
  type: string;
  key: string;
  elem: string;
  impl: 'classic' | 'swiss';
  keySize: number;
  elemSize: number;
  bucketSize?: number;
  groupSize?: number;
  slotSize?: number;
  elemOffset?: number;
  flags: number;
}

export interface BaselineFile {
  file: string;
  goVersion: string | null;
  goarch: string | null;
  mapImpl: string;
  maps: BaselineMap[];
}

export interface Baseline {
  mapscopeBaseline: 1;
  files: BaselineFile[];
}

export interface Drift {
  file: string;
  type: string;
  kind: 'added' | 'removed' | 'changed';
  /** For changed: field → [baseline, now]. */
  changes: { field: string; was: string | number | null; now: string | number | null }[];
}

const FIELDS = ['impl', 'keySize', 'elemSize', 'bucketSize', 'groupSize', 'slotSize', 'elemOffset', 'flags'] as const;

/** `*` matches any run of characters, `?` one; everything else literally. */
export function globToRegExp(p: string): RegExp {
  const re = p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`);
}

/** Splits a --maps value on commas outside brackets, so `map[func(int, string)]*` stays one pattern. */
export function splitPatterns(v: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of v) {
    if (c === '[' || c === '(' || c === '{') depth++;
    else if ((c === ']' || c === ')' || c === '}') && depth > 0) depth--;
    if (c === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.map((x) => x.trim()).filter(Boolean);
}

export function matcher(patterns: string[]): (type: string) => boolean {
  if (patterns.length === 0) return () => true;
  const res = patterns.map(globToRegExp);
  return (t) => res.some((r) => r.test(t));
}

export function baselineMap(m: MapInfo): BaselineMap {
  const b: BaselineMap = { type: m.type, key: m.key, elem: m.elem, impl: m.impl, keySize: m.keySize, elemSize: m.elemSize, flags: m.flags };
  if (m.impl === 'classic') b.bucketSize = m.bucketSize;
  else {
    b.groupSize = m.groupSize;
    b.slotSize = m.slotSize;
    b.elemOffset = m.elemOffset;
  }
  return b;
}

export function makeBaseline(results: Inspection[], keep: (t: string) => boolean): Baseline {
  return {
    mapscopeBaseline: 1,
    files: results.map((r) => ({
      file: baseName(r.file),
      goVersion: r.goVersion ?? null,
      goarch: r.goarch ?? null,
      mapImpl: r.mapImpl,
      maps: dedupe(r.maps.filter((m) => keep(m.type)).map(baselineMap)),
    })),
  };
}

function dedupe(ms: BaselineMap[]): BaselineMap[] {
  const seen = new Map<string, BaselineMap>();
  for (const m of ms) if (!seen.has(m.type)) seen.set(m.type, m);
  return [...seen.values()];
}

export function baseName(f: string): string {
  return f.replace(/\\/g, '/').split('/').pop() ?? f;
}

export function parseBaseline(source: string, textIn: string): Baseline {
  let j: unknown;
  try {
    j = JSON.parse(textIn);
  } catch (e) {
    throw new InputError(source, undefined, `not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const b = j as Partial<Baseline>;
  if (!b || b.mapscopeBaseline !== 1 || !Array.isArray(b.files)) throw new InputError(source, undefined, 'not a mapscope baseline (expected {"mapscopeBaseline": 1, "files": [...]})');
  for (const [i, f] of b.files.entries()) {
    if (!f || typeof f.file !== 'string' || !Array.isArray(f.maps)) throw new InputError(source, `files[${i}]`, 'needs "file" and "maps"');
    for (const [k, m] of f.maps.entries()) if (!m || typeof m.type !== 'string') throw new InputError(source, `files[${i}].maps[${k}]`, 'needs "type"');
  }
  return b as Baseline;
}

/**
 * Pairs each inspected file with a baseline entry (by base name; with one
 * file on each side, with each other) and lists what changed.
 */
export function compare(base: Baseline, now: Baseline): Drift[] {
  const out: Drift[] = [];
  for (const f of now.files) {
    const old = base.files.find((b) => b.file === f.file) ?? (base.files.length === 1 && now.files.length === 1 ? base.files[0] : undefined);
    if (!old) {
      out.push({ file: f.file, type: '*', kind: 'added', changes: [{ field: 'file', was: null, now: f.file }] });
      continue;
    }
    const before = new Map(old.maps.map((m) => [m.type, m]));
    const after = new Map(f.maps.map((m) => [m.type, m]));
    for (const [t, m] of after) {
      const o = before.get(t);
      if (!o) {
        out.push({ file: f.file, type: t, kind: 'added', changes: [] });
        continue;
      }
      const changes = FIELDS.filter((k) => (o[k] ?? null) !== (m[k] ?? null)).map((k) => ({ field: k, was: o[k] ?? null, now: m[k] ?? null }));
      if (changes.length) out.push({ file: f.file, type: t, kind: 'changed', changes });
    }
    for (const t of before.keys()) if (!after.has(t)) out.push({ file: f.file, type: t, kind: 'removed', changes: [] });
  }
  return out;
}

export function driftLine(d: Drift): string {
  if (d.kind !== 'changed') return `${d.file}: ${d.kind} ${d.type}`;
  return `${d.file}: changed ${d.type}: ${d.changes.map((c) => `${c.field} ${c.was ?? '-'} → ${c.now ?? '-'}`).join(', ')}`;
}

/** GitHub Actions workflow commands: one ::error per drift. */
export function githubAnnotations(drifts: Drift[], baselineFile: string): string {
  const esc = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  return drifts.map((d) => `::error file=${esc(baselineFile)},title=${esc(`map layout drift: ${d.type}`)}::${esc(driftLine(d))}`).join('\n');
}

/** SARIF 2.1.0 log with one result per drift. */
export function sarif(drifts: Drift[], baselineFile: string): object {
  return {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: { driver: { name: 'mapscope', informationUri: 'https://github.com/', rules: [{ id: 'map-layout-drift', shortDescription: { text: 'A map type layout differs from the recorded baseline' } }] } },
        results: drifts.map((d) => ({
          ruleId: 'map-layout-drift',
          level: 'error',
          message: { text: driftLine(d) },
          locations: [{ physicalLocation: { artifactLocation: { uri: baselineFile } } }],
          properties: { file: d.file, type: d.type, kind: d.kind, changes: d.changes },
        })),
      },
    ],
  };
}
