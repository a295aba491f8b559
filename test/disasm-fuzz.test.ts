/**
 * The pclntab's per-function tables and the disassembler are parsers of
 * untrusted input: random corruption of the pclntab bytes or of the code of
 * a real binary ends in a result or an InputError, never another exception
 * and never a hang.
 */
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { InputError } from '../src/base/errors.js';
import { openProgram } from '../src/disasm/program.js';
import { findSites } from '../src/disasm/sites.js';
import { annotate } from '../src/disasm/annotate.js';
import { buildDisasmProbe } from './support/disasmprobe.js';

async function survives(bin: string, data: Uint8Array): Promise<void> {
  try {
    const p = await openProgram(bin, data);
    findSites(p, { func: /^main\./ });
    for (const f of p.funcs.funcs.filter((x) => x.name.startsWith('main.')).slice(0, 4)) {
      annotate(p, f);
      p.funcs.inlineRuns(f);
    }
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
  }
}

for (const arch of ['amd64', 'arm64'] as const) {
  test(`corrupt pclntab and code bytes give results or InputErrors (${arch})`, async () => {
    const bin = buildDisasmProbe('1.27', arch);
    const clean = readFileSync(bin);
    const p = await openProgram(bin, clean);
    const tabOff = p.mem.fileOffset(p.tab.addr)!;
    const main = p.funcs.funcs.filter((f) => f.name.startsWith('main.'));
    const codeOff = p.mem.fileOffset(main[0].entry)!;
    const codeEnd = p.mem.fileOffset(main[main.length - 1].end - 1)! + 1;
    const region = fc.oneof(
      fc.integer({ min: tabOff, max: tabOff + 0x40000 }),
      fc.integer({ min: codeOff, max: codeEnd - 1 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(region, fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 16 }), async (edits) => {
        const data = Uint8Array.from(clean);
        for (const [at, v] of edits) data[at] = v;
        await survives(bin, data);
      }),
      { numRuns: 60 },
    );
  });
}
