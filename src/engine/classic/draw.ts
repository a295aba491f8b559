/**
 * A classic snapshot drawn for people: the header in words, then each bucket
 * chain with its tophash bytes and the entries its full slots hold.
 *
 * Tophash cells: two hex digits for a full slot; `··` emptyRest (this and all
 * later slots empty), `--` emptyOne (a deleted slot), `eX`/`eY` evacuated to
 * the low/high half, `e·` an evacuated empty slot.
 */
import type { ClassicBucket, ClassicSnapshot } from './snapshot.js';
import type { JsonValue } from '../../model/values.js';

const MARK: Record<number, string> = { 0: '··', 1: '--', 2: 'eX', 3: 'eY', 4: 'e·' };
const FLAG_NAMES = ['iterator', 'oldIterator', 'hashWriting', 'sameSizeGrow'];

function short(v: JsonValue): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v);
  return s.length > 24 ? s.slice(0, 21) + '…' : s;
}

function drawBucket(b: ClassicBucket): string {
  const cells = b.tophash.map((t) => MARK[t] ?? t.toString(16).padStart(2, '0')).join(' ');
  const entries = b.tophash.flatMap((t, i) => (t >= 5 ? [`${short(b.keys[i])}→${short(b.elems[i])}`] : []));
  return `[${cells}]${entries.length ? '  ' + entries.join('  ') : ''}`;
}

function drawTable(name: string, t: ClassicBucket[][], maxBuckets: number): string[] {
  const out: string[] = [`${name} (${t.length}):`];
  const width = String(t.length - 1).length;
  t.slice(0, maxBuckets).forEach((chain, i) => {
    chain.forEach((b, j) => {
      const label = j === 0 ? `  ${String(i).padStart(width)} ` : `  ${' '.repeat(width)} └`;
      out.push(`${label} ${drawBucket(b)}`);
    });
  });
  if (t.length > maxBuckets) out.push(`  … ${t.length - maxBuckets} more buckets (use --json for all)`);
  return out;
}

export function drawClassic(s: ClassicSnapshot, maxBuckets = 64): string {
  const h = s.header;
  const flags = FLAG_NAMES.filter((_, i) => h.flags & (1 << i));
  const lines = [
    `${s.type}  go${s.go}${s.experiment ? ' ' + s.experiment : ''} ${s.arch}  ${s.hash.mode} hash, hash0=0x${h.hash0.toString(16)}`,
    `count=${h.count}  B=${h.B} (${2 ** h.B} buckets)  noverflow=${h.noverflow}  flags=${h.flags}${flags.length ? ' (' + flags.join('|') + ')' : ''}` +
      (h.clearSeq !== undefined ? `  clearSeq=${h.clearSeq}` : ''),
  ];
  if (s.oldbuckets) {
    lines.push(`growing${h.flags & 8 ? ' (same size)' : ''}: old buckets below ${h.nevacuate} evacuated (nevacuate=${h.nevacuate} of ${s.oldbuckets.length})`);
  }
  if (s.extra?.nextOverflow != null) lines.push(`preallocated overflow buckets: next is array index ${s.extra.nextOverflow}`);
  if (!s.buckets) lines.push('buckets: nil (allocated at the first insert)');
  else lines.push(...drawTable('buckets', s.buckets, maxBuckets));
  if (s.oldbuckets) lines.push(...drawTable('oldbuckets', s.oldbuckets, maxBuckets));
  lines.push('tophash: hex = full slot, ·· emptyRest, -- emptyOne (deleted), eX/eY evacuated to x/y, e· evacuated empty');
  return lines.join('\n');
}
