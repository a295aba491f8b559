/**
 * Every invariant caught: for each code of SWISS_INVARIANTS, a mutation of
 * a real-runtime snapshot (test/fixtures/sim-swiss/<go>-<arch>-<mode>, which checks clean:
 * check-swiss.test.ts) or of its rebuilt memory that breaks exactly that
 * invariant, on four targets (Go 1.24 amd64 fallback hash, 1.26 386 AES,
 * 1.27 arm64 AES, 1.26 s390x big-endian fallback). Beside each mutation, a
 * hand derivation of why exactly these codes fire; where a mutation
 * unavoidably breaks a second invariant the exact set is asserted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { basename } from 'node:path';
import type { SimMemory } from '../src/model/memory.js';
import { layoutOf, type SwissLayout } from '../src/layout/index.js';
import { checkSwiss, swissSnapshotSource, SWISS_INVARIANTS } from '../src/check/swiss/index.js';
import type { MapSource } from '../src/check/types.js';
import { scenarioFiles } from './support/swisssnap.js';
import { realSnapshot } from './support/swisscheck.js';

type Target = readonly [go: string, arch: string, mode: 'fallback' | 'aes'];
const TARGETS: readonly Target[] = [['1.24', 'amd64', 'fallback'], ['1.26', '386', 'aes'], ['1.27', 'arm64', 'aes'], ['1.26', 's390x', 'fallback']];

// Loose JSON views of a snapshot (the test edits them freely).
interface G { ctrl: number[]; keys: unknown[]; elems: unknown[] }
interface T { used: number; capacity: number; growthLeft: number; localDepth: number; index: number; groups: G[] }
interface Snap {
  header: { used: number | string; seed: number | string; dirLen: number; globalDepth: number; globalShift: number; tombstonePossible?: boolean; writing?: number };
  small: G | null;
  directory: number[];
  tables: T[];
  [k: string]: unknown;
}

const EMPTY = 0x80;
const DELETED = 0xfe;
const full = (c: number) => c < 0x80;

function load(scenario: string, [go, arch, mode]: Target): Snap {
  return realSnapshot(`${scenario}.go${go}-${arch}-${mode}`) as unknown as Snap;
}

const SCENARIOS = scenarioFiles().map((f) => basename(f, '.json')).sort();

/** The first scenario (in name order) whose real snapshot on `t` satisfies `ok`. */
function pick(t: Target, ok: (s: Snap) => boolean, prefer: readonly string[] = []): Snap {
  for (const name of [...prefer, ...SCENARIOS]) {
    let s: Snap;
    try {
      s = load(name, t);
    } catch {
      continue; // no fixture for this target
    }
    if (ok(s)) return s;
  }
  throw new Error(`no real snapshot on ${t.join(' ')} fits`);
}

const used = (s: Snap) => Number(s.header.used);
const groupHas = (g: G, c: number) => g.ctrl.includes(c);
const noTombstones = (t: T) => !t.groups.some((g) => groupHas(g, DELETED));
/** A table where every group has an empty slot and none has a tombstone (so every key sits in its probe sequence's first group). */
const roomy = (t: T) => t.groups.length >= 2 && t.groups.every((g) => groupHas(g, EMPTY)) && noTombstones(t) && t.groups.some((g) => g.ctrl.some(full));

/** Memory of a rebuilt snapshot, and its layout offsets. */
function memOf(src: MapSource): { mem: SimMemory; L: SwissLayout; M: Record<string, number>; T: Record<string, number> } {
  const L = layoutOf(src.type, src.target) as SwissLayout;
  const off = (fs: readonly { name: string; offset: number }[]) => Object.fromEntries(fs.map((f) => [f.name, f.offset]));
  const gr = off(L.headers.groupsReference.fields);
  const T = off(L.headers.table.fields);
  return { mem: src.reader as SimMemory, L, M: off(L.headers.Map.fields), T: { ...T, data: T.groups + gr.data, lengthMask: T.groups + gr.lengthMask } };
}

