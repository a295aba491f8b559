/**
 * `mapscope litmus` end to end, in process: herd-style output, the summary
 * table, --json, the map-publication scenario table, and exit code 2 with a
 * one-line message for bad input.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../src/cli/main.js';
import { captureIO } from '../src/cli/io.js';
import { sharedDir } from './support/shared.js';
import { scenarioFiles } from '../src/litmus/scenarios.js';
import { parseLitmus } from '../src/litmus/parse.js';
import { runTest } from '../src/litmus/run.js';
import { assertBadInput } from './support/badinput.js';

const cat = () => path.join(sharedDir(), 'litmus', 'herdtools7');

test('one file: herd7 output, identical to the shipped expected output but for Time/Hash', async () => {
  const f = path.join(cat(), 'herd/tests/instructions/AArch64/L026.litmus');
  const io = captureIO();
  assert.equal(await main(['litmus', f], io), 0);
  const want = readFileSync(f + '.expected', 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('Hash='));
  const got = io.stdout.split('\n').filter((l) => l && !l.startsWith('Time '));
  assert.deepEqual(got, want);
});

test('a directory: the summary table, one row per test', async () => {
  const io = captureIO();
  assert.equal(await main(['litmus', path.join(cat(), 'catalogue/x86/tests')], io), 0);
  assert.match(io.stdout, /^test\s+arch\s+model\s+verdict/);
  assert.match(io.stdout, /\nSB\s+X86\s+tso\s+Allowed\s+Sometimes/);
  assert.match(io.stdout, /\nMP\s+X86\s+tso\s+Forbidden\s+Never/);
  assert.match(io.stdout, /23 tests: 6 Allowed, 17 Forbidden/);
});

test('--json carries name, arch, model, verdict, observation and states; --model sc', async () => {
  const f = path.join(cat(), 'catalogue/aarch64/tests/MP.litmus');
  const io = captureIO();
  assert.equal(await main(['litmus', f, '--json'], io), 0);
  const [r] = JSON.parse(io.stdout) as Record<string, unknown>[];
  assert.equal(r.name, 'MP');
  assert.equal(r.arch, 'AArch64');
  assert.equal(r.model, 'aarch64');
  assert.equal(r.verdict, 'Allowed');
  assert.equal(r.observation, 'Sometimes');
  assert.deepEqual(r.states, ['1:X0=0; 1:X2=0;', '1:X0=0; 1:X2=1;', '1:X0=1; 1:X2=0;', '1:X0=1; 1:X2=1;']);
  const io2 = captureIO();
  assert.equal(await main(['litmus', f, '--json', '--model', 'sc'], io2), 0);
  const [s] = JSON.parse(io2.stdout) as Record<string, unknown>[];
  assert.equal(s.model, 'sc');
  assert.equal(s.verdict, 'Forbidden');
});

test('malformed input: exit 2, one line naming file and line', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mapscope-litmus-'));
  const f = path.join(dir, 'bad.litmus');
  writeFileSync(f, 'AArch64 bad\n{ 0:X1=x; }\n P0 ;\n LDR W0,[X1] ;\n FROB W0 ;\nexists (0:X0=1)\n');
  const io = captureIO();
  assertBadInput(await main(['litmus', f], io), io.stderr, {
    want: new RegExp(`^mapscope: ${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: line 5: P0: unsupported AArch64 instruction FROB`),
    stdout: io.stdout,
  });
});

test('bad usage: unknown model, model for the wrong architecture, no files', async () => {
  const f = path.join(cat(), 'catalogue/x86/tests/SB.litmus');
  for (const argv of [['litmus', f, '--model', 'power'], ['litmus', f, '--model', 'aarch64'], ['litmus'], ['litmus', '/no/such/file.litmus']]) {
    const io = captureIO();
    assertBadInput(await main(argv, io), io.stderr, { what: argv.join(' ') });
  }
});

test('map-publish scenario: the table, every cell the verdict of its shipped file', async () => {
  const io = captureIO();
  assert.equal(await main(['litmus', '--scenario', 'map-publish'], io), 0);
  const rows = io.stdout.split('\n').filter((l) => /^(AArch64|X86)\s/.test(l));
  assert.equal(rows.length, 18); // 9 variants × 2 models
  for (const row of rows) {
    const [arch, variant, model, stale, uninit] = row.split(/\s{2,}/);
    for (const [outcome, cell] of [['stale-ptr', stale], ['uninit', uninit]]) {
      const file = scenarioFiles('map-publish').find((f) => path.basename(f) === `${variant}+${outcome}.litmus`);
      assert.ok(file, `${variant}+${outcome}.litmus shipped`);
      const r = runTest(parseLitmus(readFileSync(file, 'utf8'), file), model as 'sc');
      assert.equal(cell, r.verdict === 'Allowed' ? 'POSSIBLE' : 'impossible', `${arch} ${variant} ${model} ${outcome}`);
    }
  }
  assert.match(io.stdout, /not safe for\s+concurrent use/);
});
