/**
 * Turns layouts into what people read: field tables with cache lines for one
 * target, and side-by-side comparisons that say what differs and what does
 * not across Go versions and architectures. Pure functions of MapLayout, so
 * the CLI, the tour and the viewer print the same thing.
 */
import { renderTable } from '../base/table.js';
import { arrayLineStats, linesOf } from './cachelines.js';
import { paddingOf, type MapLayout, type StructDesc, type PartLayout } from './index.js';
import type { MapSavings, StructHoles } from './reorder.js';

import { hex } from '../base/hex.js';
const label = (l: MapLayout) => `${l.go}/${l.arch}${l.experiment ? '/' + l.experiment : ''}`;

function lineCol(offset: number, size: number, line: number): string {
  const s = linesOf(offset, size, line);
  return s.first === s.last ? String(s.first) : `${s.first}-${s.last}`;
}

export function structTable(d: StructDesc, line: number, indent = '  '): string {
  const rows = d.fields.map((f) => [f.name, f.type, f.offset, f.size, f.align, f.padBefore, lineCol(f.offset, f.size, line)]);
  if (d.padAfter > 0) rows.push(['(tail padding)', '', d.size - d.padAfter, d.padAfter, '', '', lineCol(d.size - d.padAfter, d.padAfter, line)]);
  return renderTable(['field', 'type', 'offset', 'size', 'align', 'pad', 'lines'], rows, indent);
}

function partLine(name: string, p: PartLayout, ptrSize: number): string {
  const how = p.indirect ? `stored through a pointer (${ptrSize} bytes in the slot): over 128 bytes` : 'stored inline';
  return `  ${name.padEnd(5)} ${p.type}: size ${p.size}, align ${p.align}, ${how}`;
}

function straddleSentence(what: string, size: number, line: number): string {
  const s = arrayLineStats(size, line);
  const lines = s.minLines === s.maxLines ? `${s.minLines}` : `${s.minLines}-${s.maxLines}`;
  if (s.straddling === 0) return `  An array of ${what}s that starts on a ${line}-byte line: no ${what} straddles a line (each fits in ${lines} line).`;
  const share = s.straddling === s.period ? `every ${what}` : `${s.straddling} of every ${s.period} ${what}s`;
  const verb = s.straddling === s.period || s.straddling === 1 ? 'straddles' : 'straddle';
  return `  An array of ${what}s that starts on a ${line}-byte line: ${share} ${verb} a line boundary; a ${what} touches ${lines} lines${s.firstStraddles ? ' (the first one included)' : ''}.`;
}

