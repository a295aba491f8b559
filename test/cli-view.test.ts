/**
 * `mapscope view`'s command line without a browser: help, usage errors and
 * bad --layout input are one line and exit 2, and write no file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertBadInput } from './support/badinput.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'mapscope.js');

function view(args: string[], env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(process.execPath, [CLI, 'view', ...args], { encoding: 'utf8', env });
}

test('view --help has examples and exits 0', () => {
  const r = view(['--help']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /Examples:/);
  assert.match(r.stdout, /--layout/);
});

test('usage errors and bad layout input: one line, exit 2, nothing written', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'mapscope-cli-view-'));
  try {
    const out = join(tmp, 'x.html');
    const cases = [
      [],
      ['a.json', '--layout', 'map[int]int'],
      ['--layout', 'map[int]', '-o', out],
      ['--layout', 'map[int]int', '--arch', 'vax', '-o', out],
      ['--layout', 'map[int]int', '--go', '1.5', '-o', out],
      [join(tmp, 'missing.json'), '-o', out],
    ];
    for (const args of cases) {
      const r = view(args);
      assertBadInput(r.status, r.stderr, { what: args.join(' ') });
      assert.ok(!existsSync(out), `${args.join(' ')}: nothing written`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('--open hands the written page to xdg-open (Linux)', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'mapscope-cli-view-'));
  try {
    // A stand-in xdg-open on PATH that records what it was asked to open.
    const bin = join(tmp, 'bin');
    const log = join(tmp, 'opened');
    spawnSync('mkdir', [bin]);
    writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s' "$1" > '${log}'\n`);
    chmodSync(join(bin, 'xdg-open'), 0o755);
    const out = join(tmp, 'layout.html');
    const r = view(['--layout', 'map[int]int', '-o', out, '--open'], { ...process.env, PATH: `${bin}:${process.env.PATH}` });
    assert.equal(r.status, 0, r.stderr);
    for (let i = 0; i < 100 && !existsSync(log); i++) await new Promise((res) => setTimeout(res, 50));
    assert.equal(readFileSync(log, 'utf8'), out);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
