/**
 * The ELF core reader on small hand-built cores, for what real cores on this
 * machine do not exercise: big-endian files, PN_XNUM (more than 65534
 * program headers, the real count in section header 0's sh_info), NT_AUXV and
 * NT_FILE contents, the zero tail of an anonymous mapping, and malformed
 * headers. Every expected value is written into the file by the builder below
 * (ELF-64 layout per the System V gABI: Elf64_Ehdr 64 bytes, Elf64_Phdr 56,
 * notes as namesz/descsz/type + 4-aligned name and descriptor).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readCore, bytesSource, CoreMemory } from '../../src/source/process/index.js';
import { InputError } from '../../src/base/errors.js';
import { ARCHES } from '../../src/model/arch.js';
import { MemoryError } from '../../src/model/memory.js';

interface Seg {
  type: number;
  flags: number;
  vaddr: bigint;
  data: Uint8Array;
  memsz: bigint;
  filesz?: bigint;
}

function note(name: string, type: number, desc: Uint8Array, big: boolean): Uint8Array {
  const nb = new TextEncoder().encode(`${name}\0`);
  const pad = (n: number) => Math.ceil(n / 4) * 4;
  const out = new Uint8Array(12 + pad(nb.length) + pad(desc.length));
  const dv = new DataView(out.buffer);
  dv.setUint32(0, nb.length, !big);
  dv.setUint32(4, desc.length, !big);
  dv.setUint32(8, type, !big);
  out.set(nb, 12);
  out.set(desc, 12 + pad(nb.length));
  return out;
}

function words(vals: bigint[], big: boolean): Uint8Array {
  const out = new Uint8Array(vals.length * 8);
  const dv = new DataView(out.buffer);
  vals.forEach((v, i) => dv.setBigUint64(i * 8, v, !big));
  return out;
}

/** An ELF64 core: header, program headers, then each segment's data in order; optional PN_XNUM. */
function core(segs: Seg[], opts: { big?: boolean; xnum?: boolean; machine?: number } = {}): Uint8Array {
  const big = opts.big ?? false;
  const phoff = 64;
  const dataStart = phoff + segs.length * 56;
  const shoff = opts.xnum ? dataStart + segs.reduce((n, s) => n + s.data.length, 0) : 0;
  const size = opts.xnum ? shoff + 64 : dataStart + segs.reduce((n, s) => n + s.data.length, 0);
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, big ? 2 : 1, 1]);
  dv.setUint16(16, 4, !big); // ET_CORE
  dv.setUint16(18, opts.machine ?? 22, !big); // EM_S390 by default: a big-endian 64-bit machine Go targets
  dv.setBigUint64(32, BigInt(phoff), !big);
  dv.setBigUint64(40, BigInt(shoff), !big);
  dv.setUint16(54, 56, !big);
  dv.setUint16(56, opts.xnum ? 0xffff : segs.length, !big);
  dv.setUint16(58, 64, !big);
  if (opts.xnum) dv.setUint32(shoff + 44, segs.length, !big); // section 0 sh_info
  let off = dataStart;
  segs.forEach((s, i) => {
    const o = phoff + i * 56;
    dv.setUint32(o, s.type, !big);
    dv.setUint32(o + 4, s.flags, !big);
    dv.setBigUint64(o + 8, BigInt(off), !big);
    dv.setBigUint64(o + 16, s.vaddr, !big);
    dv.setBigUint64(o + 32, s.filesz ?? BigInt(s.data.length), !big);
    dv.setBigUint64(o + 40, s.memsz, !big);
    out.set(s.data, off);
    off += s.data.length;
  });
  return out;
}

const R = 4;
const RW = 6;
const bytes = (s: string) => new TextEncoder().encode(s);

