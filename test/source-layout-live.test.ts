/**
 * `layout --source` against real compilers, on the test module
 * test/fixtures/namedmod (packages store and gen, generics, a second module
 * vendored into vendor/, fields of time.Time, sync.Mutex, netip.Addr and
 * atomic.Int64).
 *
 * Its cmd/probe is built by Go 1.21, 1.23, 1.24 and 1.27 for amd64, arm64,
 * 386 and arm (arm64/arm run under qemu-user). The probe prints, from
 * reflect, the key's and elem's size and alignment and every struct field
 * offset through every inline struct and array; the map descriptors come
 * from the executable (mapscope inspect's reader). mapscope resolves the same
 * type names from the module's source (gosrc/typesource, run by Go 1.27) and
 * must give the same figures for each compiler's version and GOARCH.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { layoutOf, target, type MapLayout } from '../src/layout/index.js';
import type { MapInfo } from '../src/binary/mapdesc.js';
import { binaryNames } from '../src/names/binary.js';
import { binaryMapLayouts } from '../src/cli/commands/layout.js';
import { sizeOf, structLayout, typeString, underlying, type GoType } from '../src/model/types.js';
import type { Arch } from '../src/model/arch.js';
import { inspectBytes } from '../src/inspect/inspect.js';
import { resolveManyInSource, sourceGoType, type SourceType } from '../src/names/source.js';
import { emulatorFor, goroot } from './support/toolchains.js';
import { goBuild, useRunGoCache } from './support/gobuild.js';

export const MODULE = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test', 'fixtures', 'namedmod');
export const PROBE = join(MODULE, 'cmd', 'probe');
const GOARCHES = ['amd64', 'arm64', '386', 'arm'];
useRunGoCache(); // `layout --source` builds its go/types helper with the run's Go build cache

export interface ProbeNode { size: number; align: number; fields?: { name: string; offset: number; type: ProbeNode }[]; elem?: ProbeNode }
export interface ProbeOut { go: string; goarch: string; maps: { type: string; key: ProbeNode; elem: ProbeNode }[] }

/** The probe built by Go `go` for `goarch` (through test/support/gobuild.ts: once per change of the module or toolchain); vendor/ is used, so GOFLAGS is empty. */
export function buildProbe(go: string, goarch: string, extraFlags: string[] = []): string {
  return goBuild({ go, src: MODULE, pkg: './cmd/probe', goarch, flags: extraFlags, env: { GOFLAGS: '', GOPROXY: 'off' }, name: 'probe' });
}

export function runProbe(goarch: string, exe: string): ProbeOut {
  const emu = emulatorFor(goarch);
  return JSON.parse(emu ? execFileSync(emu, [exe], { encoding: 'utf8' }) : execFileSync(exe, [], { encoding: 'utf8' })) as ProbeOut;
}

/** The same tree as the probe's, from mapscope's model. */
export function ourNode(t: GoType, arch: Arch): ProbeNode {
  const s = sizeOf(t, arch);
  const u = underlying(t);
  const n: ProbeNode = { size: s.size, align: s.align };
  if (u.kind === 'struct' && u.fields.length > 0) { // the probe omits an empty field list
    const l = structLayout(u, arch, t.kind === 'named' && Boolean(t.align64));
    n.fields = l.fields.map((f) => ({ name: f.name, offset: f.offset, type: ourNode(f.type, arch) }));
  } else if (u.kind === 'array') n.elem = ourNode(u.elem, arch);
  return n;
}

function sameDescriptor(ctx: string, d: MapInfo, l: MapLayout) {
  if (l.impl === 'classic') {
    assert.deepEqual([d.keySize, d.elemSize, d.bucketSize, d.flags], [l.descriptor.keySize, l.descriptor.elemSize, l.descriptor.bucketSize, l.descriptor.flags.value], `${ctx}: KeySize, ValueSize, BucketSize, Flags`);
  } else {
    assert.deepEqual([d.groupSize, d.slotSize, d.elemOffset, d.flags], [l.descriptor.groupSize, l.descriptor.slotSize, l.descriptor.elemOff, l.descriptor.flags.value], `${ctx}: GroupSize, SlotSize, ElemOff, Flags`);
  }
}

const resolved = new Map<string, Map<string, SourceType>>();

function fromSource(types: string[], goarch: string): Map<string, SourceType> {
  let m = resolved.get(goarch);
  const missing = types.filter((t) => !m?.has(t));
  if (missing.length > 0) {
    m ??= new Map();
    const rs = resolveManyInSource([...missing, 'map[int]int'], PROBE, goarch, join(goroot('1.27'), 'bin', 'go'));
    missing.forEach((t, i) => {
      const r = rs[i];
      if ('error' in r) throw new Error(`${t} on ${goarch}: ${r.error}`);
      m!.set(t, r);
    });
    resolved.set(goarch, m);
  }
  return m!;
}

for (const go of ['1.21', '1.23', '1.24', '1.27']) {
  test(`layout --source equals go${go}'s compiled layouts of namedmod's maps on amd64, arm64, 386, arm`, { timeout: 1_800_000 }, () => {
    for (const a of GOARCHES) {
      const ctx = `go${go}/${a}`;
      const exe = buildProbe(go, a);
      const stripped = buildProbe(go, a, ['-ldflags=-s -w']);
      const real = runProbe(a, exe);
      assert.ok(real.maps.length >= 17, `${ctx}: probe lists ${real.maps.length} maps`);
      const [ins] = inspectBytes(exe, new Uint8Array(readFileSync(exe)));
      const src = fromSource(real.maps.map((m) => m.type), a);
      const t = target(go, a);
      for (const m of real.maps) {
        const type = sourceGoType(src.get(m.type)!, t.go, t.arch);
        assert.ok(type.kind === 'map');
        assert.deepEqual(ourNode(type.key, t.arch), m.key, `${ctx} ${m.type}: key size, align and field offsets`);
        assert.deepEqual(ourNode(type.elem, t.arch), m.elem, `${ctx} ${m.type}: elem size, align and field offsets`);
        const d = ins.maps.find((x) => x.type === m.type);
        assert.ok(d, `${ctx}: no descriptor for ${m.type}`);
        sameDescriptor(`${ctx} ${m.type}`, d, layoutOf(type, t));
      }
      // layout --binary on the same program, with DWARF and stripped: version, GOARCH and names from the executable.
      for (const [label, file] of [['DWARF', exe], ['stripped', stripped]]) {
        const b = binaryNames(file);
        assert.deepEqual([b.target.go.minor, b.target.arch.name], [t.go.minor, a], `${ctx} ${label}: target read from the binary`);
        const listed = binaryMapLayouts(b);
        for (const m of real.maps) {
          const bm = b.maps.find((x) => x.info.type === m.type);
          assert.ok(bm, `${ctx} ${label}: --binary does not list ${m.type}`);
          assert.deepEqual(ourNode(bm.type.key, t.arch), m.key, `${ctx} ${label} ${m.type}: key`);
          assert.deepEqual(ourNode(bm.type.elem, t.arch), m.elem, `${ctx} ${label} ${m.type}: elem`);
          const l = listed.find((x) => x.type === m.type || (!('error' in x) && x.type === typeString(bm.type)));
          assert.ok(l && !('error' in l), `${ctx} ${label}: no layout listed for ${m.type}`);
          sameDescriptor(`${ctx} ${label} ${m.type}`, bm.info, l);
        }
      }
    }
  });
}
