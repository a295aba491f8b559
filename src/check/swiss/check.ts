/**
 * checkSwiss: reads a maps.Map and everything it points to through a
 * MemoryReader and reports every broken invariant of the catalogue
 * (invariants.ts).
 *
 * The walk follows the runtime's own reading of the structure:
 *
 *   Map header ── dirLen 0, dirPtr nil ─▶ an empty map (used must be 0)
 *       │      ── dirLen 0 ─────────────▶ one group (a small map)
 *       └───── dirLen 2^globalDepth ────▶ directory [*table …]
 *                                          table → groups.data [lengthMask+1 groups]
 *
 * Nothing read is trusted: every pointer is read through the reader (a
 * MemoryError is an "unreadable" finding, never an exception), the
 * directory and group counts are capped (LIMITS), string keys are read up
 * to MAX_KEY_STRING (src/check/keys.ts). Counts are compared against what the walk counted,
 * so one broken field gives one finding: a table's growthLeft is checked
 * against its counted full and deleted slots and its real group count, not
 * against its (possibly also broken) used and capacity.
 */
import { MemoryError } from '../../model/memory.js';
import { sizeOf, typeString } from '../../model/types.js';
import { goVersionString } from '../../model/goversion.js';
import { layoutOf, type SwissLayout } from '../../layout/index.js';
import { hashBits } from '../../hash/target.js';
import { InputError } from '../../base/errors.js';
import {
  CTRL_DELETED, CTRL_EMPTY, SLOTS, ctrlFull, ctrlLegal, ProbeSeq, h1, h2, MAX_TABLE_CAPACITY, depthToShift, maxGrowthLeft,
} from '../../model/runtime/index.js';
import { slotGeometry, type SlotGeometry } from '../../layout/geometry.js';
import { LIMITS, byteHex, findingLimit, type CheckOptions, type Finding, type MapReport, type MapSource, type Omitted } from '../types.js';
import { slotKeyText } from '../keytext.js';
import { swissInvariant } from './invariants.js';
import { KeyBudget, KeyHasher, KeyReadError, UncomparableKeyError, UnresolvedTypeError, keyIdentity, uncheckedReason } from '../keys.js';
import { needsDynamicType } from '../../model/types.js';
import { hex } from '../../base/hex.js';
import { Fields, directoryEntriesToRead, readMapHeader, readTableHeader, type MapHeader } from './read.js';

interface Where {
  readonly text: string;
  readonly addr?: bigint;
  readonly table?: number;
  readonly directoryIndex?: number;
  readonly group?: number;
  readonly slot?: number;
  /** A slot's key address: its findings name the key, decoded. */
  readonly key?: bigint;
}

/** Findings, at most `limit` listed per code (the rest are counted in omitted()). */
class Findings {
  readonly list: Finding[] = [];
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly synthetic: boolean,
    private readonly limit: number,
    /** The decoded key of the slot whose key is at this address. */
    private readonly keyText: (keyAddr: bigint) => string,
  ) {}

  add(code: string, w: Where, expected: string, found: string, message: string): void {
    const n = (this.counts.get(code) ?? 0) + 1;
    this.counts.set(code, n);
    if (n > this.limit) return;
    const inv = swissInvariant(code);
    const location = {
      text: w.text,
      ...(w.addr !== undefined && !this.synthetic ? { address: hex(w.addr) } : {}),
      ...(w.table !== undefined ? { table: w.table } : {}),
      ...(w.directoryIndex !== undefined ? { directoryIndex: w.directoryIndex } : {}),
      ...(w.group !== undefined ? { group: w.group } : {}),
      ...(w.slot !== undefined ? { slot: w.slot } : {}),
      ...(w.key !== undefined ? { key: this.keyText(w.key) } : {}),
    };
    this.list.push({ code, severity: inv.severity, location, expected, found, message });
  }

  finish(): Finding[] {
    return this.list;
  }

  /** Findings past the limit, as counts per code. */
  omitted(): Omitted[] {
    const out: Omitted[] = [];
    for (const [code, n] of this.counts) if (n > this.limit) out.push({ code, severity: swissInvariant(code).severity, count: n - this.limit });
    return out;
  }
}

