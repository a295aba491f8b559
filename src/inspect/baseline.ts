/**
 * The CI gate: a recorded baseline of map layouts and the drift between it
 * and a new build. Only the figures unsafe/linkname code depends on are
 * compared (implementation, key/elem sizes, bucket or group/slot sizes,
 * elem offset, flags); addresses and counts are not.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { InputError } from '../base/errors.js';
import type { Inspection } from './inspect.js';
import type { MapInfo } from '../binary/mapdesc.js';

/** The descriptor figures a baseline records: those unsafe/linkname code depends on. */
export type BaselineMap = Pick<
  MapInfo,
  'type' | 'key' | 'elem' | 'impl' | 'keySize' | 'elemSize' | 'bucketSize' | 'groupSize' | 'slotSize' | 'elemOffset' | 'flags'
>;

export interface BaselineFile {
  file: string;
  goVersion: string | null;
  goarch: string | null;
  mapImpl: string;
  maps: BaselineMap[];
}

export interface Baseline {
  mapscopeBaseline: 1;
  /** The --maps patterns the baseline was recorded with (absent or [] = every map type). */
  maps?: string[];
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

/** What a --maps pattern is matched against: a map type's spelling and its key and elem types'. */
export interface MapNames {
  type: string;
  key: string;
  elem: string;
}

/**
 * The type a key or elem spelling is built from: `*main.Node`, `[]main.Node`,
 * `[4]*main.Node` and `chan main.Node` all come from `main.Node`.
 */
export function baseTypeName(t: string): string {
  let s = t;
  for (;;) {
    const m = /^(\*|\[\d*\]|chan |<-chan |chan<- )/.exec(s);
    if (!m) return s;
    s = s.slice(m[0].length);
  }
}

/**
 * --maps semantics (README "CI gate", docs/json.md): a pattern matches a map
 * type when it matches, as a whole-string glob,
 *   - the map type's spelling (`map[string]int`, or its name: `main.Cache`), or
 *   - the type its key or elem is built from (baseTypeName), so `main.*`
 *     matches `map[string]*main.Node` and `map[main.ID][]int`.
 * A map of unnamed types (`map[string]int`) names no package: it matches by
 * spelling only (`map[string]*`, `map[*`, `*`).
 */
export function matcher(patterns: string[]): (m: MapNames) => boolean {
  if (patterns.length === 0) return () => true;
  const res = patterns.map(globToRegExp);
  return (m) => {
    const names = [m.type, baseTypeName(m.key), baseTypeName(m.elem)];
    return res.some((r) => names.some((n) => r.test(n)));
  };
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

export function makeBaseline(results: Inspection[], keep: (m: MapNames) => boolean, patterns: string[] = []): Baseline {
  return {
    mapscopeBaseline: 1,
    ...(patterns.length ? { maps: patterns } : {}),
    files: results.map((r) => ({
      file: baseName(r.file),
      goVersion: r.goVersion ?? null,
      goarch: r.goarch ?? null,
      mapImpl: r.mapImpl,
      maps: dedupe(r.maps.filter(keep).map(baselineMap)),
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
  if (b.maps !== undefined && (!Array.isArray(b.maps) || !b.maps.every((p) => typeof p === 'string'))) throw new InputError(source, 'maps', 'must be a list of --maps patterns');
  for (const [i, f] of b.files.entries()) {
    if (!f || typeof f.file !== 'string' || !Array.isArray(f.maps)) throw new InputError(source, `files[${i}]`, 'needs "file" and "maps"');
    for (const [k, m] of f.maps.entries()) {
      if (!m || typeof m.type !== 'string') throw new InputError(source, `files[${i}].maps[${k}]`, 'needs "type"');
      // Baselines written before key/elem were recorded match by the map's spelling only.
      if (typeof m.key !== 'string') m.key = '';
      if (typeof m.elem !== 'string') m.elem = '';
    }
  }
  return b as Baseline;
}

/**
 * Pairs each inspected file with a baseline entry (by base name; with one
 * file on each side, with each other) and lists what changed. `keep` is
 * applied to both sides, so a filter given now that the baseline was not
 * recorded with (or the reverse) narrows both alike instead of reporting
 * the difference as added or removed maps.
 */
export function compare(base: Baseline, now: Baseline, keep: (m: MapNames) => boolean = () => true): Drift[] {
  const out: Drift[] = [];
  for (const f0 of now.files) {
    const f = { ...f0, maps: f0.maps.filter(keep) };
    const old = base.files.find((b) => b.file === f.file) ?? (base.files.length === 1 && now.files.length === 1 ? base.files[0] : undefined);
    if (!old) {
      out.push({ file: f.file, type: '*', kind: 'added', changes: [{ field: 'file', was: null, now: f.file }] });
      continue;
    }
    const before = new Map(old.maps.filter(keep).map((m) => [m.type, m]));
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

/** GitHub Actions workflow commands: one ::error per drift and per finding, a ::notice when there is neither. */
export function githubAnnotations(drifts: Drift[], findings: string[], baselineFile: string, compared: number): string {
  const esc = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const escProp = (s: string) => esc(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
  const lines = [
    ...drifts.map((d) => `::error file=${escProp(baselineFile)},title=${escProp(`map layout drift: ${d.type}`)}::${esc(driftLine(d))}`),
    ...findings.map((f) => `::error title=${escProp('map descriptor finding')}::${esc(f)}`),
  ];
  if (lines.length === 0) lines.push(`::notice file=${escProp(baselineFile)},title=${escProp('map layout')}::${esc(`no drift: ${compared} map types match ${baselineFile}`)}`);
  return lines.join('\n');
}

/**
 * Where the SARIF log's tool.driver.informationUri points: package.json's
 * homepage or http(s) repository URL when the package declares one, else the
 * README shipped in the package (its "CI gate" section documents the rules).
 * mapscope has no public home yet (no repository URL, no registry package), so
 * none is declared and the installed README is the honest answer: an absolute
 * `file:` URL, as SARIF requires, of documentation that is really there.
 * `root`: the installed package (two floors above dist/src/inspect).
 */
export function informationUri(root = fileURLToPath(new URL('../../../', import.meta.url))): string {
  try {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { homepage?: unknown; repository?: unknown };
    const repo = typeof pkg.repository === 'string' ? pkg.repository : (pkg.repository as { url?: unknown } | undefined)?.url;
    // npm writes repositories as `git+https://…`: the prefix goes before the URL is judged.
    for (const u of [pkg.homepage, repo]) if (typeof u === 'string' && /^https?:\/\//.test(u.replace(/^git\+/, ''))) return u.replace(/^git\+/, '');
  } catch {
    // no package.json beside the code: fall through to the README
  }
  return pathToFileURL(join(root, 'README.md')).href + '#ci-gate-fail-when-a-go-upgrade-changes-a-map-layout-your-unsafe-code-reads';
}

/** SARIF 2.1.0 log with one result per drift (error) and per descriptor finding (error). */
export function sarif(drifts: Drift[], findings: string[], baselineFile: string): object {
  return {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: {
          driver: {
            name: 'mapscope',
            informationUri: informationUri(),
            rules: [
              { id: 'map-layout-drift', shortDescription: { text: 'A map type layout differs from the recorded baseline' } },
              { id: 'map-descriptor-finding', shortDescription: { text: "A map descriptor disagrees with itself, DWARF or mapscope's layout model" } },
            ],
          },
        },
        results: [
          ...drifts.map((d) => ({
            ruleId: 'map-layout-drift',
            level: 'error',
            message: { text: driftLine(d) },
            locations: [{ physicalLocation: { artifactLocation: { uri: baselineFile } } }],
            properties: { file: d.file, type: d.type, kind: d.kind, changes: d.changes },
          })),
          ...findings.map((f) => ({ ruleId: 'map-descriptor-finding', level: 'error', message: { text: f } })),
        ],
      },
    ],
  };
}
