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
import { SeenKeys } from '../keyset.js';
import { MemoryError } from '../../model/memory.js';
import { sizeOf, typeString } from '../../model/types.js';
import { goVersionString } from '../../model/goversion.js';
import { layoutOf, type SwissLayout } from '../../layout/index.js';
import { hashBits } from '../../hash/target.js';
import { InputError } from '../../base/errors.js';
import {
  CTRL_DELETED, CTRL_EMPTY, SLOTS, ctrlFull, ctrlLegal, ProbeSeq, h1, h2Lo, probeStart, probeNext, MAX_TABLE_CAPACITY, depthToShift,
  maxGrowthLeft,
} from '../../model/runtime/index.js';
import { slotGeometry, type SlotGeometry } from '../../layout/geometry.js';
import {
  LIMITS, byteHex, findingLimit, type CheckOptions, type Finding, type FindingText, type Home, type MapReport, type MapSource, type Omitted,
} from '../types.js';
import { FindingCollector } from '../findings.js';
import { slotKeyText } from '../keytext.js';
import { SWISS_BY_CODE, SWISS_FINDINGS as F } from './invariants.js';
import {
  KeyBudget, KeyHasher, KeyReadError, UncomparableKeyError, UnresolvedTypeError, uncheckedReason,
} from '../keys.js';
import { needsDynamicType } from '../../model/types.js';
import { hex } from '../../base/hex.js';
import { Fields, directoryEntriesToRead, readMapHeader, readTableHeader, type MapHeader, type TableHeader } from './read.js';

/**
 * A slot's place as one number (the duplicate check keeps millions): table ordinal + 1 (0: the small
 * group), group (< 2^23: a walk visits at most 2^22), slot.
 */
interface Where {
  readonly text: string;
  readonly addr?: bigint;
  readonly table?: number;
  readonly directoryIndex?: number;
  readonly group?: number;
  readonly slot?: number;
  /** A slot's key address: its findings name the key, decoded. */
  readonly key?: bigint;
  /** Findings about where a key sits: where its lookup goes (worked out only when the finding is listed). */
  readonly home?: () => Home | undefined;
}

/** A Where's fields as a plain object (a TableSlot's are getters, which a spread would not copy). */
function plain(w: Where): Where {
  return {
    text: w.text, addr: w.addr, table: w.table, directoryIndex: w.directoryIndex, group: w.group, slot: w.slot, key: w.key, home: w.home,
  };
}

/** Where the runtime's lookup of a key with this hash goes (Location.home), for the walk of one small group or directory. */
type HomeOf = (hash: bigint) => Home | undefined;

/**
 * The shared collector (src/check/findings.ts) with the Swiss checker's way
 * of saying where: a Where becomes a Location, and a slot's key is decoded
 * only when its finding is listed.
 */
class Findings {
  private readonly collector: FindingCollector;

  constructor(
    private readonly synthetic: boolean,
    limit: number,
    /** The decoded key of the slot whose key is at this address. */
    private readonly keyText: (keyAddr: bigint) => string,
  ) {
    this.collector = new FindingCollector(SWISS_BY_CODE, limit);
  }

  add(w: Where, t: FindingText): void {
    this.collector.add(() => {
      const home = w.home?.();
      return {
      text: w.text,
      ...(w.addr !== undefined && !this.synthetic ? { address: hex(w.addr) } : {}),
      ...(w.table !== undefined ? { table: w.table } : {}),
      ...(w.directoryIndex !== undefined ? { directoryIndex: w.directoryIndex } : {}),
      ...(w.group !== undefined ? { group: w.group } : {}),
      ...(w.slot !== undefined ? { slot: w.slot } : {}),
      ...(w.key !== undefined ? { key: this.keyText(w.key) } : {}),
      ...(home ? { home } : {}),
      };
    }, t);
  }

  finish(): Finding[] {
    return this.collector.list;
  }

  omitted(): Omitted[] {
    return this.collector.omitted();
  }
}

