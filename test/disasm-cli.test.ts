/**
 * `mapscope disasm` at the command line: bad input ends in one line on
 * stderr and exit 2 (undecodable code bytes, a function that does not exist,
 * a GOARCH the disassembler does not support), and the listing names fields
 * and marks ordering.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main.js';
import { captureIO } from '../src/cli/io.js';
import { openProgram } from '../src/disasm/program.js';
import { buildDisasmProbe } from './support/disasmprobe.js';
import { assertBadInput } from './support/badinput.js';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIO();
  const code = await main(args, io);
  return { code, out: io.stdout, err: io.stderr };
}

test('disasm: a function that does not exist is one line, exit 2', async () => {
  const bin = buildDisasmProbe('1.27', 'amd64');
  const r = await run(['disasm', bin, '--func', 'main.noSuchFunction']);
  assertBadInput(r.code, r.err, { want: /no function matches "main.noSuchFunction"/ });
});

test('disasm: undecodable code bytes are one line naming the file offset, exit 2', async () => {
  const src = buildDisasmProbe('1.27', 'amd64');
  const dir = mkdtempSync(join(tmpdir(), 'mapscope-disasm-'));
  const bin = join(dir, 'probe');
  copyFileSync(src, bin);
  const p = await openProgram(bin, readFileSync(bin));
  const f = p.funcs.byName('main.get32')[0];
  const off = p.mem.fileOffset(f.entry)!;
  const data = readFileSync(bin);
  // 0x06 (PUSH ES) does not exist in 64-bit mode: no decoder accepts it.
  data.fill(0x06, off, off + 8);
  writeFileSync(bin, data);
  for (const args of [['--func', 'main.get32'], ['--sites']]) {
    const r = await run(['disasm', bin, ...args]);
    assertBadInput(r.code, r.err, {
      want: new RegExp(`offset 0x${off.toString(16)}: undecodable amd64 instruction bytes at 0x${f.entry.toString(16)} in main.get32`),
      what: args.join(' '),
    });
  }
});

test('disasm: an unsupported GOARCH is one line, exit 2', async () => {
  const mips = buildDisasmProbe('1.27', 'mips64');
  const r = await run(['disasm', mips, '--func', 'main.get32']);
  assertBadInput(r.code, r.err, { want: /mips64 is not supported by the disassembler/ });
  // Capstone 5.0.9's SystemZ decoder rejects instructions Go 1.27 emits: refused, not listed wrongly.
  const s390 = buildDisasmProbe('1.27', 's390x');
  const s = await run(['disasm', s390, '--sites']);
  assertBadInput(s.code, s.err, { want: /s390x is not supported by the disassembler \(supported: amd64, 386, arm64, arm\)/ });
});

test('disasm --func on a runtime map function names hmap fields', async () => {
  const bin = buildDisasmProbe('1.23', 'arm64');
  const r = await run(['disasm', bin, '--func', 'runtime.mapaccess1_fast64']);
  assert.equal(r.code, 0, r.err);
  // hmap.B is at offset 9 and hmap.buckets at 0x10 on 64-bit targets (runtime/map.go, Go 1.23).
  assert.match(r.out, /ldrb w\d+, \[x\d+, #9\]\s+; hmap\.B/);
  assert.match(r.out, /ldr x\d+, \[x\d+, #0x10\]\s+; hmap\.buckets/);
});

test('disasm --func marks barriers and atomics', async () => {
  // the runtime's casPointer compare-and-swap: LSE CASAL with an LDAXR/STLXR fallback on arm64 (internal/runtime/atomic
  // atomic_arm64.s Cas64), LOCK CMPXCHGQ on amd64.
  const a = await run(['disasm', buildDisasmProbe('1.27', 'arm64'), '--func', 'internal/runtime/atomic.casPointer']);
  assert.equal(a.code, 0, a.err);
  assert.match(a.out, /casal x\d+, x\d+, \[x\d+\]\s+; \[CASAL: LSE atomic, acquire\+release\]/);
  assert.match(a.out, /ldaxr x\d+, \[x\d+\]\s+; \[LDAXR: exclusive load-acquire\]/);
  assert.match(a.out, /stlxr w\d+, x\d+, \[x\d+\]\s+; \[STLXR: exclusive store-release\]/);
  const x = await run(['disasm', buildDisasmProbe('1.27', 'amd64'), '--func', 'internal/runtime/atomic.casPointer']);
  assert.equal(x.code, 0, x.err);
  assert.match(x.out, /lock cmpxchgq %r\w+, \(%r\w+\)\s+; \[LOCK cmpxchgq: atomic, full barrier\]/);
});
