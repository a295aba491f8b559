/**
 * Parses Go type expressions as a user writes them: `map[string]int`,
 * `map[[16]byte]*T`, `map[struct{a int8; b int64}][]string`, `map[any]chan int`.
 *
 * The grammar is Go's TypeLit/TypeName grammar (spec, "Types"), with type
 * arguments on names (`Pair[string, int]`). Named types resolve through the
 * caller's NameResolver, then knownNamedType(); an unknown name is accepted only where its layout cannot
 * matter (behind a pointer, in a chan, func, map or slice) and becomes an
 * OpaqueType; size computation refuses it elsewhere with advice.
 *
 * Errors are InputErrors naming the column, e.g.
 * `type expression "map[string": column 11: expected "]"`.
 */
import { InputError, quote } from '../base/errors.js';
import { knownNamedType } from './named.js';
import { typeString, type GoType, type StructField, type BasicKind } from './types.js';

/**
 * Where named types come from beyond the predeclared ones and named.ts: the
 * standard-library table for a target, a Go source tree, a binary's DWARF.
 */
export interface NameResolver {
  /** The type `name` (`Session`, `time.Time`, `Pair` with `args`) denotes, or undefined. */
  resolve(name: string, args: readonly GoType[]): GoType | undefined;
  /** The error for a name nobody resolved: where mapscope looked and what to pass. */
  unknown(name: string): string;
}

/** The message for an unknown name when only built-in knowledge was consulted. */
export function unknownNameAdvice(name: string, looked: string): string {
  return (
    `unknown named type ${name}: mapscope looked in ${looked}. Pass --source DIR (the Go package that defines it, ` +
    `needs a Go toolchain) or --binary APP (an executable that uses it), spell out its underlying type in its place, ` +
    `or use it behind a pointer (*${name})`
  );
}

const predeclared: Record<string, GoType> = {};
for (const k of [
  'bool', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'int', 'uint', 'uintptr',
  'float32', 'float64', 'complex64', 'complex128', 'string',
] as BasicKind[]) {
  predeclared[k] = { kind: k };
}
predeclared.byte = predeclared.uint8; // aliases: reflect prints them as uint8 / int32
predeclared.rune = predeclared.int32;
predeclared.any = { kind: 'interface', methods: [] };

type Tok = { t: 'ident' | 'int' | 'punct' | 'string' | 'eof'; v: string; pos: number };

function tokenize(src: string, fail: (pos: number, msg: string) => never): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const start = i;
    if (/[A-Za-z_\u00c0-\uffff]/.test(c)) {
      while (i < src.length && /[A-Za-z0-9_\u00c0-\uffff]/.test(src[i])) i++;
      toks.push({ t: 'ident', v: src.slice(start, i), pos: start });
    } else if (/[0-9]/.test(c)) {
      while (i < src.length && /[0-9a-fA-FxXoObB_]/.test(src[i])) i++;
      toks.push({ t: 'int', v: src.slice(start, i), pos: start });
    } else if (c === '`' || c === '"') {
      // struct tags: skipped, they do not affect layout
      i++;
      while (i < src.length && src[i] !== c) i += src[i] === '\\' && c === '"' ? 2 : 1;
      if (i >= src.length) fail(start, 'unterminated string literal');
      i++;
      toks.push({ t: 'string', v: src.slice(start, i), pos: start });
    } else if (src.startsWith('<-', i) || src.startsWith('...', i)) {
      const v = src.startsWith('<-', i) ? '<-' : '...';
      i += v.length;
      toks.push({ t: 'punct', v, pos: start });
    } else if ('[]{}()*;,.~|'.includes(c)) {
      i++;
      toks.push({ t: 'punct', v: c, pos: start });
    } else {
      fail(start, `unexpected character ${JSON.stringify(c)}`);
    }
  }
  toks.push({ t: 'eof', v: '', pos: src.length });
  return toks;
}

/** Upper bound on array lengths we accept, so a typo cannot ask for absurd layouts. */
const MAX_ARRAY_LEN = 2 ** 40;
const MAX_DEPTH = 200;

