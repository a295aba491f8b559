/**
 * Bad input to the core reader gets one InputError each (the CLI prints it on
 * one line and exits 2): a truncated core, a non-Go executable, an executable
 * of another architecture, a file that is not a core, an address outside
 * every segment, an unknown or non-map global; and a stripped executable
 * still works by address and type, without hash key material.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCore, readCore, bytesSource } from '../../src/source/process/index.js';
import { InputError } from '../../src/base/errors.js';
import { realCore } from '../support/cores.js';

function inputError(fn: () => unknown, pattern: RegExp, where?: 'number' | 'string'): InputError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof InputError, `expected an InputError, got ${String(caught)}`);
  assert.match(caught.message, pattern);
  assert.ok(!caught.message.includes('\n'), 'one line');
  if (where) assert.equal(typeof caught.where, where, `where is a ${where}: ${caught.message}`);
  return caught;
}

test('a truncated core is an InputError naming a file offset', async () => {
  const { core, exe } = await realCore({ go: '1.22', arch: 'amd64', how: 'crash' });
  const c = readFileSync(core);
  const e = readFileSync(exe);
  const cores = [
    ['half', c.subarray(0, c.length >> 1)],
    ['inside the ELF header', c.subarray(0, 40)],
    ['inside the program headers', c.subarray(0, 64 + 56 * 2 + 7)],
    ['last byte missing', c.subarray(0, c.length - 1)],
  ] as const;
  for (const [what, bytes] of cores) {
    const err = inputError(() => openCore('core.trunc', bytes, exe, e), /core\.trunc: offset 0x[0-9a-f]+: .*(past end|truncated)/, 'number');
    assert.equal(err.source, 'core.trunc', what);
  }
});

test('a non-Go executable is an InputError', async () => {
  const { core } = await realCore({ go: '1.22', arch: 'amd64', how: 'crash' });
  // /bin/true: an amd64 ELF program written in C.
  inputError(() => openCore(core, readFileSync(core), '/bin/true', readFileSync('/bin/true')), /\/bin\/true: not a Go executable/);
  inputError(() => openCore(core, readFileSync(core), 'notes.txt', new TextEncoder().encode('hello')), /notes\.txt: offset 0x0: not an executable/);
});

test('an executable of another architecture than the core is an InputError', async () => {
  const arm = await realCore({ go: '1.22', arch: 'arm64', how: 'crash' });
  const amd = await realCore({ go: '1.22', arch: 'amd64', how: 'crash' });
  inputError(() => openCore(arm.core, readFileSync(arm.core), amd.exe, readFileSync(amd.exe)), /executable is amd64 but the core .* is arm64/);
});

test('an executable given as the core is an InputError (not ET_CORE)', async () => {
  const { exe } = await realCore({ go: '1.22', arch: 'amd64', how: 'crash' });
  inputError(() => readCore(bytesSource(exe, readFileSync(exe))), /offset 0x10: not a core file: e_type 2/, 'number');
  inputError(() => readCore(bytesSource('empty', new Uint8Array(0))), /not an ELF core file/);
});

test('an address outside every segment, unknown globals and non-map globals are InputErrors', async () => {
  const { core, exe, truth } = await realCore({ go: '1.26', arch: 'amd64', how: 'crash' });
  const p = openCore(core, readFileSync(core), exe, readFileSync(exe));
  inputError(() => p.mapAt(0x10n, 'map[int]int'), /address 0x10: address 0x10 is outside every segment/, 'string');
  inputError(() => p.mapAt(0x7fff_ffff_f000n, 'map[int]int'), /outside every segment/);
  inputError(() => p.mapByName('main.nope'), /--map: no global map main\.nope \(no such global variable\)/);
  inputError(() => p.mapByName('main.cfg'), /main\.cfg is a main\.Cfg, not a map/);
  inputError(() => p.mapAt(BigInt(truth.maps[0].addr), 'int'), /--type: int is not a map type/);
  // By address: with a type, and without one when a global holds it.
  const big = truth.maps.find((m) => m.name === 'main.big');
  assert.ok(big);
  const byAddr = p.mapAt(BigInt(big.addr));
  assert.equal(byAddr.name, 'main.big');
  const typed = p.mapAt(BigInt(big.addr), 'map[int64]int64');
  assert.equal(typed.addr, BigInt(big.addr));
  assert.equal(typed.type.kind, 'map');
});

test('a stripped executable: no key material, no DWARF (InputError by name), maps still by address and type', async () => {
  const { core, exe, truth } = await realCore({ go: '1.26', arch: 'amd64', how: 'crash' });
  const dir = mkdtempSync(join(tmpdir(), 'mapscope-strip-'));
  try {
    const stripped = join(dir, 'probe');
    copyFileSync(exe, stripped);
    // binutils strip removes .symtab and the debug sections; loaded segments (and so addresses) stay.
    execFileSync('strip', [stripped]);
    const p = openCore(core, readFileSync(core), stripped, readFileSync(stripped));
    assert.equal(p.hash, undefined, 'no symbols, no key material');
    assert.equal(p.goVersion, truth.go, 'build info survives stripping');
    inputError(() => p.mapByName('main.big'), /no DWARF debug information/);
    inputError(() => p.globalMaps({}), /no DWARF debug information/);
    const big = truth.maps.find((m) => m.name === 'main.big');
    assert.ok(big);
    inputError(() => p.mapAt(BigInt(big.addr)), /--type: no global map is at/);
    const m = p.mapAt(BigInt(big.addr), 'map[int64]int64');
    assert.equal(m.hash, undefined);
    assert.equal(Number(new DataView(m.reader.read(m.addr, 8).buffer).getBigUint64(0, true)), big.len);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
