/**
 * Pictures of map cost and GC pressure, as standalone SVG and as a
 * self-contained HTML page (`profile --svg/--html`, `gctrace --svg/--html`).
 *
 * Plain SVG drawn here, no script and no fonts fetched: the page's CSP
 * allows inline styles only, so the file opens anywhere, offline. Sizes are
 * fixed, so screenshots compare across runs.
 *
 *   - cost bars: one bar per family of map work (cumulative share of the
 *     profile's primary value) and, with --binary, one per map type plus the
 *     unattributed rest;
 *   - GC timeline: heap at the start of each cycle and the goal over time,
 *     each cycle's stop-the-world pause, and its mark-assist share with the
 *     --assist threshold. Logs with more cycles than MAX_POINTS are drawn
 *     from MAX_POINTS buckets of consecutive cycles (each the bucket's
 *     largest values), and the picture says so.
 */
import type { MapCost } from '../profile/mapcost.js';
import type { TypeAttribution } from '../profile/maptypes.js';
import type { CycleList, GctraceSummary } from '../profile/gctrace.js';

/** As src/view/html.ts's, without scripts: these pages have none. */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const W = 800;
const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const FONT = 'font-family="DejaVu Sans, Arial, sans-serif"';

export interface Bar {
  label: string;
  value: number;
  /** 0..1 of the whole the chart is about. */
  share: number;
  /** What the value is, for people (e.g. "1.20s"). */
  text: string;
}

/** A horizontal bar chart: `chart` names it (data-chart), one <rect class="bar"> per bar. */
export function barChart(chart: string, title: string, bars: Bar[]): string {
  const rowH = 22;
  const top = 34;
  const labelW = 290;
  const barW = W - labelW - 140;
  const h = top + rowH * Math.max(bars.length, 1) + 14;
  const rows = bars.map((b, i) => {
    const y = top + i * rowH;
    const w = Math.max(b.share > 0 ? 1 : 0, Math.round(barW * Math.min(1, b.share)));
    const label = b.label.length > 44 ? b.label.slice(0, 43) + '…' : b.label;
    return (
      `<text x="${labelW - 8}" y="${y + 15}" text-anchor="end" font-size="12">${esc(label)}</text>` +
      `<rect class="bar" data-label="${esc(b.label)}" data-value="${b.value}" x="${labelW}" y="${y + 3}" width="${w}" height="${rowH - 6}" fill="${chart === 'type' ? '#2f6fb0' : '#c0622f'}"><title>${esc(b.label)}: ${esc(b.text)}</title></rect>` +
      `<text x="${labelW + w + 6}" y="${y + 15}" font-size="12">${esc(b.text)} (${(100 * b.share).toFixed(1)}%)</text>`
    );
  });
  const empty = bars.length === 0 ? `<text x="${labelW}" y="${top + 15}" font-size="12">nothing to draw</text>` : '';
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-chart="${esc(chart)}" width="${W}" height="${h}" viewBox="0 0 ${W} ${h}" ${FONT}>` +
    `<rect width="${W}" height="${h}" fill="#fff"/>` +
    `<text x="10" y="20" font-size="14" font-weight="bold">${esc(title)}</text>` +
    rows.join('') + empty +
    `</svg>`
  );
}

function valueIndex(c: MapCost): number {
  const want = c.kind === 'cpu' ? 'cpu' : 'alloc_space';
  const i = c.sampleTypes.findIndex((t) => t.type === want);
  return i >= 0 ? i : c.sampleTypes.length - 1;
}

function human(v: number, unit: string): string {
  if (unit === 'nanoseconds') return v >= 1e9 ? `${(v / 1e9).toFixed(2)}s` : `${(v / 1e6).toFixed(1)}ms`;
  if (unit === 'bytes') return v >= 1 << 20 ? `${(v / (1 << 20)).toFixed(1)}MiB` : v >= 1024 ? `${(v / 1024).toFixed(1)}KiB` : `${v}B`;
  return String(v);
}

/** The profile's charts: families (cumulative, share of the total), and map types when attributed. */
export function profileCharts(c: MapCost, t?: TypeAttribution): string[] {
  const p = valueIndex(c);
  const unit = c.sampleTypes[p].unit;
  const total = c.total[p];
  const share = (v: number) => (total === 0 ? 0 : v / total);
  const what = c.sampleTypes[p].type;
  const out = [
    barChart('family', `Map work by family (cumulative ${what}, share of the profile's total ${human(total, unit)})`,
      c.families.map((f) => ({ label: f.family, value: f.cum[p], share: share(f.cum[p]), text: human(f.cum[p], unit) }))),
  ];
  if (t) {
    const rows = [
      ...t.types.map((x) => ({ label: x.mapType, value: x.values[p] })),
      ...t.unattributed.map((u) => ({ label: `(unattributed) ${u.reason}`, value: u.values[p] })),
    ].sort((a, b) => b.value - a.value);
    out.push(barChart('type', `Map work by map type (${what}, share of the profile's total)`,
      rows.map((r) => ({ ...r, share: share(r.value), text: human(r.value, unit) }))));
  }
  return out;
}

