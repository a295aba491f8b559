/**
 * From a profiler's code address back to the map call site, on real
 * binaries: gosrc/disasmprobe built by go1.27 for amd64, arm64, 386 and arm.
 *
 * Truth from outside the index: Capstone's decoding of the binary gives each
 * site's CALL/BL instruction and its length, so the return address perf
 * records is the CALL's address plus that length, and the PC runtime/pprof
 * records is one less ("backs up into the CALL instruction",
 * runtime/symtab.go). The ELF section headers (sh_offset, sh_addr), a table
 * apart from the program headers the segments come from, give where .text
 * and .rodata are loaded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { decodeFunc, openProgram } from '../src/disasm/program.js';
import { findSites } from '../src/disasm/sites.js';
import { SiteIndex } from '../src/disasm/siteindex.js';
import { sectionByName } from '../src/binary/object.js';
import { buildDisasmProbe } from './support/disasmprobe.js';

for (const arch of ['amd64', 'arm64', '386', 'arm'] as const) {
  test(`a caller's address leads to its map call site, as perf and pprof record it (go1.27 ${arch})`, async () => {
    const bin = buildDisasmProbe('1.27', arch);
    const p = await openProgram(bin, readFileSync(bin));
    const sites = findSites(p, { func: /^main\./ });
    assert.ok(sites.length > 20, `${sites.length} sites`);
    const index = new SiteIndex(p, sites);
    for (const s of sites) {
      const insn = decodeFunc(p, p.funcs.find(s.addr)!).find((i) => i.addr === s.addr);
      assert.ok(insn, `an instruction starts at 0x${s.addr.toString(16)}`);
      assert.match(insn.mnemonic, /^(call|bl)/, `0x${s.addr.toString(16)}: ${insn.mnemonic}`);
      assert.equal(index.callLength, insn.size, `0x${s.addr.toString(16)}: ${insn.mnemonic} ${insn.ops}`);
      const ret = s.addr + insn.size;
      assert.ok(index.returningTo(ret)?.includes(s), `perf's return address 0x${ret.toString(16)}`);
      assert.ok(index.holding(ret - 1)?.includes(s), `pprof's PC 0x${(ret - 1).toString(16)}`);
      assert.ok(index.holding(s.addr)?.includes(s), 'the CALL\'s first byte');
      assert.ok(!index.holding(ret)?.includes(s), 'the instruction after the CALL is not it');
      assert.ok(!index.holding(s.addr - 1)?.includes(s), 'the instruction before the CALL is not it');
      assert.ok(!index.returningTo(ret - 1)?.includes(s), 'a return address inside the CALL is no return address');
    }
  });

  test(`a file offset maps to the address it is loaded at, code only when asked (go1.27 ${arch})`, async () => {
    const bin = buildDisasmProbe('1.27', arch);
    const p = await openProgram(bin, readFileSync(bin));
    const text = sectionByName(p.obj, '.text')!;
    const rodata = sectionByName(p.obj, '.rodata')!;
    for (const k of [0, 1, text.fileSize >> 1, text.fileSize - 1]) {
      assert.equal(p.mem.addrOfFileOffset(text.offset + k, true), text.addr + k);
      assert.equal(p.mem.addrOfFileOffset(text.offset + k), text.addr + k);
    }
    assert.equal(p.mem.addrOfFileOffset(rodata.offset), rodata.addr);
    assert.equal(p.mem.addrOfFileOffset(rodata.offset, true), undefined, '.rodata is not code');
    assert.equal(p.mem.addrOfFileOffset(readFileSync(bin).length + 16), undefined, 'past the end of the file');
  });
}
