/**
 * A map's memory as a MemoryView, read through any map source (src/source):
 * a snapshot rebuilt in simulated memory, a core dump with its executable,
 * or a live process. One walk for all three, the runtime's own walk:
 *
 * - classic (runtime/map.go): the hmap at the offsets layoutOf gives, then
 *   the current array's 2^B chains and, mid-grow, the old array's chains
 *   (2^B of them after a same-size grow, 2^(B-1) after a doubling), every
 *   bucket of every chain in order;
 * - Swiss (internal/runtime/maps): a small map's one group, or the
 *   directory's distinct tables in the order the directory first names them
 *   (the checker numbers tables the same way, so its findings name the same
 *   tables), every group of each table.
 *
 * The memory is not trusted: the map is checked first (src/check), every
 * read is bounded by the checker's LIMITS, and a read that fails ends that
 * chain or table with a note, never an exception; the checker's findings say
 * what is wrong. Findings are linked to slots through their locations.
 *
 * Statistics come with the walk: load, overflow buckets, and a probe-length
 * histogram (classic: a key's position in its chain; Swiss: the groups its
 * probe sequence passes before its own, from the key's hash when the source
 * has the key material).
 */
import { checkMap, snapshotSource, LIMITS, type Finding, type MapReport, type MapSource } from '../check/index.js';
import { decodeHeader, maxB } from '../check/classic/check.js';
import { directoryEntriesToRead, Fields, readMapHeader, readTableHeader } from '../check/swiss/read.js';
import { slotKeyText } from '../check/keytext.js';
import { KeyHasher } from '../check/keys.js';
import { fieldOffsets, layoutOf, type ClassicLayout, type SwissLayout, type LayoutTarget } from '../layout/index.js';
import { slotGeometry } from '../layout/geometry.js';
import { MemoryError, decodeUint, type MemoryReader } from '../model/memory.js';
import {
  BUCKET_CNT, MIN_TOP_HASH, SAME_SIZE_GROW, isEvacuationMark, CTRL_EMPTY, CTRL_DELETED, MAX_TABLE_CAPACITY, ProbeSeq, h1,
} from '../model/runtime/index.js';
import { typeString } from '../model/types.js';
import { basename } from 'node:path';
import { hex } from '../base/hex.js';
import { InputError } from '../base/errors.js';
import { PARTS, sourceBytes, type LiveBytes } from '../footprint/index.js';
import { DECODED_STATES, TEXT_SEP, type MemoryView, type Section, type SlotState, type Stats, type ViewFinding } from './data.js';

const SLOTS = 8;

export function targetText(t: LayoutTarget): string {
  return `Go 1.${t.go.minor} ${t.arch.name}${t.experiment ? ' ' + t.experiment : ''}`;
}

/** Tophash values below minTopHash (5) mark the slot's state (runtime/map.go). */
export function classicState(tophash: number): SlotState {
  return (['R', 'E', 'X', 'Y', 'Z'] as const)[tophash] ?? 'F';
}

/** ctrlEmpty 0x80, ctrlDeleted 0xFE, a full slot's H2 in 0–127 (internal/runtime/maps/group.go). */
export function swissState(ctrl: number): SlotState {
  if (ctrl < 0x80) return 'F';
  if (ctrl === CTRL_EMPTY) return 'E';
  if (ctrl === CTRL_DELETED) return 'D';
  return '?';
}

/** States whose slot bytes are worth decoding: a live key, or the stale key an evacuation or a delete left. */
const DECODED = new Set<string>(DECODED_STATES);

const sepSafe = (t: string) => (t.includes(TEXT_SEP) ? t.replaceAll(TEXT_SEP, '\\u007f') : t);

/** A view's keys and elems per slot ('' where not decoded), and its control bytes: what the page decodes. */
export function slotTexts(v: MemoryView): { keys: string[]; elems: string[]; ctrl: Buffer } {
  const ks = v.keys === '' ? [] : v.keys.split(TEXT_SEP);
  const es = v.elems === '' ? [] : v.elems.split(TEXT_SEP);
  const keys = new Array<string>(v.states.length).fill('');
  const elems = new Array<string>(v.states.length).fill('');
  let n = 0;
  for (let i = 0; i < v.states.length; i++) {
    if (!DECODED.has(v.states[i])) continue;
    keys[i] = ks[n];
    elems[i] = es[n++];
  }
  return { keys, elems, ctrl: Buffer.from(v.ctrl, 'base64') };
}

