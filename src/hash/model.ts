/**
 * mapscope's type model (src/model/types.ts) seen as the small `HashType`
 * view the hash rules read. The one adapter between the two: the layout, the
 * engines and the checker all call this.
 */
import type { Arch } from '../model/arch.js';
import { sizeOf, structLayout, underlying, type GoType } from '../model/types.js';
import type { HashKind, HashType } from './recipe.js';

export function hashTypeOf(t: GoType, arch: Arch): HashType {
  const u = underlying(t);
  const s = sizeOf(t, arch);
  switch (u.kind) {
    case 'array':
      return { kind: 'array', size: s.size, align: s.align, len: u.len, elem: hashTypeOf(u.elem, arch) };
    case 'struct': {
      const l = structLayout(u, arch, t.kind === 'named' && Boolean(t.align64));
      return {
        kind: 'struct',
        size: s.size,
        align: s.align,
        fields: l.fields.map((f) => ({ name: f.name, offset: f.offset, type: hashTypeOf(f.type, arch) })),
      };
    }
    case 'interface':
      return { kind: 'interface', size: s.size, align: s.align, methods: u.methods.length };
    case 'opaque':
    case 'named':
      throw new Error(`cannot hash a value of unknown type ${u.name}`);
    default:
      return { kind: u.kind as HashKind, size: s.size, align: s.align };
  }
}
