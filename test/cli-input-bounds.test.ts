/**
 * Untrusted JSON, litmus and type inputs end in one clear `mapscope:` line
 * with exit 2, never an internal error (exit 70), a stack overflow, an
 * allocation crash or a message that repeats the whole input. Each case is a
 * fault fuzzing found (issue 12), run through main() as a user would.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../src/cli/main.js';
import { captureIO } from '../src/cli/io.js';
import { assertBadInput } from './support/badinput.js';

const repo = resolve(import.meta.dirname, '..', '..');

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIO();
  const code = await main(argv, io);
  return { code, out: io.stdout, err: io.stderr };
}

/** Bad input (test/support/badinput.ts) whose line is short enough that it cannot be repeating the input. */
function assertOneLine(r: { code: number; err: string }, want: RegExp, what: string, maxLength = 600): void {
  assertBadInput(r.code, r.err, { want, what, maxLength });
}

const dir = mkdtempSync(join(tmpdir(), 'mapscope-bounds-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function file(text: string, ext = 'json'): string {
  const f = join(dir, `in${n++}.${ext}`);
  writeFileSync(f, text);
  return f;
}
const nest = (depth: number, inner: string) => '['.repeat(depth) + inner + ']'.repeat(depth);

test('scenario: a [2][2]…[2]byte elem of 2^40 bytes is "too large", not a typed-array crash', async () => {
  const elem = '[2]'.repeat(40) + 'byte';
  const r = await run(['sim', file(JSON.stringify({ go: '1.23', type: `map[int]${elem}`, ops: [] }))]);
  assertOneLine(r, /type: the elem type \[2\]\[2\].*is 1099511627776 bytes: too large to simulate/, 'elem 2^40');
  const k = await run(['sim', file(JSON.stringify({ go: '1.26', type: `map[${elem}]int`, ops: [['insert', 0, 1]] }))]);
  assertOneLine(k, /the key type .* too large to simulate/, 'key 2^40');
});

test('scenario: simulated memory is bounded in all, with a clear error naming the file', async () => {
  // Each elem (1048008 bytes, over 128 so stored indirectly) fits the per-value limit and is allocated
  // at its insert; 600 of them pass the simulated memory's budget of 2^29 bytes.
  const ops = Array.from({ length: 600 }, (_, i) => ['insert', i, { a: i }]);
  const r = await run(['sim', file(JSON.stringify({ go: '1.23', type: 'map[int]struct{ _ [1048000]byte; a int }', hash: { seeds: [1] }, ops }))]);
  assertOneLine(r, /in\d+\.json: simulated memory: \d+ bytes for .* would pass mapscope's limit of 536870912 bytes in all/, 'many large elems');
});

test('scenario and snapshot: nesting a million deep is refused at once (no "Maximum call stack size exceeded")', async () => {
  const deep = nest(1_000_000, '1');
  const s = await run(['sim', file(`{"go":"1.23","type":"map[int]int","ops":[["insert",${deep},1]]}`)]);
  assertOneLine(s, /in\d+\.json: arrays or objects nested deeper than 256 levels/, 'scenario');
  const f = await run(['sim', file(`{"go":"1.23","type":"map[float64]int","ops":[["insert",${deep},1]]}`)]);
  assertOneLine(f, /nested deeper than 256 levels/, 'scenario, float key');
  const snap = await run(['check', file(`{"impl":"classic","go":${deep}}`)]);
  assertOneLine(snap, /nested deeper than 256 levels/, 'snapshot');
});

test('scenario and snapshot: a value nested within the limit is quoted briefly (intFromJson, floatFromJson, brief)', async () => {
  const v = nest(250, '1');
  const i = await run(['sim', file(`{"go":"1.23","type":"map[int]int","ops":[["insert",${v},1]]}`)]);
  assertOneLine(i, /ops\[0\]\[1\]: key: expected an integer, got \[\[\[\[[^\n]*…/, 'int key', 200);
  const f = await run(['sim', file(`{"go":"1.23","type":"map[float64]int","ops":[["insert",${v},1]]}`)]);
  assertOneLine(f, /key: expected a number or "NaN", "\+Inf", "-Inf", "-0", got \[\[\[[^\n]*…/, 'float key', 250);
  const sim = await run(['sim', file(JSON.stringify({ go: '1.23', type: 'map[int]int', hash: { seeds: [1] }, ops: [['insert', 1, 2]] })), '--json']);
  const snap = JSON.parse(sim.out) as Record<string, unknown>;
  const s = await run(['check', file(JSON.stringify({ ...snap, go: 'X' }).replace('"go":"X"', `"go":${v}`))]);
  assertOneLine(s, /go: expected a string, got \[\[\[[^\n]*…/, 'snapshot brief', 200);
});

test('scenario: null fields are reported as null, in the user\'s words', async () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ go: null, type: 'map[int]int', ops: [] }, /: go: expected a string, got null$/m],
    [{ go: '1.23', arch: null, type: 'map[int]int', ops: [] }, /: arch: expected a string, got null$/m],
    [{ go: '1.24', experiment: null, type: 'map[int]int', ops: [] }, /: experiment: expected a string, got null$/m],
    [{ go: '1.23', type: null, ops: [] }, /: type: expected a string, got null$/m],
    [{ go: '1.23', type: 'map[int]int', hash: null, ops: [] }, /: hash: expected an object, got null$/m],
    [{ go: '1.23', type: 'map[int]int', ops: null }, /: ops: expected an array of operations$/m],
    [{ type: 'map[int]int', ops: [] }, /: go: missing field \(expected a string\)$/m],
  ];
  for (const [json, want] of cases) {
    const r = await run(['sim', file(JSON.stringify(json))]);
    assertOneLine(r, want, JSON.stringify(json));
    assert.equal(r.err.includes('undefined'), false, r.err);
  }
});

test('litmus: an error whose text spans lines is printed on one line', async () => {
  const src = readFileSync(join(repo, 'litmus', 'map-publish', 'nobarrier+uninit.litmus'), 'utf8');
  // A line break inside the final condition's /\ : the parser quotes the rest of the condition, break included.
  const r = await run(['litmus', file(src.replace('/\\ 1:X4=0)', '/\n\\ 1:X4=0)'), 'litmus')]);
  assertOneLine(r, /line 20: expected "\)", found/, 'litmus');
});

test('layout: an over-long type is refused without repeating its 110 KB', async () => {
  const type = `map[int]${'*'.repeat(110_000)}int`;
  const r = await run(['layout', type]);
  assertOneLine(r, /type expression "map\[int\]\*+… \(110013 characters\): column 1: type expression longer than 10000 characters/, 'layout', 400);
});

test('layout: a type cut short after an embedded * is a clear error, not a TypeError (fuzz case 47340)', async () => {
  for (const t of ['struct{\n*', 'map[int]struct{*', 'map[int]struct{ a int; *']) {
    const r = await run(['layout', t]);
    assertOneLine(r, /column \d+: expected a type name, found end of input/, JSON.stringify(t));
  }
});

test('litmus: an LSE atomic on a location holding an address (LDCLRA of y=x) is one line, exit 2, not an internal error', async () => {
  // Found by the litmus fuzz campaign (case 76734, docs/fuzz.md): the atomic's new value (old AND NOT W5)
  // was computed in a fork alternative, outside the step that turns a symbolic operand into an input error.
  const src = [
    'AArch64 MP+dmb.st+ldclra',
    '{ y=x; 0:X1=x; 0:X3=y; 1:X1=y; 1:X3=x; }',
    ' P0          | P1                 ;',
    ' MOV W0,#1   | MOV W5,#2          ;',
    ' STR W0,[X1] | LDCLRA W5,W0,[X1]  ;',
    ' DMB ST      | LDR W2,[X3]        ;',
    ' MOV W2,#1   |                    ;',
    ' STR W2,[X3] |                    ;',
    'exists (1:X0=1 /\\ 1:X2=0 /\\ y=1)',
    '',
  ].join('\n');
  const r = await run(['litmus', file(src, 'litmus')]);
  assertOneLine(r, /line 5: cannot apply bic to the symbolic address x/, 'litmus');
});
