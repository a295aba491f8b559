/**
 * Layouts (src/layout) as byte strips: a classic bucket or a Swiss group cut
 * into fields and padding, slot by slot, so the page can draw each byte
 * range in its colour with the 64- and 128-byte cache-line marks. The
 * offsets are layoutOf's; nothing here lays anything out again.
 */
import type { ClassicLayout, MapLayout, StructDesc, SwissLayout } from '../layout/index.js';
import type { LayoutTargetView, LayoutView, Segment } from './data.js';

const SLOTS = 8;

function push(out: Segment[], s: Segment): void {
  if (s.size > 0) out.push(s);
}

/** A struct's fields with the padding before each and after the last, shifted to `base`. */
function structSegments(d: StructDesc, base: number, kindOf: (field: string) => Segment['kind'], nameOf: (field: string) => string, out: Segment[]): void {
  for (const f of d.fields) {
    push(out, { name: 'padding', offset: base + f.offset - f.padBefore, size: f.padBefore, kind: 'pad' });
    push(out, { name: nameOf(f.name), offset: base + f.offset, size: f.size, kind: kindOf(f.name) });
  }
  push(out, { name: 'padding', offset: base + d.size - d.padAfter, size: d.padAfter, kind: 'pad' });
}

function classicSegments(L: ClassicLayout): Segment[] {
  const out: Segment[] = [];
  for (const f of L.bucket.fields) {
    push(out, { name: 'padding', offset: f.offset - f.padBefore, size: f.padBefore, kind: 'pad' });
    if (f.name === 'keys' || f.name === 'elems') {
      const part = f.name === 'keys' ? L.key : L.elem;
      for (let i = 0; i < SLOTS; i++) {
        push(out, { name: `${f.name === 'keys' ? 'key' : 'elem'} ${i}${part.indirect ? ' (pointer)' : ''}`, offset: f.offset + i * part.storedSize, size: part.storedSize, kind: f.name === 'keys' ? 'key' : 'elem' });
      }
    } else {
      push(out, { name: f.name, offset: f.offset, size: f.size, kind: f.name === 'overflow' ? 'overflow' : 'header' });
    }
  }
  push(out, { name: 'padding', offset: L.bucket.size - L.bucket.padAfter, size: L.bucket.padAfter, kind: 'pad' });
  return out;
}

function swissSegments(L: SwissLayout): Segment[] {
  const out: Segment[] = [];
  for (const f of L.group.fields) {
    push(out, { name: 'padding', offset: f.offset - f.padBefore, size: f.padBefore, kind: 'pad' });
    if (f.name === 'slots') {
      for (let i = 0; i < SLOTS; i++) {
        const kind = (n: string): Segment['kind'] => (n === 'key' ? 'key' : n === 'elem' ? 'elem' : 'header');
        structSegments(L.group.slot, f.offset + i * L.group.slotSize, kind, (n) => `${n} ${i}`, out);
      }
    } else {
      push(out, { name: f.name, offset: f.offset, size: f.size, kind: 'header' });
    }
  }
  push(out, { name: 'padding', offset: L.group.size - L.group.padAfter, size: L.group.padAfter, kind: 'pad' });
  return out;
}

function targetView(L: MapLayout): LayoutTargetView {
  const segments = L.impl === 'classic' ? classicSegments(L) : swissSegments(L);
  return {
    target: `Go ${L.go} ${L.arch}${L.experiment ? ' ' + L.experiment : ''}`,
    unit: L.impl === 'classic' ? 'bucket' : 'group',
    size: L.impl === 'classic' ? L.bucket.size : L.group.size,
    segments,
    padding: segments.filter((s) => s.kind === 'pad').reduce((n, s) => n + s.size, 0),
  };
}

/** What differs from the first target: size, padding, or where a field sits. */
function differences(views: LayoutTargetView[]): string[] {
  const out: string[] = [];
  const [a, ...rest] = views;
  for (const b of rest) {
    if (a.unit !== b.unit) out.push(`${b.target} lays out a ${b.unit}, ${a.target} a ${a.unit}.`);
    if (a.size !== b.size) out.push(`size: a ${a.unit} of ${a.size} bytes on ${a.target}, a ${b.unit} of ${b.size} on ${b.target}.`);
    if (a.padding !== b.padding) out.push(`padding: ${a.padding} bytes on ${a.target}, ${b.padding} on ${b.target}.`);
    if (a.unit === b.unit) {
      const at = new Map(a.segments.filter((s) => s.kind !== 'pad').map((s) => [s.name, s]));
      const moved = b.segments.filter((s) => s.kind !== 'pad' && at.has(s.name) && (at.get(s.name)!.offset !== s.offset || at.get(s.name)!.size !== s.size));
      if (moved.length > 0) {
        const shown = moved.slice(0, 4).map((s) => `${s.name} at ${at.get(s.name)!.offset}+${at.get(s.name)!.size} → ${s.offset}+${s.size}`);
        out.push(`${moved.length} field(s) move between ${a.target} and ${b.target}: ${shown.join(', ')}${moved.length > 4 ? ', …' : ''}.`);
      }
    }
  }
  return out;
}

/** `failed`: one sentence per target that has no layout of the type (the compiler rejects it there). */
export function layoutView(type: string, layouts: MapLayout[], failed: string[] = []): LayoutView {
  const targets = layouts.map(targetView);
  return { kind: 'layout', type, targets, differences: [...failed, ...(targets.length ? differences(targets) : [])] };
}