/** The full report for one target. */
export function layoutReport(l: MapLayout): string {
  const out: string[] = [];
  const implText = l.impl === 'classic' ? 'classic map: hmap header -> 2^B buckets of 8 slots' : 'Swiss map: Map header -> one group (small map) or a directory of tables of groups';
  out.push(`${l.type}  (Go ${l.go}, ${l.arch}${l.experiment ? ', GOEXPERIMENT=' + l.experiment : ''}; ${implText})`);
  out.push(partLine('key', l.key, l.ptrSize));
  out.push(partLine('elem', l.elem, l.ptrSize));
  const hashName = l.hasher.name + (l.hasher.size !== undefined ? `(${l.hasher.size})` : '');
  out.push(`  hasher ${hashName}; flags ${hex(l.descriptor.flags.value)}${l.descriptor.flags.names.length ? ' (' + l.descriptor.flags.names.join(', ') + ')' : ''}`);
  out.push(`  ${l.cacheLineNote}`);
  out.push('');
  if (l.impl === 'classic') {
    const b = l.bucket;
    out.push(`bucket ${b.name}: ${b.size} bytes, align ${b.align}; overflow word is ${b.overflowIsPointer ? 'a pointer' : 'a uintptr (no pointers in keys/elems: overflow buckets are kept alive by hmap.extra)'}`);
    out.push(structTable(b, l.cacheLine));
    out.push(`  slot i: tophash at i, key at ${b.fields[1].offset}+${l.key.storedSize}*i, elem at ${b.fields[2].offset}+${l.elem.storedSize}*i`);
    out.push(straddleSentence('bucket', b.size, l.cacheLine));
    out.push(`  Load factor ${l.loadFactor.num / l.loadFactor.den} entries per bucket${l.go.startsWith('1.21') ? ' (Go 1.21 only: 6.0 instead of 6.5, golang/go#63438)' : ''}.`);
  } else {
    const g = l.group;
    out.push(`group ${g.name}: ${g.size} bytes, align ${g.align}; slot ${g.slotSize} bytes, elem at +${g.elemOffset} in the slot`);
    out.push(structTable(g, l.cacheLine));
    out.push(`  slot ${g.slot.name}:`);
    out.push(structTable(g.slot, l.cacheLine, '    '));
    out.push(`  slot i: key at ${g.fields[1].offset}+${g.slotSize}*i, elem at ${g.fields[1].offset + g.elemOffset}+${g.slotSize}*i`);
    const order = l.bigEndian ? 'big-endian: the control byte of slot i is byte 7-i of the word' : 'little-endian: the control byte of slot i is byte i of the word';
    out.push(`  control word: ${order}`);
    out.push(straddleSentence('group', g.size, l.cacheLine));
    out.push(`  Tables hold up to ${l.table.maxCapacity} slots and grow at ${l.table.maxAvgGroupLoad}/8 full.`);
  }
  out.push('');
  for (const h of Object.values(l.headers)) {
    out.push(`${h.name}: ${h.size} bytes`);
    out.push(structTable(h, l.cacheLine));
  }
  const d = l.descriptor;
  const figures =
    l.impl === 'classic'
      ? `KeySize ${l.descriptor.keySize}, ValueSize ${l.descriptor.elemSize}, BucketSize ${l.descriptor.bucketSize}`
      : `GroupSize ${l.descriptor.groupSize}, SlotSize ${l.descriptor.slotSize}, ElemOff ${l.descriptor.elemOff}` +
        (l.descriptor.keysOff !== undefined ? `, KeysOff ${l.descriptor.keysOff}, KeyStride ${l.descriptor.keyStride}, ElemsOff ${l.descriptor.elemsOff}, ElemStride ${l.descriptor.elemStride}` : '');
  out.push(`descriptor figures: ${figures}, Flags ${hex(d.flags.value)}`);
  return out.join('\n') + '\n';
}

/** One row of a comparison: a property and its value for each target. */
interface Row {
  readonly name: string;
  readonly values: string[];
}