/**
 * What the walk made of one Swiss group, kept for the next view of the same memory (a replay's next step reads
 * the engine's memory again, where most groups did not change): valid while the group's bytes, the map's seed
 * and the table's mask are the same and the key and elem hold no pointers (so their texts are the bytes').
 */
interface GroupMemo {
  readonly bytes: Uint8Array;
  readonly seed: bigint;
  readonly mask: number;
  readonly hashed: boolean;
  readonly keys: string[];
  readonly elems: string[];
  /** Probe steps of the group's full slots, for the histogram. */
  readonly probes: number[];
}

/** Group memos by memory and group address (engine memory never reuses an address: its allocations are never freed). */
const groupMemos = new WeakMap<MemoryReader, Map<bigint, GroupMemo>>();

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

class Builder {
  readonly labels: string[] = [];
  readonly addrs: string[] = [];
  readonly sections: Section[] = [];
  readonly states: string[] = [];
  readonly ctrl: number[] = [];
  readonly keys: string[] = [];
  readonly elems: string[] = [];
  readonly notes: string[] = [];
  /** Location key ("buckets/3/0", "table 2/5", "small") → first slot of that unit. */
  readonly unitAt = new Map<string, number>();
  /** probe[n]: full slots found n buckets or groups past the first one looked at. */
  readonly probe: number[] = [];

  constructor(readonly src: MapSource) {}

  get units(): number {
    return this.labels.length;
  }

  /** One bucket or group: its slots' states and control bytes, and the decoded key and elem of the slots worth it. */
  unit(label: string, locKey: string, addr: bigint, ctrl: (i: number) => number, state: (c: number) => SlotState, keyAt: (i: number) => bigint, elemAt: (i: number) => bigint, ki: boolean, ei: boolean, cached?: GroupMemo): void {
    this.unitAt.set(locKey, this.labels.length * SLOTS);
    this.labels.push(label);
    this.addrs.push(hex(addr));
    const r = this.src.reader;
    let n = 0;
    for (let i = 0; i < SLOTS; i++) {
      const c = ctrl(i);
      const s = state(c);
      this.states.push(s);
      this.ctrl.push(c);
      if (!DECODED.has(s)) continue;
      if (cached) {
        this.keys.push(cached.keys[n]);
        this.elems.push(cached.elems[n++]);
      } else {
        this.keys.push(sepSafe(slotKeyText(r, this.src.type.key, keyAt(i), ki)));
        this.elems.push(sepSafe(slotKeyText(r, this.src.type.elem, elemAt(i), ei)));
      }
    }
  }

  probed(n: number): void {
    while (this.probe.length <= n) this.probe.push(0);
    this.probe[n]++;
  }

  /** The read, or undefined with a note (the checker's findings say what is wrong). */
  read(addr: bigint, len: number, what: string): Uint8Array | undefined {
    try {
      return this.src.reader.read(addr, len);
    } catch (e) {
      if (!(e instanceof MemoryError)) throw e;
      this.notes.push(`${what} at ${hex(addr)} could not be read (${e.message}); it is not drawn`);
      return undefined;
    }
  }

  tooMany(): boolean {
    if (this.units < LIMITS.maxGroups) return false;
    this.notes.push(`stopped after ${LIMITS.maxGroups} buckets or groups`);
    return true;
  }
}

interface WalkResult {
  header: [string, string][];
  figures: [string, string][];
  probe: Stats['probe'];
}

