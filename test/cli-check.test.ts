/**
 * `mapscope check` end to end, as a user runs it: real core dumps of a real Go
 * program (gosrc/coreprobe; Go 1.22 classic and 1.24/1.26/1.27 Swiss; amd64
 * and arm64; kernel, qemu-user and gcore cores), a live process, snapshots
 * from `mapscope sim`, corrupted cores, and malformed input.
 *
 * Expected values: the probe prints its own truth (each global map's header
 * address and len, read by the Go program itself), and real Go says these maps
 * are intact (they were built by the real runtime and never corrupted). Each
 * corruption below says beside it, derived by hand, which invariant it breaks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, openSync, readFileSync, readSync, writeFileSync, writeSync, closeSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main.js';
import { captureIO } from '../src/cli/io.js';
import { fileSource, readCore } from '../src/source/process/index.js';
import { realCore, liveProbe, type CoreSpec, type CoreTruth, type TruthMap } from './support/cores.js';
import { assertBadInput } from './support/badinput.js';

interface Run { code: number; out: string; err: string }

async function run(args: string[]): Promise<Run> {
  const io = captureIO();
  const code = await main(args, io);
  return { code, out: io.stdout, err: io.stderr };
}

interface Doc {
  ok: boolean;
  source: { kind: string; go?: string; arch?: string };
  maps: { name: string; address: string | null; type: string; impl: string; count: number; findings: { code: string; severity: string; possiblyTorn?: boolean }[]; unchecked: unknown[] }[];
}

function truthMap(t: CoreTruth, name: string): TruthMap {
  const m = t.maps.find((x) => x.name === name);
  assert.ok(m, `the probe reports ${name}`);
  return m;
}

const CORES: (CoreSpec & { impl: 'classic' | 'swiss' })[] = [
  { go: '1.22', arch: 'amd64', how: 'crash', impl: 'classic' },
  { go: '1.22', arch: 'arm64', how: 'crash', impl: 'classic' },
  { go: '1.22', arch: 'amd64', how: 'gcore', impl: 'classic' },
  { go: '1.24', arch: 'amd64', how: 'gcore', impl: 'swiss' },
  { go: '1.26', arch: 'amd64', how: 'crash', impl: 'swiss' },
  { go: '1.26', arch: 'arm64', how: 'crash', impl: 'swiss' },
  { go: '1.27', arch: 'arm64', how: 'crash', impl: 'swiss' },
];

for (const spec of CORES) {
  test(`check --core: Go ${spec.go} ${spec.arch} ${spec.how} core: every global map found and intact`, async () => {
    const { core, exe, truth } = await realCore(spec);
    const r = await run(['check', '--core', core, '--binary', exe, '--json']);
    assert.equal(r.code, 0, r.err + r.out);
    const doc = JSON.parse(r.out) as Doc;
    assert.equal(doc.ok, true);
    assert.equal(doc.source.go, truth.go);
    assert.equal(doc.source.arch, truth.goarch);
    // Every map the program printed (the maps held in main.nested's elems included), each with its own len.
    assert.deepEqual(doc.maps.map((m) => [m.name, m.address, m.count]).sort(), truth.maps.map((m) => [m.name, m.addr, m.len]).sort());
    for (const m of doc.maps) {
      assert.equal(m.impl, spec.impl, m.name);
      assert.deepEqual(m.findings, [], `${m.name}: no finding in a real, intact map`);
      assert.deepEqual(m.unchecked, [], `${m.name}: the key material was found, so every invariant was checked`);
    }
    if (spec.impl === 'classic') {
      // The probe stops main.growing mid-growth; its own unsafe read of hmap.oldbuckets (word 3) says so.
      assert.notEqual(BigInt(truthMap(truth, 'main.growing').hdr[3]), 0n, 'main.growing is caught mid-growth');
    }
  });
}

test('check --core, text: one line per map, a summary, exit 0', async () => {
  const { core, exe, truth } = await realCore({ go: '1.22', arch: 'amd64', how: 'crash' });
  const r = await run(['check', '--core', core, '--binary', exe]);
  assert.equal(r.code, 0, r.err);
  const n = truth.maps.length;
  assert.match(r.out, new RegExp(`^${n} maps checked: ${n} intact, 0 broken, 0 findings$`, 'm'));
  assert.match(r.out, /^main\.growing {2}map\[int64\]int64 {2}classic @0x[0-9a-f]+ {2}count 53 {2}intact$/m);
});

test('check --core --map and --addr --type choose one map', async () => {
  const { core, exe, truth } = await realCore({ go: '1.26', arch: 'amd64', how: 'crash' });
  const byName = JSON.parse((await run(['check', '--core', core, '--binary', exe, '--map', 'main.cfg.ByName', '--json'])).out) as Doc;
  assert.deepEqual(byName.maps.map((m) => [m.name, m.address, m.count]), [['main.cfg.ByName', truthMap(truth, 'main.cfg.ByName').addr, 2]]);
  const big = truthMap(truth, 'main.big');
  const r = await run(['check', '--core', core, '--binary', exe, '--addr', big.addr, '--type', 'map[int64]int64', '--json']);
  assert.equal(r.code, 0, r.err);
  const byAddr = JSON.parse(r.out) as Doc;
  assert.deepEqual(byAddr.maps.map((m) => [m.address, m.count, m.findings.length]), [[big.addr, big.len, 0]]);
});

/** A copy of a core with bytes at process addresses replaced. */
function corrupt(core: string, patches: { addr: bigint; bytes: number[] }[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'mapscope-corrupt-'));
  const out = join(dir, 'core');
  copyFileSync(core, out);
  const segs = readCore(fileSource(core)).segments;
  const fd = openSync(out, 'r+');
  try {
    for (const p of patches) {
      const a = Number(p.addr);
      const s = segs.find((x) => a >= x.addr && a + p.bytes.length <= x.addr + x.fileSize);
      assert.ok(s, `0x${a.toString(16)} is in the core's file-backed bytes`);
      writeSync(fd, Uint8Array.from(p.bytes), 0, p.bytes.length, s.offset + (a - s.addr));
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

function readAt(core: string, addr: bigint, len: number): Uint8Array {
  const segs = readCore(fileSource(core)).segments;
  const a = Number(addr);
  const s = segs.find((x) => a >= x.addr && a + len <= x.addr + x.fileSize);
  assert.ok(s);
  const b = new Uint8Array(len);
  const fd = openSync(core, 'r');
  readSync(fd, b, 0, len, s.offset + (a - s.addr));
  closeSync(fd);
  return b;
}

const le64 = (b: Uint8Array, o = 0) => new DataView(b.buffer, b.byteOffset + o, 8).getBigUint64(0, true);

async function codesOf(core: string, exe: string, map: string): Promise<string[]> {
  const r = await run(['check', '--core', core, '--binary', exe, '--map', map, '--json']);
  assert.equal(r.code, 1, `a corrupted map is a finding (exit 1): ${r.err}`);
  const doc = JSON.parse(r.out) as Doc;
  assert.equal(doc.ok, false);
  return [...new Set(doc.maps[0].findings.map((f) => f.code))].sort();
}

test('check --core on corrupted classic cores (Go 1.22 amd64) names the broken invariant', async () => {
  const { core, exe, truth } = await realCore({ go: '1.22', arch: 'amd64', how: 'crash' });
  const small = BigInt(truthMap(truth, 'main.small').addr);
  // hmap.count is the first word (amd64 hmap: count int at 0). 5 → 6 with the same 5 live slots:
  // only the live-slot count disagrees.
  assert.deepEqual(await codesOf(corrupt(core, [{ addr: small, bytes: [6] }]), exe, 'main.small'), ['classic/count']);
  // hmap.flags (byte 8) gets hashWriting (4): the map reads as being written, an info finding only,
  // so the check stays ok (exit 0).
  const w = await run(['check', '--core', corrupt(core, [{ addr: small + 8n, bytes: [4] }]), '--binary', exe, '--map', 'main.small', '--json']);
  assert.equal(w.code, 0, w.err);
  assert.deepEqual((JSON.parse(w.out) as Doc).maps[0].findings.map((f) => [f.code, f.severity]), [['classic/writing', 'info']]);
  // main.small has 5 keys in B=0: one bucket at hmap.buckets (word 2); its tophash bytes are its first 8 bytes,
  // slots 0–4 full (≥ 5). Changing slot 0's tophash to another full value keeps it live and in its bucket
  // (B=0: every hash selects bucket 0), so only the tophash/hash agreement breaks.
  const buckets = le64(readAt(core, small + 16n, 8));
  const top = readAt(core, buckets, 8);
  assert.ok(top[0] >= 5, 'slot 0 is full');
  assert.deepEqual(await codesOf(corrupt(core, [{ addr: buckets, bytes: [top[0] === 255 ? 254 : top[0] + 1] }]), exe, 'main.small'), ['classic/key-tophash']);
  // Slot 0's tophash set to emptyRest (0) while slots 1–4 stay full: something live follows an emptyRest,
  // and the header's count (5) no longer matches the 4 live slots.
  assert.deepEqual(await codesOf(corrupt(core, [{ addr: buckets, bytes: [0] }]), exe, 'main.small'), ['classic/count', 'classic/empty-rest']);
});

test('check --core on corrupted Swiss cores (Go 1.26 arm64) names the broken invariant', async () => {
  const { core, exe, truth } = await realCore({ go: '1.26', arch: 'arm64', how: 'crash' });
  const small = BigInt(truthMap(truth, 'main.small').addr);
  // maps.Map on 64-bit: used uint64 at 0, seed at 8, dirPtr at 16, dirLen at 24.
  // used 5 → 6 with 5 full slots in the small group: only the map's used count disagrees.
  assert.deepEqual(await codesOf(corrupt(core, [{ addr: small, bytes: [6] }]), exe, 'main.small'), ['swiss/used']);
  // A small map's dirPtr is its one group; the control word is its first 8 bytes (slot i = byte i on
  // little-endian arm64). Flipping the low bit of a full slot's H2 keeps it full (< 0x80) but no longer the
  // key's H2; a small map has no probe sequence or directory, so nothing else breaks.
  const group = le64(readAt(core, small + 16n, 8));
  const ctrl = readAt(core, group, 8);
  const full = ctrl.findIndex((c) => c < 0x80);
  assert.ok(full >= 0);
  assert.deepEqual(await codesOf(corrupt(core, [{ addr: group + BigInt(full), bytes: [ctrl[full] ^ 1] }]), exe, 'main.small'), ['swiss/h2']);
  // main.big (5000 entries) has a directory: dirPtr → array of *table. The first table's growthLeft
  // (uint16 at 4 after used and capacity) plus one: the table's own bookkeeping no longer adds up.
  const big = BigInt(truthMap(truth, 'main.big').addr);
  const dir = le64(readAt(core, big + 16n, 8));
  const table = le64(readAt(core, dir, 8));
  const gl = readAt(core, table + 4n, 2);
  const v = gl[0] + 256 * gl[1] + 1;
  assert.deepEqual(await codesOf(corrupt(core, [{ addr: table + 4n, bytes: [v & 255, v >> 8] }]), exe, 'main.big'), ['swiss/growth-left']);
});

test('check: malformed input is one line and exit 2', async () => {
  const { core, exe } = await realCore({ go: '1.22', arch: 'amd64', how: 'crash' });
  const dir = mkdtempSync(join(tmpdir(), 'mapscope-bad-'));
  const truncated = join(dir, 'truncated.core');
  writeFileSync(truncated, readFileSync(core).subarray(0, Math.min(statSync(core).size, 3000)));
  const cases: [string, string[], RegExp][] = [
    ['truncated core', ['--core', truncated, '--binary', exe], /truncated\.core/],
    ['non-Go executable', ['--core', core, '--binary', '/bin/true'], /\/bin\/true/],
    ['address outside any segment', ['--core', core, '--binary', exe, '--addr', '0x10', '--type', 'map[int]int'], /0x10/],
    ['not a map type', ['--core', core, '--binary', exe, '--addr', '0xc000000000', '--type', 'int'], /not a map type/],
    ['no such global', ['--core', core, '--binary', exe, '--map', 'main.nosuch'], /main\.nosuch/],
    ['core without binary', ['--core', core], /--binary/],
    ['no input at all', [], /exactly one/],
  ];
  for (const [what, args, re] of cases) {
    const r = await run(['check', ...args]);
    assertBadInput(r.code, r.err, { want: re, what, stdout: r.out });
  }
});

test('check --pid: a live Go process, frozen and not, once and watched', async () => {
  const probe = await liveProbe('1.26');
  try {
    const frozen = await run(['check', '--pid', String(probe.pid), '--freeze', '--json']);
    assert.equal(frozen.code, 0, frozen.err);
    const doc = JSON.parse(frozen.out) as Doc;
    assert.equal(doc.ok, true);
    assert.deepEqual(doc.maps.map((m) => [m.name, m.address, m.count]).sort(), probe.truth.maps.map((m) => [m.name, m.addr, m.len]).sort());
    // The probe is idle (blocked on stdin): an unfrozen read sees the same intact maps.
    const running = await run(['check', '--pid', String(probe.pid), '--map', 'main.strs']);
    assert.equal(running.code, 0, running.err);
    assert.match(running.out, /^main\.strs .* count 100 {2}intact$/m);
    const watched = await run(['check', '--pid', String(probe.pid), '--freeze', '--watch', '50ms', '--rounds', '3']);
    assert.equal(watched.code, 0, watched.err);
    assert.match(watched.err, /^round 3 /m);
    assert.match(watched.out, new RegExp(`^${probe.truth.maps.length} maps checked: ${probe.truth.maps.length} intact`, 'm'));
  } finally {
    await probe.stop();
  }
  const gone = await run(['check', '--pid', String(probe.pid)]);
  assert.equal(gone.code, 2, 'a process that has exited is bad input');
});

test('check SNAPSHOT: a `mapscope sim --json` snapshot checks clean; a corrupted one names the invariant', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mapscope-snap-'));
  for (const [go, impl] of [['1.22', 'classic'], ['1.26', 'swiss']] as const) {
    const scenario = join(dir, `s-${go}.json`);
    // 20 inserts then 5 deletes: a classic map of B=2 (20 > 6.5×2) with tophash and emptyOne marks,
    // a Swiss map past its small group (20 > 8) with tombstones or empties.
    const ops = [...Array.from({ length: 20 }, (_, i) => ['insert', i, i * 10]), ...[1, 3, 5, 7, 9].map((k) => ['delete', k])];
    writeFileSync(scenario, JSON.stringify({ go, arch: 'arm64', type: 'map[int64]int64', ops, hash: { mode: 'fallback', seeds: [12345], hashkey: ['1', '2', '3', '4'] } }));
    const sim = await run(['sim', scenario, '--json']);
    assert.equal(sim.code, 0, sim.err);
    const snap = join(dir, `snap-${go}.json`);
    writeFileSync(snap, sim.out);
    const ok = await run(['check', snap, '--json']);
    assert.equal(ok.code, 0, ok.err);
    const doc = JSON.parse(ok.out) as Doc;
    assert.deepEqual(doc.maps.map((m) => [m.impl, m.count, m.address, m.findings.length]), [[impl, 15, null, 0]]);
    // Raise the header's count/used by one: the live slots (15) no longer match it.
    const s = JSON.parse(sim.out) as { header: { count?: number; used?: number } };
    if (impl === 'classic') s.header.count = 16;
    else s.header.used = 16;
    const bad = join(dir, `bad-${go}.json`);
    writeFileSync(bad, JSON.stringify(s));
    const r = await run(['check', bad]);
    assert.equal(r.code, 1, r.err);
    assert.match(r.out, impl === 'classic' ? /^ {2}error +classic\/count /m : /^ {2}error +swiss\/used /m);
  }
  const notJson = join(dir, 'not.json');
  writeFileSync(notJson, '{"impl": "classic", ');
  const r = await run(['check', notJson]);
  assert.equal(r.code, 2);
  assert.match(r.err, /not\.json.*not valid JSON/);
  const notMap = join(dir, 'scenario.json');
  writeFileSync(notMap, '{"go": "1.22", "ops": []}');
  const r2 = await run(['check', notMap]);
  assert.equal(r2.code, 2);
  assert.match(r2.err, /impl/);
});