function comparisonRows(ls: MapLayout[]): Row[] {
  const v = (f: (l: MapLayout) => string | number | undefined) => ls.map((l) => String(f(l) ?? '-'));
  const classic = (f: (l: Extract<MapLayout, { impl: 'classic' }>) => string | number) => (l: MapLayout) => (l.impl === 'classic' ? f(l) : undefined);
  const swiss = (f: (l: Extract<MapLayout, { impl: 'swiss' }>) => string | number) => (l: MapLayout) => (l.impl === 'swiss' ? f(l) : undefined);
  const header = (l: MapLayout) => (l.impl === 'classic' ? l.headers.hmap : l.headers.Map);
  const descriptor = (l: MapLayout) => (l.impl === 'classic' ? l.headers.maptype : l.headers.MapType);
  const unit = (l: MapLayout) => (l.impl === 'classic' ? l.bucket.size : l.group.size);
  const straddle = (l: MapLayout) => {
    const s = arrayLineStats(unit(l), l.cacheLine);
    return s.straddling === 0 ? 'none' : `${s.straddling}/${s.period}`;
  };
  return [
    { name: 'implementation', values: v((l) => l.impl) },
    { name: 'key size/align', values: v((l) => `${l.key.size}/${l.key.align}${l.key.indirect ? ' indirect' : ''}`) },
    { name: 'elem size/align', values: v((l) => `${l.elem.size}/${l.elem.align}${l.elem.indirect ? ' indirect' : ''}`) },
    { name: 'bucket size', values: v(classic((l) => l.bucket.size)) },
    { name: 'keys at / elems at', values: v(classic((l) => `${l.bucket.fields[1].offset} / ${l.bucket.fields[2].offset}`)) },
    { name: 'overflow word', values: v(classic((l) => (l.bucket.overflowIsPointer ? 'pointer' : 'uintptr'))) },
    { name: 'group size', values: v(swiss((l) => l.group.size)) },
    { name: 'slot size / elem off', values: v(swiss((l) => `${l.group.slotSize} / ${l.group.elemOffset}`)) },
    { name: 'padding per slot', values: v(swiss((l) => paddingOf(l.group.slot))) },
    { name: 'header', values: v((l) => `${header(l).name} ${header(l).size}B`) },
    { name: 'descriptor', values: v((l) => `${descriptor(l).name} ${descriptor(l).size}B`) },
    { name: 'flags', values: v((l) => `${hex(l.descriptor.flags.value)} ${l.descriptor.flags.names.join(',')}`) },
    { name: 'hasher', values: v((l) => l.hasher.name) },
    { name: 'grows at', values: v((l) => (l.impl === 'classic' ? `${l.loadFactor.num / l.loadFactor.den}/bucket` : `${l.table.maxAvgGroupLoad}/8 full`)) },
    { name: 'cache line', values: v((l) => (l.cacheLine === l.goCacheLinePad ? `${l.cacheLine} (Go's pad)` : `${l.cacheLine} (Go pads ${l.goCacheLinePad})`)) },
    { name: 'straddling lines', values: v(straddle) },
    { name: 'control bytes', values: v(swiss((l) => (l.bigEndian ? 'reversed (BE)' : 'slot i = byte i'))) },
  ];
}

/** Side-by-side table of many targets for one type, then what differs and what is the same. */
export function comparisonReport(ls: MapLayout[]): string {
  const rows = comparisonRows(ls).filter((r) => r.values.some((x) => x !== '-'));
  const out: string[] = [];
  out.push(`${ls[0].type} across ${ls.length} targets`);
  out.push(renderTable(['', ...ls.map(label)], rows.map((r) => [r.name, ...r.values]), '  '));
  const differs = rows.filter((r) => new Set(r.values).size > 1);
  const same = rows.filter((r) => new Set(r.values).size === 1);
  out.push(`  Differs: ${differs.length ? differs.map((r) => r.name).join(', ') : 'nothing'}.`);
  out.push(`  Same everywhere: ${same.length ? same.map((r) => `${r.name} (${r.values[0]})`).join(', ') : 'nothing'}.`);
  return out.join('\n') + '\n';
}

/** A target the compiler (or mapscope) cannot lay the map out for, shown in its column instead of stopping the command. */
export interface FailedTarget {
  readonly go: string;
  readonly arch: string;
  readonly experiment: string;
  readonly type: string;
  readonly error: string;
}

/** `rejected` when the gc compiler refuses the map on that target, `error` when mapscope cannot lay it out there. */
function failLabel(f: FailedTarget): string {
  return /gc compiler rejects/.test(f.error) ? 'REJECTED' : 'ERROR';
}

export function isFailed<T extends object>(x: T | FailedTarget): x is FailedTarget {
  return 'error' in x;
}

