/**
 * The types-region sweep (src/binary/types.ts sweepMapTypes) on its own, on real npm
 * binaries of the pinned corpus: started with nothing known, it must find
 * exactly the map descriptors the reachability walk finds — none missed (the
 * sweep is what catches a descriptor only code refers to), none invented (its
 * checks reject every non-descriptor word of the region). Go 1.11, 1.17, 1.19,
 * 1.23 (Mach-O, chained fixups), 1.26 on amd64, arm64 and 32-bit arm.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openObjects } from '../../src/binary/open.js';
import { Memory } from '../../src/binary/object.js';
import { pclntabCandidates, readPclntab } from '../../src/binary/pclntab.js';
import { findModuleData } from '../../src/binary/moduledata.js';
import { Kind, TypeReader, mapAbiFor, sweepMapTypes, walkTypes } from '../../src/binary/types.js';
import { cacheDir } from '../support/toolchains.js';

for (const [name, file, minor] of [
  ['buildifier-0.19.2', 'buildifier', 11],
  ['buildifier-5.1.0', 'buildifier-linux_amd64', 17],
  ['mkcert-0.1.1', 'mkcert', 19],
  ['ibazel-darwin-arm64-0.28.0', 'ibazel', 23],
  ['esbuild-0.28.2', 'esbuild', 26],
  ['esbuild-arm-0.28.2', 'esbuild', 26],
] as const) {
  test(`sweep alone finds exactly the walk's map descriptors: ${name}`, () => {
    const path = join(cacheDir(), 'bin', name, file);
    if (!existsSync(path)) assert.fail(`${path} missing: run scripts/real-binaries.sh`);
    const [o] = openObjects(path, readFileSync(path));
    const mem = new Memory(o);
    const md = findModuleData(o, mem, readPclntab(o, mem, pclntabCandidates(o)[0]), minor);
    const r = new TypeReader({ mem, md, ptrSize: o.ptrSize, goMinor: minor }, mapAbiFor(minor, minor < 24));
    const walked = walkTypes(r).filter((t) => t.kind === Kind.Map).map((t) => t.addr).sort((a, b) => a - b);
    const swept = sweepMapTypes(r, new Set()).sort((a, b) => a - b);
    assert.ok(walked.length >= 20);
    assert.deepEqual(swept, walked);
  });
}
