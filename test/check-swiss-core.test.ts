/**
 * The Swiss mutation suite on real core dumps. gosrc/coreprobe's global maps
 * are read from kernel/qemu/gcore cores of real Go processes (Go 1.24 amd64
 * gcore, 1.26 amd64 crash, 1.27 arm64 crash; test/support/cores.ts) through
 * the core reader (src/binary/elfcore.ts, src/source/process). Every map checks clean as read. Then,
 * for every catalogue code, the memory under the map is patched (a reader
 * that overlays bytes on the core's) the way that breaks it, and exactly the
 * derived codes must fire. Each patch carries its hand derivation. The
 * offsets used to place the patches are the layout model's (src/layout),
 * which the layout tests check against DWARF of real binaries.
 *
 * The maps: main.small (5 int64 keys, a small map), main.big (5000 int64
 * keys, a directory of tables), main.bigKeys (20 keys of 160 bytes, stored
 * through pointers). coreprobe never deletes, so no map holds a tombstone
 * and Go 1.25+'s tombstonePossible is false.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { decodeUint, encodeUint, type MemoryReader } from '../src/model/memory.js';
import { layoutOf, type SwissLayout } from '../src/layout/index.js';
import { openCoreFile } from '../src/source/process/index.js';
import { checkSwiss, SWISS_INVARIANTS } from '../src/check/swiss/index.js';
import type { MapSource } from '../src/check/types.js';
import { realCore, type CoreSpec } from './support/cores.js';

const SPECS: CoreSpec[] = [
  { go: '1.24', arch: 'amd64', how: 'gcore' },
  { go: '1.26', arch: 'amd64', how: 'crash' },
  { go: '1.27', arch: 'arm64', how: 'crash' },
];

const EMPTY = 0x80;
const DELETED = 0xfe;

/** The core's memory with some bytes replaced. */
class Patched implements MemoryReader {
  readonly patches = new Map<bigint, number>();
  constructor(private readonly base: MemoryReader) {}
  get arch() {
    return this.base.arch;
  }
  read(addr: bigint | number, len: number): Uint8Array {
    const b = this.base.read(addr, len).slice();
    const a = BigInt(addr);
    for (const [p, v] of this.patches) if (p >= a && p < a + BigInt(len)) b[Number(p - a)] = v;
    return b;
  }
}

/** Reads and patches a map's structures with the layout's offsets. */
class Mem {
  readonly r: Patched;
  readonly L: SwissLayout;
  readonly M: Record<string, number>;
  readonly T: Record<string, number>;
  readonly p: number;
  constructor(readonly src: MapSource) {
    this.r = new Patched(src.reader);
    this.L = layoutOf(src.type, src.target) as SwissLayout;
    const off = (fs: readonly { name: string; offset: number }[]) => Object.fromEntries(fs.map((f) => [f.name, f.offset]));
    this.M = off(this.L.headers.Map.fields);
    const T = off(this.L.headers.table.fields);
    const G = off(this.L.headers.groupsReference.fields);
    this.T = { ...T, data: T.groups + G.data, lengthMask: T.groups + G.lengthMask };
    this.p = src.target.arch.ptrSize;
  }
  uint(a: bigint, n: number): bigint {
    return decodeUint(this.r.read(a, n), this.src.target.arch.bigEndian);
  }
  set(a: bigint, n: number, v: bigint | number): void {
    encodeUint(BigInt(v), n, this.src.target.arch.bigEndian).forEach((b, i) => this.r.patches.set(a + BigInt(i), b));
  }
  get hdr(): bigint {
    return this.src.addr;
  }
  field(f: string): bigint {
    return this.hdr + BigInt(this.M[f]);
  }
  get dirPtr(): bigint {
    return this.uint(this.field('dirPtr'), this.p);
  }
  dirLen(): number {
    return Number(this.uint(this.field('dirLen'), this.p));
  }
  entry(i: number): bigint {
    return this.uint(this.dirPtr + BigInt(i * this.p), this.p);
  }
  tf(table: bigint, f: string): bigint {
    return table + BigInt(this.T[f]);
  }
  tget(table: bigint, f: string, n: number): number {
    return Number(this.uint(this.tf(table, f), n));
  }
  groups(table: bigint): bigint[] {
    const data = this.uint(this.tf(table, 'data'), this.p);
    const n = this.tget(table, 'lengthMask', 8) + 1;
    return Array.from({ length: n }, (_, g) => data + BigInt(g * this.L.group.size));
  }
  ctrlAddr(group: bigint, i: number): bigint {
    return group + BigInt(this.L.group.ctrlByteOfSlot[i]);
  }
  ctrl(group: bigint, i: number): number {
    return Number(this.uint(this.ctrlAddr(group, i), 1));
  }
  slots(group: bigint, c: (x: number) => boolean): number[] {
    return [0, 1, 2, 3, 4, 5, 6, 7].filter((i) => c(this.ctrl(group, i)));
  }
  keyAddr(group: bigint, i: number): bigint {
    return group + BigInt(this.L.group.fields[1].offset + i * this.L.group.slotSize);
  }
  /** Moves (or copies) slot (g, i) — control byte, key and elem — to slot (h, j). */
  copySlot(g: bigint, i: number, h: bigint, j: number, move: boolean): void {
    const bytes = this.r.read(this.keyAddr(g, i), this.L.group.slotSize);
    bytes.forEach((b, k) => this.r.patches.set(this.keyAddr(h, j) + BigInt(k), b));
    this.r.patches.set(this.ctrlAddr(h, j), this.ctrl(g, i));
    if (move) this.r.patches.set(this.ctrlAddr(g, i), EMPTY);
  }
  inc(a: bigint, n: number, d: number): void {
    this.set(a, n, this.uint(a, n) + BigInt(d));
  }
}

