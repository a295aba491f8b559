/**
 * `mapscope profile` against `go tool pprof` of the same toolchain, on
 * profiles gosrc/mapcost (JSON into map[string]interface{}, an unbounded
 * cache map, a map cleared and refilled) writes when built and run by real
 * toolchains: the totals, and the flat and cum figures of every runtime map
 * function pprof lists, must equal pprof's own `-top` exactly, for every
 * sample type.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync, gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { decodeProfile } from '../src/profile/pprof.js';
import { mapCost, type MapCost } from '../src/profile/mapcost.js';
import { classify, isRuntimeFrame } from '../src/profile/mapfuncs.js';
import { InputError } from '../src/base/errors.js';
import { main } from '../src/cli/main.js';
import { captureIO } from '../src/cli/io.js';
import { goroot } from './support/toolchains.js';
import { buildGosrc, buildMapcost, runMapcost } from './support/mapcost.js';
import { assertBadInput } from './support/badinput.js';

const dir = mkdtempSync(path.join(tmpdir(), 'mapscope-profile-'));

interface TopRow {
  flat: number;
  cum: number;
}

/** `go tool pprof -top` of the whole profile for one sample type: the total and every function's flat/cum. */
function pprofTop(go: string, file: string, sampleIndex: string, unit: string | null): { total: number; rows: Map<string, TopRow> } {
  const args = ['tool', 'pprof', '-top', '-nodecount=1000000', '-nodefraction=0', '-edgefraction=0', `-sample_index=${sampleIndex}`];
  if (unit) args.push(`-unit=${unit}`);
  args.push(file);
  const out = execFileSync(path.join(goroot(go), 'bin', 'go'), args, { env: { ...process.env, GOROOT: goroot(go), GOTOOLCHAIN: 'local' }, encoding: 'utf8', maxBuffer: 64 << 20 });
  const v = (s: string) => Number(s.replace(/(ns|B)$/, ''));
  const tot = /Showing nodes accounting for \S+, [\d.]+% of (\S+) total/.exec(out);
  assert.ok(tot, `pprof -top header: ${out.slice(0, 400)}`);
  const rows = new Map<string, TopRow>();
  for (const line of out.split('\n')) {
    const m = /^\s*(\S+)\s+[\d.]+%\s+[\d.]+%\s+(\S+)\s+[\d.]+%\s+(.+?)( \(inline\))?$/.exec(line);
    if (!m) continue;
    rows.set(m[3], { flat: v(m[1]), cum: v(m[2]) });
  }
  return { total: v(tot[1]), rows };
}

function assertEqualsPprof(go: string, file: string, cost: MapCost, index: number, unit: string | null) {
  const t = cost.sampleTypes[index];
  const { total, rows } = pprofTop(go, file, t.type, unit);
  assert.equal(cost.total[index], total, `${t.type} total`);
  const mine = new Map(cost.functions.map((f) => [f.name, f]));
  let compared = 0;
  for (const [name, r] of rows) {
    if (classify(name) === null) {
      // A runtime function that looks like map code but is not classified would be silently lost.
      assert.ok(!/^runtime\.(map|makemap|hashGrow|growWork|evacuat|\(\*[hb]map\))|^runtime\.\w*hash|^internal\/runtime\/maps\./.test(name), `${name} looks like map code but is not classified`);
      continue;
    }
    const f = mine.get(name);
    assert.ok(f, `${name} (pprof: flat ${r.flat}, cum ${r.cum}) missing from mapscope's functions`);
    assert.deepEqual([f.flat[index], f.cum[index]], [r.flat, r.cum], `${t.type} of ${name}`);
    compared++;
  }
  // …and mapscope lists nothing pprof does not.
  for (const f of cost.functions) assert.ok(rows.has(f.name), `${f.name} not in pprof -top`);
  assert.equal(compared, cost.functions.length);
  return compared;
}