/** One slot's key as found: where its bytes are, for hashing and identity. */
interface LiveKey {
  readonly where: Where;
  readonly ctrl: number;
  /** Address of the slot's control byte (where an H2 finding points). */
  readonly ctrlAddr: bigint;
  readonly bytes: Uint8Array;
}

/** The checker's state for one map. */
class Checker {
  readonly f: Findings;
  readonly L: SwissLayout;
  readonly geo: SlotGeometry;
  readonly ptr: number;
  readonly bigEndian: boolean;
  readonly keySize: number;
  readonly elemSize: number;
  readonly hashBits: 32 | 64;
  readonly hasher?: KeyHasher;
  readonly dupCheck: boolean;
  readonly unchecked: { code: string; reason: string }[] = [];
  private readonly seen = new Map<string, Where>();
  groupsVisited = 0;
  seed = 0n;
  /** Some memory could not be read or was beyond the limits: totals are not compared. */
  incomplete = false;

  constructor(readonly src: MapSource, opts: CheckOptions = {}) {
    const L = layoutOf(src.type, src.target);
    if (L.impl !== 'swiss') {
      throw new InputError(src.name, undefined, `Go ${goVersionString(src.target.go)}${src.target.experiment ? ' ' + src.target.experiment : ''} builds classic maps, not Swiss tables`);
    }
    this.L = L;
    this.f = new Findings(Boolean(src.syntheticAddresses), findingLimit(opts), (at) => slotKeyText(src.reader, src.type.key, at, L.key.indirect));
    this.geo = slotGeometry(L);
    const arch = src.target.arch;
    this.ptr = arch.ptrSize;
    this.bigEndian = arch.bigEndian;
    this.keySize = sizeOf(src.type.key, arch).size;
    this.elemSize = sizeOf(src.type.elem, arch).size;
    const go = goVersionString(src.target.go);
    this.hashBits = hashBits({ arch, go, aes: false });
    const hashCodes = ['swiss/h2', 'swiss/probe', 'swiss/directory-placement'];
    // Keys holding interfaces are hashed and compared under their dynamic
    // types when the source can resolve them (a core or live process with DWARF).
    const dynamic = needsDynamicType(src.type.key) && !src.dynamicTypes;
    if (dynamic) {
      const reason = `the key type ${typeString(src.type.key)} holds interfaces: hashing and comparing keys needs their dynamic types, and this source has no type information`;
      for (const code of [...hashCodes, 'swiss/duplicate']) this.unchecked.push({ code, reason });
    } else if (!src.hash) {
      for (const code of hashCodes) this.unchecked.push({ code, reason: "no hash key material (runtime.hashkey / aeskeysched): key hashes cannot be recomputed" });
    } else {
      try {
        this.hasher = new KeyHasher(src.reader, src.type.key, src.target, src.hash, src.dynamicTypes, this.keyBudget);
      } catch (e) {
        // Key material of the wrong size (a partial aeskeysched read from a core), a release the hashes do not model.
        const reason = `the hash cannot be recomputed: ${(e as Error).message}`;
        for (const code of hashCodes) this.unchecked.push({ code, reason });
      }
    }
    this.dupCheck = !dynamic;
  }

  /** reader.read, or an "unreadable" finding and undefined. */
  read(addr: bigint, len: number, w: Where, what: string): Uint8Array | undefined {
    try {
      return this.src.reader.read(addr, len);
    } catch (e) {
      if (!(e instanceof MemoryError)) throw e;
      this.f.add('swiss/unreadable', { ...w, addr }, `${len} readable bytes at ${hex(addr)}`, 'unreadable', `${w.text}: ${what}: ${e.message}`);
      this.incomplete = true;
      return undefined;
    }
  }

  fields(b: Uint8Array): Fields {
    return new Fields(b, this.bigEndian);
  }

  /** Control byte of slot i of the group at byte `off` of `b`. */
  ctrl(b: Uint8Array, off: number, i: number): number {
    return b[off + this.L.group.ctrlByteOfSlot[i]];
  }

