/**
 * A snapshot (docs/json.md "sim") as a MemoryView: every bucket of every
 * chain, or every group of every table, slot by slot.
 *
 * The snapshot is first rebuilt and checked through src/check's
 * snapshotSource, which validates the JSON strictly (bad input is an
 * InputError naming the JSON path) and checks every invariant; only then are
 * the slots read from the JSON, which that validation has vouched for. The
 * findings are linked to slots through their locations.
 */
import { checkMap, snapshotSource, type Finding, type MapReport } from '../check/index.js';
import { layoutOf, type ClassicLayout, type SwissLayout } from '../layout/index.js';
import type { LayoutTarget } from '../layout/index.js';
import type { MapSource } from '../source/types.js';
import type { MemoryView, Section, SlotState, Unit, ViewFinding } from './data.js';

const SLOTS = 8;
/** Longest key or elem text embedded; longer ones are cut with "…" (the page shows text, not data). */
const MAX_TEXT = 120;

type Json = Record<string, unknown>;

function text(v: unknown): string {
  const s = JSON.stringify(v) ?? 'null';
  return s.length <= MAX_TEXT ? s : `${s.slice(0, MAX_TEXT - 1)}…`;
}

function targetText(t: LayoutTarget): string {
  return `Go 1.${t.go.minor} ${t.arch.name}${t.experiment ? ' ' + t.experiment : ''}`;
}

/** Tophash values below minTopHash (5) mark the slot's state (runtime/map.go). */
function classicState(tophash: number): SlotState {
  return (['R', 'E', 'X', 'Y', 'Z'] as const)[tophash] ?? 'F';
}

/** ctrlEmpty 0x80, ctrlDeleted 0xFE, a full slot's H2 in 0–127 (internal/runtime/maps/group.go). */
function swissState(ctrl: number): SlotState {
  if (ctrl < 0x80) return 'F';
  if (ctrl === 0x80) return 'E';
  if (ctrl === 0xfe) return 'D';
  return '?';
}

class Builder {
  readonly units: Unit[] = [];
  readonly sections: Section[] = [];
  states = '';
  readonly ctrl: number[] = [];
  readonly keys: string[] = [];
  readonly elems: string[] = [];
  readonly where: string[] = [];
  /** Location key ("buckets/3/0" or "table 2/5") → first slot of that unit. */
  readonly unitAt = new Map<string, number>();

  unit(label: string, locKey: string, g: Json, stateOf: (b: number) => SlotState, ctrlField: string, whereOf: (slot: number) => string): void {
    const first = this.units.length * SLOTS;
    this.units.push({ label });
    this.unitAt.set(locKey, first);
    const c = g[ctrlField] as number[];
    const k = g.keys as unknown[];
    const e = g.elems as unknown[];
    for (let i = 0; i < SLOTS; i++) {
      this.states += stateOf(c[i]);
      this.ctrl.push(c[i]);
      this.keys.push(text(k[i]));
      this.elems.push(text(e[i]));
      this.where.push(whereOf(i));
    }
  }
}

const hex = (n: number) => '0x' + n.toString(16);

function classicUnits(b: Builder, top: Json, L: ClassicLayout): void {
  const keysOff = L.bucket.fields.find((f) => f.name === 'keys')?.offset ?? 0;
  const whereOf = (i: number) => `bucket+${hex(keysOff + i * L.key.storedSize)}`;
  for (const array of ['buckets', 'oldbuckets'] as const) {
    const chains = top[array] as Json[][] | null;
    if (!chains) continue;
    const first = b.units.length;
    const name = array === 'buckets' ? 'bucket' : 'oldbucket';
    chains.forEach((chain, bi) =>
      chain.forEach((bucket, ci) => {
        b.unit(ci === 0 ? `${name} ${bi}` : `${name} ${bi} overflow ${ci}`, `${array}/${bi}/${ci}`, bucket, classicState, 'tophash', whereOf);
      }),
    );
    b.sections.push({ title: array === 'buckets' ? `buckets (2^B = ${chains.length})` : `oldbuckets (${chains.length}, being evacuated)`, first, count: b.units.length - first });
  }
}

function swissUnits(b: Builder, top: Json, L: SwissLayout): void {
  const slotsOff = L.group.fields.find((f) => f.name === 'slots')?.offset ?? 8;
  const whereOf = (i: number) => `group+${hex(slotsOff + i * L.group.slotSize)}`;
  if (top.small) {
    b.unit('small group', 'small', top.small as Json, swissState, 'ctrl', whereOf);
    b.sections.push({ title: 'small map: one group, no directory', first: 0, count: 1 });
    return;
  }
  const dir = top.directory as number[];
  (top.tables as Json[]).forEach((t, ti) => {
    const first = b.units.length;
    (t.groups as Json[]).forEach((g, gi) => b.unit(`table ${ti} group ${gi}`, `table ${ti}/${gi}`, g, swissState, 'ctrl', whereOf));
    const entries = dir.flatMap((x, i) => (x === ti ? [i] : []));
    const span = entries.length <= 1 ? `directory[${entries[0]}]` : `directory[${entries[0]}–${entries[entries.length - 1]}]`;
    b.sections.push({
      title: `table ${ti}: ${span}, capacity ${String(t.capacity)}, used ${String(t.used)}, growthLeft ${String(t.growthLeft)}, localDepth ${String(t.localDepth)}`,
      first,
      count: b.units.length - first,
    });
  });
}

/** The slot a finding's location names, if it names one. */
function slotOf(f: Finding, b: Builder): number | undefined {
  const l = f.location;
  if (l.slot === undefined) return undefined;
  let first: number | undefined;
  if (l.table !== undefined && l.group !== undefined) first = b.unitAt.get(`table ${l.table}/${l.group}`);
  else if (l.group !== undefined && l.table === undefined) first = b.unitAt.get('small');
  else if (l.bucket !== undefined) first = b.unitAt.get(`${l.array ?? 'buckets'}/${l.bucket}/${l.overflow ?? 0}`);
  return first === undefined ? undefined : first + l.slot;
}

/** The view of one snapshot; throws InputError on a snapshot that is not the documented format. */
export function snapshotView(json: unknown, file: string): MemoryView {
  const src: MapSource = snapshotSource(json, file);
  const report: MapReport = checkMap(src);
  const top = json as Json;
  const L = layoutOf(src.type, src.target);
  const b = new Builder();
  if (L.impl === 'classic') classicUnits(b, top, L);
  else swissUnits(b, top, L);
  const h = top.header as Json;
  const header = Object.entries(h).map(([k, v]) => [k, String(v)] as [string, string]);
  const findings: ViewFinding[] = report.findings.map((f) => {
    const slot = slotOf(f, b);
    return { severity: f.severity, code: f.code, message: `${f.location.text}: ${f.message}`, ...(slot === undefined ? {} : { slot }) };
  });
  for (const o of report.omitted) findings.push({ severity: o.severity, code: o.code, message: `${o.count} more ${o.code} findings not listed` });
  return {
    kind: 'memory',
    impl: L.impl,
    source: `snapshot ${file}`,
    type: L.type,
    target: targetText(src.target),
    count: report.count,
    header,
    sections: b.sections,
    units: b.units,
    states: b.states,
    ctrl: b.ctrl,
    keys: b.keys,
    elems: b.elems,
    where: b.where,
    findings,
    unchecked: report.unchecked.map((u) => `${u.code}: ${u.reason}`),
  };
}