const full = (c: number) => c < 0x80;
const empty = (c: number) => c === EMPTY;

interface CoreMutation {
  readonly code: string;
  readonly name: string;
  readonly map: string;
  /** Patches the memory; returns the exact codes expected (they may depend on the release). */
  readonly apply: (m: Mem, minor: number) => string[];
}

const firstTable = (m: Mem) => m.entry(0);
/** A group of the first table with at least two empty slots and a full one. */
const roomyGroup = (m: Mem) => m.groups(firstTable(m)).find((g) => m.slots(g, empty).length >= 2 && m.slots(g, full).length >= 1)!;

const MUTATIONS: readonly CoreMutation[] = [
  {
    code: 'swiss/ctrl', name: 'an empty control byte becomes 0x81', map: 'main.big',
    // 0x81 is not empty, deleted or an H2 → ctrl; the slot leaves the empty
    // count only (the group keeps another empty slot), full and deleted
    // counts are unchanged.
    apply: (m) => {
      const g = roomyGroup(m);
      m.set(m.ctrlAddr(g, m.slots(g, empty)[0]), 1, 0x81);
      return ['swiss/ctrl'];
    },
  },
  {
    code: 'swiss/h2', name: 'a full slot\'s H2 with its low bit flipped', map: 'main.big',
    // Still full and legal, no longer h2(hash(key)); probe and placement use the key's hash → h2 only.
    apply: (m) => {
      const g = roomyGroup(m);
      const i = m.slots(g, full)[0];
      m.set(m.ctrlAddr(g, i), 1, m.ctrl(g, i) ^ 1);
      return ['swiss/h2'];
    },
  },
  {
    code: 'swiss/probe', name: 'a key moved from its group into another group with an empty slot', map: 'main.big',
    // Key K sits in group g (reachable: real Go found it). Every group before
    // g on K's probe sequence is full (else the lookup would stop there), so
    // y, which has an empty slot, comes after g. After the move g has an
    // empty slot (K's old one), so a lookup stops at g and never reaches y →
    // probe. Counts, H2 (moved with the key) and the table are unchanged.
    apply: (m) => {
      const gs = m.groups(firstTable(m));
      const g = gs.find((x) => m.slots(x, full).length > 0)!;
      const y = gs.find((x) => x !== g && m.slots(x, empty).length > 0)!;
      m.copySlot(g, m.slots(g, full)[0], y, m.slots(y, empty)[0], true);
      return ['swiss/probe'];
    },
  },
  {
    code: 'swiss/directory-placement', name: 'two tables swap contents (groups, counts), keeping depth and index', map: 'main.big',
    // Directory, localDepth and index stay, so spans and indexes hold; each
    // table's groups keep their own lengthMask and counts, so probe and
    // counts hold; but every key now sits behind the other table's entries:
    // hash >> globalShift leads to a table that does not hold it → placement.
    apply: (m) => {
      const a = firstTable(m);
      let i = 1;
      while (m.entry(i) === a) i++;
      const b = m.entry(i);
      for (const [f, n] of [['used', 2], ['capacity', 2], ['growthLeft', 2], ['data', m.p], ['lengthMask', 8]] as const) {
        const va = m.uint(m.tf(a, f), n);
        const vb = m.uint(m.tf(b, f), n);
        m.set(m.tf(a, f), n, vb);
        m.set(m.tf(b, f), n, va);
      }
      return ['swiss/directory-placement'];
    },
  },
  {
    code: 'swiss/duplicate', name: 'a key copied into an empty slot of its group, counts adjusted', map: 'main.big',
    // Same group: same probe start, same H2; table used + 1, Map used + 1,
    // growthLeft − 1 keep every count right; the group keeps an empty slot → duplicate only.
    apply: (m) => {
      const t = firstTable(m);
      const g = roomyGroup(m);
      m.copySlot(g, m.slots(g, full)[0], g, m.slots(g, empty)[0], false);
      m.inc(m.tf(t, 'used'), 2, 1);
      m.inc(m.tf(t, 'growthLeft'), 2, -1);
      m.inc(m.field('used'), 8, 1);
      return ['swiss/duplicate'];
    },
  },
  {
    code: 'swiss/table-used', name: 'table used + 1', map: 'main.big',
    // Only the table's own count disagrees with its full slots.
    apply: (m) => {
      m.inc(m.tf(firstTable(m), 'used'), 2, 1);
      return ['swiss/table-used'];
    },
  },
  {
    code: 'swiss/used', name: 'Map.used + 1', map: 'main.big',
    // len(m) no longer equals the full slots of all tables.
    apply: (m) => {
      m.inc(m.field('used'), 8, 1);
      return ['swiss/used'];
    },
  },
  {
    code: 'swiss/growth-left', name: 'growthLeft − 1', map: 'main.big',
    // capacity*7/8 − full − 0 deleted ≠ growthLeft → growth-left only.
    apply: (m) => {
      m.inc(m.tf(firstTable(m), 'growthLeft'), 2, -1);
      return ['swiss/growth-left'];
    },
  },
  {
    code: 'swiss/no-empty', name: 'every empty slot of a table becomes a tombstone', map: 'main.big',
    // No empty slot → no-empty; the new tombstones make capacity*7/8 − full −
    // deleted negative ≠ growthLeft → growth-left; and on 1.25+ tombstones
    // with tombstonePossible false (nothing was ever deleted) → tombstone-flag.
    apply: (m, minor) => {
      for (const g of m.groups(firstTable(m))) for (const i of m.slots(g, empty)) m.set(m.ctrlAddr(g, i), 1, DELETED);
      return ['swiss/no-empty', 'swiss/growth-left', ...(minor >= 25 ? ['swiss/tombstone-flag'] : [])];
    },
  },
  {
    code: 'swiss/capacity', name: 'capacity 24', map: 'main.big',
    // Not a power of two → capacity; 8 × groups ≠ 24 → group-count (no non-power of two can equal 8 × a power of two).
    apply: (m) => {
      m.set(m.tf(firstTable(m), 'capacity'), 2, 24);
      return ['swiss/capacity', 'swiss/group-count'];
    },
  },
  {
    code: 'swiss/group-count', name: 'capacity halved', map: 'main.big',
    // Still a power of two ≥ 8, but lengthMask + 1 ≠ capacity / 8 → group-count.
    apply: (m) => {
      const t = firstTable(m);
      m.set(m.tf(t, 'capacity'), 2, m.tget(t, 'capacity', 2) / 2);
      return ['swiss/group-count'];
    },
  },
  {
    code: 'swiss/dir-len', name: 'globalDepth + 1', map: 'main.big',
    // dirLen (unchanged) ≠ 1 << (globalDepth + 1) → dir-len; globalShift
    // (unchanged) ≠ 64 − (globalDepth + 1) → global-shift; every table must
    // now fill twice the entries it fills → directory-span. Placement uses
    // globalShift (unchanged) → holds.
    apply: (m) => {
      m.inc(m.field('globalDepth'), 1, 1);
      return ['swiss/dir-len', 'swiss/global-shift', 'swiss/directory-span'];
    },
  },
  {
    code: 'swiss/global-shift', name: 'globalShift − 1', map: 'main.big',
    // hash >> (shift − 1) is twice the right index: most keys are sent to a
    // wrong or missing entry → directory-placement, unavoidably (the runtime
    // does the same); the header rule → global-shift.
    apply: (m) => {
      m.inc(m.field('globalShift'), 1, -1);
      return ['swiss/global-shift', 'swiss/directory-placement'];
    },
  },
  {
    code: 'swiss/local-depth', name: 'localDepth = globalDepth + 1', map: 'main.big',
    // Deeper than the directory → local-depth (its span is then not computed).
    apply: (m) => {
      m.set(m.tf(firstTable(m), 'localDepth'), 1, Number(m.uint(m.field('globalDepth'), 1)) + 1);
      return ['swiss/local-depth'];
    },
  },
  {
    code: 'swiss/directory-span', name: 'localDepth − 1', map: 'main.big',
    // The table must now fill twice the entries it fills → directory-span.
    apply: (m) => {
      const t = firstTable(m);
      const ld = m.tget(t, 'localDepth', 1);
      assert.ok(ld >= 1);
      m.set(m.tf(t, 'localDepth'), 1, ld - 1);
      return ['swiss/directory-span'];
    },
  },
  {
    code: 'swiss/table-index', name: 'index + 1', map: 'main.big',
    // Its first entry is 0; index 1 → table-index.
    apply: (m) => {
      m.inc(m.tf(firstTable(m), 'index'), m.p, 1);
      return ['swiss/table-index'];
    },
  },
  {
    code: 'swiss/nil-pointer', name: 'groups.data nil', map: 'main.big',
    // The runtime would fault on the first probe → nil-pointer; the table's
    // slots are unknown, so totals are not compared.
    apply: (m) => {
      m.set(m.tf(firstTable(m), 'data'), m.p, 0);
      return ['swiss/nil-pointer'];
    },
  },
  {
    code: 'swiss/unreadable', name: 'groups.data → 0x10', map: 'main.big',
    // Not in the core → unreadable; totals not compared.
    apply: (m) => {
      m.set(m.tf(firstTable(m), 'data'), m.p, 0x10);
      return ['swiss/unreadable'];
    },
  },
  {
    code: 'swiss/indirect-nil', name: 'a 160-byte key\'s pointer nil', map: 'main.bigKeys',
    // Keys over 128 bytes are stored through pointers; a full slot's nil pointer → indirect-nil.
    apply: (m) => {
      const g = m.groups(firstTable(m)).find((x) => m.slots(x, full).length > 0)!;
      m.set(m.keyAddr(g, m.slots(g, full)[0]), m.p, 0);
      return ['swiss/indirect-nil'];
    },
  },
  {
    code: 'swiss/unreadable', name: 'a 160-byte key\'s pointer → 0x10', map: 'main.bigKeys',
    // The key cannot be read → unreadable; nothing else depends on it.
    apply: (m) => {
      const g = m.groups(firstTable(m)).find((x) => m.slots(x, full).length > 0)!;
      m.set(m.keyAddr(g, m.slots(g, full)[0]), m.p, 0x10);
      return ['swiss/unreadable'];
    },
  },
  {
    code: 'swiss/small-tombstone', name: 'a small map\'s empty slot deleted', map: 'main.small',
    // deleteSmall never leaves a tombstone → small-tombstone; counts unchanged.
    apply: (m) => {
      const g = m.dirPtr;
      m.set(m.ctrlAddr(g, m.slots(g, empty)[0]), 1, DELETED);
      return ['swiss/small-tombstone'];
    },
  },
  {
    code: 'swiss/small-depth', name: 'a small map\'s globalShift 64', map: 'main.small',
    apply: (m) => {
      m.set(m.field('globalShift'), 1, 64);
      return ['swiss/small-depth'];
    },
  },
  {
    code: 'swiss/mixed-group', name: 'an empty slot deleted in a group that keeps another, growthLeft − 1', map: 'main.big',
    // Empty and deleted in one group → mixed-group; growthLeft − 1 accounts
    // for the tombstone. On 1.25+ a tombstone with tombstonePossible false
    // → tombstone-flag too (nothing was ever deleted from this map).
    apply: (m, minor) => {
      const g = roomyGroup(m);
      m.set(m.ctrlAddr(g, m.slots(g, empty)[0]), 1, DELETED);
      m.inc(m.tf(firstTable(m), 'growthLeft'), 2, -1);
      return ['swiss/mixed-group', ...(minor >= 25 ? ['swiss/tombstone-flag'] : [])];
    },
  },
  {
    code: 'swiss/tombstone-flag', name: 'a key deleted as the runtime would in a full group, flag left false (1.25+)', map: 'main.big',
    // In a group without an empty slot, Delete leaves a tombstone, lowers
    // table used and Map used, keeps growthLeft — and sets
    // tombstonePossible, which we leave false → tombstone-flag only. On 1.24
    // (no flag) the same deletion is intact.
    apply: (m, minor) => {
      const t = firstTable(m);
      const g = m.groups(t).find((x) => m.slots(x, empty).length === 0)!;
      assert.ok(g, 'a full group');
      m.set(m.ctrlAddr(g, 0), 1, DELETED);
      m.inc(m.tf(t, 'used'), 2, -1);
      m.inc(m.field('used'), 8, -1);
      return minor >= 25 ? ['swiss/tombstone-flag'] : [];
    },
  },
  {
    code: 'swiss/writing', name: 'writing 1', map: 'main.big',
    apply: (m) => {
      m.set(m.field('writing'), 1, 1);
      return ['swiss/writing'];
    },
  },
];