  /**
   * A full slot: indirect pointers, key bytes, duplicates, H2. Returns the
   * key's hash when it was computed.
   */
  slot(b: Uint8Array, off: number, groupAddr: bigint, i: number, c: number, w: Where): bigint | undefined {
    const g = this.geo;
    const L = this.L;
    const keyOff = off + g.keysOff + i * g.keyStride;
    const elemOff = off + g.elemsOff + i * g.elemStride;
    if (L.elem.indirect) {
      const p = this.fields(b).uint(elemOff, this.ptr);
      if (p === 0n) this.f.add('swiss/indirect-nil', { ...w, addr: groupAddr + BigInt(elemOff - off) }, 'a pointer to the elem', 'nil', `${w.text}: a full slot's indirect elem pointer is nil`);
      else if (this.elemSize > 0) {
        if (this.read(p, 1, w, 'indirect elem')) this.read(p + BigInt(this.elemSize - 1), 1, w, 'indirect elem (last byte)');
      }
    }
    let key: Uint8Array | undefined;
    if (L.key.indirect) {
      const p = this.fields(b).uint(keyOff, this.ptr);
      if (p === 0n) {
        this.f.add('swiss/indirect-nil', { ...w, addr: groupAddr + BigInt(keyOff - off) }, 'a pointer to the key', 'nil', `${w.text}: a full slot's indirect key pointer is nil`);
        return undefined;
      }
      key = this.read(p, this.keySize, w, 'indirect key');
      if (!key) return undefined;
    } else {
      key = b.subarray(keyOff, keyOff + this.keySize);
    }
    return this.keyChecks({ where: w, ctrl: c, ctrlAddr: groupAddr + BigInt(L.group.ctrlByteOfSlot[i]), bytes: key });
  }

  private unresolved = 0;
  /** Key bytes this map's check may read, hashing and identity together (KEY_BYTES_PER_MAP). */
  private readonly keyBudget = new KeyBudget();

  /**
   * A key whose dynamic type the program's DWARF does not describe: its hash
   * and == checks are skipped, and the report says so (once).
   */
  private noteUnresolved(e: UnresolvedTypeError): void {
    if (this.unresolved++ > 0) return;
    const reason = uncheckedReason(e);
    for (const code of ['swiss/h2', 'swiss/probe', 'swiss/directory-placement', 'swiss/duplicate']) {
      if (!this.unchecked.some((u) => u.code === code)) this.unchecked.push({ code, reason });
    }
  }

  /** Dynamic-type failures of a key: true when handled (the key's checks end). */
  private dynamicFailure(e: unknown, k: LiveKey): boolean {
    if (e instanceof UnresolvedTypeError) {
      this.noteUnresolved(e);
      return true;
    }
    if (e instanceof UncomparableKeyError) {
      // Go panics hashing such a key before any slot is written: no insert can have put it here.
      this.f.add('swiss/key-comparable', k.where, 'a key of a comparable dynamic type', e.typeName, `${k.where.text}: ${e.message}`);
      return true;
    }
    return false;
  }

  private keyChecks(k: LiveKey): bigint | undefined {
    const w = k.where;
    if (this.dupCheck) {
      try {
        const id = keyIdentity(this.src.reader, this.src.type.key, k.bytes, 0, this.src.dynamicTypes, 0, this.keyBudget);
        if (id === null) return undefined; // a NaN key: no identity, and a random hash
        const first = this.seen.get(id);
        if (first) {
          this.f.add('swiss/duplicate', w, 'each key live once', `also live at ${first.text}`, `${w.text}: the key is live twice (also at ${first.text}); a lookup finds only one of them, and a delete leaves the other`);
        } else if (this.seen.size < LIMITS.maxGroups * SLOTS) this.seen.set(id, w);
      } catch (e) {
        if (this.dynamicFailure(e, k)) return undefined;
        if (e instanceof KeyReadError) {
          this.f.add('swiss/unreadable', { ...w, addr: e.addr }, 'the key\'s string data readable', 'unreadable', `${w.text}: key data: ${e.message}`);
          return undefined;
        }
        throw e;
      }
    }
    if (!this.hasher) return undefined;
    let hash: bigint;
    try {
      const h = this.hasher.hash(k.bytes, 0, this.seed);
      if (h === null) return undefined;
      hash = h;
    } catch (e) {
      if (this.dynamicFailure(e, k)) return undefined;
      if (e instanceof KeyReadError) {
        if (!this.dupCheck) this.f.add('swiss/unreadable', { ...w, addr: e.addr }, 'the key\'s data readable', 'unreadable', `${w.text}: key data: ${e.message}`);
        return undefined;
      }
      throw e;
    }
    const want = h2(hash);
    if (k.ctrl !== want) {
      this.f.add('swiss/h2', { ...w, addr: k.ctrlAddr }, byteHex(want), byteHex(k.ctrl), `${w.text}: control byte ${byteHex(k.ctrl)} is not the key's H2 ${byteHex(want)} (hash ${hex(hash)}): a lookup of this key never compares it`);
    }
    return hash;
  }

}