function classicWalk(b: Builder, L: ClassicLayout): WalkResult {
  const src = b.src;
  const be = src.target.arch.bigEndian;
  const ps = src.target.arch.ptrSize;
  const hb = b.read(src.addr, L.headers.hmap.size, 'the hmap');
  if (!hb) return { header: [], figures: [], probe: { unknown: 'the header could not be read' } };
  const h = decodeHeader(L, hb, be);
  const header: [string, string][] = [
    ['count', String(h.count)], ['flags', `0x${h.flags.toString(16)}`], ['B', String(h.B)], ['noverflow', String(h.noverflow)],
    ['hash0', `0x${h.hash0.toString(16)}`], ['nevacuate', String(h.nevacuate)],
  ];
  if (!src.syntheticAddresses) header.push(['buckets', hex(h.buckets)], ['oldbuckets', hex(h.oldbuckets)]);
  const off = fieldOffsets(L.bucket);
  const size = L.bucket.size;
  const word = (x: Uint8Array, o: number) => decodeUint(x.subarray(o, o + ps), be);
  const arrays: ['buckets' | 'oldbuckets', bigint, number][] = [];
  const sane = h.B <= maxB(L, src.target.arch);
  if (!sane) b.notes.push(`B ${h.B} is past what the runtime can allocate: no bucket is drawn`);
  if (sane && h.buckets !== 0n) arrays.push(['buckets', h.buckets, 2 ** h.B]);
  if (sane && h.oldbuckets !== 0n) {
    const same = (h.flags & SAME_SIZE_GROW) !== 0;
    if (same || h.B > 0) arrays.push(['oldbuckets', h.oldbuckets, 2 ** (same ? h.B : h.B - 1)]);
  }
  const overflow = { buckets: 0, oldbuckets: 0 };
  let evacuated = 0;
  const seen = new Set<bigint>();
  walk: for (const [array, base, n] of arrays) {
    const first = b.units;
    const name = array === 'buckets' ? 'bucket' : 'oldbucket';
    for (let i = 0; i < n; i++) {
      let addr = base + BigInt(i) * BigInt(size);
      let chainEvacuated = false;
      for (let ov = 0; addr !== 0n && ov < LIMITS.maxChain; ov++) {
        if (b.tooMany()) break walk;
        if (seen.has(addr)) {
          b.notes.push(`${name} ${i}'s chain comes back to ${hex(addr)}: drawn up to there`);
          break;
        }
        seen.add(addr);
        const bytes = b.read(addr, size, `${name} ${i}${ov ? ` overflow ${ov}` : ''}`);
        if (!bytes) break;
        if (ov === 0 && array === 'oldbuckets' && isEvacuationMark(bytes[off.topbits])) chainEvacuated = true;
        if (ov > 0) overflow[array]++;
        const at = addr;
        b.unit(ov === 0 ? `${name} ${i}` : `${name} ${i} overflow ${ov}`, `${array}/${i}/${ov}`, at, (s) => bytes[off.topbits + s], classicState,
          (s) => at + BigInt(off.keys + s * L.key.storedSize), (s) => at + BigInt(off.elems + s * L.elem.storedSize), L.key.indirect, L.elem.indirect);
        // A live key is found after looking at ov buckets before its own (current array, or an old bucket not yet evacuated).
        for (let s = 0; s < BUCKET_CNT; s++) if (bytes[off.topbits + s] >= MIN_TOP_HASH && !chainEvacuated) b.probed(ov);
        addr = word(bytes, off.overflow);
      }
      if (chainEvacuated) evacuated++;
    }
    b.sections.push({
      title: array === 'buckets' ? `buckets (2^B = ${n})` : `oldbuckets (${n}, ${evacuated} evacuated, being evacuated)`,
      first,
      count: b.units - first,
    });
  }
  const nb = sane && h.buckets !== 0n ? 2 ** h.B : 0;
  const figures: [string, string][] = [
    ['entries (hmap.count)', String(h.count)],
    ['buckets', nb ? `2^${h.B} = ${nb}` : 'none allocated'],
    ['load', nb ? `${(Number(h.count) / nb).toFixed(2)} entries per bucket (the runtime grows past 6.5); ${pct(Number(h.count), nb * BUCKET_CNT)} of the array's slots` : '—'],
    ['overflow buckets', `${overflow.buckets} in the current array${arrays.some((a) => a[0] === 'oldbuckets') ? `, ${overflow.oldbuckets} in the old one` : ''} (hmap.noverflow ${h.noverflow})`],
  ];
  if (h.oldbuckets !== 0n) figures.push(['growing', `${evacuated} of ${arrays.find((a) => a[0] === 'oldbuckets')?.[2] ?? '?'} old buckets evacuated (nevacuate ${h.nevacuate})`]);
  return { header, figures, probe: { unit: 'buckets looked at before the key\'s own (its position in the overflow chain)', counts: b.probe } };
}

