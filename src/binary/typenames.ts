/**
 * Two spellings of one Go type, and how to compare them.
 *
 * A runtime descriptor spells named types with the package *name*
 * (`lib.Vendor`, `isthing.Op`, `yaml.Node`); DWARF spells them with the import
 * *path* (`example.com/lib/v2.Vendor`, `github.com/x/go-isthing.Op`,
 * `gopkg.in/yaml%2ev3.Node`, the linker escaping the last element's dots as
 * cmd/internal/objabi.PathToPrefix does) and qualifies unexported struct field
 * names with their package (`struct { main.label string }`). The package name
 * is what the `package` clause says, which no rewriting of the path can
 * recover (`/v2`, `go-`/`-go`, `.v3` are conventions, not rules), so it is
 * read from the binary itself: every named type's uncommon type records its
 * package path, and its descriptor name starts with its package name.
 *
 * canonicalName rewrites either spelling into one form: qualified identifiers
 * as `packagename.Name` (paths resolved through that table; a path the table
 * lacks stays whole, so the comparison fails visibly instead of guessing),
 * struct field names unqualified, and `·N` local-type numbers dropped.
 */
import { Kind, TFLAG_NAMED, type RuntimeType, type TypeReader } from './types.js';

/** Import path → package name, from the binary's named types (uncommon type pkgPath + descriptor name). */
export function packageNames(r: TypeReader, types: RuntimeType[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const t of types) {
    if (!(t.tflag & TFLAG_NAMED) || t.kind === Kind.Pointer) continue;
    const dot = t.str.indexOf('.');
    if (dot <= 0) continue;
    const path = r.pkgPath(t);
    if (path && !out.has(path)) out.set(path, t.str.slice(0, dot));
  }
  return out;
}

const IDENT = /[\p{L}\p{N}_./%~+-]/u;
const KEYWORDS = new Set(['map', 'chan', 'func', 'struct', 'interface']);

function unescapePath(p: string): string {
  return p.replace(/%([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** One spelling for a runtime or DWARF type name (see the module comment). */
export function canonicalName(s: string, pkgName: (path: string) => string | undefined): string {
  let out = '';
  let i = 0;
  // Inside `struct {`, the first word of each field is a name when a type follows it.
  const structDepth: boolean[] = [];
  let fieldStart = false;
  while (i < s.length) {
    const c = s[i];
    if (!IDENT.test(c) || c === '.') {
      if (s.startsWith('{', i)) structDepth.push(out.endsWith('struct ') || out.endsWith('struct'));
      if (c === '}') structDepth.pop();
      out += c;
      i++;
      if (structDepth.at(-1) && (c === '{' || c === ';')) fieldStart = true;
      else if (c !== ' ') fieldStart = false;
      continue;
    }
    let j = i;
    while (j < s.length && (IDENT.test(s[j]) || s[j] === '·')) j++;
    let tok = s.slice(i, j).replace(/·\d+$/, '');
    i = j;
    const isFieldName = fieldStart && s[i] === ' ' && s[i + 1] !== '"' && s[i + 1] !== '}';
    fieldStart = false;
    const dot = tok.lastIndexOf('.');
    if (dot > 0 && !KEYWORDS.has(tok) && !tok.startsWith('go.shape.') && !/^\d/.test(tok)) {
      const path = tok.slice(0, dot);
      const ident = tok.slice(dot + 1);
      if (isFieldName) tok = ident;
      else {
        // A one-element path with no entry (`main`, or a descriptor's own `lib` in `lib.Vendor`) is
        // already a package name as far as either spelling can say; a longer one is never shortened.
        const name = pkgName(unescapePath(path)) ?? (path.includes('/') || path.includes('%') ? undefined : path);
        tok = `${name ?? unescapePath(path)}.${ident}`;
      }
    }
    out += tok;
  }
  return out;
}