function ctrlText(c: number): string {
  return c === CTRL_EMPTY ? 'empty' : c === CTRL_DELETED ? 'deleted' : ctrlFull(c) ? `full ${byteHex(c)}` : byteHex(c);
}

/** Slot counts of one group or table. */
interface Counts { full: number; deleted: number; empty: number }

function checkSmall(c: Checker, h: MapHeader): number {
  const f = c.f;
  if (h.globalDepth !== 0 || h.globalShift !== 0) {
    f.add('swiss/small-depth', { text: 'header' }, 'globalDepth 0, globalShift 0', `globalDepth ${h.globalDepth}, globalShift ${h.globalShift}`, 'a small map (dirLen 0) was never given a directory, so its globalDepth and globalShift are still 0');
  }
  if (h.dirPtr === 0n) return 0;
  const gs = c.L.group.size;
  const w: Where = { text: 'small group', group: 0 };
  const b = c.read(h.dirPtr, gs, w, 'the small map\'s group');
  if (!b) return 0;
  c.groupsVisited++;
  const n: Counts = { full: 0, deleted: 0, empty: 0 };
  for (let i = 0; i < SLOTS; i++) {
    const ctrl = c.ctrl(b, 0, i);
    const sw: Where = { text: `small group slot ${i}`, group: 0, slot: i, addr: h.dirPtr + BigInt(c.L.group.ctrlByteOfSlot[i]), key: h.dirPtr + BigInt(c.geo.keysOff + i * c.geo.keyStride) };
    if (!ctrlLegal(ctrl)) {
      f.add('swiss/ctrl', sw, '0x80, 0xfe or 0x00-0x7f', byteHex(ctrl), `${sw.text}: control byte ${byteHex(ctrl)} is neither empty, deleted nor an H2`);
      continue;
    }
    if (ctrl === CTRL_EMPTY) n.empty++;
    else if (ctrl === CTRL_DELETED) {
      n.deleted++;
      f.add('swiss/small-tombstone', sw, 'empty or full', 'deleted', `${sw.text}: a small map never leaves tombstones (deleteSmall empties the slot)`);
    } else {
      n.full++;
      c.slot(b, 0, h.dirPtr, i, ctrl, { text: sw.text, group: 0, slot: i, addr: h.dirPtr + BigInt(c.geo.keysOff + i * c.geo.keyStride), key: h.dirPtr + BigInt(c.geo.keysOff + i * c.geo.keyStride) });
    }
  }
  return n.full;
}

/** "3-5, 8" for a sorted list of indices. */
function ranges(xs: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < xs.length;) {
    let j = i;
    while (j + 1 < xs.length && xs[j + 1] === xs[j] + 1) j++;
    out.push(i === j ? `${xs[i]}` : `${xs[i]}-${xs[j]}`);
    i = j + 1;
    if (out.length > 8) {
      out.push('…');
      break;
    }
  }
  return out.join(', ');
}

