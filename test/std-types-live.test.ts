/**
 * The standard-library table against programs freshly built by the real
 * toolchains, for every installed Go release on amd64, arm64, 386 and arm
 * (GOARM=7; arm64 and arm run under qemu-user).
 *
 * The program prints unsafe.Sizeof and unsafe.Alignof of a sample of the
 * table's types and unsafe.Offsetof of url.URL's exported fields; its map
 * type descriptors, written by the compiler, are read back from the
 * executable (mapscope inspect's reader). mapscope's figures for the same
 * names, from the table alone, must equal all of them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { layoutOf, parseTypeFor, target } from '../src/layout/index.js';
import { sizeOf, structLayout, underlying } from '../src/model/types.js';
import { inspectBytes } from '../src/inspect/inspect.js';
import { emulatorFor } from './support/toolchains.js';
import { goBuild } from './support/gobuild.js';

const VERSIONS = ['1.19', '1.21', '1.22', '1.23', '1.24', '1.25', '1.26', '1.27'];
const GOARCHES = ['amd64', 'arm64', '386', 'arm'];

const SIZED = [
  'time.Time', 'time.Duration', 'time.Location', 'time.Timer', 'sync.Mutex', 'sync.RWMutex', 'sync.WaitGroup', 'sync.Once',
  'sync.Map', 'sync.Pool', 'atomic.Int64', 'atomic.Uint64', 'atomic.Bool', 'atomic.Value', 'netip.Addr', 'netip.AddrPort',
  'netip.Prefix', 'url.URL', 'url.Values', 'list.List', 'list.Element', 'big.Int', 'big.Float', 'big.Rat', 'regexp.Regexp',
  'strings.Builder', 'strings.Reader', 'bytes.Buffer', 'bytes.Reader', 'context.CancelFunc', 'context.Context', 'json.RawMessage',
  'json.Decoder', 'json.Number', 'reflect.Type', 'reflect.Value', 'reflect.StructField', 'fs.FileMode', 'os.File', 'os.FileInfo',
];
const MAPS = [
  'map[string]time.Time', 'map[netip.Addr]sync.Mutex', 'map[netip.AddrPort]time.Duration', 'map[netip.Prefix]*list.Element',
  // Not map[string]sync.WaitGroup: Go 1.21–1.23 reject it on 386 and arm (WaitGroup holds an atomic.Uint64
  // since 1.20), which test/cli-named.test.ts checks against the compiler's message.
  'map[url.URL]bool', 'map[time.Month]sync.RWMutex', 'map[int]atomic.Value',
  'map[string]big.Int', 'map[int32]strings.Builder', 'map[string]bytes.Buffer', 'map[time.Time]regexp.Regexp',
  'map[[2]netip.Addr]atomic.Bool', 'map[string]list.List', 'map[json.Number]json.RawMessage', 'map[reflect.Type]reflect.Value',
  'map[fs.FileMode]sync.Once',
];
const URL_FIELDS = ['Scheme', 'Opaque', 'User', 'Host', 'Path', 'RawPath', 'ForceQuery', 'RawQuery', 'Fragment'];

function program(): string {
  const imports = ['bytes', 'context', 'container/list', 'encoding/json', 'fmt', 'io/fs', 'math/big', 'net/netip', 'net/url', 'os', 'reflect', 'regexp', 'strings', 'sync', 'sync/atomic', 'time', 'unsafe'];
  const sized = SIZED.map((t) => `\t{${JSON.stringify(t)}, unsafe.Sizeof(*new(${t})), unsafe.Alignof(*new(${t}))},`);
  const offs = URL_FIELDS.map((f) => `unsafe.Offsetof(u.${f})`).join(', ');
  return `package main

import (
${imports.map((i) => `\t${JSON.stringify(i)}`).join('\n')}
)

var _ context.Context
var _ = os.Stdout

var Maps = []any{
${MAPS.map((m) => `\t${m}{},`).join('\n')}
}

var sized = []struct {
	name        string
	size, align uintptr
}{
${sized.join('\n')}
}

func main() {
	var u url.URL
	offs := strings.ReplaceAll(fmt.Sprint([]uintptr{${offs}}), " ", ",")
	fmt.Printf("{\\"maps\\": %d, \\"urlOffsets\\": %s, \\"sizes\\": {", len(Maps), offs)
	for i, s := range sized {
		if i > 0 {
			fmt.Print(", ")
		}
		fmt.Printf("%q: [%d, %d]", s.name, s.size, s.align)
	}
	fmt.Println("}}")
	_ = bytes.MinRead
	_ = list.New
	_ = json.Valid
	_ = fs.ModeDir
	_ = big.NewInt
	_ = netip.Addr{}
	_ = reflect.TypeOf
	_ = regexp.MustCompile
	_ = strings.ToUpper
	_ = sync.NewCond
	_ = atomic.AddInt32
	_ = time.Now
}
`;
}

/** Builds the program (through test/support/gobuild.ts: once per change of program or toolchain) and runs it, under qemu-user off amd64. */
function build(go: string, goarch: string): { out: { maps: number; urlOffsets: number[]; sizes: Record<string, [number, number]> }; exe: string } {
  const exe = goBuild({ go, files: { 'go.mod': 'module stdlive\n\ngo 1.19\n', 'main.go': program() }, goarch, name: 'stdlive' });
  const emu = emulatorFor(goarch);
  const text = emu ? execFileSync(emu, [exe], { encoding: 'utf8' }) : execFileSync(exe, [], { encoding: 'utf8' });
  return { out: JSON.parse(text), exe };
}