function dirEntry(src: MapSource, i: number): number {
  const { mem, M } = memOf(src);
  return mem.ptr(mem.ptr(Number(src.addr) + M.dirPtr) + i * mem.arch.ptrSize);
}

interface Mutation {
  /** The invariant this mutation is for. */
  readonly code: string;
  readonly name: string;
  /** Picks the real snapshot and mutates it (JSON), or leaves it. */
  readonly snap: (t: Target) => Snap;
  /** Then mutates the rebuilt memory, if needed. */
  readonly mem?: (src: MapSource) => void;
  /** Exactly the codes that must fire. */
  readonly expect: readonly string[];
  /** Only targets from this Go minor release on. */
  readonly minMinor?: number;
}

const splits = (t: Target) => pick(t, (s) => s.header.dirLen === 4 && s.tables.length === 4, ['int64-splits-1900']);
const smallMap = (t: Target) => pick(t, (s) => s.header.dirLen === 0 && s.small !== null && used(s) >= 2 && used(s) <= 6, ['int64-small-delete-reinsert']);
const oneTable = (t: Target) => pick(t, (s) => s.header.dirLen === 1 && roomy(s.tables[0]), ['int64-hint-1000']);

const MUTATIONS: readonly Mutation[] = [
  {
    code: 'swiss/ctrl',
    name: 'an empty slot\'s control byte becomes 0x81',
    // 0x81 is neither 0x80, 0xFE nor below 0x80 → ctrl. The slot is no longer
    // counted as empty, full or deleted: full and deleted counts (used,
    // table-used, growth-left) are unchanged, and the table still has other
    // empty slots (roomy: every group has one) → nothing else.
    snap: (t) => {
      const s = oneTable(t);
      const g = s.tables[0].groups.find((x) => x.ctrl.filter((c) => c === EMPTY).length >= 2)!;
      g.ctrl[g.ctrl.indexOf(EMPTY)] = 0x81;
      return s;
    },
    expect: ['swiss/ctrl'],
  },
  {
    code: 'swiss/h2',
    name: 'a full slot\'s control byte gets its low bit flipped',
    // ctrl ^ 1 stays below 0x80 (still full, still legal) but is no longer
    // h2(hash(key)) → h2. Probe and placement use the key's hash, not the
    // byte, so they still hold; counts are unchanged.
    snap: (t) => {
      const s = oneTable(t);
      const g = s.tables[0].groups.find((x) => x.ctrl.some(full))!;
      g.ctrl[g.ctrl.findIndex(full)] ^= 1;
      return s;
    },
    expect: ['swiss/h2'],
  },
  {
    code: 'swiss/probe',
    name: 'a key moves to another group, past its home group which has an empty slot',
    // In a table where every group has an empty slot, every key sits in the
    // first group of its probe sequence (a lookup stops at the first group
    // with an empty slot, and real Go finds every key). Moving key K (ctrl,
    // key, elem) from group g to an empty slot of group y ≠ g leaves g with
    // an empty slot at the start of K's probe sequence: lookups stop there →
    // probe. H2 moves with the key, counts are unchanged (one full and one
    // empty slot swap places), no tombstones → nothing else.
    snap: (t) => {
      const s = oneTable(t);
      const gs = s.tables[0].groups;
      const g = gs.findIndex((x) => x.ctrl.some(full));
      const y = (g + 1) % gs.length;
      const i = gs[g].ctrl.findIndex(full);
      const j = gs[y].ctrl.indexOf(EMPTY);
      [gs[y].ctrl[j], gs[y].keys[j], gs[y].elems[j]] = [gs[g].ctrl[i], gs[g].keys[i], gs[g].elems[i]];
      gs[g].ctrl[i] = EMPTY;
      return s;
    },
    expect: ['swiss/probe'],
  },
  {
    code: 'swiss/directory-placement',
    name: 'two tables swap directory entries (with their index fields)',
    // directory [1,0,2,3] with tables[0].index = 1 and tables[1].index = 0:
    // every table still fills one entry equal to its index (spans and
    // indexes hold), but keys of tables[1] have top hash bits 01 (the split
    // put them there) and now hash >> globalShift = 1 leads to tables[0] →
    // directory-placement (and symmetrically for tables[0]'s keys).
    snap: (t) => {
      const s = splits(t);
      s.directory = [1, 0, 2, 3];
      s.tables[0].index = 1;
      s.tables[1].index = 0;
      return s;
    },
    expect: ['swiss/directory-placement'],
  },
  {
    code: 'swiss/duplicate',
    name: 'a small map\'s key is copied into an empty slot, used + 1',
    // Slot B gets slot A's ctrl, key and elem, and Map.used grows by one:
    // the full slots again equal used; B's H2 is the key's H2; a small map
    // has no probe or directory → only duplicate.
    snap: (t) => {
      const s = smallMap(t);
      const g = s.small!;
      const a = g.ctrl.findIndex(full);
      const b = g.ctrl.indexOf(EMPTY);
      [g.ctrl[b], g.keys[b], g.elems[b]] = [g.ctrl[a], g.keys[a], g.elems[a]];
      s.header.used = used(s) + 1;
      return s;
    },
    expect: ['swiss/duplicate'],
  },
  {
    code: 'swiss/duplicate',
    name: 'a table\'s key is copied into an empty slot of its group, with used, table used and growthLeft adjusted',
    // As above inside a table: B is in the same group as A, so on the probe
    // sequence (same first group), the same H2; table used + 1, Map used + 1,
    // growthLeft − 1 keep the counts right; the group keeps another empty
    // slot (we pick a group with two) → only duplicate.
    snap: (t) => {
      const s = oneTable(t);
      const tb = s.tables[0];
      const g = tb.groups.find((x) => x.ctrl.some(full) && x.ctrl.filter((c) => c === EMPTY).length >= 2)!;
      const a = g.ctrl.findIndex(full);
      const b = g.ctrl.indexOf(EMPTY);
      [g.ctrl[b], g.keys[b], g.elems[b]] = [g.ctrl[a], g.keys[a], g.elems[a]];
      tb.used++;
      tb.growthLeft--;
      s.header.used = used(s) + 1;
      return s;
    },
    expect: ['swiss/duplicate'],
  },
  {
    code: 'swiss/table-used',
    name: 'a table\'s used + 1',
    // table.used no longer equals the full slots → table-used. Map.used is
    // compared with the counted full slots, growthLeft with counted full and
    // deleted slots, so neither fires.
    snap: (t) => {
      const s = splits(t);
      s.tables[2].used++;
      return s;
    },
    expect: ['swiss/table-used'],
  },
  {
    code: 'swiss/used',
    name: 'Map.used + 1 (tables)',
    // Map.used ≠ the sum of full slots → used; the tables are untouched.
    snap: (t) => {
      const s = splits(t);
      s.header.used = used(s) + 1;
      return s;
    },
    expect: ['swiss/used'],
  },
  {
    code: 'swiss/used',
    name: 'Map.used − 1 (small map)',
    // A small map's used must equal its group's full slots → used.
    snap: (t) => {
      const s = smallMap(t);
      s.header.used = used(s) - 1;
      return s;
    },
    expect: ['swiss/used'],
  },
  {
    code: 'swiss/growth-left',
    name: 'a table\'s growthLeft − 1',
    // growthLeft must be capacity*7/8 − full − deleted; one less → growth-left only.
    snap: (t) => {
      const s = splits(t);
      s.tables[1].growthLeft--;
      return s;
    },
    expect: ['swiss/growth-left'],
  },
  {
    code: 'swiss/no-empty',
    name: 'every empty slot of a table becomes a tombstone',
    // No empty slot is left → no-empty. The deleted count rises by the
    // number of former empties, so capacity*7/8 − full − deleted no longer
    // equals growthLeft (it would be negative: a uint16 cannot hold it) →
    // growth-left, unavoidably. No group has both empty and deleted slots,
    // keys are still reached (no group on any probe sequence has an empty
    // slot), H2s and counts of full slots are unchanged.
    snap: (t) => {
      const s = oneTable(t);
      for (const g of s.tables[0].groups) g.ctrl = g.ctrl.map((c) => (c === EMPTY ? DELETED : c));
      return s;
    },
    expect: ['swiss/no-empty', 'swiss/growth-left'],
  },
  {
    code: 'swiss/capacity',
    name: 'a table\'s capacity becomes 24',
    // 24 is not a power of two → capacity; and lengthMask + 1 (its real group
    // count) ≠ 24/8 = 3 → group-count, unavoidably: a valid group count is a
    // power of two, so no capacity of 8 × groups can be a non-power of two.
    // growthLeft is checked against the real group count → unchanged.
    snap: (t) => {
      const s = splits(t);
      s.tables[0].capacity = 24;
      return s;
    },
    expect: ['swiss/capacity', 'swiss/group-count'],
  },
  {
    code: 'swiss/group-count',
    name: 'a table\'s capacity is halved (still a power of two)',
    // capacity 512 is a power of two within bounds (capacity holds) but the
    // table has lengthMask + 1 = 128 groups, not 512/8 = 64 → group-count.
    snap: (t) => {
      const s = splits(t);
      s.tables[3].capacity /= 2;
      return s;
    },
    expect: ['swiss/group-count'],
  },
  {
    code: 'swiss/dir-len',
    name: 'Map.dirLen 4 → 3 in memory',
    // 3 ≠ 1 << globalDepth (4) → dir-len. The checker reads the 3 entries
    // dirLen announces: table 3 is not reached, so the full slots counted
    // fall short of Map.used → used, unavoidably (the runtime's iteration
    // would miss the same keys). Keys of tables 0–2 still have
    // hash >> 62 ∈ {0,1,2} → placement holds; spans hold.
    snap: splits,
    mem: (src) => {
      const { mem, M } = memOf(src);
      mem.setPtr(Number(src.addr) + M.dirLen, 3);
    },
    expect: ['swiss/dir-len', 'swiss/used'],
  },
  {
    code: 'swiss/global-shift',
    name: 'globalShift − 1 on a one-table map',
    // With dirLen 1 the runtime takes directory index 0 whatever the shift
    // (directoryIndex), so only the header rule breaks: globalShift must be
    // hashBits − globalDepth → global-shift.
    snap: (t) => {
      const s = oneTable(t);
      s.header.globalShift--;
      return s;
    },
    expect: ['swiss/global-shift'],
  },
  {
    code: 'swiss/local-depth',
    name: 'a table\'s localDepth 2 → 3 with globalDepth 2',
    // localDepth > globalDepth → local-depth; its span cannot be computed
    // (2^(2−3)) and is not checked; keys, counts, index untouched.
    snap: (t) => {
      const s = splits(t);
      s.tables[1].localDepth = 3;
      return s;
    },
    expect: ['swiss/local-depth'],
  },
  {
    code: 'swiss/directory-span',
    name: 'a table\'s localDepth 2 → 1',
    // A table of localDepth 1 under globalDepth 2 must fill 2^(2−1) = 2
    // aligned entries; it fills only directory[0] → directory-span. Its
    // keys are still selected by directory[0] (placement uses the entries).
    snap: (t) => {
      const s = splits(t);
      s.tables[0].localDepth = 1;
      return s;
    },
    expect: ['swiss/directory-span'],
  },
  {
    code: 'swiss/table-index',
    name: 'a table\'s index 1 → 5',
    // Its first entry is directory[1]; index 5 ≠ 1 → table-index only.
    snap: (t) => {
      const s = splits(t);
      s.tables[1].index = 5;
      return s;
    },
    expect: ['swiss/table-index'],
  },
  {
    code: 'swiss/table-index',
    name: 'a replaced table (index −1) still installed',
    // index −1 marks a table rehash replaced; one in the directory is stale → table-index.
    snap: (t) => {
      const s = splits(t);
      s.tables[2].index = -1;
      return s;
    },
    expect: ['swiss/table-index'],
  },
  {
    code: 'swiss/nil-pointer',
    name: 'directory[2] is nil in memory',
    // The runtime would fault on a key selecting directory[2] → nil-pointer.
    // Table 2 is not walked, so the total of full slots is unknown and
    // Map.used is not compared; the other tables' keys select their own
    // entries → nothing else.
    snap: splits,
    mem: (src) => {
      const { mem, M } = memOf(src);
      mem.setPtr(mem.ptr(Number(src.addr) + M.dirPtr) + 2 * mem.arch.ptrSize, 0);
    },
    expect: ['swiss/nil-pointer'],
  },
  {
    code: 'swiss/indirect-nil',
    name: 'a full slot\'s indirect key is nil (map with 129-byte keys)',
    // Keys over 128 bytes are stored through a pointer; a full slot with a
    // nil pointer → indirect-nil. Its key cannot be read, so no H2, probe or
    // duplicate check runs for it; counts are unchanged.
    snap: (t) => {
      const s = pick(t, (x) => x.tables.length === 1, ['indirect-key']);
      const g = s.tables[0].groups.find((x) => x.ctrl.some(full))!;
      g.keys[g.ctrl.findIndex(full)] = null;
      return s;
    },
    expect: ['swiss/indirect-nil'],
  },
  {
    code: 'swiss/indirect-nil',
    name: 'a full slot\'s indirect elem is nil (map with 129-byte elems)',
    // Same for an elem over 128 bytes: the key is fine, the elem pointer nil → indirect-nil.
    snap: (t) => {
      const s = pick(t, (x) => x.tables.length === 1, ['int64-indirect-elem']);
      const g = s.tables[0].groups.find((x) => x.ctrl.some(full))!;
      g.elems[g.ctrl.findIndex(full)] = null;
      return s;
    },
    expect: ['swiss/indirect-nil'],
  },
  {
    code: 'swiss/unreadable',
    name: 'an indirect key pointer leads to unmapped memory',
    // The pointer 0x10 (+ key size) is in no allocation → unreadable. The key
    // is not read, so nothing depends on it; counts are unchanged.
    snap: (t) => pick(t, (x) => x.tables.length === 1, ['indirect-key']),
    mem: (src) => {
      const { mem, L, T } = memOf(src);
      const tab = dirEntry(src, 0);
      const data = mem.ptr(tab + T.data);
      const gs = L.group.size;
      const ngroups = mem.num(tab + T.lengthMask, 8) + 1;
      for (let g = 0; g < ngroups; g++) {
        for (let i = 0; i < 8; i++) {
          if (full(mem.u8(data + g * gs + L.group.ctrlByteOfSlot[i]))) {
            mem.setPtr(data + g * gs + L.group.fields[1].offset + i * L.group.slotSize, 0x10);
            return;
          }
        }
      }
    },
    expect: ['swiss/unreadable'],
  },
  {
    code: 'swiss/unreadable',
    name: 'a table\'s groups.data leads to unmapped memory',
    // The groups cannot be read → unreadable; that table's slots are
    // unknown, so totals are not compared → nothing else.
    snap: splits,
    mem: (src) => {
      const { mem, T } = memOf(src);
      mem.setPtr(dirEntry(src, 1) + T.data, 0x1000);
    },
    expect: ['swiss/unreadable'],
  },
  {
    code: 'swiss/small-tombstone',
    name: 'an empty slot of a small map becomes deleted',
    // deleteSmall always empties the slot; 0xFE in a small group →
    // small-tombstone. Full slots and used are unchanged.
    snap: (t) => {
      const s = smallMap(t);
      s.small!.ctrl[s.small!.ctrl.indexOf(EMPTY)] = DELETED;
      return s;
    },
    expect: ['swiss/small-tombstone'],
  },
  {
    code: 'swiss/small-depth',
    name: 'a small map with globalShift 64',
    // A small map never had a directory: globalDepth and globalShift stay 0 → small-depth.
    snap: (t) => {
      const s = smallMap(t);
      s.header.globalShift = 64;
      return s;
    },
    expect: ['swiss/small-depth'],
  },
  {
    code: 'swiss/mixed-group',
    name: 'an empty slot becomes a tombstone in a group that keeps another empty slot, growthLeft − 1',
    // The group now holds both an empty and a deleted slot → mixed-group.
    // growthLeft − 1 accounts for the tombstone (capacity*7/8 − full −
    // deleted), the table keeps empty slots, no key moves → nothing else.
    snap: (t) => {
      const s = oneTable(t);
      const tb = s.tables[0];
      const g = tb.groups.find((x) => x.ctrl.filter((c) => c === EMPTY).length >= 2)!;
      g.ctrl[g.ctrl.indexOf(EMPTY)] = DELETED;
      tb.growthLeft--;
      return s;
    },
    expect: ['swiss/mixed-group'],
  },
  {
    code: 'swiss/tombstone-flag',
    name: 'tombstonePossible false in a map holding tombstones (1.25+)',
    // Delete sets tombstonePossible whenever it leaves a tombstone, and only
    // Clear resets it (after removing them all): tombstones with the flag
    // false → tombstone-flag. Nothing else changes.
    minMinor: 25,
    snap: (t) => {
      const s = pick(t, (x) => x.tables.some((tb) => !noTombstones(tb)));
      s.header.tombstonePossible = false;
      return s;
    },
    expect: ['swiss/tombstone-flag'],
  },
  {
    code: 'swiss/writing',
    name: 'Map.writing 1',
    // writing is toggled around every write; 1 at rest means a write was in progress → writing (info).
    snap: (t) => {
      const s = splits(t);
      s.header.writing = 1;
      return s;
    },
    expect: ['swiss/writing'],
  },
];

