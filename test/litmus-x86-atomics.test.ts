/**
 * x86 locked read-modify-writes herd 7.58 cannot check (it rejects XADD and
 * "LOCK CMPXCHG"), with expectations derived by hand from the Intel SDM
 * definitions (vol. 2: XADD exchanges then adds, CMPXCHG compares with EAX and
 * either stores the source or loads the destination into EAX) and from
 * atomicity: two locked increments of one location never lose an update.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLitmus } from '../src/litmus/parse.js';
import { runTest } from '../src/litmus/run.js';
import { InputError } from '../src/base/errors.js';

const run = (text: string, model?: 'sc' | 'tso') => runTest(parseLitmus(text, 't.litmus'), model);

test('LOCK XADD: the register gets the old value, memory the sum', () => {
  const r = run('X86 xadd\n{ z=5; }\n P0 ;\n MOV ECX,$2 ;\n LOCK XADD [z],ECX ;\nforall (0:ECX=5 /\\ z=7)\n');
  assert.equal(r.observation, 'Always');
});

test('LOCK CMPXCHG: stores the source when memory equals EAX, else loads memory into EAX', () => {
  const hit = run('X86 cx\n{ z=5; }\n P0 ;\n MOV EAX,$5 ;\n MOV ECX,$9 ;\n LOCK CMPXCHG [z],ECX ;\nforall (0:EAX=5 /\\ z=9)\n');
  assert.equal(hit.observation, 'Always');
  const miss = run('X86 cx\n{ z=4; }\n P0 ;\n MOV EAX,$5 ;\n MOV ECX,$9 ;\n LOCK CMPXCHG [z],ECX ;\nforall (0:EAX=4 /\\ z=4)\n');
  assert.equal(miss.observation, 'Always');
});

test('two LOCK XADDs on one location never lose an update (TSO and SC)', () => {
  const t = 'X86 2xadd\n{ }\n P0 | P1 ;\n MOV EAX,$1 | MOV EAX,$1 ;\n LOCK XADD [z],EAX | LOCK XADD [z],EAX ;\nexists (z=1 \\/ 0:EAX=1 /\\ 1:EAX=1 \\/ 0:EAX=0 /\\ 1:EAX=0)\n';
  for (const m of ['tso', 'sc'] as const) {
    const r = run(t, m);
    assert.equal(r.verdict, 'Forbidden', m);
    assert.deepEqual(r.states, ['0:EAX=0; 1:EAX=1; [z]=2;', '0:EAX=1; 1:EAX=0; [z]=2;']);
  }
});

test('XADD and CMPXCHG without LOCK are refused (not atomic)', () => {
  for (const ins of ['XADD [z],ECX', 'CMPXCHG [z],ECX']) {
    assert.throws(
      () => parseLitmus(`X86 t\n{ }\n P0 ;\n ${ins} ;\nexists (z=1)\n`, 't.litmus'),
      (e: unknown) => e instanceof InputError && /line 4: P0: unsupported: \w+ without LOCK is not atomic/.test(e.message),
    );
  }
});