const CPU_TARGETS: [string, string][] = [['1.19', 'amd64'], ['1.22', 'amd64'], ['1.24', 'amd64'], ['1.26', 'amd64'], ['1.27', 'amd64'], ['1.26', 'arm64']];
for (const [go, arch] of CPU_TARGETS) {
  test(`Go ${go} ${arch} CPU profile: totals and every runtime map function's flat/cum equal go tool pprof -top`, () => {
    const file = path.join(dir, arch === 'amd64' ? `cpu-${go}.pb.gz` : `cpu-${go}-${arch}.pb.gz`);
    // arm64 runs under qemu-user, about ten times slower: fewer rounds give a similar sample count.
    runMapcost(buildMapcost(go, arch), ['-rounds', arch === 'amd64' ? '600' : '200', '-forced', '0', '-cpuprofile', file], arch);
    const cost = mapCost(decodeProfile(readFileSync(file), file));
    assert.equal(cost.kind, 'cpu');
    assert.deepEqual(cost.sampleTypes.map((t) => t.type), ['samples', 'cpu']);
    const n = assertEqualsPprof(go, file, cost, 0, null);
    assertEqualsPprof(go, file, cost, 1, 'ns');
    assert.ok(n >= 3, `only ${n} map functions sampled`);
    // Counts add up: call sites share out exactly the samples with map code on the stack.
    for (let i = 0; i < 2; i++) assert.equal(cost.callSites.reduce((a, s) => a + s.values[i], 0), cost.map[i]);
    for (const s of cost.callSites) assert.ok(!isRuntimeFrame(s.function) || s.function === '(runtime)', s.function);
    // The JSON decode's map[string]interface{} inserts are the hottest map work by construction.
    assert.ok(cost.functions.some((f) => /mapassign_faststr$/.test(f.name)), 'mapassign_faststr sampled');
  });
}

for (const go of ['1.22', '1.26']) {
  test(`Go ${go} allocs profile: totals and map functions equal go tool pprof -top for all four sample types`, () => {
    const file = path.join(dir, `allocs-${go}.pb.gz`);
    runMapcost(buildMapcost(go), ['-rounds', '30', '-forced', '0', '-memprofile', file]);
    const cost = mapCost(decodeProfile(readFileSync(file), file));
    assert.equal(cost.kind, 'heap');
    assert.deepEqual(cost.sampleTypes.map((t) => t.type), ['alloc_objects', 'alloc_space', 'inuse_objects', 'inuse_space']);
    for (let i = 0; i < 4; i++) assertEqualsPprof(go, file, cost, i, cost.sampleTypes[i].unit === 'bytes' ? 'B' : null);
    // runtime/pprof hides the runtime frames at the leaf of heap samples (protomem.go,
    // hideRuntime), so the map code left visible is reflect's linknamed entry points.
    assert.ok(cost.functions.every((f) => !f.name.startsWith('runtime.') && !f.name.startsWith('internal/runtime/')));
    const site = cost.callSites.find((s) => s.function === 'reflect.Value.SetMapIndex' && s.op === 'insert');
    assert.ok(site && site.values[1] > 0, 'json decode inserts through reflect.Value.SetMapIndex allocate');
  });
}

for (const go of ['1.22', '1.26']) {
  test(`Go ${go} block and mutex profiles: totals of both sample types equal go tool pprof -top, and no map code is on a lock's stack`, () => {
    // gosrc/mapcontend: four goroutines share one map behind a sync.Mutex, with every blocking
    // event and every contention sampled. The waits are in sync.(*Mutex).Lock and the contended
    // Unlock, never inside map code, so pprof lists no map function and mapscope must agree.
    const exe = buildGosrc('mapcontend', go);
    const block = path.join(dir, `block-${go}.pb.gz`);
    const mutex = path.join(dir, `mutex-${go}.pb.gz`);
    execFileSync(exe, ['-blockprofile', block, '-mutexprofile', mutex], { encoding: 'utf8', timeout: 120_000 });
    for (const file of [block, mutex]) {
      const cost = mapCost(decodeProfile(readFileSync(file), file));
      assert.equal(cost.kind, 'other');
      assert.deepEqual(cost.sampleTypes.map((t) => `${t.type}/${t.unit}`), ['contentions/count', 'delay/nanoseconds']);
      assert.ok(cost.total[0] > 0, `${file}: no contention recorded`);
      assertEqualsPprof(go, file, cost, 0, null);
      assertEqualsPprof(go, file, cost, 1, 'ns');
      assert.deepEqual(cost.map, [0, 0]);
    }
  });
}