export { MUTATIONS, TARGETS };
for (const m of MUTATIONS) {
  test(`mutation → ${m.expect.join(' + ')}: ${m.name}`, () => {
    for (const t of TARGETS) {
      if (m.minMinor !== undefined && Number(t[0].split('.')[1]) < m.minMinor) continue;
      const snap = m.snap(t);
      const src = swissSnapshotSource(snap, `${m.code} on ${t.join(' ')}`);
      m.mem?.(src);
      const r = checkSwiss(src);
      const codes = [...new Set(r.findings.map((f) => f.code))].sort();
      assert.deepEqual(codes, [...m.expect].sort(), `${t.join(' ')}: ${r.findings.slice(0, 4).map((f) => `${f.code} ${f.location.text}: ${f.message}`).join(' | ')}`);
    }
  });
}

// Snapshots cannot hold interface keys (no dynamic types): key-comparable is mutated on real cores
// in test/check-iface-keys.test.ts (a key's type word pointed at []int's descriptor).
const ON_CORES_ONLY = ['swiss/key-comparable'];

test('the mutation suite covers every code in the catalogue', () => {
  const covered = new Set([...MUTATIONS.map((m) => m.code), ...ON_CORES_ONLY]);
  for (const m of MUTATIONS) assert.ok(m.expect.includes(m.code), `${m.name} does not expect its own code`);
  assert.deepEqual(SWISS_INVARIANTS.map((i) => i.code).filter((c) => !covered.has(c)), []);
});
