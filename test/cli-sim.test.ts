/**
 * `mapscope sim` as a user meets it: malformed scenarios get one line naming
 * the field and exit code 2; a good one prints a drawing, a trace, or the
 * snapshot.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main.js';
import { captureIO } from '../src/cli/io.js';
import { assertBadInput } from './support/badinput.js';

const dir = mkdtempSync(join(tmpdir(), 'mapscope-sim-'));
let n = 0;
function file(content: unknown): string {
  const p = join(dir, `s${n++}.json`);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}

const good = { go: '1.23', arch: 'amd64', type: 'map[int64]int64', ops: [['insert', 1, 10], ['insert', '2', 20], ['delete', 1], ['lookup', 2]] };

const malformed: [string, unknown, RegExp][] = [
  ['unknown type', { ...good, type: 'map[int64]Foo' }, /: type: /],
  ['not a map', { ...good, type: '[]int' }, /: type: .*not a map/],
  ['uncomparable key', { ...good, type: 'map[[]int]int' }, /: type: .*invalid map key/],
  ['key of the wrong type', { ...good, ops: [['insert', 'x', 1]] }, /: ops\[0\]\[1\]: /],
  ['value of the wrong type', { ...good, ops: [['insert', 1, 'x']] }, /: ops\[0\]\[2\]: /],
  ['key out of range', { ...good, type: 'map[int8]int', ops: [['insert', 300, 1]] }, /: ops\[0\]\[1\]: .*int8/],
  ['unknown op', { ...good, ops: [['upsert', 1, 1]] }, /: ops\[0\]\[0\]: unknown operation/],
  ['wrong arity', { ...good, ops: [['delete']] }, /: ops\[0\]: delete takes 1/],
  ['bad seed', { ...good, hash: { seeds: [-1] } }, /: hash\.seeds\[0\]: /],
  ['seed too wide', { ...good, arch: '386', hash: { seeds: ['0x100000000'] } }, /: hash\.seeds\[0\]: /],
  ['too few seeds', { ...good, ops: [['insert', 1, 1], ['delete', 1]], hash: { seeds: [5] } }, /: hash\.seeds: .*records 1/],
  ['bad hash mode', { ...good, hash: { mode: 'sip' } }, /: hash\.mode: /],
  ['AES where there is none', { ...good, arch: 'arm', hash: { mode: 'aes' } }, /: hash\.mode: /],
  ['bad hashkey', { ...good, hash: { hashkey: [1, 2] } }, /: hash\.hashkey: /],
  ['unknown field', { ...good, colour: 'red' }, /: colour: unknown field/],
  ['bad go version', { ...good, go: '2.0' }, /: go: /],
  ['bad arch', { ...good, arch: 'vax' }, /: arch: /],
  ['NaN insert', { ...good, type: 'map[float64]int', ops: [['insert', 'NaN', 1]] }, /: ops\[0\]\[1\]: .*NaN/],
  ['not JSON', '{"go": ', /not valid JSON/],
];

for (const [what, content, re] of malformed) {
  test(`sim: ${what} → one line naming the field, exit 2`, async () => {
    const io = captureIO();
    assertBadInput(await main(['sim', file(content)], io), io.stderr, { want: re, stdout: io.stdout });
  });
}

test('sim: a Swiss toolchain runs the Swiss engine', async () => {
  const io = captureIO();
  const code = await main(['sim', file({ ...good, go: '1.24', hash: { seeds: [1234] } }), '--json'], io);
  assert.equal(code, 0, io.stderr);
  assert.equal(JSON.parse(io.stdout).impl, 'swiss');
});

test('sim: drawing, trace and --json', async () => {
  const p = file({ ...good, hash: { seeds: [1234] } });
  let io = captureIO();
  assert.equal(await main(['sim', p], io), 0, io.stderr);
  assert.match(io.stdout, /count=1 {2}B=0/);
  io = captureIO();
  assert.equal(await main(['sim', p, '--trace'], io), 0, io.stderr);
  assert.match(io.stdout, /#2 delete 1\n {4}delete: bucket 0 slot 0 → emptyOne/);
  io = captureIO();
  assert.equal(await main(['sim', p, '--json'], io), 0, io.stderr);
  const snap = JSON.parse(io.stdout);
  assert.equal(snap.impl, 'classic');
  assert.deepEqual(snap.hash.seeds, [1234]);
  assert.equal(snap.header.count, 1);
  // Slot 0 held key 1 (deleted: emptyOne, stale key kept, elem cleared); slot 1 holds 2.
  assert.equal(snap.buckets[0][0].tophash[0], 1);
  assert.equal(snap.buckets[0][0].keys[0], 1);
  assert.equal(snap.buckets[0][0].elems[0], 0);
  assert.equal(snap.buckets[0][0].keys[1], 2);
});

test('sim: without seeds, the PRNG draws them and says so', async () => {
  const io = captureIO();
  assert.equal(await main(['sim', file(good)], io), 0, io.stderr);
  assert.match(io.stderr, /seeds drawn by the PRNG/);
});

test('sim --json prints exactly the real runtime\'s text for committed fixtures', async () => {
  const { targets, replays, replayScenario, runtimeSnapshot } = await import('./support/simfixtures.js');
  const picks = targets().filter((t) => /^(1\.23-amd64-fallback|1\.22-arm64-aes|1\.24-noswissmap-386-fallback)$/.test(t));
  assert.ok(picks.length > 0, 'no fixtures');
  for (const t of picks) {
    for (const name of ['int64-mid-grow-53', 'string-delete-some', 'clear-int64']) {
      const r = replays(t)[name];
      const io = captureIO();
      assert.equal(await main(['sim', file(replayScenario(t, name, r)), '--json'], io), 0, io.stderr);
      // The fixture holds the real text compact; sim --json prints it with two-space indentation.
      assert.equal(JSON.stringify(JSON.parse(io.stdout)), runtimeSnapshot(t, name), `${t}/${name}`);
      assert.equal(io.stdout, JSON.stringify(JSON.parse(io.stdout), null, 2) + '\n', `${t}/${name}: two-space indentation`);
    }
  }
});

test('sim: a hint too large to simulate is refused, naming the field', async () => {
  const io = captureIO();
  assertBadInput(await main(['sim', file({ ...good, hint: 1e12 })], io), io.stderr, { want: /: hint: .*bytes of buckets/ });
});

test('sim: random scenarios never crash (exit 0 or 2, one line on error)', async () => {
  const fc = await import('fast-check');
  const val = fc.oneof(fc.integer(), fc.string({ maxLength: 4 }), fc.constantFrom('NaN', '-0', '1e400', null, true, [], {}), fc.double());
  const op = fc.oneof(
    fc.tuple(fc.constantFrom('insert'), val, val),
    fc.tuple(fc.constantFrom('delete', 'lookup', 'iterate', 'bogus'), val),
    fc.constant(['clear']),
    fc.array(val, { maxLength: 3 }),
  );
  const scenario = fc.record({
    go: fc.constantFrom('1.19', '1.21', '1.23', '1.24', '1.7', 'x'),
    arch: fc.constantFrom('amd64', '386', 'arm64', 's390x', 'arm', 'vax'),
    type: fc.constantFrom('map[int64]int64', 'map[string]int', 'map[float64]bool', 'map[int8][2]string', 'map[struct{a int32; b string}]int', 'map[[]int]int', 'int', 'map['),
    hint: fc.oneof(fc.constant(null), fc.integer({ min: -5, max: 100 }), fc.constant(2 ** 40)),
    hash: fc.oneof(fc.constant(undefined), fc.record({ mode: fc.constantFrom('fallback', 'aes', 'x'), seeds: fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 3 })), { maxLength: 3 }) })),
    ops: fc.array(op, { maxLength: 30 }),
  }, { requiredKeys: ['go', 'type', 'ops'] });
  await fc.assert(fc.asyncProperty(scenario, async (sc) => {
    const io = captureIO();
    const code = await main(['sim', file(sc)], io);
    assert.ok(code === 0 || code === 2, `exit ${code}: ${io.stderr}`);
    if (code === 2) assertBadInput(code, io.stderr);
  }), { numRuns: 300 });
});