function checkDirectory(c: Checker, h: MapHeader): number {
  const f = c.f;
  const dirLen = h.dirLen;
  const gd = h.globalDepth;
  if (dirLen !== 1n << BigInt(gd)) {
    f.add('swiss/dir-len', { text: 'header' }, `${1n << BigInt(gd)} (1 << globalDepth ${gd})`, `${dirLen}`, `dirLen ${dirLen} is not 1 << globalDepth (${gd})`);
  }
  const wantShift = depthToShift(c.hashBits, gd);
  if (h.globalShift !== wantShift) {
    f.add('swiss/global-shift', { text: 'header' }, `${wantShift} (${c.hashBits} - globalDepth ${gd})`, `${h.globalShift}`, `globalShift ${h.globalShift} does not select the top globalDepth (${gd}) bits of a ${c.hashBits}-bit hash`);
  }
  if (h.dirPtr === 0n) {
    f.add('swiss/nil-pointer', { text: 'header' }, 'a directory', 'dirPtr nil', `dirLen is ${dirLen} but dirPtr is nil: every access faults`);
    c.incomplete = true;
    return 0;
  }
  const dl = directoryEntriesToRead(h);
  if (dl > LIMITS.maxGroups) {
    f.add('swiss/dir-len', { text: 'header' }, `at most ${LIMITS.maxGroups} entries`, `${dirLen}`, `dirLen ${dirLen} is beyond any directory the checker reads`);
    c.incomplete = true;
    return 0;
  }
  // A dirLen that disagrees with globalDepth (reported above): only the smaller directory is read.
  if (BigInt(dl) !== dirLen) c.incomplete = true;
  const p = c.ptr;
  const dir = c.read(h.dirPtr, dl * p, { text: 'directory', addr: h.dirPtr }, 'the directory');
  if (!dir) return 0;
  const df = c.fields(dir);
  const entries: bigint[] = [];
  const at = new Map<bigint, number[]>();
  for (let i = 0; i < dl; i++) {
    const t = df.uint(i * p, p);
    entries.push(t);
    if (t === 0n) {
      f.add('swiss/nil-pointer', { text: `directory[${i}]`, directoryIndex: i, addr: h.dirPtr + BigInt(i * p) }, 'a table', 'nil', `directory[${i}] is nil: a key whose hash selects it faults`);
      c.incomplete = true;
      continue;
    }
    let list = at.get(t);
    if (!list) at.set(t, (list = []));
    list.push(i);
  }
  const ordinal = new Map<bigint, number>();
  for (const t of at.keys()) ordinal.set(t, ordinal.size);
  let total = 0;
  let tombstones = 0;
  for (const [addr, idxs] of at) {
    const ti = ordinal.get(addr)!;
    const first = idxs[0];
    const tw: Where = { text: `table ${ti} (directory[${first}])`, table: ti, directoryIndex: first, addr };
    let th;
    try {
      th = readTableHeader(c.src.reader, c.L, addr);
    } catch (e) {
      if (!(e instanceof MemoryError)) throw e;
      f.add('swiss/unreadable', tw, `a table header at ${hex(addr)}`, 'unreadable', `${tw.text}: ${e.message}`);
      c.incomplete = true;
      continue;
    }
    // Directory shape.
    if (th.localDepth > gd) {
      f.add('swiss/local-depth', tw, `at most globalDepth ${gd}`, `${th.localDepth}`, `${tw.text}: localDepth ${th.localDepth} exceeds globalDepth ${gd}`);
    } else {
      const run = 2 ** (gd - th.localDepth);
      const start = first - (first % run);
      const ok = first % run === 0 && idxs.length === run && idxs.every((x, k) => x === first + k);
      if (!ok) {
        f.add('swiss/directory-span', tw, `directory[${start}-${start + run - 1}] (${run} = 2^(${gd}-${th.localDepth}) entries)`, `directory[${ranges(idxs)}]`, `${tw.text}: a table of localDepth ${th.localDepth} must fill ${run} aligned consecutive entries`);
      }
    }
    if (th.index !== BigInt(first)) {
      f.add('swiss/table-index', tw, `${first}`, `${th.index}`, `${tw.text}: index ${th.index} is not its first directory entry ${first}${th.index === -1n ? ' (-1: a replaced table still installed)' : ''}`);
    }
    const cap = th.capacity;
    const capOk = cap >= SLOTS && cap <= MAX_TABLE_CAPACITY && (cap & (cap - 1)) === 0;
    if (!capOk) {
      f.add('swiss/capacity', tw, `a power of two from ${SLOTS} to ${MAX_TABLE_CAPACITY}`, `${cap}`, `${tw.text}: capacity ${cap}`);
    }
    const maxGroups = MAX_TABLE_CAPACITY / SLOTS;
    if ((th.lengthMask + 1n) * BigInt(SLOTS) !== BigInt(cap)) {
      f.add('swiss/group-count', tw, `lengthMask + 1 = capacity ${cap} / 8`, `lengthMask ${th.lengthMask} (${th.lengthMask + 1n} groups)`, `${tw.text}: groups.lengthMask + 1 is not capacity / 8: probing and growth disagree on the table's size`);
    }
    // How many groups to read: the runtime probes with lengthMask; fall back to the capacity when the mask is absurd.
    let ng: number;
    if (th.lengthMask < BigInt(maxGroups)) ng = Number(th.lengthMask) + 1;
    else if (capOk) ng = cap / SLOTS;
    else {
      c.incomplete = true;
      continue;
    }
    if (th.data === 0n) {
      f.add('swiss/nil-pointer', tw, 'groups', 'groups.data nil', `${tw.text}: groups.data is nil`);
      c.incomplete = true;
      continue;
    }
    if (c.groupsVisited + ng > LIMITS.maxGroups) {
      c.incomplete = true;
      break;
    }
    c.groupsVisited += ng;
    const gs = c.L.group.size;
    const b = c.read(th.data, ng * gs, tw, 'the table\'s groups');
    if (!b) continue;
    const n: Counts = { full: 0, deleted: 0, empty: 0 };
    const hasEmpty: boolean[] = [];
    for (let g = 0; g < ng; g++) {
      let e = false;
      let d = false;
      for (let i = 0; i < SLOTS; i++) {
        const ctrl = c.ctrl(b, g * gs, i);
        if (ctrl === CTRL_EMPTY) e = true;
        if (ctrl === CTRL_DELETED) d = true;
      }
      hasEmpty.push(e);
      if (e && d) {
        const gw: Where = { text: `${tw.text} group ${g}`, table: ti, directoryIndex: first, group: g, addr: th.data + BigInt(g * gs) };
        f.add('swiss/mixed-group', gw, 'no deleted slot beside an empty one', `ctrl [${Array.from({ length: SLOTS }, (_, i) => ctrlText(c.ctrl(b, g * gs, i))).join(', ')}]`, `${gw.text}: a tombstone is only left in a full group; one beside an empty slot is never needed`);
      }
    }
    const mask = ng - 1;
    for (let g = 0; g < ng; g++) {
      const goff = g * gs;
      const gaddr = th.data + BigInt(goff);
      for (let i = 0; i < SLOTS; i++) {
        const ctrl = c.ctrl(b, goff, i);
        const sw: Where = { text: `${tw.text} group ${g} slot ${i}`, table: ti, directoryIndex: first, group: g, slot: i, addr: gaddr + BigInt(c.geo.keysOff + i * c.geo.keyStride), key: gaddr + BigInt(c.geo.keysOff + i * c.geo.keyStride) };
        if (!ctrlLegal(ctrl)) {
          f.add('swiss/ctrl', { ...sw, addr: gaddr + BigInt(c.L.group.ctrlByteOfSlot[i]) }, '0x80, 0xfe or 0x00-0x7f', byteHex(ctrl), `${sw.text}: control byte ${byteHex(ctrl)} is neither empty, deleted nor an H2`);
          continue;
        }
        if (ctrl === CTRL_EMPTY) {
          n.empty++;
          continue;
        }
        if (ctrl === CTRL_DELETED) {
          n.deleted++;
          continue;
        }
        n.full++;
        const hash = c.slot(b, goff, gaddr, i, ctrl, sw);
        if (hash === undefined) continue;
        // Reachability: the probe sequence from H1 must reach group g before any group with an empty slot.
        const seq = new ProbeSeq(h1(hash), mask);
        let reached = false;
        for (let step = 0; step < ng; step++, seq.next()) {
          if (seq.offset === g) {
            reached = true;
            break;
          }
          if (hasEmpty[seq.offset]) {
            f.add('swiss/probe', sw, `no group with an empty slot before group ${g} on the probe sequence`, `group ${seq.offset} (probe step ${step}) has an empty slot`, `${sw.text}: a lookup stops at group ${seq.offset} and never finds this key (hash ${hex(hash)})`);
            reached = true;
            break;
          }
        }
        if (!reached) f.add('swiss/probe', sw, `group ${g} on the probe sequence`, `not reached in ${ng} steps (lengthMask ${mask})`, `${sw.text}: the key's probe sequence never reaches its group`);
        // Directory placement: hash >> globalShift (directory index 0 when dirLen is 1).
        const idx = dl === 1 ? 0n : hash >> BigInt(h.globalShift & 63);
        if (idx >= BigInt(dl)) {
          f.add('swiss/directory-placement', sw, `a directory index below ${dl}`, `${idx}`, `${sw.text}: hash >> globalShift (${h.globalShift}) is past the directory`);
        } else if (entries[Number(idx)] !== addr) {
          const other = ordinal.get(entries[Number(idx)]);
          f.add('swiss/directory-placement', sw, `table ${ti}`, `directory[${idx}] → ${other === undefined ? 'nil' : `table ${other}`}`, `${sw.text}: the key's hash selects directory[${idx}], which leads to another table; lookups never reach this one`);
        }
      }
    }
    total += n.full;
    tombstones += n.deleted;
    if (th.used !== n.full) {
      f.add('swiss/table-used', tw, `${n.full} (full slots)`, `${th.used}`, `${tw.text}: used ${th.used} but ${n.full} slots are full`);
    }
    const want = maxGrowthLeft(ng * SLOTS) - n.full - n.deleted;
    if (th.growthLeft !== want) {
      f.add('swiss/growth-left', tw, `${want} (${maxGrowthLeft(ng * SLOTS)} - ${n.full} full - ${n.deleted} deleted)`, `${th.growthLeft}`, `${tw.text}: growthLeft ${th.growthLeft}; the table grows ${th.growthLeft > want ? 'too late (it can fill up)' : 'too early'}`);
    }
    if (n.empty === 0) {
      f.add('swiss/no-empty', tw, 'at least one empty slot', `0 empty of ${ng * SLOTS}`, `${tw.text}: no empty slot: a lookup of an absent key probes forever`);
    }
  }
  if (tombstones > 0 && h.tombstonePossible === 0) {
    f.add('swiss/tombstone-flag', { text: 'header' }, 'tombstonePossible true', 'false', `${tombstones} tombstones but tombstonePossible is false: clear() of the map once empty skips it and keeps them`);
  }
  return total;
}