test('hand-built big-endian core: segments, anonymous zero tail, unmapped address, notes', () => {
  const big = true;
  const prstatus = new Uint8Array(112 + 8 * 27);
  new DataView(prstatus.buffer).setUint16(12, 11, false); // pr_cursig SIGSEGV
  new DataView(prstatus.buffer).setUint32(32, 4242, false); // pr_pid
  const auxv = words([9n, 0x401000n, 3n, 0x400040n, 0n, 0n], big); // AT_ENTRY, AT_PHDR, AT_NULL
  // NT_FILE: count 1, page size 4096, [0x400000, 0x401000) at page 0, then the path.
  const ntfile = new Uint8Array([...words([1n, 4096n, 0x400000n, 0x401000n, 0n], big), ...bytes('/bin/app\0')]);
  const notes = new Uint8Array([...note('CORE', 1, prstatus, big), ...note('CORE', 6, auxv, big), ...note('CORE', 0x46494c45, ntfile, big)]);
  const c = core(
    [
      { type: 4, flags: 0, vaddr: 0n, data: notes, memsz: 0n },
      { type: 1, flags: RW, vaddr: 0x1000n, data: bytes('0123456789abcdef'), memsz: 32n },
      { type: 1, flags: R, vaddr: 0x400000n, data: new Uint8Array(0), memsz: 0x1000n },
      { type: 1, flags: 0, vaddr: 0x500000n, data: new Uint8Array(0), memsz: 0x1000n },
    ],
    { big },
  );
  const cf = readCore(bytesSource('be.core', c));
  assert.equal(cf.goarch, 's390x');
  assert.equal(cf.little, false);
  assert.deepEqual(cf.segments.map((s) => [s.addr, s.memSize, s.fileSize]), [[0x1000, 32, 16], [0x400000, 0x1000, 0], [0x500000, 0x1000, 0]]);
  assert.deepEqual(cf.threads, [{ pid: 4242, signal: 11 }]);
  assert.equal(cf.auxv.get(9), 0x401000n);
  assert.equal(cf.auxv.get(3), 0x400040n);
  assert.deepEqual(cf.files, [{ start: 0x400000, end: 0x401000, fileOffset: 0, path: '/bin/app' }]);
  const mem = new CoreMemory(ARCHES.s390x, cf, bytesSource('be.core', c), undefined);
  assert.equal(new TextDecoder().decode(mem.read(0x1004n, 8)), '456789ab');
  // Straddling the dumped bytes and the anonymous tail: the tail reads as zeros.
  assert.deepEqual([...mem.read(0x100en, 4)], [0x65, 0x66, 0, 0]);
  assert.throws(() => mem.read(0x1000n, 33), MemoryError, 'past the end of the segment');
  assert.throws(() => mem.read(0x2000n, 1), (e: unknown) => e instanceof MemoryError && /outside every segment/.test(e.message));
  // A file mapping the core left out (NT_FILE names it) and a PROT_NONE mapping are not zeros.
  assert.throws(() => mem.read(0x400010n, 4), (e: unknown) => e instanceof MemoryError && /file mapping the core did not include/.test(e.message));
  assert.throws(() => mem.read(0x500000n, 4), (e: unknown) => e instanceof MemoryError && /PROT_NONE/.test(e.message));
});

test('hand-built core with PN_XNUM: the program header count comes from section header 0', () => {
  const c = core(
    [
      { type: 1, flags: RW, vaddr: 0x1000n, data: bytes('abcd'), memsz: 4n },
      { type: 1, flags: RW, vaddr: 0x2000n, data: bytes('efgh'), memsz: 4n },
    ],
    { xnum: true, machine: 62 },
  );
  const cf = readCore(bytesSource('xnum.core', c));
  assert.equal(cf.goarch, 'amd64');
  assert.deepEqual(cf.segments.map((s) => s.addr), [0x1000, 0x2000]);
});

test('hand-built malformed cores: one InputError each, naming the offset', () => {
  const cases: [string, Uint8Array, RegExp][] = [
    ['overlap', core([{ type: 1, flags: R, vaddr: 0x1000n, data: bytes('abcd'), memsz: 0x100n }, { type: 1, flags: R, vaddr: 0x1080n, data: bytes('efgh'), memsz: 4n }]), /PT_LOAD segments overlap at 0x1080/],
    ['filesz > memsz', core([{ type: 1, flags: R, vaddr: 0x1000n, data: bytes('abcdefgh'), memsz: 4n }]), /p_filesz 0x8 larger than p_memsz 0x4/],
    ['note past segment', core([{ type: 4, flags: 0, vaddr: 0n, data: note('CORE', 1, new Uint8Array(8), false).subarray(0, 16), memsz: 0n }]), /note: name 5 and descriptor 8 bytes run past the PT_NOTE segment/],
    ['no program headers', core([]), /core has no program headers/],
    ['data past EOF', core([{ type: 1, flags: R, vaddr: 0x1000n, data: bytes('abcd'), memsz: 0x100n, filesz: 0x100n }]), /past end of file .*the core is truncated/],
  ];
  for (const [what, c, re] of cases) {
    assert.throws(() => readCore(bytesSource('bad.core', c)), (e: unknown) => e instanceof InputError && typeof e.where === 'number' && re.test(e.message), what);
  }
});
