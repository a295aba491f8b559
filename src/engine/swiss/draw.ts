/**
 * A Swiss map drawn for people: the header, the directory, and each table's
 * groups as a row of control bytes (hex H2 for a full slot, `··` empty, `xx`
 * tombstone) followed by the full slots' key: elem pairs.
 */
import type { SwissGroupSnapshot, SwissSnapshot } from './snapshot.js';
import type { JsonValue } from '../../model/values.js';

const EMPTY = 0x80;
const DELETED = 0xfe;

function ctrlCell(c: number): string {
  if (c === EMPTY) return '··';
  if (c === DELETED) return 'xx';
  return c.toString(16).padStart(2, '0');
}

function short(v: JsonValue): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v);
  return s.length > 24 ? s.slice(0, 21) + '…' : s;
}

function groupLine(label: string, g: SwissGroupSnapshot): string {
  const ctrl = g.ctrl.map(ctrlCell).join(' ');
  const full = g.ctrl.flatMap((c, i) => (c & 0x80 ? [] : [`${i}:${short(g.keys[i])}→${short(g.elems[i])}`]));
  return `  ${label.padEnd(9)}[${ctrl}]  ${full.join('  ')}`.trimEnd();
}

export function drawSwiss(s: SwissSnapshot, maxGroups = 64): string {
  const h = s.header;
  const out: string[] = [];
  out.push(`${s.type}  (Swiss table)  used ${h.used}  seed ${typeof h.seed === 'number' ? '0x' + h.seed.toString(16) : '0x' + BigInt(h.seed).toString(16)}`);
  if (h.dirLen === 0) {
    if (!s.small) out.push('  small map, no group allocated yet (the first insert allocates one)');
    else {
      out.push('  small map: one group, no table (dirLen 0)');
      out.push(groupLine('group', s.small));
    }
  } else {
    out.push(`  directory: dirLen ${h.dirLen}, globalDepth ${h.globalDepth}, globalShift ${h.globalShift}: entries → tables [${s.directory.join(' ')}]`);
    s.tables.forEach((t, ti) => {
      out.push(`  table ${ti}: capacity ${t.capacity} (${t.groups.length} groups), used ${t.used}, growthLeft ${t.growthLeft}, localDepth ${t.localDepth}, directory index ${t.index}`);
      const shown = t.groups.slice(0, maxGroups);
      shown.forEach((g, gi) => out.push(groupLine(`group ${gi}`, g)));
      if (t.groups.length > shown.length) out.push(`  … ${t.groups.length - shown.length} more groups`);
    });
  }
  out.push('  legend: [control byte per slot 0..7]: hex = H2 of a full slot, ·· empty, xx tombstone; then slot:key→elem');
  return out.join('\n');
}
