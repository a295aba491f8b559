/**
 * `mapscope check --core` refuses what it cannot vouch for, and counts what
 * it finds (issue 12): a core from another build is exit 2 naming both; a
 * --type that DWARF contradicts is exit 2 naming both, and DWARF's own
 * spelling is accepted; findings past the listing limit are counts, not
 * findings; every slot finding names its key as real memory holds it; classic
 * tophash bytes print in hex like Swiss control bytes.
 *
 * Expected values: the probe's own truth (addresses, lens), the core's bytes
 * read directly at hand-derived offsets (maps.Map: dirPtr at 16; a table's
 * groups pointer at 16..; a group: 8 control bytes then 8 slots of key, elem),
 * and the number of bytes this test corrupts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, openSync, readSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main.js';
import { captureIO } from '../src/cli/io.js';
import { fileSource, readCore } from '../src/source/process/index.js';
import { realCore } from './support/cores.js';
import { assertBadInput } from './support/badinput.js';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIO();
  const code = await main(args, io);
  return { code, out: io.stdout, err: io.stderr };
}

function readAt(core: string, addr: bigint, len: number): Uint8Array {
  const segs = readCore(fileSource(core)).segments;
  const a = Number(addr);
  const s = segs.find((x) => a >= x.addr && a + len <= x.addr + x.fileSize);
  assert.ok(s, `0x${a.toString(16)} is in the core`);
  const b = new Uint8Array(len);
  const fd = openSync(core, 'r');
  readSync(fd, b, 0, len, s.offset + (a - s.addr));
  closeSync(fd);
  return b;
}

function corrupt(core: string, patches: { addr: bigint; bytes: number[] }[]): string {
  const out = join(mkdtempSync(join(tmpdir(), 'mapscope-trust-')), 'core');
  copyFileSync(core, out);
  const segs = readCore(fileSource(core)).segments;
  const fd = openSync(out, 'r+');
  for (const p of patches) {
    const a = Number(p.addr);
    const s = segs.find((x) => a >= x.addr && a + p.bytes.length <= x.addr + x.fileSize)!;
    writeSync(fd, Uint8Array.from(p.bytes), 0, p.bytes.length, s.offset + (a - s.addr));
  }
  closeSync(fd);
  return out;
}

const le64 = (b: Uint8Array, o = 0) => new DataView(b.buffer, b.byteOffset + o, 8).getBigUint64(0, true);

test('check --core with another build\'s binary: exit 2 naming both builds, never "0 maps checked"', async () => {
  const a = await realCore({ go: '1.26', arch: 'amd64', how: 'crash' });
  const b = await realCore({ go: '1.24', arch: 'amd64', how: 'crash' });
  const r = await run(['check', '--core', a.core, '--binary', b.exe]);
  const line = assertBadInput(r.code, r.err, {
    want: new RegExp(`^mapscope: ${a.core.replace(/[.]/g, '\\.')}: was not written by ${b.exe.replace(/[.]/g, '\\.')}: `),
    stdout: r.out,
  });
  // Both identities: the path the core's program was started as, and both Go build IDs (differing).
  const ids = [...line.matchAll(/Go build ID (\S+?)[),]/g)].map((m) => m[1]);
  assert.equal(ids.length, 2, line);
  assert.notEqual(ids[0], ids[1]);
  assert.match(line, /started as \S+\/probe/);
  // The right pairs (kernel, gcore, qemu-user and PIE cores) are accepted.
  for (const spec of [{ go: '1.26', arch: 'amd64', how: 'crash', pie: true }, { go: '1.26', arch: 'amd64', how: 'gcore' }, { go: '1.26', arch: 'arm64', how: 'crash' }] as const) {
    const c = await realCore(spec);
    const ok = await run(['check', '--core', c.core, '--binary', c.exe, '--map', 'main.small']);
    assert.equal(ok.code, 0, `${JSON.stringify(spec)}: ${ok.err}`);
  }
  // A PIE build of the same source is another build too.
  const pie = await realCore({ go: '1.26', arch: 'amd64', how: 'crash', pie: true });
  assert.equal((await run(['check', '--core', a.core, '--binary', pie.exe])).code, 2);
});

test('check --addr --type: a type DWARF contradicts is exit 2 naming both; DWARF\'s spelling is accepted', async () => {
  const { core, exe, truth } = await realCore({ go: '1.26', arch: 'amd64', how: 'crash' });
  const points = truth.maps.find((m) => m.name === 'main.points')!;
  const wrong = await run(['check', '--core', core, '--binary', exe, '--addr', points.addr, '--type', 'map[string]int']);
  assertBadInput(wrong.code, wrong.err, {
    want: /^mapscope: --type: map\[string\]int contradicts the binary: DWARF says the map at 0x[0-9a-f]+ \(main\.points\) is map\[main\.Point\]int/,
    what: 'no findings from a wrong guess',
    stdout: wrong.out,
  });
  for (const spelling of ['map[main.Point]int', 'map[main.Point] int']) {
    const ok = await run(['check', '--core', core, '--binary', exe, '--addr', points.addr, '--type', spelling, '--json']);
    assert.equal(ok.code, 0, ok.err);
    const doc = JSON.parse(ok.out) as { maps: { name: string; type: string; count: number; findings: unknown[] }[] };
    assert.deepEqual(doc.maps.map((m) => [m.name, m.type, m.count, m.findings.length]), [['main.points', 'map[main.Point]int', points.len, 0]]);
  }
});

interface JFinding { code: string; severity: string; found: string; expected: string; location: { text: string; address?: string; key?: string; slot?: number; group?: number } }
interface JDoc { ok: boolean; findings: number; maps: { findingCount: number; findings: JFinding[]; omitted: { code: string; count: number }[] }[] }

test('check: findings past --limit are counted, never made up; --all lists them; slot findings name the key', async () => {
  const { core, exe, truth } = await realCore({ go: '1.26', arch: 'amd64', how: 'crash' });
  const big = BigInt(truth.maps.find((m) => m.name === 'main.big')!.addr);
  // main.big: map[int64]int64 with 5000 entries, so a directory of tables. maps.Map: dirPtr at 16.
  // Table (amd64): used u16, capacity u16, growthLeft u16, localDepth u8, index int, groups {data ptr, lengthMask}.
  const dir = le64(readAt(core, big + 16n, 8));
  const table = le64(readAt(core, dir, 8));
  const groups = le64(readAt(core, table + 16n, 8));
  // A group: 8 control bytes, then 8 slots of {key int64, elem int64} (16 bytes each): 136 bytes.
  const patches: { addr: bigint; bytes: number[] }[] = [];
  const keys = new Map<string, string>();
  for (let g = 0; patches.length < 120; g++) {
    const ga = groups + BigInt(g * 136);
    const ctrl = readAt(core, ga, 8);
    for (let s = 0; s < 8 && patches.length < 120; s++) {
      if (ctrl[s] >= 0x80) continue; // empty or deleted
      // Flip the H2's low bit: still a full slot, no longer the key's H2 (swiss/h2 and nothing else).
      patches.push({ addr: ga + BigInt(s), bytes: [ctrl[s] ^ 1] });
      const keyAddr = ga + 8n + BigInt(s * 16);
      keys.set(`0x${(ga + BigInt(s)).toString(16)}`, String(new DataView(readAt(core, keyAddr, 8).buffer).getBigInt64(0, true)));
    }
  }
  const bad = corrupt(core, patches);
  const def = await run(['check', '--core', bad, '--binary', exe, '--map', 'main.big', '--json']);
  assert.equal(def.code, 1, def.err);
  const d = JSON.parse(def.out) as JDoc;
  const m = d.maps[0];
  assert.equal(m.findingCount, 120, 'every flipped control byte is one finding');
  assert.equal(d.findings, 120);
  assert.equal(m.findings.length, 50, 'the default listing limit');
  assert.deepEqual(m.omitted, [{ code: 'swiss/h2', severity: 'error', count: 70 }]);
  assert.ok(m.findings.every((f) => f.code === 'swiss/h2' && !/more/.test(f.found)), 'no made-up summary finding');
  for (const f of m.findings) {
    assert.ok(f.location.address, 'the address');
    assert.equal(f.location.key, keys.get(f.location.address!), `${f.location.text}: the key as the core holds it`);
    assert.match(f.found, /^0x[0-9a-f]{2}$/);
  }
  const text = await run(['check', '--core', bad, '--binary', exe, '--map', 'main.big', '--limit', '3']);
  assert.match(text.out, /^1 map checked: 0 intact, 1 broken, 120 findings \(3 listed\)$/m);
  assert.match(text.out, /^ {2}… 117 more swiss\/h2 findings not listed/m);
  assert.match(text.out, /swiss\/h2 {2}table 0 \(directory\[0\]\) group \d+ slot \d+ key \d+ @0x[0-9a-f]+: /);
  const all = JSON.parse((await run(['check', '--core', bad, '--binary', exe, '--map', 'main.big', '--all', '--json'])).out) as JDoc;
  assert.equal(all.maps[0].findings.length, 120);
  assert.deepEqual(all.maps[0].omitted, []);
  assert.equal((await run(['check', '--core', bad, '--binary', exe, '--limit', '3', '--all'])).code, 2);
});

test('check: a classic tophash prints in hex like a Swiss control byte, and names its key', async () => {
  const { core, exe, truth } = await realCore({ go: '1.22', arch: 'amd64', how: 'crash' });
  const small = BigInt(truth.maps.find((m) => m.name === 'main.small')!.addr);
  // hmap (amd64): buckets at 16; B=0, one bucket: 8 tophash bytes, then 8 int64 keys.
  const buckets = le64(readAt(core, small + 16n, 8));
  const top = readAt(core, buckets, 8);
  const key0 = new DataView(readAt(core, buckets + 8n, 8).buffer).getBigInt64(0, true);
  const bumped = top[0] === 255 ? 254 : top[0] + 1;
  const r = await run(['check', '--core', corrupt(core, [{ addr: buckets, bytes: [bumped] }]), '--binary', exe, '--map', 'main.small', '--json']);
  const f = (JSON.parse(r.out) as JDoc).maps[0].findings[0];
  assert.equal(f.code, 'classic/key-tophash');
  assert.equal(f.found, `0x${bumped.toString(16).padStart(2, '0')}`);
  assert.equal(f.expected, `0x${top[0].toString(16).padStart(2, '0')}`, 'the real tophash, from the core');
  assert.equal(f.location.key, String(key0));
});