/** One slot's key as found: where its bytes are, for hashing and identity. */
interface LiveKey {
  readonly where: Where;
  readonly ctrl: number;
  /** The slot's group and its control byte's offset in it (where an H2 finding points). */
  readonly groupAddr: bigint;
  readonly ctrlOff: number;
  /** The key's bytes are bytes[off:]. */
  readonly bytes: Uint8Array;
  readonly off: number;
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
  /** Live keys seen so far (identity, and the slot's place: slotCode). */
  private seen: SeenKeys | undefined;
  /**
   * The groups the walk reads, numbered in walk order: the small map's group
   * is 0; table j's groups (in the order the tables are walked) follow the
   * groups of the tables before it. runBase[r] is the first group ordinal of
   * the r-th run of groups read, runTable[r] its table ordinal (-1: the small
   * group) and runData[r] its first group's address. A slot's code is its
   * group's ordinal · 8 + slot: under 2^25, since at most LIMITS.maxGroups
   * groups are read.
   */
  private readonly runBase: number[] = [];
  private readonly runTable: number[] = [];
  private readonly runData: number[] = [];
  /** Table ordinal → its run (slot codes are made from a Where's table). */
  private readonly runOfTable: number[] = [];
  /** The where text of each table by ordinal (slot codes name a table by it). */
  readonly tableText: string[] = [];
  groupsVisited = 0;
  seed = 0n;
  /** The low 32 bits of the last hash keyChecks computed. */
  hashLo = 0;
  /** The header's globalShift as a BigInt (a key's directory index is hash >> globalShift). */
  dirShift = 0n;
  /** Some memory could not be read or was beyond the limits: totals are not compared. */
  incomplete = false;

  readonly progress: CheckOptions['progress'];

  constructor(readonly src: MapSource, opts: CheckOptions = {}) {
    this.progress = opts.progress;
    const L = layoutOf(src.type, src.target);
    if (L.impl !== 'swiss') {
      const go = `Go ${goVersionString(src.target.go)}${src.target.experiment ? ' ' + src.target.experiment : ''}`;
      throw new InputError(src.name, undefined, `${go} builds classic maps, not Swiss tables`);
    }
    this.L = L;
    const keyText = (at: bigint) => slotKeyText(src.reader, src.type.key, at, L.key.indirect);
    this.f = new Findings(Boolean(src.syntheticAddresses), findingLimit(opts), keyText);
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
      const reason = `the key type ${typeString(src.type.key)} holds interfaces: hashing and comparing keys needs their dynamic types, ` +
        'and this source has no type information';
      for (const code of [...hashCodes, 'swiss/duplicate']) this.unchecked.push({ code, reason });
    } else if (!src.hash) {
      const reason = 'no hash key material (runtime.hashkey / aeskeysched): key hashes cannot be recomputed';
      for (const code of hashCodes) this.unchecked.push({ code, reason });
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
      this.f.add({ ...plain(w), addr }, F.unreadable(w.text, what, len, addr, e.message));
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
  slot(b: Uint8Array, off: number, groupAddr: bigint, i: number, c: number, w: Where, homeOf: HomeOf): bigint | undefined {
    const g = this.geo;
    const L = this.L;
    const keyOff = off + g.keysOff + i * g.keyStride;
    const elemOff = off + g.elemsOff + i * g.elemStride;
    if (L.elem.indirect) {
      const p = this.fields(b).uint(elemOff, this.ptr);
      if (p === 0n) this.f.add({ ...plain(w), addr: groupAddr + BigInt(elemOff - off) }, F.elemNil(w.text));
      else if (this.elemSize > 0) {
        if (this.read(p, 1, w, 'indirect elem')) this.read(p + BigInt(this.elemSize - 1), 1, w, 'indirect elem (last byte)');
      }
    }
    let key: Uint8Array | undefined;
    let at = keyOff;
    if (L.key.indirect) {
      const p = this.fields(b).uint(keyOff, this.ptr);
      if (p === 0n) {
        this.f.add({ ...plain(w), addr: groupAddr + BigInt(keyOff - off) }, F.keyNil(w.text));
        return undefined;
      }
      key = this.read(p, this.keySize, w, 'indirect key');
      if (!key) return undefined;
      at = 0;
    } else {
      key = b;
    }
    return this.keyChecks({ where: w, ctrl: c, groupAddr, ctrlOff: L.group.ctrlByteOfSlot[i], bytes: key, off: at }, homeOf);
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
      this.f.add(k.where, F.keyUncomparable(k.where.text, e.typeName, e.message));
      return true;
    }
    return false;
  }

