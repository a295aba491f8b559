/**
 * Output hygiene of the `mapscope` command as a user meets it in a shell:
 * a closed pipe ends quietly, every usage error is one `mapscope:` line with
 * exit 2, --version and examples in every --help, shipped files found from any
 * directory, and the package installs and runs from a packed tarball (the
 * README's install).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../src/cli/main.js';
import { captureIO } from '../src/cli/io.js';
import { goroot } from './support/toolchains.js';
import { assertBadInput } from './support/badinput.js';

const repo = resolve(import.meta.dirname, '..', '..');
const bin = join(repo, 'bin', 'mapscope.js');
const version = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string }).version;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs mapscope with its stdout's reader gone before it writes anything (as `| head -1` after one line). */
function runClosedStdout(args: string[], cwd = repo): Promise<Run> {
  return new Promise((done, fail) => {
    const p = spawn(process.execPath, [bin, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    p.stdout.destroy(); // the read end closes now; node takes far longer than this to start and write
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', fail);
    p.on('close', (code, signal) => done({ code, signal, stderr }));
  });
}

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'mapscope-hygiene-'));
}

test('EPIPE: tour, layout, sim, check, inspect and litmus end quietly when the reader goes', async () => {
  const dir = scratch();
  const scenario = join(dir, 'scenario.json');
  const ops = Array.from({ length: 200 }, (_, i) => ['insert', i, i]);
  writeFileSync(scenario, JSON.stringify({ go: '1.23', type: 'map[int64]int64', hash: { seeds: [1] }, ops }));
  const snap = join(dir, 'snap.json');
  writeFileSync(snap, execFileSync(process.execPath, [bin, 'sim', scenario, '--json']));
  const cases: [string, string[], number][] = [
    ['tour', [], 0],
    ['layout', ['layout', 'map[string]int', '--go', '1.23,1.24', '--arch', 'amd64,arm64'], 0],
    ['sim', ['sim', scenario, '--trace'], 0],
    ['check', ['check', snap, snap, snap], 0],
    ['inspect', ['inspect', join(goroot('1.26'), 'bin', 'go')], 0],
    ['litmus', ['litmus', 'litmus/map-publish/', '--herd'], 0],
  ];
  try {
    for (const [name, args, want] of cases) {
      const r = await runClosedStdout(args);
      assert.equal(r.stderr.includes('EPIPE'), false, `${name}: ${r.stderr}`);
      assert.equal(/\n\s+at /.test(r.stderr), false, `${name}: no stack trace: ${r.stderr}`);
      assert.equal(r.code, want, `${name}: exit ${r.code} ${r.signal ?? ''} ${r.stderr}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("usage errors, commander's own included, are one line starting mapscope: with exit 2", async () => {
  const cases = [
    ['no-such-command'],
    ['lyout', 'map[int]int'],
    ['layout'],
    ['layout', 'map[int]int', '--frob'],
    ['layout', 'map[int]int', '--go'],
    ['inspect', 'x', '--format', 'xml'],
    ['help', 'no-such-command'],
    ['check', '--pid'],
    ['litmus', '--model', 'nope', 'litmus/map-publish/'],
    ['sim', 'a.json', 'b.json'],
  ];
  for (const argv of cases) {
    const io = captureIO();
    assertBadInput(await main(argv, io), io.stderr, { what: argv.join(' '), stdout: io.stdout });
  }
  // The suggestion stays, on the same line.
  const io = captureIO();
  await main(['lyout'], io);
  assert.equal(io.stderr, "mapscope: unknown command 'lyout' (did you mean layout?)\n");
});

test('--version prints the package version', async () => {
  for (const flag of ['--version', '-V']) {
    const io = captureIO();
    assert.equal(await main([flag], io), 0);
    assert.equal(io.stdout, `${version}\n`);
  }
});

test('every command has examples in its --help', async () => {
  const io = captureIO();
  await main(['--help'], io);
  assert.match(io.stdout, /\nExamples:\n {2}mapscope /);
  const names = [...io.stdout.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1]).filter((n) => n !== 'help' && n !== 'mapscope');
  for (const n of ['tour', 'layout', 'sim', 'check', 'inspect', 'litmus']) assert.ok(names.includes(n), `${n} listed`);
  for (const name of names) {
    const c = captureIO();
    assert.equal(await main([name, '--help'], c), 0, name);
    assert.match(c.stdout, new RegExp(`\\nExamples:\\n(?: {2}mapscope ${name === 'tour' ? '' : name}.*\\n)+`), `${name} --help has examples`);
  }
});

test("the tour's litmus suggestion works from any directory", async () => {
  const io = captureIO();
  await main(['tour'], io);
  const suggestion = /Run one: mapscope (litmus \S+)/.exec(io.stdout);
  assert.ok(suggestion, 'the tour suggests a litmus run');
  const dir = scratch();
  try {
    const out = execFileSync(process.execPath, [bin, ...suggestion[1].split(' ')], { cwd: dir, encoding: 'utf8' });
    assert.match(out, /^Test map-publish\+nobarrier\+uninit Allowed$/m);
    // A file of that name in the current directory wins over the shipped one.
    mkdirSync(join(dir, 'litmus', 'map-publish'), { recursive: true });
    writeFileSync(join(dir, 'litmus', 'map-publish', 'nobarrier+uninit.litmus'), 'not a litmus test\n');
    const r = await runClosedStdout(suggestion[1].split(' '), dir);
    assertBadInput(r.code, r.stderr, { want: /^mapscope: litmus\/map-publish\/nobarrier\+uninit\.litmus/ });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the README's install works: npm pack, install the tarball into an empty project, run it", () => {
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');
  // No command runs `npx mapscope` (a shell line or a workflow's run: step): no package of that name is on the npm registry.
  assert.equal(/^\s*(?:- run: |\$ )?npx mapscope/m.test(readme), false, 'no npx mapscope: no package of that name is on the npm registry');
  assert.match(readme, /npm pack/);
  assert.match(readme, /npm install --global \.\/mapscope-\d+\.\d+\.\d+\.tgz/);
  const dir = scratch();
  try {
    // --ignore-scripts: pack the dist/ this test run built (prepack would rebuild it under the other tests).
    const npm = (args: string[], cwd: string) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    npm(['pack', '--ignore-scripts', '--pack-destination', dir], repo);
    const tgz = readdirSync(dir).find((f) => f.startsWith('mapscope-'));
    assert.equal(tgz, `mapscope-${version}.tgz`);
    // The one dependency, packed from the repo's own node_modules, so the test needs no network.
    npm(['pack', join(repo, 'node_modules', 'commander'), '--pack-destination', dir], repo);
    const app = join(dir, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), '{"name":"app","private":true}\n');
    const commander = readdirSync(dir).find((f) => f.startsWith('commander-'))!;
    npm(['install', '--offline', '--no-audit', '--no-fund', join(dir, commander), join(dir, tgz)], app);
    const ms = join(app, 'node_modules', '.bin', 'mapscope');
    const run = (args: string[]) => execFileSync(ms, args, { cwd: app, encoding: 'utf8' });
    assert.equal(run(['--version']).trim(), version);
    assert.match(run(['layout', 'map[string]int', '--go', '1.24']), /group/);
    // Shipped files come from the installed package, not from the working directory.
    assert.match(run(['litmus', 'litmus/map-publish/nobarrier+uninit.litmus']), /^Test map-publish\+nobarrier\+uninit Allowed$/m);
    assert.match(run(['litmus', '--scenario', 'map-publish']), /POSSIBLE/);
    assert.match(run(['inspect', join(goroot('1.26'), 'bin', 'go')]), /^go: {10}go1\.26/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
