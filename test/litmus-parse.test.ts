/**
 * The litmus reader on bad and hostile input: one InputError naming file and
 * line for every malformed or unsupported construct, never a crash, a hang or
 * a silently ignored instruction.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { parseLitmus } from '../src/litmus/parse.js';
import { runTest } from '../src/litmus/run.js';
import { InputError } from '../src/base/errors.js';
import { sharedDir, litmusFiles } from './support/shared.js';

const MP = `AArch64 MP
{
0:X1=x; 0:X3=y;
1:X1=y; 1:X3=x;
}
 P0          | P1          ;
 MOV W0,#1   | LDR W0,[X1] ;
 STR W0,[X1] | LDR W2,[X3] ;
 MOV W2,#1   |             ;
 STR W2,[X3] |             ;
exists (1:X0=1 /\\ 1:X2=0)
`;

function errorOf(text: string): InputError {
  try {
    parseLitmus(text, 't.litmus');
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  assert.fail('no error');
}

test('a well-formed MP parses into two threads, four and two instructions', () => {
  const t = parseLitmus(MP, 't.litmus');
  assert.equal(t.arch, 'AArch64');
  assert.equal(t.name, 'MP');
  assert.deepEqual(
    t.threads.map((x) => x.code.length),
    [4, 2],
  );
  assert.equal(t.quantifier, 'exists');
  // MP without barriers is Allowed on ARMv8 (herd catalogue aarch64/tests/kinds.txt: "MP Allowed"),
  // Forbidden under SC (the only cycle is po;rfe;po;fre).
  assert.equal(runTest(t).verdict, 'Allowed');
  assert.equal(runTest(t, 'sc').verdict, 'Forbidden');
});

const cases: [string, string, RegExp][] = [
  ['unknown instruction', MP.replace('STR W2,[X3]', 'FROB W2,[X3]'), /line 10: P0: unsupported AArch64 instruction FROB/],
  ['unsupported architecture', MP.replace('AArch64 MP', 'PPC MP'), /line 1: unsupported architecture "PPC"/],
  ['mixed-size variant', MP.replace('AArch64 MP\n', 'AArch64 MP\nVariant=mixed\n'), /line 2: unsupported: model variant/],
  ['sub-word type', MP.replace('0:X1=x;', 'int8_t x; 0:X1=x;'), /line 3: unsupported: sub-word type/],
  ['unclosed init', MP.replace('}\n', ''), /line 2: init block "\{" is never closed/],
  ['bad condition', MP.replace('exists (1:X0=1 /\\ 1:X2=0)', 'exists (1:X0=1 /\\ )'), /line 11: expected a register/],
  ['missing condition', MP.replace('exists (1:X0=1 /\\ 1:X2=0)\n', ''), /missing final condition/],
  ['too many columns', MP.replace(' MOV W2,#1   |             ;', ' MOV W2,#1   |   |  NOP ;'), /line 9: row has 3 columns/],
  ['unknown label', MP.replace('MOV W2,#1   |', 'B nowhere   |'), /line 9: P0: branch to unknown label "nowhere"/],
  ['bad register', MP.replace('LDR W0,[X1] ;', 'LDR W0,[Q1] ;'), /line 7: P1: the base of an address must be an X register/],
  ['bad thread header', MP.replace(' P0          | P1', ' P0          | P7'), /line 6: expected thread header "P1"/],
  ['unclosed comment', MP.replace('{', '(* {'), /line 2: comment "\(\*" is never closed/],
  ['trailing text', MP + 'garbage\n', /line 12: unexpected text after the condition/],
  ['condition on a missing thread', MP.replace('exists (1:X0=1', 'exists (2:X0=1'), /line 11: the final section refers to thread 2 but the test has 2/],
  ['x86 non-atomic RMW', 'X86 t\n{ }\n P0 ;\n ADD [x],$1 ;\nexists (x=1)\n', /line 4: P0: unsupported: non-atomic read-modify-write/],
];

for (const [what, text, re] of cases) {
  test(`error: ${what}`, () => {
    const e = errorOf(text);
    assert.match(e.message, /^t\.litmus: /);
    assert.match(e.message, re);
    assert.equal(e.message.split('\n').length, 1);
  });
}

test('an access to a non-symbolic address in an allowed execution is an error naming the line', () => {
  const t = parseLitmus('AArch64 t\n{ 0:X1=16; }\n P0 ;\n LDR W0,[X1] ;\nexists (0:X0=0)\n', 't.litmus');
  assert.throws(() => runTest(t), (e: unknown) => e instanceof InputError && /line 4: access to the non-symbolic address 16/.test(e.message));
});

test('fuzz: mutated catalogue tests parse or fail with an InputError, never anything else', () => {
  const files = litmusFiles(path.join(sharedDir(), 'litmus', 'herdtools7')).filter((_, i) => i % 8 === 0);
  const texts = files.map((f) => readFileSync(f, 'utf8'));
  const mutation = fc.record({
    which: fc.nat(texts.length - 1),
    at: fc.nat(),
    del: fc.nat(12),
    ins: fc.string({ maxLength: 8, unit: fc.constantFrom(...'{}[]()|;:=#,~/\\* \n0123456789abcxyzXWPLDRSTB.-+"&'.split('')) }),
  });
  fc.assert(
    fc.property(mutation, ({ which, at, del, ins }) => {
      const src = texts[which];
      const k = at % (src.length + 1);
      const text = src.slice(0, k) + ins + src.slice(k + del);
      try {
        parseLitmus(text, 'fuzz.litmus');
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        assert.match(e.message, /^fuzz\.litmus: /);
      }
    }),
    { numRuns: 1500, seed: 7 },
  );
});

test('fuzz: mutated catalogue tests run under both models or fail with an InputError', () => {
  const files = litmusFiles(path.join(sharedDir(), 'litmus', 'herdtools7')).filter((_, i) => i % 4 === 1);
  const texts = files.map((f) => readFileSync(f, 'utf8'));
  const mutation = fc.record({
    which: fc.nat(texts.length - 1),
    at: fc.nat(),
    del: fc.nat(6),
    ins: fc.string({ maxLength: 6, unit: fc.constantFrom(...'{}[]()|;:=#,~/\\* \n0123456789abcxyzXWPLDRSTB.-+"&'.split('')) }),
  });
  fc.assert(
    fc.property(mutation, ({ which, at, del, ins }) => {
      const src = texts[which];
      const k = at % (src.length + 1);
      let t;
      try {
        t = parseLitmus(src.slice(0, k) + ins + src.slice(k + del), 'fuzz.litmus');
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        return;
      }
      for (const m of [undefined, 'sc'] as const) {
        try {
          runTest(t, m);
        } catch (e) {
          if (!(e instanceof InputError)) throw e;
        }
      }
    }),
    { numRuns: 300, seed: 11 },
  );
});

test('byte accesses work on their own; mixing sizes on one location is refused with the line', () => {
  const bytes = 'AArch64 bytes\n{ 0:X1=x; }\n P0 ;\n MOV W0,#0x1ff ;\n STRB W0,[X1] ;\n LDRB W2,[X1] ;\nforall (0:X2=255 /\\ x=255)\n';
  // STRB stores the low byte of 0x1ff; LDRB reads it back: 255 (hand derivation).
  assert.equal(runTest(parseLitmus(bytes, 't.litmus')).observation, 'Always');
  const mixed = bytes.replace('LDRB W2', 'LDR W2');
  assert.throws(() => runTest(parseLitmus(mixed, 't.litmus')), (e: unknown) => e instanceof InputError && /line 6: unsupported: mixed-size accesses to x/.test(e.message));
});
