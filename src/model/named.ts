/**
 * The named types mapscope knows the definition of, so users can write them
 * in type expressions: sync/atomic's types (whose layout has a twist: the
 * `align64` marker makes atomic.Int64/Uint64 8-aligned even on 386 and arm),
 * `error`, and time.Duration.
 *
 * Definitions restate Go's src/sync/atomic/type.go (Go 1.19+):
 *   type Int64 struct { _ noCopy; _ align64; v int64 }
 *   type Pointer[T any] struct { _ [0]*T; _ noCopy; v unsafe.Pointer }
 * where noCopy and align64 are empty structs.
 */
import { typeString, type GoType, type NamedType, type StructType } from './types.js';

const emptyStruct: StructType = { kind: 'struct', fields: [] };
const noCopy: NamedType = { kind: 'named', name: 'atomic.noCopy', underlying: emptyStruct };
const align64: NamedType = { kind: 'named', name: 'atomic.align64', underlying: emptyStruct, align64: true };
const blank = (type: GoType) => ({ name: '_', type, embedded: false });
const field = (name: string, type: GoType) => ({ name, type, embedded: false });

function atomicType(name: string, v: GoType, withAlign64 = false): NamedType {
  const fields = [blank(noCopy), ...(withAlign64 ? [blank(align64)] : []), field('v', v)];
  return { kind: 'named', name: `atomic.${name}`, underlying: { kind: 'struct', fields }, fixed: true };
}

const table: Record<string, NamedType> = {
  'atomic.Bool': atomicType('Bool', { kind: 'uint32' }),
  'atomic.Int32': atomicType('Int32', { kind: 'int32' }),
  'atomic.Int64': atomicType('Int64', { kind: 'int64' }, true),
  'atomic.Uint32': atomicType('Uint32', { kind: 'uint32' }),
  'atomic.Uint64': atomicType('Uint64', { kind: 'uint64' }, true),
  'atomic.Uintptr': atomicType('Uintptr', { kind: 'uintptr' }),
  'atomic.Value': {
    kind: 'named',
    name: 'atomic.Value',
    underlying: { kind: 'struct', fields: [field('v', { kind: 'interface', methods: [] })] },
  },
  error: { kind: 'named', name: 'error', underlying: { kind: 'interface', methods: ['Error() string'] } },
  'time.Duration': { kind: 'named', name: 'time.Duration', underlying: { kind: 'int64' } },
};

/** The known named type `name` (with its one type argument for atomic.Pointer), or undefined. */
export function knownNamedType(name: string, typeArg?: GoType): GoType | undefined {
  const n = name.startsWith('sync/atomic.') ? name.slice('sync/'.length) : name;
  if (typeArg !== undefined) {
    if (n !== 'atomic.Pointer') return undefined;
    const ptr: GoType = { kind: 'pointer', elem: typeArg };
    return {
      kind: 'named',
      name: `atomic.Pointer[${typeString(typeArg)}]`,
      underlying: {
        kind: 'struct',
        fields: [blank({ kind: 'array', len: 0, elem: ptr }), blank(noCopy), field('v', { kind: 'unsafe.Pointer' })],
      },
    };
  }
  if (n === 'unsafe.Pointer') return { kind: 'unsafe.Pointer' };
  return table[n];
}