export function parseType(src: string, names?: NameResolver): GoType {
  const fail = (pos: number, msg: string): never => {
    throw new InputError(`type expression ${quote(JSON.stringify(src), 120)}`, `column ${pos + 1}`, msg);
  };
  if (src.length > 10_000) fail(0, 'type expression longer than 10000 characters');
  const toks = tokenize(src, fail);
  let k = 0;
  let depth = 0;
  const peek = () => toks[k];
  // Never past the end-of-input token, so every look-ahead after a truncated input sees it.
  const next = () => (k < toks.length - 1 ? toks[k++] : toks[k]);
  const is = (v: string) => toks[k].t === 'punct' && toks[k].v === v;
  const isIdent = (v: string) => toks[k].t === 'ident' && toks[k].v === v;
  const expect = (v: string) => {
    if (!is(v)) fail(peek().pos, `expected ${JSON.stringify(v)}, found ${describe(peek())}`);
    return next();
  };
  const describe = (t: Tok) => (t.t === 'eof' ? 'end of input' : JSON.stringify(t.v));

  /** `opaqueOK`: an unknown named type is acceptable here (behind a reference). */
  function type(opaqueOK: boolean): GoType {
    if (++depth > MAX_DEPTH) fail(peek().pos, `type nested more than ${MAX_DEPTH} deep`);
    try {
      return typeInner(opaqueOK);
    } finally {
      depth--;
    }
  }

  function typeInner(opaqueOK: boolean): GoType {
    const t = peek();
    if (is('(')) {
      next();
      const inner = type(opaqueOK);
      expect(')');
      return inner;
    }
    if (is('*')) {
      next();
      return { kind: 'pointer', elem: type(true) };
    }
    if (is('[')) {
      next();
      if (is(']')) {
        next();
        return { kind: 'slice', elem: type(true) };
      }
      const n = next();
      if (n.t !== 'int') fail(n.pos, `expected array length, found ${describe(n)}`);
      const len = Number(n.v.replace(/_/g, ''));
      if (!Number.isSafeInteger(len) || len < 0 || len > MAX_ARRAY_LEN) fail(n.pos, `bad array length ${n.v}`);
      expect(']');
      return { kind: 'array', len, elem: type(false) };
    }
    if (is('<-')) {
      next();
      if (!isIdent('chan')) fail(peek().pos, `expected "chan" after "<-", found ${describe(peek())}`);
      next();
      return { kind: 'chan', dir: 'recv', elem: type(true) };
    }
    if (t.t !== 'ident') fail(t.pos, `expected a type, found ${describe(t)}`);
    switch (t.v) {
      case 'map': {
        next();
        expect('[');
        const key = type(false);
        expect(']');
        return { kind: 'map', key, elem: type(false) };
      }
      case 'chan': {
        next();
        if (is('<-')) {
          next();
          return { kind: 'chan', dir: 'send', elem: type(true) };
        }
        return { kind: 'chan', dir: 'both', elem: type(true) };
      }
      case 'func':
        next();
        return funcType();
      case 'struct':
        next();
        return structType();
      case 'interface':
        next();
        return interfaceType();
    }
    return typeName(opaqueOK);
  }

  function typeName(opaqueOK: boolean): GoType {
    const first = next();
    if (first.t !== 'ident') fail(first.pos, `expected a type name, found ${describe(first)}`);
    let name = first.v;
    if (is('.')) {
      next();
      const sel = next();
      if (sel.t !== 'ident') fail(sel.pos, `expected a name after "${name}.", found ${describe(sel)}`);
      name += '.' + sel.v;
    }
    const typeArgs: GoType[] = [];
    if (is('[')) {
      // Type arguments of a generic named type: Pair[string, int], atomic.Pointer[T].
      next();
      for (;;) {
        typeArgs.push(type(true));
        if (!is(',')) break;
        next();
      }
      expect(']');
    }
    if (typeArgs.length === 0 && predeclared[name]) return predeclared[name];
    const resolved = names?.resolve(name, typeArgs);
    if (resolved) return resolved;
    const known = typeArgs.length <= 1 ? knownNamedType(name, typeArgs[0]) : undefined;
    if (known) return known;
    if (!opaqueOK) {
      fail(first.pos, names ? names.unknown(name) : unknownNameAdvice(name, "mapscope's built-in types (sync/atomic's, error, time.Duration)"));
    }
    return { kind: 'opaque', name: typeArgs.length === 0 ? name : `${name}[${typeArgs.map(typeString).join(',')}]` };
  }

  function structType(): GoType {
    expect('{');
    const fields: StructField[] = [];
    while (!is('}')) {
      if (is('*')) {
        // embedded *T
        const star = next();
        const elem = typeName(true);
        fields.push({ name: embeddedName(elem, star.pos), type: { kind: 'pointer', elem }, embedded: true });
      } else {
        const first = peek();
        if (first.t !== 'ident') fail(first.pos, `expected a field name or embedded type, found ${describe(first)}`);
        // Either "a, b T", "a T", or an embedded "T" / "pkg.T".
        const after = toks[k + 1];
        const embedded =
          after.t === 'eof' ||
          (after.t === 'punct' && (after.v === ';' || after.v === '}' || after.v === '.')) ||
          after.t === 'string';
        if (embedded) {
          const t = typeName(false);
          fields.push({ name: embeddedName(t, first.pos), type: t, embedded: true });
        } else {
          const names = [next().v];
          while (is(',')) {
            next();
            const n = next();
            if (n.t !== 'ident') fail(n.pos, `expected a field name, found ${describe(n)}`);
            names.push(n.v);
          }
          const ft = type(false);
          for (const n of names) fields.push({ name: n, type: ft, embedded: false });
        }
      }
      if (peek().t === 'string') next(); // tag
      if (is(';')) next();
      else if (!is('}')) fail(peek().pos, `expected ";" or "}" in struct, found ${describe(peek())}`);
    }
    expect('}');
    const seen = new Set<string>();
    for (const f of fields) {
      if (f.name !== '_' && seen.has(f.name)) fail(0, `duplicate field ${f.name} in struct`);
      seen.add(f.name);
    }
    return { kind: 'struct', fields };
  }

  function embeddedName(t: GoType, pos: number): string {
    const base = t.kind === 'named' || t.kind === 'opaque' ? t.name : t.kind === 'interface' ? 'any' : t.kind;
    if (t.kind !== 'named' && t.kind !== 'opaque' && predeclared[base] === undefined) {
      fail(pos, 'embedded field must be a type name');
    }
    const dot = base.lastIndexOf('.');
    return dot >= 0 ? base.slice(dot + 1) : base;
  }

  function interfaceType(): GoType {
    expect('{');
    const methods: string[] = [];
    while (!is('}')) {
      const start = peek();
      if (start.t !== 'ident') fail(start.pos, `expected a method or embedded interface, found ${describe(start)}`);
      // Collect the element's text up to ";" or the closing "}" at this depth.
      let d = 0;
      const parts: string[] = [];
      while (!(d === 0 && (is(';') || is('}')))) {
        const tk = next();
        if (tk.t === 'eof') fail(tk.pos, 'unterminated interface');
        if (tk.v === '(' || tk.v === '{' || tk.v === '[') d++;
        if (tk.v === ')' || tk.v === '}' || tk.v === ']') d--;
        parts.push(tk.v);
      }
      if (parts.length === 1 && parts[0] === 'any') {
        // embedding `any` adds nothing
      } else methods.push(parts.join(' ').replace(/ \( /g, '(').replace(/ \(/g, '(').replace(/\( /g, '(').replace(/ \)/g, ')').replace(/ ,/g, ','));
      if (is(';')) next();
    }
    expect('}');
    methods.sort();
    return { kind: 'interface', methods };
  }

  function paramList(): { types: GoType[]; variadic: boolean } {
    expect('(');
    // Go allows either all-named or all-unnamed parameters. We parse each
    // entry as "[name] Type" and treat a bare identifier list followed by a
    // type ("a, b int") as names.
    const entries: { names: string[]; type: GoType | null; variadic: boolean }[] = [];
    while (!is(')')) {
      let variadic = false;
      if (is('...')) {
        next();
        variadic = true;
      }
      const startTok = peek();
      let ty: GoType | null = null;
      let name: string | null = null;
      if (!variadic && startTok.t === 'ident' && !['func', 'map', 'chan', 'struct', 'interface'].includes(startTok.v)) {
        const after = toks[k + 1];
        const endsHere = after.t === 'punct' && (after.v === ',' || after.v === ')');
        const qualified = after.t === 'punct' && after.v === '.';
        if (!endsHere && !qualified) {
          name = next().v;
          if (is('...')) {
            next();
            variadic = true;
          }
        }
      }
      ty = type(true);
      entries.push({ names: name ? [name] : [], type: ty, variadic });
      if (is(',')) next();
      else if (!is(')')) fail(peek().pos, `expected "," or ")" in parameter list, found ${describe(peek())}`);
    }
    expect(')');
    const types: GoType[] = [];
    let variadic = false;
    entries.forEach((e, i) => {
      if (e.variadic) {
        if (i !== entries.length - 1) fail(0, 'can only use ... with final parameter');
        variadic = true;
        types.push({ kind: 'slice', elem: e.type! });
      } else types.push(e.type!);
    });
    return { types, variadic };
  }

  function funcType(): GoType {
    const { types: params, variadic } = paramList();
    let results: GoType[] = [];
    if (is('(')) results = paramList().types;
    else if (!is(')') && !is(']') && !is(';') && !is('}') && !is(',') && peek().t !== 'eof' && peek().t !== 'string') {
      results = [type(true)];
    }
    return { kind: 'func', params, results, variadic };
  }

  const result = type(false);
  if (peek().t !== 'eof') fail(peek().pos, `unexpected ${describe(peek())} after the type`);
  return result;
}
