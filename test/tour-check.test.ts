/**
 * The tour's `mapscope check` section, as a user sees it with no arguments.
 *
 * The two tour maps are the engines' replays of real runs (seeds and hash
 * keys recorded from real go1.23.5 and go1.24.4 processes; the engines equal
 * the real runtime byte for byte on those scenarios, test/sim-*.test.ts), so
 * they must check intact. The corruptions are derived by hand:
 * - swapping the first live slot of two buckets (tophash, key and elem move
 *   together) leaves every tophash agreeing with its key, every count right,
 *   and each of the two keys in the bucket the other's hash selects: exactly
 *   two classic/key-bucket findings;
 * - flipping the low bit of a full slot's control byte keeps it a full slot
 *   (< 0x80) whose H2 is no longer its key's; the key's group, table and
 *   probe sequence are unchanged: exactly one swiss/h2 finding.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../src/cli/main.js';
import { captureIO } from '../src/cli/io.js';

test('tour: section 4 checks the tour maps intact, then names each corruption', async () => {
  const io = captureIO();
  assert.equal(await main([], io), 0);
  const section = io.stdout.slice(io.stdout.indexOf('4. Checking'), io.stdout.indexOf('5. Publishing'));
  assert.ok(section.length > 0, 'the tour has a check section before the litmus one');
  assert.match(section, /^ {2}classic map \(go1\.23\) {2}map\[int64\]int64 {2}classic {2}count 27 {2}intact$/m);
  assert.match(section, /^ {2}Swiss map \(go1\.24\) {2}map\[int64\]int64 {2}swiss {2}count 28 {2}intact$/m);
  const codes = [...section.matchAll(/^ {4}error +(\S+)/gm)].map((m) => m[1]);
  assert.deepEqual(codes, ['classic/key-bucket', 'classic/key-bucket', 'swiss/h2']);
});
