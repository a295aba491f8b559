/**
 * `mapscope falseshare --core`: map[K]*T elems whose pointees share a cache
 * line with another key's, on real crash cores of gosrc/falsesharecore built
 * by Go 1.22 (classic maps) and 1.26 (Swiss maps). Expected counts are
 * derived by hand (main.placed, placed in a line-aligned array by the
 * program itself; see its comment) or from the addresses the program
 * printed, with the rule written out here (main.packed, main.spread).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../src/cli/main.js';
import { captureIO } from '../src/cli/io.js';
import { falseShareCore } from './support/falsesharecore.js';
import { packedOffsets } from '../src/model/malloc.js';
import { parseGoVersion } from '../src/model/goversion.js';
import { archByName } from '../src/model/arch.js';
import type { PointeeSharing } from '../src/race/falsesharecore.js';
import { assertBadInput } from './support/badinput.js';

async function run(...argv: string[]) {
  const io = captureIO();
  const code = await main(argv, io);
  return { code, out: io.stdout, err: io.stderr };
}

/** Elems whose pointee's 64-byte line (pointees are 8 bytes, 8-aligned: one line each) holds another key's pointee. */
function sharingFromAddresses(addrs: string[], line: bigint): number {
  const count = new Map<bigint, number>();
  for (const a of addrs) count.set(BigInt(a) / line, (count.get(BigInt(a) / line) ?? 0) + 1);
  return addrs.filter((a) => count.get(BigInt(a) / line)! > 1).length;
}

for (const go of ['1.22', '1.26']) {
  test(`go ${go}: pointees sharing lines, counted from a real core`, async () => {
    const c = await falseShareCore(go);
    const r = await run('falseshare', '--core', c.core, '--binary', c.exe, '--json');
    assert.equal(r.code, 1, `pointees share lines: exit 1 (${r.err})`);
    const doc = JSON.parse(r.out) as { line: number; maps: PointeeSharing[]; skipped: number };
    assert.equal(doc.line, 64);
    const by = Object.fromEntries(doc.maps.map((m) => [m.map, m]));
    assert.deepEqual(Object.keys(by).sort(), ['main.packed', 'main.placed', 'main.spread']);
    assert.ok(doc.skipped >= 1, 'main.plain (map[int]int) is not a map of pointers');

    // main.placed, by hand (gosrc/falsesharecore/main.go): lines 0 {a,b,c} and 2 {e,f,g} shared; d, h alone; i nil; e and f alias.
    const p = by['main.placed'];
    assert.deepEqual([p.elems, p.nil, p.sharing, p.aliased, p.lines.length], [9, 1, 6, 2, 2]);
    assert.deepEqual(p.lines.map((l) => [...l.keys].sort()), [['"a"', '"b"', '"c"'], ['"e"', '"f"', '"g"']]);
    assert.equal(p.lines[0].line, `0x${((BigInt(c.truth.placed.a!) / 64n) * 64n).toString(16)}`);

    // main.packed: what the printed addresses say, and the tiny allocator's packing predicted by src/model.
    const packed = Object.values(c.truth.packed);
    assert.equal(by['main.packed'].sharing, sharingFromAddresses(packed, 64n));
    // Key 0 may finish a tiny block earlier allocations left half used (go1.26.10 put it at …098, the second
    // half of a block, and key 1 opened a new block at …0b0); from key 1 on the pointees follow the packing.
    const rel = packed.slice(1).map((a) => Number(BigInt(a) - BigInt(packed[1])));
    assert.deepEqual(rel, packedOffsets(15, 8, true, parseGoVersion(go), archByName('amd64')).offsets);
    // 16 pointees 8 bytes apart span 128 bytes: at most one of them alone at either end.
    assert.ok(by['main.packed'].sharing >= 15);
    assert.equal(by['main.packed'].pointeeSize, 8);

    // main.spread: 64-byte pointees in the 64-byte size class, 64 apart: none shares.
    const spread = Object.values(c.truth.spread);
    assert.deepEqual(spread.map((a) => Number(BigInt(a) - BigInt(spread[0]))), packedOffsets(8, 64, true, parseGoVersion(go), archByName('amd64')).offsets);
    assert.equal(by['main.spread'].sharing, 0);
    assert.equal(sharingFromAddresses(spread, 64n), 0);

    // 128-byte lines, by hand: {a,b,c,d} and {e,f,g,h}.
    const wide = await run('falseshare', '--core', c.core, '--binary', c.exe, '--map', 'main.placed', '--cache-line', '128', '--json');
    const w = (JSON.parse(wide.out) as { maps: PointeeSharing[] }).maps[0];
    assert.deepEqual([w.sharing, w.lines.length], [8, 2]);

    // Text for people.
    const text = await run('falseshare', '--core', c.core, '--binary', c.exe, '--map', 'main.spread');
    assert.equal(text.code, 0, 'nothing shares: exit 0');
    assert.match(text.out, /main\.spread\s+map\[int\]\*main\.Padded\s+64\s+8\s+0\s+0/);
  });
}

test('--core errors: one line, exit 2', async () => {
  const c = await falseShareCore('1.26');
  const cases: [string[], RegExp][] = [
    [['--core', c.core], /needs --binary/],
    [['--core', c.core, '--binary', c.exe, '--map', 'main.plain'], /not a map\[K\]\*T/],
    [['--core', c.core, '--binary', c.exe, '--map', 'main.nosuch'], /main\.nosuch/],
    [['--core', c.core, '--binary', '/nonexistent'], /cannot read/],
  ];
  for (const [args, re] of cases) {
    const r = await run('falseshare', ...args);
    assertBadInput(r.code, r.err, { want: re, what: args.join(' ') });
  }
});