/** Cycles drawn at most; longer logs are bucketed. */
export const MAX_POINTS = 2000;

interface Point {
  atMs: number;
  heapMB: number;
  goalMB: number;
  pauseUs: number;
  assist: number | null;
}

function points(cycles: CycleList): { pts: Point[]; bucket: number } {
  const bucket = Math.max(1, Math.ceil(cycles.length / MAX_POINTS));
  const pts: Point[] = [];
  for (let i = 0; i < cycles.length; i += bucket) {
    const c0 = cycles.at(i)!;
    const pt: Point = { atMs: c0.atMs, heapMB: c0.heap.beforeMB, goalMB: c0.heap.goalMB, pauseUs: c0.pauseUs, assist: c0.assistShare };
    for (let j = i + 1; j < Math.min(cycles.length, i + bucket); j++) {
      const c = cycles.at(j)!;
      pt.heapMB = Math.max(pt.heapMB, c.heap.beforeMB);
      pt.goalMB = Math.max(pt.goalMB, c.heap.goalMB);
      pt.pauseUs = Math.max(pt.pauseUs, c.pauseUs);
      if (c.assistShare !== null) pt.assist = Math.max(pt.assist ?? 0, c.assistShare);
    }
    pts.push(pt);
  }
  return { pts, bucket };
}

/**
 * The GC timeline: three panels over one time axis. Heap and goal are
 * polylines with one vertex per point (data-points gives their number),
 * pauses one <rect class="pause"> per point, assist share one
 * <circle class="assist"> per point that recorded mark CPU.
 */