/** comparisonReport with failed targets: their column says so and their error follows the table. */
export function comparisonReportWithFailures(all: (MapLayout | FailedTarget)[]): string {
  const ok = all.filter((x): x is MapLayout => !isFailed(x));
  const rows = comparisonRows(ok).filter((r) => r.values.some((x) => x !== '-'));
  const out: string[] = [];
  const failed = all.filter(isFailed);
  out.push(`${all[0].type} across ${all.length} targets${failed.length ? ` (${failed.length} cannot be built)` : ''}`);
  const values = (r: Row) => {
    let i = 0;
    return all.map((x) => (isFailed(x) ? (r.name === 'implementation' ? failLabel(x) : '-') : r.values[i++]));
  };
  const labelOf = (x: MapLayout | FailedTarget) => `${x.go}/${x.arch}${x.experiment ? '/' + x.experiment : ''}`;
  out.push(renderTable(['', ...all.map(labelOf)], rows.map((r) => [r.name, ...values(r)]), '  '));
  const differs = rows.filter((r) => new Set(r.values).size > 1);
  const same = rows.filter((r) => new Set(r.values).size === 1);
  if (ok.length > 1) {
    out.push(`  Differs${failed.length ? ' (among the targets that build)' : ''}: ${differs.length ? differs.map((r) => r.name).join(', ') : 'nothing'}.`);
    out.push(`  Same everywhere: ${same.length ? same.map((r) => `${r.name} (${r.values[0]})`).join(', ') : 'nothing'}.`);
  }
  for (const f of failed) out.push(`  ${labelOf(f)}: ${f.error}`);
  return out.join('\n') + '\n';
}

/** pahole-style tables of each struct in the key and elem, with fieldalignment's better order where there is one. */
export function holesReport(structs: readonly StructHoles[], target: string): string {
  if (structs.length === 0) return '';
  const out: string[] = [`structs of the key and elem (${target}):`];
  for (const s of structs) {
    const kind = s.reorderable ? '' : ' (standard library: not yours to reorder)';
    out.push(`  ${s.path}: ${s.type}: ${s.size} bytes, align ${s.align}, ${s.padding} bytes of padding, ${s.ptrBytes} pointer bytes${kind}`);
    const rows = s.fields.map((f) => [f.name, f.type, f.offset, f.size, f.align, f.padBefore > 0 ? `${f.padBefore}-byte hole before` : '']);
    if (s.padAfter > 0) rows.push(['(tail)', '', s.size - s.padAfter, s.padAfter, '', `${s.padAfter}-byte tail padding`]);
    out.push(renderTable(['field', 'type', 'offset', 'size', 'align', 'padding'], rows, '    '));
    if (s.better) {
      const what = s.better.saves > 0 ? `${s.size} -> ${s.better.size} bytes (saves ${s.better.saves})` : `same size, pointer bytes ${s.ptrBytes} -> ${s.better.ptrBytes} (less for the GC to scan)`;
      out.push(`    better order: ${s.better.order.join(', ')}: ${what}`);
    } else if (s.reorderable && s.fields.length > 1) out.push('    already in an optimal order');
  }
  return out.join('\n') + '\n';
}

/** What the better orders save in buckets or groups, per target, and for a map of N entries. */
export function savingsReport(rows: readonly (MapSavings | FailedTarget)[]): string {
  const n = rows.find((r): r is MapSavings => !isFailed(r) && r.entries !== undefined)?.entries?.n;
  const header = ['target', 'impl', 'bucket/group now', 'reordered', 'slot now', 'reordered', ...(n !== undefined ? [`${n} entries: units`, 'bytes now', 'reordered', 'saves'] : [])];
  const body = rows.map((r) => {
    const label = `${r.go}/${r.arch}`;
    if (isFailed(r)) return [label, failLabel(r), '-', '-', '-', '-', ...(n !== undefined ? ['-', '-', '-', '-'] : [])];
    const e = r.entries;
    return [label, r.impl, r.unitSize, r.betterUnitSize, r.slotSize, r.betterSlotSize, ...(e ? [e.units, e.bytes, e.betterBytes, e.saves] : [])];
  });
  return `what the better field order saves:\n${renderTable(header, body, '  ')}`;
}