for (const go of VERSIONS) {
  test(`go${go}: the table's figures equal unsafe.Sizeof/Alignof/Offsetof and map descriptors on four GOARCHes`, { timeout: 1_800_000 }, () => {
    for (const a of GOARCHES) {
      const t = target(go, a);
      const ctx = `go${go}/${a}`;
      const { out, exe } = build(go, a);
      assert.equal(out.maps, MAPS.length);
      for (const name of SIZED) {
        const s = sizeOf(parseTypeFor(`[1]${name}`, t), t.arch);
        assert.deepEqual([s.size, s.align], out.sizes[name], `${ctx} ${name}: [size, align]`);
      }
      const u = underlying(parseTypeFor('[1]url.URL', t));
      assert.ok(u.kind === 'array');
      const st = underlying(u.elem);
      assert.ok(st.kind === 'struct');
      const offsets = structLayout(st, t.arch).fields;
      assert.deepEqual(URL_FIELDS.map((f) => offsets.find((x) => x.name === f)?.offset), out.urlOffsets, `${ctx} url.URL field offsets`);
      const [ins] = inspectBytes(exe, new Uint8Array(readFileSync(exe)));
      for (const m of MAPS) {
        const l = layoutOf(m, t);
        // Spelled as reflect spells it (json.RawMessage is an alias of jsontext.Value in Go 1.27).
        const real = ins.maps.find((x) => x.type === l.type);
        assert.ok(real, `${ctx}: descriptor of ${m} (${l.type}) not found among ${ins.maps.map((x) => x.type).join(', ')}`);
        if (l.impl === 'classic') {
          assert.deepEqual([real.keySize, real.elemSize, real.bucketSize, real.flags], [l.descriptor.keySize, l.descriptor.elemSize, l.descriptor.bucketSize, l.descriptor.flags.value], `${ctx} ${m}: KeySize, ValueSize, BucketSize, Flags`);
        } else {
          assert.deepEqual([real.groupSize, real.slotSize, real.elemOffset, real.flags], [l.descriptor.groupSize, l.descriptor.slotSize, l.descriptor.elemOff, l.descriptor.flags.value], `${ctx} ${m}: GroupSize, SlotSize, ElemOff, Flags`);
        }
      }
    }
  });
}