export function gcTimeline(cycles: CycleList, s: GctraceSummary): string {
  const { pts, bucket } = points(cycles);
  const left = 60;
  const right = W - 20;
  const t0 = pts.length ? pts[0].atMs : 0;
  const t1 = pts.length ? pts[pts.length - 1].atMs : 1;
  const x = (t: number) => (t1 === t0 ? (left + right) / 2 : left + ((t - t0) / (t1 - t0)) * (right - left));
  const f = (v: number) => v.toFixed(1);
  // Panel 1: heap and goal, MiB.
  const hTop = 56;
  const hH = 150;
  const maxMB = Math.max(1, ...pts.map((p) => Math.max(p.heapMB, p.goalMB)));
  const yH = (v: number) => hTop + hH - (v / maxMB) * hH;
  const heapPts = pts.map((p) => `${f(x(p.atMs))},${f(yH(p.heapMB))}`).join(' ');
  const goalPts = pts.map((p) => `${f(x(p.atMs))},${f(yH(p.goalMB))}`).join(' ');
  // Panel 2: pauses, ms.
  const pTop = hTop + hH + 40;
  const pH = 70;
  const maxPause = Math.max(1, ...pts.map((p) => p.pauseUs));
  const barW = Math.max(1, Math.min(8, (right - left) / Math.max(1, pts.length) - 1));
  const pauses = pts.map((p) => {
    const h = (p.pauseUs / maxPause) * pH;
    return `<rect class="pause" x="${f(x(p.atMs) - barW / 2)}" y="${f(pTop + pH - h)}" width="${f(barW)}" height="${f(h)}" fill="#b03a2e"/>`;
  });
  // Panel 3: assist share, 0..100%.
  const aTop = pTop + pH + 40;
  const aH = 70;
  const yA = (v: number) => aTop + aH - v * aH;
  const assists = pts.filter((p) => p.assist !== null).map((p) => `<circle class="assist" cx="${f(x(p.atMs))}" cy="${f(yA(p.assist!))}" r="2.5" fill="#6a3d9a"/>`);
  const h = aTop + aH + 34;
  const axis = (y: number, label: string) => `<line x1="${left}" y1="${y}" x2="${right}" y2="${y}" stroke="#888"/><text x="${left - 6}" y="${y + 4}" text-anchor="end" font-size="11">${label}</text>`;
  const note = bucket > 1 ? ` — ${cycles.length} cycles drawn as ${pts.length} buckets of ${bucket} (each its largest values)` : '';
  const thr = yA(s.assistThreshold);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-chart="gc" data-cycles="${cycles.length}" data-points="${pts.length}" width="${W}" height="${h}" viewBox="0 0 ${W} ${h}" ${FONT}>` +
    `<rect width="${W}" height="${h}" fill="#fff"/>` +
    `<text x="10" y="20" font-size="14" font-weight="bold">GC timeline: ${s.cycles} cycles over ${(s.spanMs / 1000).toFixed(3)} s${esc(note)}</text>` +
    `<text x="${left}" y="${hTop - 6}" font-size="12">heap at cycle start (MiB, <tspan fill="#1f77b4">blue</tspan>) and goal (<tspan fill="#2ca02c">green</tspan>)</text>` +
    axis(hTop + hH, '0') + axis(hTop, String(maxMB)) +
    `<polyline class="goal" data-points="${pts.length}" points="${goalPts}" fill="none" stroke="#2ca02c" stroke-width="1.5"/>` +
    `<polyline class="heap" data-points="${pts.length}" points="${heapPts}" fill="none" stroke="#1f77b4" stroke-width="1.5"/>` +
    `<text x="${left}" y="${pTop - 6}" font-size="12">stop-the-world pause per cycle (ms; p99 ${(s.pauseUs.p99 / 1000).toFixed(3)}, max ${(s.pauseUs.max / 1000).toFixed(3)})</text>` +
    axis(pTop + pH, '0') + axis(pTop, (maxPause / 1000).toFixed(3)) + pauses.join('') +
    `<text x="${left}" y="${aTop - 6}" font-size="12">mark-assist share of mark CPU per cycle (dashed: --assist ${(100 * s.assistThreshold).toFixed(0)}%; ${s.overAssist.length} cycles above)</text>` +
    axis(aTop + aH, '0%') + axis(aTop, '100%') +
    `<line class="threshold" x1="${left}" y1="${f(thr)}" x2="${right}" y2="${f(thr)}" stroke="#6a3d9a" stroke-dasharray="4 3"/>` +
    assists.join('') +
    `<text x="${left}" y="${h - 10}" font-size="11">${(t0 / 1000).toFixed(3)} s</text>` +
    `<text x="${right}" y="${h - 10}" text-anchor="end" font-size="11">${(t1 / 1000).toFixed(3)} s since program start</text>` +
    `</svg>`
  );
}

/** One SVG document holding several charts stacked. */
export function stackSvg(parts: string[]): string {
  let y = 0;
  const inner: string[] = [];
  for (const p of parts) {
    const h = Number(/height="(\d+)"/.exec(p)?.[1] ?? 0);
    inner.push(p.replace('<svg ', `<svg y="${y}" `));
    y += h + 10;
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${y}" viewBox="0 0 ${W} ${y}">${inner.join('')}</svg>\n`;
}

/** A self-contained page: no script, no network, the charts inline. */
export function chartsHtml(title: string, meta: string[], parts: string[]): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<title>${esc(title)}</title>
<style>
:root { font: 14px/1.4 "DejaVu Sans", Arial, sans-serif; color: #1b1b1b; background: #fff; }
body { margin: 1rem 1.5rem; }
h1 { font-size: 1.3rem; margin: 0 0 .3rem; }
.meta { color: #444; margin: 0 0 .2rem; }
svg.chart { display: block; margin: .8rem 0; }
</style>
</head>
<body data-ready="true">
<h1>${esc(title)}</h1>
${meta.map((m) => `<p class="meta">${esc(m)}</p>`).join('\n')}
${parts.join('\n')}
</body>
</html>
`;
}
