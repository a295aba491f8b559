/**
 * The duplicate check names where the key was first seen. Its set keeps only
 * a hash of each key's identity and a 32-bit slot code (src/check/keyset.ts);
 * the location and, on a hash match, the first key's bytes are worked out
 * again from the code: head buckets, overflow buckets (numbered in walk
 * order), indirect keys read through their pointer, and Swiss groups of a
 * table past the first (numbered after the groups of the tables before).
 * Each case copies a live key of a real-runtime snapshot into an empty slot
 * walked later, so the copy is the second sighting; the expected location is
 * where the copy came from, by construction.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { basename } from 'node:path';
import { checkClassic, classicSnapshotSource } from '../src/check/classic/index.js';
import { checkSwiss, swissSnapshotSource } from '../src/check/swiss/index.js';
import type { MapReport } from '../src/check/types.js';
import { loadSnapshot, snapshotNames } from './support/checkclassic.js';
import type { Snap } from './support/classicmutations.js';
import { realSnapshot } from './support/swisscheck.js';
import { scenarioFiles } from './support/swisssnap.js';

const live = (t: number) => t >= 5;

function duplicates(r: MapReport): string[] {
  return r.findings.filter((f) => f.code.endsWith('/duplicate')).map((f) => `${f.location.text}: ${f.found}`);
}

/** Slot k of a current-array head bucket whose slots from k on are empty (emptyRest), in a chain after `after`. */
function emptySlotAfter(j: Snap, after: number): { c: number; k: number } | undefined {
  for (let c = after + 1; c < (j.buckets?.length ?? 0); c++) {
    const t = j.buckets![c][0].tophash;
    const k = t.findIndex((x) => x === 0);
    if (k >= 0 && t.slice(k).every((x) => x === 0) && j.buckets![c].length === 1) return { c, k };
  }
  return undefined;
}

/** Copies a live slot into a later empty slot; returns the source's location text. */
function copyLater(j: Snap, wantOverflow: boolean): string | undefined {
  if (j.oldbuckets) return undefined;
  for (let c = 0; c < (j.buckets?.length ?? 0); c++) {
    const chain = j.buckets![c];
    for (let ov = wantOverflow ? 1 : 0; ov < chain.length; ov++) {
      const s = chain[ov].tophash.findIndex(live);
      if (s < 0) continue;
      const to = emptySlotAfter(j, c);
      if (!to) return undefined;
      const b = j.buckets![to.c][0];
      b.tophash[to.k] = chain[ov].tophash[s];
      b.keys[to.k] = chain[ov].keys[s];
      b.elems[to.k] = chain[ov].elems[s];
      j.header.count++;
      return `bucket ${c}${ov > 0 ? ` overflow ${ov}` : ''} slot ${s}`;
    }
  }
  return undefined;
}

for (const [what, wantOverflow, names] of [
  ['a key first seen in an overflow bucket', true, undefined],
  ['an indirect key (over 128 bytes) first seen in a head bucket, read again through its pointer', false, ['big-key-indirect']],
] as const) {
  test(`classic: ${what} is named as the first sighting`, () => {
    const target = '1.23-amd64-fallback';
    let done = 0;
    for (const name of names ?? snapshotNames(target)) {
      const j = loadSnapshot(target, name) as unknown as Snap;
      const first = copyLater(j, wantOverflow);
      if (!first) continue;
      const dups = duplicates(checkClassic(classicSnapshotSource(j, name)));
      assert.equal(dups.length, 1, `${name}: ${JSON.stringify(dups)}`);
      assert.match(dups[0], new RegExp(`: also live at ${first}$`), name);
      done++;
    }
    assert.ok(done >= 1, 'some snapshot had a key to copy');
  });
}

// Loose JSON view of a Swiss snapshot.
interface G { ctrl: number[]; keys: unknown[]; elems: unknown[] }
interface T { used: number; growthLeft: number; groups: G[] }
interface SwissSnap { header: { used: number | string }; directory: number[]; tables: T[] }

test('swiss: a key first seen in a later group of the second table is named as the first sighting', () => {
  const EMPTY = 0x80;
  const full = (c: number) => c < 0x80;
  let done = 0;
  for (const name of scenarioFiles().map((f) => basename(f, '.json'))) {
    let s: SwissSnap;
    try {
      s = realSnapshot(`${name}.go1.26-amd64-fallback`) as unknown as SwissSnap;
    } catch {
      continue;
    }
    if (s.tables.length < 2) continue;
    // The second table in directory order (ordinal 1); a full slot of one of its groups past the first.
    const firstIdx = (k: number) => s.directory.indexOf(s.directory.filter((x, i) => s.directory.indexOf(x) === i)[k]);
    const t1 = s.tables[s.directory[firstIdx(1)]];
    const g = t1.groups.findIndex((x, i) => i > 0 && x.ctrl.some(full));
    const dst = t1.groups.findIndex((x, i) => i > g && x.ctrl.filter((c) => c === EMPTY).length >= 2);
    if (g < 0 || dst < 0) continue;
    const a = t1.groups[g].ctrl.findIndex(full);
    const b = t1.groups[dst].ctrl.indexOf(EMPTY);
    const G1 = t1.groups[g];
    const G2 = t1.groups[dst];
    [G2.ctrl[b], G2.keys[b], G2.elems[b]] = [G1.ctrl[a], G1.keys[a], G1.elems[a]];
    t1.used++;
    t1.growthLeft--;
    s.header.used = Number(s.header.used) + 1;
    const dups = duplicates(checkSwiss(swissSnapshotSource(s, name)));
    assert.equal(dups.length, 1, `${name}: ${JSON.stringify(dups)}`);
    assert.match(dups[0], new RegExp(`: also live at table 1 \\(directory\\[${firstIdx(1)}\\]\\) group ${g} slot ${a}$`), name);
    done++;
  }
  assert.ok(done >= 1, 'some snapshot had two tables');
});