test('classification by name, by hand from each release\'s runtime source', () => {
  const want: [string, string | null][] = [
    // classic, runtime/map.go and map_fast*.go (Go 1.19–1.23)
    ['runtime.mapaccess1_faststr', 'lookup'], ['runtime.mapaccess2_fast64', 'lookup'], ['runtime.mapaccessK', 'lookup'],
    ['runtime.mapassign', 'insert'], ['runtime.mapassign_fast64ptr', 'insert'], ['runtime.mapdelete_faststr', 'delete'],
    ['runtime.hashGrow', 'growth'], ['runtime.evacuated', 'shared'], ['runtime.growWork_faststr', 'growth'], ['runtime.evacuate_fast32', 'growth'], ['runtime.(*hmap).newoverflow', 'growth'],
    ['runtime.mapiterinit', 'iteration'], ['runtime.mapiternext', 'iteration'], ['runtime.mapclear', 'clear'], ['runtime.mapclear.func1', 'clear'],
    ['runtime.makemap_small', 'make'], ['runtime.makemap64', 'make'], ['runtime.makeBucketArray', 'shared'],
    // reflect's primitives are runtime code linknamed into reflect
    ['reflect.mapassign_faststr0', 'insert'], ['reflect.mapassign0', 'insert'], ['reflect.mapaccess', 'lookup'], ['reflect.makemap', 'make'],
    ['reflect.Value.SetMapIndex', null], ['reflect.MakeMapWithSize', null],
    // Swiss, internal/runtime/maps (Go 1.24–1.27)
    ['internal/runtime/maps.(*Map).getWithKeySmall', 'lookup'], ['internal/runtime/maps.(*table).getWithKey', 'lookup'],
    ['internal/runtime/maps.(*Map).putSlotSmallFastStr', 'insert'], ['internal/runtime/maps.(*table).uncheckedPutSlotForAssignFast64', 'insert'],
    ['internal/runtime/maps.(*table).grow', 'growth'], ['internal/runtime/maps.(*table).split', 'growth'], ['internal/runtime/maps.(*table).rehash', 'growth'],
    ['internal/runtime/maps.(*Map).growToSmall', 'growth'], ['internal/runtime/maps.(*Map).growToTable', 'growth'], ['internal/runtime/maps.(*table).uncheckedPutSlot', 'growth'],
    ['internal/runtime/maps.(*Iter).Next', 'iteration'], ['internal/runtime/maps.(*Map).Clear', 'clear'], ['internal/runtime/maps.(*table).reset', 'clear'],
    ['internal/runtime/maps.(*Map).Delete', 'delete'], ['internal/runtime/maps.NewEmptyMap', 'make'], ['internal/runtime/maps.newTable', 'shared'],
    ['internal/runtime/maps.ctrlGroup.matchH2', 'shared'], ['runtime.mapIterNext', 'iteration'], ['runtime.mapclone2', 'clone'], ['maps.clone', 'clone'],
    // hash
    ['aeshashbody', 'hash'], ['runtime.memhash64', 'hash'], ['runtime.strhash', 'hash'], ['runtime.interhash', 'hash'], ['internal/runtime/maps.memHash64Fallback', 'hash'],
    // not map code
    ['runtime.mallocgc', null], ['runtime.newobject', null], ['main.grow', null], ['encoding/json.(*decodeState).object', null],
  ];
  for (const [name, fam] of want) assert.equal(classify(name), fam, name);
});

test('random corruption of real profiles gives a cost or a clean InputError', () => {
  const file = path.join(dir, 'fuzz.pb.gz');
  runMapcost(buildMapcost('1.26'), ['-rounds', '100', '-forced', '0', '-cpuprofile', file]);
  const raw = gunzipSync(readFileSync(file));
  fc.assert(
    fc.property(fc.array(fc.record({ pos: fc.nat(), byte: fc.nat({ max: 255 }), cut: fc.boolean() }), { minLength: 1, maxLength: 6 }), fc.boolean(), (edits, zip) => {
      let b = Buffer.from(raw);
      for (const e of edits) {
        const p = e.pos % b.length;
        if (e.cut) b = b.subarray(0, Math.max(1, p));
        else b[p] = e.byte;
      }
      try {
        mapCost(decodeProfile(zip ? gzipSync(b) : b, 'p.pb'));
      } catch (e) {
        assert.ok(e instanceof InputError, `not an InputError: ${String(e)}`);
        assert.ok(!e.message.includes('\n'));
      }
    }),
    { numRuns: 1500 },
  );
});

test('CLI: the table, --json and exit 2 on a file that is not a profile', async () => {
  const file = path.join(dir, 'cpu-1.26.pb.gz');
  const io = captureIO();
  assert.equal(await main(['profile', file], io), 0);
  assert.match(io.stdout, /^cpu profile; sample types: samples\/count, cpu\/nanoseconds\n/);
  assert.match(io.stdout, /\nfamily\s+flat\s+flat%\s+cum\s+cum%\n/);
  const j = captureIO();
  assert.equal(await main(['profile', file, '--json'], j), 0);
  const doc = JSON.parse(j.stdout) as MapCost & { file: string };
  assert.equal(doc.file, file);
  assert.ok(doc.families.length > 0 && doc.functions.length > 0 && doc.callSites.length > 0);
  const bad = path.join(dir, 'bad.pb.gz');
  writeFileSync(bad, gzipSync(Buffer.from('not a profile at all')));
  const e = captureIO();
  assertBadInput(await main(['profile', bad], e), e.stderr, { want: /bad\.pb\.gz: / });
});
