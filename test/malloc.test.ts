/**
 * src/model/malloc.ts recomputes Go's size classes with the mksizeclasses
 * algorithm; each toolchain's generated runtime/sizeclasses.go is the truth.
 * roundupsize's 1.22 malloc-header rule is checked by hand derivations below
 * (and, end to end, by the preallocated-overflow counts in the differential
 * fixtures: extra.nextOverflow of makemap with a hint).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SIZE_CLASSES, roundupsize } from '../src/model/malloc.js';
import { parseGoVersion } from '../src/model/goversion.js';
import { archByName } from '../src/model/arch.js';
import { goroot, GO_VERSIONS } from './support/toolchains.js';

for (const v of GO_VERSIONS) {
  test(`size classes equal go${v}'s runtime/sizeclasses.go`, () => {
    // Moved to internal/runtime/gc (SizeClassToSize) in 1.26.
    const file = Number(v.split('.')[1]) >= 26 ? ['internal', 'runtime', 'gc', 'sizeclasses.go'] : ['runtime', 'sizeclasses.go'];
    const src = readFileSync(join(goroot(v), 'src', ...file), 'utf8');
    const m = /var (?:class_to_size|SizeClassToSize) = \[_?NumSizeClasses\]uint16\{([^}]*)\}/.exec(src);
    assert.ok(m, 'class_to_size not found');
    const sizes = m[1].split(',').map((x) => Number(x.trim()));
    assert.deepEqual(SIZE_CLASSES.map((c) => c.size), sizes);
    const p = /var (?:class_to_allocnpages|SizeClassToNPages) = \[_?NumSizeClasses\]uint8\{([^}]*)\}/.exec(src);
    assert.ok(p);
    assert.deepEqual(SIZE_CLASSES.map((c) => c.npages), p[1].split(',').map((x) => Number(x.trim())));
  });
}

test('roundupsize: classes before 1.22, malloc header for pointerful objects from 1.22', () => {
  const amd64 = archByName('amd64');
  const i386 = archByName('386');
  const g21 = parseGoVersion('1.21');
  const g22 = parseGoVersion('1.22');
  // 80-byte buckets (map[*int]struct{}), B=7: 128+8 = 136 buckets = 10880 bytes, a class of its own
  // (runtime/map.go makeBucketArray rounds up with roundupsize): no slack before 1.22. From 1.22 the header makes it class(10888)=12288,
  // minus 8 = 12280, i.e. 153 buckets — 25 preallocated overflow buckets, as measured.
  assert.equal(roundupsize(10880, false, g21, amd64), 10880);
  assert.equal(roundupsize(10880, false, g22, amd64), 12280);
  assert.equal(Math.floor(12280 / 80) - 128, 25);
  // noscan objects never carry the header.
  assert.equal(roundupsize(10880, true, g22, amd64), 10880);
  // Small pointerful objects (≤ PtrSize*PtrBits: 512 on amd64, 128 on 386) keep their bitmap in the span.
  assert.equal(roundupsize(512, false, g22, amd64), 512);
  assert.equal(roundupsize(513, false, g22, amd64), 568); // class 576 - 8
  assert.equal(roundupsize(129, false, g22, i386), 136); // class 144 - 8
  // Large objects are page-rounded.
  assert.equal(roundupsize(40000, false, g21, amd64), 40960);
  assert.equal(roundupsize(32768, false, g22, amd64), 32768);
});