function pct(n: number, d: number): string {
  return d === 0 ? '—' : `${((100 * n) / d).toFixed(1)}%`;
}

function swissWalk(b: Builder, L: SwissLayout, reuse: boolean): WalkResult {
  const src = b.src;
  const r = src.reader;
  const p = r.arch.ptrSize;
  const geo = slotGeometry(L);
  const gs = L.group.size;
  let h: ReturnType<typeof readMapHeader>;
  try {
    h = readMapHeader(r, L, src.addr);
  } catch (e) {
    if (!(e instanceof MemoryError)) throw e;
    return { header: [], figures: [], probe: { unknown: 'the header could not be read' } };
  }
  const header: [string, string][] = [
    ['used', String(h.used)], ['globalDepth', String(h.globalDepth)], ['globalShift', String(h.globalShift)], ['dirLen', String(h.dirLen)],
    ['seed', hex(h.seed)], ['writing', String(h.writing)], ['clearSeq', String(h.clearSeq)],
  ];
  if (!src.syntheticAddresses) header.push(['dirPtr', hex(h.dirPtr)]);
  // The probe histogram needs each key's hash: H1 picks the first group looked at.
  let hasher: KeyHasher | undefined;
  let why = '';
  if (!src.hash) why = 'no hash key material (a stripped binary): where a key\'s probe starts is not known';
  else {
    try {
      hasher = new KeyHasher(r, src.type.key, src.target, src.hash, src.dynamicTypes);
    } catch (e) {
      why = `the hash cannot be recomputed: ${(e as Error).message}`;
    }
  }
  const keySize = L.key.indirect ? p : L.key.size;
  const group = (bytes: Uint8Array, goff: number, gaddr: bigint, label: string, locKey: string, cached?: GroupMemo) =>
    b.unit(label, locKey, gaddr, (i) => bytes[goff + L.group.ctrlByteOfSlot[i]], swissState,
      (i) => gaddr + BigInt(geo.keysOff + i * geo.keyStride), (i) => gaddr + BigInt(geo.elemsOff + i * geo.elemStride), L.key.indirect, L.elem.indirect, cached);
  let memos: Map<bigint, GroupMemo> | undefined;
  if (reuse) {
    memos = groupMemos.get(r);
    if (!memos) groupMemos.set(r, (memos = new Map()));
  }
  const figures: [string, string][] = [['entries (Map.used)', String(h.used)]];
  if (h.dirLen === 0n) {
    if (h.dirPtr !== 0n) {
      const bytes = b.read(h.dirPtr, gs, 'the small group');
      if (bytes) group(bytes, 0, h.dirPtr, 'small group', 'small');
    }
    b.sections.push({ title: 'small map: one group, no directory', first: 0, count: b.units, unit: 'small group' });
    figures.push(['load', `${pct(Number(h.used), 8)} of the small group's 8 slots`], ['overflow', 'none: a Swiss map has no overflow buckets']);
    return { header, figures, probe: { unit: 'groups looked at before the key\'s own', counts: b.units ? [Number(h.used)] : [] } };
  }
  const n = directoryEntriesToRead(h);
  const dirBytes = n > LIMITS.maxGroups ? undefined : b.read(h.dirPtr, n * p, 'the directory');
  if (!dirBytes) return { header, figures, probe: { unknown: 'the directory could not be read' } };
  const dir = new Fields(dirBytes, r.arch.bigEndian);
  const at = new Map<bigint, number[]>();
  for (let i = 0; i < n; i++) {
    const t = dir.uint(i * p, p);
    if (t === 0n) continue;
    let list = at.get(t);
    if (!list) at.set(t, (list = []));
    list.push(i);
  }
  let capacity = 0;
  let tombstones = 0;
  let growthLeft = 0;
  let ti = -1;
  for (const [taddr, idxs] of at) {
    ti++;
    if (b.tooMany()) break;
    let th;
    try {
      th = readTableHeader(r, L, taddr);
    } catch (e) {
      if (!(e instanceof MemoryError)) throw e;
      b.notes.push(`table ${ti} at ${hex(taddr)} could not be read`);
      continue;
    }
    if (th.lengthMask >= BigInt(MAX_TABLE_CAPACITY / SLOTS)) {
      b.notes.push(`table ${ti}: lengthMask ${th.lengthMask} is past the largest table; its groups are not drawn`);
      continue;
    }
    const ng = Number(th.lengthMask) + 1;
    const bytes = b.read(th.data, ng * gs, `table ${ti}'s groups`);
    const first = b.units;
    if (bytes) {
      for (let g = 0; g < ng; g++) {
        const gaddr = th.data + BigInt(g * gs);
        const gb = bytes.subarray(g * gs, (g + 1) * gs);
        const memo = memos?.get(gaddr);
        const hit = memo !== undefined && memo.seed === h.seed && memo.mask === ng - 1 && memo.hashed === (hasher !== undefined) && sameBytes(memo.bytes, gb);
        const k0 = b.keys.length;
        group(bytes, g * gs, gaddr, `table ${ti} group ${g}`, `table ${ti}/${g}`, hit ? memo : undefined);
        const probes: number[] = [];
        for (let i = 0; i < SLOTS; i++) if (bytes[g * gs + L.group.ctrlByteOfSlot[i]] === CTRL_DELETED) tombstones++;
        if (hit) {
          for (const p of memo.probes) b.probed(p);
          continue;
        }
        for (let i = 0; i < SLOTS; i++) {
          const c = bytes[g * gs + L.group.ctrlByteOfSlot[i]];
          if (c >= 0x80 || !hasher) continue;
          // Where the key's lookup starts (H1 & mask) and how many groups it passes to reach g.
          const ko = g * gs + geo.keysOff + i * geo.keyStride;
          let key: Uint8Array | undefined = bytes.subarray(ko, ko + keySize);
          if (L.key.indirect) key = b.read(decodeUint(key, r.arch.bigEndian), L.key.size, 'an indirect key');
          let hash: bigint | null = null;
          try {
            hash = key ? hasher.hash(key, 0, h.seed) : null;
          } catch (e) {
            if (e instanceof InputError) throw e;
          }
          if (hash === null) continue;
          const seq = new ProbeSeq(h1(hash), ng - 1);
          for (let step = 0; step < ng; step++, seq.next()) {
            if (seq.offset === g) {
              b.probed(step);
              probes.push(step);
              break;
            }
          }
        }
        memos?.set(gaddr, { bytes: gb.slice(), seed: h.seed, mask: ng - 1, hashed: hasher !== undefined, keys: b.keys.slice(k0), elems: b.elems.slice(k0), probes });
      }
    }
    capacity += th.capacity;
    growthLeft += th.growthLeft;
    const span = idxs.length === 1 ? `directory[${idxs[0]}]` : `directory[${idxs[0]}–${idxs[idxs.length - 1]}]`;
    b.sections.push({
      title: `table ${ti}: ${span}, capacity ${th.capacity}, used ${th.used}, growthLeft ${th.growthLeft}, localDepth ${th.localDepth}`,
      first,
      count: b.units - first,
      unit: `table ${ti} group`,
    });
  }
  figures.push(
    ['tables', `${at.size} (directory of ${n} entries, globalDepth ${h.globalDepth})`],
    ['load', `${pct(Number(h.used), capacity)} of ${capacity} slots (a table grows or splits past 7/8)`],
    ['tombstones', `${tombstones} deleted slots; growthLeft ${growthLeft} in all`],
    ['overflow', 'none: a Swiss map has no overflow buckets (probing moves on to further groups)'],
  );
  return { header, figures, probe: hasher ? { unit: 'groups looked at before the key\'s own (probe steps from H1)', counts: b.probe } : { unknown: why } };
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

/** The unit (bucket or group) a finding's key belongs in, if its location says and that unit is drawn. */
function homeOf(f: Finding, b: Builder): number | undefined {
  const h = f.location.home;
  if (!h) return undefined;
  let first: number | undefined;
  if (h.bucket !== undefined) first = b.unitAt.get(`${h.array ?? 'buckets'}/${h.bucket}/0`);
  else if (h.table !== undefined && h.group !== undefined) first = b.unitAt.get(`table ${h.table}/${h.group}`);
  else if (h.group !== undefined) first = b.unitAt.get('small');
  return first === undefined ? undefined : first / SLOTS;
}

/** Where slot i's key sits in its unit: the page adds the unit's address (or names the offset when addresses are synthetic). */
function keyOffsets(L: ClassicLayout | SwissLayout): number[] {
  if (L.impl === 'classic') {
    const k = fieldOffsets(L.bucket).keys;
    return Array.from({ length: SLOTS }, (_, i) => k + i * L.key.storedSize);
  }
  const g = slotGeometry(L);
  return Array.from({ length: SLOTS }, (_, i) => g.keysOff + i * g.keyStride);
}

/** Bytes by kind for the statistics panel: the parts an implementation has, in src/footprint's order and words, total last. */
export function bytesRows(impl: 'classic' | 'swiss', b: LiveBytes): [string, number][] {
  const classic = new Set(['header', 'extra', 'buckets', 'oldbuckets', 'overflow', 'indirectKeys', 'indirectElems']);
  const swiss = new Set(['header', 'directory', 'tables', 'groups', 'indirectKeys', 'indirectElems']);
  const rows: [string, number][] = PARTS.filter(([k]) => (impl === 'classic' ? classic : swiss).has(k)).map(([k, name]) => [name, b[k]]);
  rows.push(['total', b.total]);
  return rows;
}

export interface SourceViewOptions {
  /** For the page: "snapshot FILE.json", "core CORE (BINARY)", "pid 4242 (frozen)". */
  readonly origin: string;
  /** The check already run over this source (else it is run here). */
  readonly report?: MapReport;
  /**
   * Keep what the walk made of each Swiss group for the next view of the same memory, and use what an earlier view
   * kept (a replay reading the engine's memory step after step).
   */
  readonly reuse?: boolean;
  /** Bytes by kind as src/footprint counts an engine's map (a replay); else they are counted from the source's memory. */
  readonly bytes?: Stats['bytes'];
}

/** The view of one map source: checked, then walked slot by slot. */
export function sourceView(src: MapSource, opts: SourceViewOptions): MemoryView {
  const report = opts.report ?? checkMap(src);
  const L = layoutOf(src.type, src.target);
  const b = new Builder(src);
  const w = L.impl === 'classic' ? classicWalk(b, L) : swissWalk(b, L, opts.reuse === true && !L.key.hasPointers && !L.elem.hasPointers && !L.key.indirect && !L.elem.indirect);
  const findings: ViewFinding[] = report.findings.map((f) => {
    const slot = slotOf(f, b);
    const home = homeOf(f, b);
    return {
      severity: f.severity, code: f.code, message: `${f.location.text}: ${f.message}`,
      ...(slot === undefined ? {} : { slot }),
      ...(f.location.home ? { homeText: f.location.home.text } : {}),
      ...(home === undefined ? {} : { home }),
    };
  });
  for (const o of report.omitted) findings.push({ severity: o.severity, code: o.code, message: `${o.count} more ${o.code} findings not listed` });
  return {
    kind: 'memory',
    impl: L.impl,
    source: opts.origin,
    name: src.name,
    type: typeString(src.type),
    target: targetText(src.target),
    count: report.count,
    header: w.header,
    sections: b.sections,
    unitCount: b.units,
    ...(L.impl === 'classic' ? { units: b.labels.join('\n') } : {}),
    ...(src.syntheticAddresses ? {} : { unitAddrs: b.addrs.join('\n') }),
    unitWord: L.impl === 'classic' ? 'bucket' : 'group',
    keyOffsets: keyOffsets(L),
    states: b.states.join(''),
    ctrl: Buffer.from(Uint8Array.from(b.ctrl)).toString('base64'),
    keys: b.keys.join(TEXT_SEP),
    elems: b.elems.join(TEXT_SEP),
    findings,
    unchecked: report.unchecked.map((u) => `${u.code}: ${u.reason}`),
    notes: b.notes,
    stats: {
      figures: w.figures,
      probe: w.probe,
      bytes: opts.bytes ?? bytesFrom(src, L.impl),
    },
  };
}

function bytesFrom(src: MapSource, impl: 'classic' | 'swiss'): Stats['bytes'] {
  const b = sourceBytes(src);
  return typeof b === 'string' ? b : bytesRows(impl, b);
}

/** The view of a snapshot (docs/json.md "sim"); throws InputError naming the JSON path on one that is not the documented format. */
export function snapshotView(json: unknown, file: string): MemoryView {
  return sourceView(snapshotSource(json, file), { origin: `snapshot ${basename(file)}` });
}
