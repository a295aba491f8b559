/**
 * `mapscope sim` end to end, as a user runs it, on both implementations: a
 * scenario file written with the seeds a real run drew gives, through the
 * CLI, the snapshot the real runtime printed (classic on Go 1.23, Swiss on
 * Go 1.26); and one scenario file replays on 1.23 and 1.24 with the engine
 * each version builds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { main } from '../src/cli/main.js';
import { captureIO } from '../src/cli/io.js';
import { repoRoot } from './support/layoutFixtures.js';

const fx = (...p: string[]) => join(repoRoot, 'test', 'fixtures', ...p);
const dir = mkdtempSync(join(tmpdir(), 'mapscope-sim-'));

async function sim(scenario: object, ...flags: string[]) {
  const f = join(dir, `s${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(f, JSON.stringify(scenario));
  const io = captureIO();
  const code = await main(['sim', f, ...flags], io);
  return { code, out: io.stdout, err: io.stderr };
}

test('classic: sim --json through the CLI equals the real go1.23 amd64 snapshot', async () => {
  const [, realText] = gunzipSync(readFileSync(fx('sim-classic', '1.23-amd64-fallback', 'array16-keys.jsonl.gz'))).toString().split('\n');
  const real = JSON.parse(realText);
  const ops = JSON.parse(readFileSync(fx('sim-classic', 'scenarios', 'array16-keys.json'), 'utf8'));
  const r = await sim({ go: real.go, arch: real.arch, type: ops.type, hint: ops.hint, hash: real.hash, ops: ops.ops }, '--json');
  assert.equal(r.code, 0, r.err);
  assert.equal(JSON.stringify(JSON.parse(r.out)), realText);
});

test('Swiss: sim --json through the CLI equals the real go1.26 amd64 snapshot', async () => {
  const [, realText] = gunzipSync(readFileSync(fx('sim-swiss', '1.26-amd64-fallback', 'bool-keys.jsonl.gz'))).toString().split('\n');
  const real = JSON.parse(realText);
  const sc = JSON.parse(readFileSync(fx('sim-swiss', 'scenarios', 'bool-keys.json'), 'utf8'));
  const r = await sim({ go: '1.26', arch: 'amd64', type: sc.type, hint: sc.hint, hash: real.hash, ops: sc.ops }, '--json');
  assert.equal(r.code, 0, r.err);
  assert.equal(JSON.stringify(JSON.parse(r.out)), realText);
});

test('one scenario file replays on Go 1.23 (classic) and Go 1.24 (Swiss)', async () => {
  const ops = Array.from({ length: 20 }, (_, i) => ['insert', i, i * 10]);
  const base = { arch: 'amd64', type: 'map[int64]int64', hash: { mode: 'fallback', seeds: ['12345'], hashkey: ['1', '2', '3', '4'] }, ops };
  const c = await sim({ ...base, go: '1.23' }, '--json');
  const s = await sim({ ...base, go: '1.24' }, '--json');
  assert.equal(JSON.parse(c.out).impl, 'classic');
  assert.equal(JSON.parse(s.out).impl, 'swiss');
  assert.equal(JSON.parse(c.out).header.count, 20);
  assert.equal(JSON.parse(s.out).header.used, 20);
  const n = await sim({ ...base, go: '1.24', experiment: 'noswissmap' }, '--json');
  assert.equal(JSON.parse(n.out).impl, 'classic');
});