  /** How many keys the header says the map holds (sizes the duplicate check's set). */
  expected = 0;

  /** Notes that `groups` groups at `data` are read next, for table `table` (-1: the small map's group). */
  readGroups(table: number, data: bigint, groups: number): void {
    if (table >= 0) this.runOfTable[table] = this.runBase.length;
    this.runBase.push(this.groupsVisited);
    this.runTable.push(table);
    this.runData.push(Number(data));
    this.groupsVisited += groups;
  }

  private slotCode(w: Where): number {
    const r = w.table === undefined ? 0 : this.runOfTable[w.table];
    return (this.runBase[r] + (w.group ?? 0)) * SLOTS + (w.slot ?? 0);
  }

  /** A slot code's run, group within it and slot. */
  private decode(code: number): { run: number; group: number; slot: number } {
    const slot = code % SLOTS;
    const ord = (code - slot) / SLOTS;
    let lo = 0;
    let hi = this.runBase.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.runBase[mid] <= ord) lo = mid;
      else hi = mid - 1;
    }
    return { run: lo, group: ord - this.runBase[lo], slot };
  }

  /** The where text of a slot code. */
  private slotText(code: number): string {
    const { run, group, slot } = this.decode(code);
    const table = this.runTable[run];
    return table < 0 ? `small group slot ${slot}` : `${this.tableText[table]} group ${group} slot ${slot}`;
  }

  /** The address of the bytes of the key in the slot with this code (through its pointer when indirect); null when unreadable. */
  private keyAtCode(code: number): number | null {
    const { run, group, slot } = this.decode(code);
    const at = this.runData[run] + group * this.L.group.size + this.geo.keysOff + slot * this.geo.keyStride;
    if (!this.L.key.indirect) return at;
    try {
      return Number(this.fields(this.src.reader.read(at, this.ptr)).uint(0, this.ptr));
    } catch (e) {
      if (e instanceof MemoryError) return null;
      throw e;
    }
  }

  private keyChecks(k: LiveKey, homeOf: HomeOf): bigint | undefined {
    const w = k.where;
    if (this.dupCheck) {
      try {
        this.seen ??= new SeenKeys(this.src.reader, this.src.type.key, this.expected, (code) => this.keyAtCode(code),
          this.src.dynamicTypes, this.keyBudget);
        const first = this.seen.add(k.bytes, k.off, this.slotCode(w));
        if (first === null) return undefined; // a NaN key: equal to nothing, and a random hash
        if (first >= 0) this.f.add(w, F.duplicate(w.text, this.slotText(first)));
      } catch (e) {
        if (this.dynamicFailure(e, k)) return undefined;
        if (e instanceof KeyReadError) {
          this.f.add({ ...plain(w), addr: e.addr }, F.keyDataUnreadable(w.text, 'string data', e.message));
          return undefined;
        }
        throw e;
      }
    }
    if (!this.hasher) return undefined;
    let hash: bigint;
    try {
      const h = this.hasher.hash(k.bytes, k.off, this.seed);
      if (h === null) return undefined;
      hash = h;
    } catch (e) {
      if (this.dynamicFailure(e, k)) return undefined;
      if (e instanceof KeyReadError) {
        if (!this.dupCheck) this.f.add({ ...plain(w), addr: e.addr }, F.keyDataUnreadable(w.text, 'data', e.message));
        return undefined;
      }
      throw e;
    }
    // The low 32 bits give H2 and the probe start (a table has at most 2^7 groups): one BigInt per key, not one per use.
    this.hashLo = Number(BigInt.asUintN(32, hash));
    const want = h2Lo(this.hashLo);
    if (k.ctrl !== want) {
      this.f.add({ ...plain(w), addr: k.groupAddr + BigInt(k.ctrlOff), home: () => homeOf(hash) }, F.h2(w.text, want, k.ctrl, hash));
    }
    return hash;
  }

}

function ctrlText(c: number): string {
  return c === CTRL_EMPTY ? 'empty' : c === CTRL_DELETED ? 'deleted' : ctrlFull(c) ? `full ${byteHex(c)}` : byteHex(c);
}

/** Slot counts of one group or table. */
interface Counts { full: number; deleted: number; empty: number }