export function checkSwiss(src: MapSource, opts: CheckOptions = {}): MapReport {
  const c = new Checker(src, opts);
  const f = c.f;
  const base = { name: src.name, address: src.syntheticAddresses ? '' : hex(src.addr), type: typeString(src.type), impl: 'swiss' as const };
  let h: MapHeader;
  try {
    h = readMapHeader(src.reader, c.L, src.addr);
  } catch (e) {
    if (!(e instanceof MemoryError)) throw e;
    f.add('swiss/unreadable', { text: 'header', addr: src.addr }, 'a maps.Map header', 'unreadable', `header: ${e.message}`);
    return { ...base, count: 0, findings: f.finish(), unchecked: c.unchecked, omitted: f.omitted() };
  }
  c.seed = h.seed;
  if (h.writing !== 0) {
    f.add('swiss/writing', { text: 'header' }, '0', `${h.writing}`, h.writing === 1 ? 'the map was being written when it was read (the next access by another goroutine reports concurrent map read/write)' : `writing is ${h.writing}: the runtime only toggles bit 0`);
  }
  let full: number;
  if (h.dirLen < 0n) {
    f.add('swiss/dir-len', { text: 'header' }, '0 or 1 << globalDepth', `${h.dirLen}`, `dirLen ${h.dirLen} is negative`);
    full = 0;
    c.incomplete = true;
  } else if (h.dirLen === 0n) {
    full = checkSmall(c, h);
  } else {
    full = checkDirectory(c, h);
  }
  if (h.used !== BigInt(full) && !c.incomplete) {
    f.add('swiss/used', { text: 'header' }, `${full} (full slots${h.dirLen === 0n ? h.dirPtr === 0n ? ': no group yet' : ' in the small group' : ' in all tables'})`, `${h.used}`, `Map.used ${h.used}, len(m) reports it, but ${full} slots are full`);
  }
  return { ...base, count: Number(h.used), findings: f.finish(), unchecked: c.unchecked, omitted: f.omitted() };
}

