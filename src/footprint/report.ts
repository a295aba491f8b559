/**
 * What people read: for one target, a row per size (bytes, their spread over
 * seeds, bytes per entry, load, and the parts), then its growth; for several
 * targets, the totals side by side, as `layout` compares targets.
 */
import { renderTable } from '../base/table.js';
import type { LiveBytes } from './live.js';
import type { TargetFootprint } from './summary.js';
import type { GrowthEvent } from './measure.js';

export function human(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} ${units[u]}`;
}

function spread(p: { median: number; min: number; max: number }): string {
  if (p.min === p.max) return '';
  const pct = (x: number) => ((x - p.median) / p.median) * 100;
  return `${pct(p.min).toFixed(2)}%..+${pct(p.max).toFixed(2)}%`;
}

/** The parts of a map's heap, as footprint names them in its reports (`view`'s statistics use the same names). */
export const PARTS: readonly [keyof LiveBytes, string][] = [
  ['header', 'header'], ['extra', 'mapextra'], ['buckets', 'buckets'], ['oldbuckets', 'oldbuckets'], ['overflow', 'overflow'],
  ['directory', 'directory'], ['tables', 'tables'], ['groups', 'groups'], ['indirectKeys', 'keys'], ['indirectElems', 'elems'],
];

function partsText(b: LiveBytes): string {
  return PARTS.filter(([k]) => b[k] !== 0).map(([k, name]) => `${name} ${b[k]}`).join(', ');
}

function growthLines(t: TargetFootprint): string[] {
  const g = t.growth;
  if (g.length === 0) return ['  no growth up to the largest size'];
  const out: string[] = [];
  if (t.impl === 'classic') {
    const rows = g.map((e) => [e.entries, e.kind, `B=${e.depth}`, e.allocated, human(e.allocated), e.freedAt === undefined ? (e.kind === 'first bucket' ? '' : 'still held') : String(e.freedAt)]);
    out.push(renderTable(['at entries', 'growth', 'after', 'allocates', '', 'old array freed at'], rows, '  ').trimEnd());
    return out;
  }
  // Swiss: list what changes the map's shape; count the table grows and splits between directory doublings.
  const rows: (string | number)[][] = [];
  let grows = 0;
  let splits = 0;
  let splitBytes = 0;
  const flush = (upTo: number) => {
    if (grows + splits === 0) return;
    rows.push([`..${upTo}`, `${grows} table grows, ${splits} splits`, '', splitBytes, splits > 0 ? `${human(splitBytes / splits)} per split` : '']);
    grows = 0;
    splits = 0;
    splitBytes = 0;
  };
  const shown = (e: GrowthEvent) => e.kind === 'small' || e.kind === 'table' || e.kind === 'directory' || (e.kind === 'grow' && e.depth === 0);
  for (const e of g) {
    if (shown(e)) {
      flush(e.entries - 1);
      rows.push([e.entries, e.kind === 'directory' ? 'split, directory doubles' : e.kind === 'grow' ? 'table grows' : e.kind === 'small' ? 'first group' : 'becomes a table', `depth ${e.depth}`, e.allocated, human(e.allocated)]);
    } else if (e.kind === 'split') {
      splits++;
      splitBytes += e.allocated;
    } else grows++;
  }
  flush(t.points[t.points.length - 1].entries);
  out.push(renderTable(['at entries', 'growth', 'after', 'allocates', ''], rows, '  ').trimEnd());
  return out;
}

function seedsLine(t: TargetFootprint): string {
  const h = t.hashes;
  const seeds = h.map((x) => (x.seeds ?? []).map((s) => '0x' + s.toString(16)).join('/')).join(', ');
  const from = h.every((x) => x.prngSeed !== undefined) ? ` (hash.prngSeed ${h.map((x) => x.prngSeed).join(', ')})` : '';
  return `  ${h.length} seed${h.length === 1 ? '' : 's'}, ${h[0].mode} hash${from}: map seeds ${seeds}`;
}

export function targetReport(type: string, t: TargetFootprint): string {
  const out = [`${type}  (${t.target}, ${t.impl} map): heap bytes the map holds, allocator size classes included`];
  out.push(seedsLine(t));
  const rows = t.points.map((p) => [
    p.entries, p.bytes.median, human(p.bytes.median), spread(p.bytes),
    p.bytesPerEntry === null ? '' : p.bytesPerEntry.toFixed(1), p.load === null ? '' : p.load.toFixed(3), partsText(p.parts),
  ]);
  out.push(renderTable(['entries', 'bytes', '', 'seed spread', 'B/entry', 'load', 'parts (median seed, bytes)'], rows, '  ').trimEnd());
  out.push('', `growth (first seed):`);
  out.push(...growthLines(t));
  return out.join('\n') + '\n';
}

export function comparisonReport(type: string, ts: readonly TargetFootprint[]): string {
  const out = [`${type}: heap bytes the map holds (median over seeds), allocator size classes included`];
  const sizes = ts[0].points.map((p) => p.entries);
  const rows = sizes.map((n, i) => [n, ...ts.flatMap((t) => [human(t.points[i].bytes.median), t.points[i].bytesPerEntry?.toFixed(1) ?? ''])]);
  out.push(renderTable(['entries', ...ts.flatMap((t) => [t.target, 'B/entry'])], rows, '  ').trimEnd());
  for (const t of ts) out.push('', targetReport(type, t).trimEnd());
  return out.join('\n') + '\n';
}