/** A small map's lookup scans its one group (map.go getWithKeySmall): every key's home. */
const smallHome: HomeOf = () => ({ text: 'small group (a small map has one group; a lookup scans all of it)', group: 0 });

function checkSmall(c: Checker, h: MapHeader): number {
  const f = c.f;
  if (h.globalDepth !== 0 || h.globalShift !== 0) {
    f.add({ text: 'header' }, F.smallDepth(h.globalDepth, h.globalShift));
  }
  if (h.dirPtr === 0n) return 0;
  const gs = c.L.group.size;
  const w: Where = { text: 'small group', group: 0 };
  const b = c.read(h.dirPtr, gs, w, 'the small map\'s group');
  if (!b) return 0;
  c.readGroups(-1, h.dirPtr, 1);
  const n: Counts = { full: 0, deleted: 0, empty: 0 };
  for (let i = 0; i < SLOTS; i++) {
    const ctrl = c.ctrl(b, 0, i);
    const keyAddr = h.dirPtr + BigInt(c.geo.keysOff + i * c.geo.keyStride);
    const ctrlAddr = h.dirPtr + BigInt(c.L.group.ctrlByteOfSlot[i]);
    const sw: Where = { text: `small group slot ${i}`, group: 0, slot: i, addr: ctrlAddr, key: keyAddr };
    if (!ctrlLegal(ctrl)) {
      f.add(sw, F.ctrl(sw.text, ctrl));
      continue;
    }
    if (ctrl === CTRL_EMPTY) n.empty++;
    else if (ctrl === CTRL_DELETED) {
      n.deleted++;
      f.add(sw, F.smallTombstone(sw.text));
    } else {
      n.full++;
      c.slot(b, 0, h.dirPtr, i, ctrl, { text: sw.text, group: 0, slot: i, addr: keyAddr, key: keyAddr }, smallHome);
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

/** The directory as read: its entries, and each distinct table with the entries that lead to it. */
interface Directory {
  /** Entries read (dirLen, or fewer when dirLen disagrees with globalDepth). */
  readonly length: number;
  readonly entries: bigint[];
  /** Table address → the directory indices holding it, in directory order. */
  readonly tables: Map<bigint, number[]>;
  /** Table address → its ordinal ("table 2"), in order of first appearance. */
  readonly ordinal: Map<bigint, number>;
}

/** The header's directory fields and the directory's entries; undefined when there is no directory to walk. */
function readDirectory(c: Checker, h: MapHeader): Directory | undefined {
  const f = c.f;
  const dirLen = h.dirLen;
  const gd = h.globalDepth;
  if (dirLen !== 1n << BigInt(gd)) f.add({ text: 'header' }, F.dirLen(dirLen, gd));
  const wantShift = depthToShift(c.hashBits, gd);
  if (h.globalShift !== wantShift) f.add({ text: 'header' }, F.globalShift(wantShift, c.hashBits, gd, h.globalShift));
  if (h.dirPtr === 0n) {
    f.add({ text: 'header' }, F.dirPtrNil(dirLen));
    c.incomplete = true;
    return undefined;
  }
  const dl = directoryEntriesToRead(h);
  if (dl > LIMITS.maxGroups) {
    f.add({ text: 'header' }, F.dirTooLong(LIMITS.maxGroups, dirLen));
    c.incomplete = true;
    return undefined;
  }
  // A dirLen that disagrees with globalDepth (reported above): only the smaller directory is read.
  if (BigInt(dl) !== dirLen) c.incomplete = true;
  const p = c.ptr;
  const dir = c.read(h.dirPtr, dl * p, { text: 'directory', addr: h.dirPtr }, 'the directory');
  if (!dir) return undefined;
  const df = c.fields(dir);
  const entries: bigint[] = [];
  const tables = new Map<bigint, number[]>();
  for (let i = 0; i < dl; i++) {
    const t = df.uint(i * p, p);
    entries.push(t);
    if (t === 0n) {
      f.add({ text: `directory[${i}]`, directoryIndex: i, addr: h.dirPtr + BigInt(i * p) }, F.dirEntryNil(i));
      c.incomplete = true;
      continue;
    }
    let list = tables.get(t);
    if (!list) tables.set(t, (list = []));
    list.push(i);
  }
  const ordinal = new Map<bigint, number>();
  for (const t of tables.keys()) ordinal.set(t, ordinal.size);
  return { length: dl, entries, tables, ordinal };
}

/** One table of the directory, as the walk knows it. */
interface TableAt {
  readonly addr: bigint;
  readonly ordinal: number;
  /** Its first directory entry. */
  readonly first: number;
  readonly where: Where;
}

/**
 * A full slot of a table's group, made for every key: its text and addresses
 * are worked out only when a finding asks for them.
 */
class TableSlot implements Where {
  constructor(
    private readonly t: TableAt,
    readonly group: number,
    readonly slot: number,
    private readonly groupAddr: bigint,
    private readonly keyOff: number,
  ) {}

  get text(): string {
    return `${this.t.where.text} group ${this.group} slot ${this.slot}`;
  }

  get table(): number {
    return this.t.ordinal;
  }

  get directoryIndex(): number {
    return this.t.first;
  }

  get addr(): bigint {
    return this.groupAddr + BigInt(this.keyOff);
  }

  get key(): bigint {
    return this.addr;
  }
}

/**
 * A table's header against the directory (localDepth, the span of entries it
 * fills, index) and against itself (capacity, group count). Returns the
 * header and the number of groups to read, 'skip' when its groups cannot be
 * walked, 'stop' when the walk limit is reached.
 */
function checkTableHeader(c: Checker, gd: number, t: TableAt, idxs: number[]): { th: TableHeader; ng: number } | 'skip' | 'stop' {
  const f = c.f;
  const tw = t.where;
  let th: TableHeader;
  try {
    th = readTableHeader(c.src.reader, c.L, t.addr);
  } catch (e) {
    if (!(e instanceof MemoryError)) throw e;
    f.add(tw, F.tableUnreadable(tw.text, t.addr, e.message));
    c.incomplete = true;
    return 'skip';
  }
  // Directory shape.
  if (th.localDepth > gd) {
    f.add(tw, F.localDepth(tw.text, th.localDepth, gd));
  } else {
    const run = 2 ** (gd - th.localDepth);
    const first = t.first;
    const start = first - (first % run);
    const ok = first % run === 0 && idxs.length === run && idxs.every((x, k) => x === first + k);
    if (!ok) f.add(tw, F.directorySpan(tw.text, start, run, gd, th.localDepth, ranges(idxs)));
  }
  if (th.index !== BigInt(t.first)) f.add(tw, F.tableIndex(tw.text, t.first, th.index));
  const cap = th.capacity;
  const capOk = cap >= SLOTS && cap <= MAX_TABLE_CAPACITY && (cap & (cap - 1)) === 0;
  if (!capOk) f.add(tw, F.capacity(tw.text, SLOTS, MAX_TABLE_CAPACITY, cap));
  const maxGroups = MAX_TABLE_CAPACITY / SLOTS;
  if ((th.lengthMask + 1n) * BigInt(SLOTS) !== BigInt(cap)) f.add(tw, F.groupCount(tw.text, cap, th.lengthMask));
  // How many groups to read: the runtime probes with lengthMask; fall back to the capacity when the mask is absurd.
  let ng: number;
  if (th.lengthMask < BigInt(maxGroups)) ng = Number(th.lengthMask) + 1;
  else if (capOk) ng = cap / SLOTS;
  else {
    c.incomplete = true;
    return 'skip';
  }
  if (th.data === 0n) {
    f.add(tw, F.groupsNil(tw.text));
    c.incomplete = true;
    return 'skip';
  }
  if (c.groupsVisited + ng > LIMITS.maxGroups) {
    c.incomplete = true;
    return 'stop';
  }
  c.readGroups(t.ordinal, th.data, ng);
  return { th, ng };
}

/** Which of a table's groups hold an empty slot (probing stops there); a group with both empty and deleted slots is a finding. */
function groupsWithEmpty(c: Checker, t: TableAt, data: bigint, b: Uint8Array, ng: number): boolean[] {
  const gs = c.L.group.size;
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
      const gw: Where = {
        text: `${t.where.text} group ${g}`, table: t.ordinal, directoryIndex: t.first, group: g, addr: data + BigInt(g * gs),
      };
      const ctrls = Array.from({ length: SLOTS }, (_, i) => ctrlText(c.ctrl(b, g * gs, i))).join(', ');
      c.f.add(gw, F.mixedGroup(gw.text, ctrls));
    }
  }
  return hasEmpty;
}

/**
 * Where a full slot's hash says its key is: the probe sequence from H1 must
 * reach its group before any group with an empty slot (table.go getWithKey),
 * and hash >> globalShift must select this table's directory entry (index 0
 * when dirLen is 1).
 */
function checkPlacement(
  c: Checker, h: MapHeader, d: Directory, t: TableAt, w: Where, g: number, hash: bigint, hasEmpty: boolean[], homeOf: HomeOf,
): void {
  // This runs for every key: findings name the key's home, and the Where that says so is made only for a finding.
  const ng = hasEmpty.length;
  const mask = ng - 1;
  let off = probeStart(c.hashLo, mask);
  let reached = false;
  for (let step = 0; step < ng; step++, off = probeNext(off, step, mask)) {
    if (off === g) {
      reached = true;
      break;
    }
    if (hasEmpty[off]) {
      c.f.add({ ...plain(w), home: () => homeOf(hash) }, F.probeStopped(w.text, g, off, step, hash));
      reached = true;
      break;
    }
  }
  if (!reached) c.f.add({ ...plain(w), home: () => homeOf(hash) }, F.probeUnreached(w.text, g, ng, mask));
  if (d.length === 1) {
    if (d.entries[0] !== t.addr) {
      c.f.add({ ...plain(w), home: () => homeOf(hash) }, F.placementOther(w.text, t.ordinal, 0n, d.ordinal.get(d.entries[0])));
    }
    return;
  }
  const idx = Number(hash >> c.dirShift);
  if (idx >= d.length) {
    c.f.add({ ...plain(w), home: () => homeOf(hash) }, F.placementPast(w.text, d.length, BigInt(idx), h.globalShift));
  } else if (d.entries[idx] !== t.addr) {
    c.f.add({ ...plain(w), home: () => homeOf(hash) }, F.placementOther(w.text, t.ordinal, BigInt(idx), d.ordinal.get(d.entries[idx])));
  }
}

/**
 * Where a lookup goes in a map with a directory (map.go directoryIndex, table.go getWithKey): the table of directory
 * entry hash >> globalShift (entry 0 when dirLen is 1), and its group H1(hash) & lengthMask, where the probe sequence
 * starts. The table being walked (t, of ng groups) is known; another is read for its lengthMask. Undefined when the
 * index is past the directory or the entry is nil; without the group when that table's header cannot be read.
 */
function directoryHome(c: Checker, h: MapHeader, d: Directory, t: TableAt, ng: number): HomeOf {
  return (hash) => {
    const idx = d.length === 1 ? 0 : Number(hash >> BigInt(h.globalShift & 63));
    if (idx >= d.length || d.entries[idx] === 0n) return undefined;
    const addr = d.entries[idx];
    const table = d.ordinal.get(addr)!;
    let mask: bigint;
    if (addr === t.addr) mask = BigInt(ng - 1);
    else {
      try {
        mask = readTableHeader(c.src.reader, c.L, addr).lengthMask;
      } catch (e) {
        if (!(e instanceof MemoryError)) throw e;
        return { text: `table ${table} (directory[${idx}]; its header cannot be read)`, table, directoryIndex: idx };
      }
      if (mask >= BigInt(MAX_TABLE_CAPACITY / SLOTS)) {
        return { text: `table ${table} (directory[${idx}]; lengthMask ${mask} is past the largest table)`, table, directoryIndex: idx };
      }
    }
    const group = new ProbeSeq(h1(hash), Number(mask)).offset;
    return { text: `table ${table} group ${group} (directory[${idx}], probe start H1 & ${mask})`, table, directoryIndex: idx, group };
  };
}

/** Every slot of a table's groups: legal control bytes, and for full slots the slot's own checks and its placement. */
function checkSlots(c: Checker, h: MapHeader, d: Directory, t: TableAt, data: bigint, b: Uint8Array, hasEmpty: boolean[]): Counts {
  const gs = c.L.group.size;
  const homeOf = directoryHome(c, h, d, t, hasEmpty.length);
  const n: Counts = { full: 0, deleted: 0, empty: 0 };
  for (let g = 0; g < hasEmpty.length; g++) {
    const goff = g * gs;
    const gaddr = data + BigInt(goff);
    for (let i = 0; i < SLOTS; i++) {
      const ctrl = c.ctrl(b, goff, i);
      // Empty and deleted slots (legal control bytes) first: nothing is made for them.
      if (ctrl === CTRL_EMPTY) {
        n.empty++;
        continue;
      }
      if (ctrl === CTRL_DELETED) {
        n.deleted++;
        continue;
      }
      const sw = new TableSlot(t, g, i, gaddr, c.geo.keysOff + i * c.geo.keyStride);
      if (!ctrlLegal(ctrl)) {
        c.f.add({ ...plain(sw), addr: gaddr + BigInt(c.L.group.ctrlByteOfSlot[i]) }, F.ctrl(sw.text, ctrl));
        continue;
      }
      n.full++;
      const hash = c.slot(b, goff, gaddr, i, ctrl, sw, homeOf);
      if (hash !== undefined) checkPlacement(c, h, d, t, sw, g, hash, hasEmpty, homeOf);
    }
  }
  return n;
}

/** A table's counters against what its groups hold: used, growthLeft, and at least one empty slot. */
function checkTableCounts(c: Checker, tw: Where, th: TableHeader, ng: number, n: Counts): void {
  const f = c.f;
  if (th.used !== n.full) f.add(tw, F.tableUsed(tw.text, n.full, th.used));
  const max = maxGrowthLeft(ng * SLOTS);
  const want = max - n.full - n.deleted;
  if (th.growthLeft !== want) f.add(tw, F.growthLeft(tw.text, want, max, n.full, n.deleted, th.growthLeft));
  if (n.empty === 0) f.add(tw, F.noEmpty(tw.text, ng * SLOTS));
}

/** A map with a directory: the directory, then each table once. Returns the full slots counted. */
function checkDirectory(c: Checker, h: MapHeader): number {
  const d = readDirectory(c, h);
  if (!d) return 0;
  let total = 0;
  let tombstones = 0;
  for (const [addr, idxs] of d.tables) {
    const ordinal = d.ordinal.get(addr)!;
    if ((ordinal & 0xff) === 0) c.progress?.(ordinal, d.tables.size, 'tables');
    const first = idxs[0];
    const where: Where = { text: `table ${ordinal} (directory[${first}])`, table: ordinal, directoryIndex: first, addr };
    c.tableText[ordinal] = where.text;
    const t: TableAt = { addr, ordinal, first, where };
    const header = checkTableHeader(c, h.globalDepth, t, idxs);
    if (header === 'stop') break;
    if (header === 'skip') continue;
    const { th, ng } = header;
    const b = c.read(th.data, ng * c.L.group.size, t.where, 'the table\'s groups');
    if (!b) continue;
    const hasEmpty = groupsWithEmpty(c, t, th.data, b, ng);
    const n = checkSlots(c, h, d, t, th.data, b, hasEmpty);
    total += n.full;
    tombstones += n.deleted;
    checkTableCounts(c, t.where, th, ng, n);
  }
  if (tombstones > 0 && h.tombstonePossible === 0) c.f.add({ text: 'header' }, F.tombstoneFlag(tombstones));
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
    f.add({ text: 'header', addr: src.addr }, F.headerUnreadable(e.message));
    return { ...base, count: 0, findings: f.finish(), unchecked: c.unchecked, omitted: f.omitted() };
  }
  c.seed = h.seed;
  c.dirShift = BigInt(h.globalShift & 63);
  c.expected = h.used > 0n && h.used < 1n << 32n ? Number(h.used) : 0;
  if (h.writing !== 0) {
    f.add({ text: 'header' }, F.writing(h.writing));
  }
  let full: number;
  if (h.dirLen < 0n) {
    f.add({ text: 'header' }, F.dirLenNegative(h.dirLen));
    full = 0;
    c.incomplete = true;
  } else if (h.dirLen === 0n) {
    full = checkSmall(c, h);
  } else {
    full = checkDirectory(c, h);
  }
  if (h.used !== BigInt(full) && !c.incomplete) {
    f.add({ text: 'header' }, F.used(full, h.dirLen === 0n, h.dirPtr === 0n, h.used));
  }
  return { ...base, count: Number(h.used), findings: f.finish(), unchecked: c.unchecked, omitted: f.omitted() };
}