for (const spec of SPECS) {
  test(`real core ${spec.go} ${spec.arch} (${spec.how}): clean as read, and each mutation gives exactly its codes`, { timeout: 300_000 }, async () => {
    const { core, exe } = await realCore(spec);
    const p = openCoreFile(core, exe, readFileSync(exe));
    const minor = Number(spec.go.split('.')[1]);
    for (const name of ['main.small', 'main.big', 'main.bigKeys']) {
      const r = checkSwiss(p.mapByName(name));
      assert.deepEqual([r.findings, r.unchecked], [[], []], name);
    }
    for (const mu of MUTATIONS) {
      const m = new Mem(p.mapByName(mu.map));
      const want = mu.apply(m, minor).sort();
      const r = checkSwiss({ ...m.src, reader: m.r });
      const got = [...new Set(r.findings.map((f) => f.code))].sort();
      assert.deepEqual(got, want, `${mu.code}: ${mu.name}: ${r.findings.slice(0, 3).map((f) => `${f.code} ${f.location.text} ${f.message}`).join(' | ')}`);
      for (const f of r.findings) if (f.location.text !== 'header' && f.location.text !== 'map') assert.match(f.location.address ?? '', /^0x/, 'real memory: addresses');
    }
  });
}

test('the core mutation suite covers every code in the catalogue', () => {
  // swiss/key-comparable needs an interface-keyed map: mutated on the same real cores in
  // test/check-iface-keys.test.ts (a key's type word pointed at []int's descriptor).
  const covered = new Set([...MUTATIONS.map((m) => m.code), 'swiss/key-comparable']);
  assert.deepEqual(SWISS_INVARIANTS.map((i) => i.code).filter((c) => !covered.has(c)), []);
});
