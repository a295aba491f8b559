// Command typesource resolves a Go type expression in the scope of a Go
// package directory and prints the type's structure as JSON, for
// `mapscope layout --source DIR`.
//
// It type-checks the package in -dir from source with go/types, importing
// its dependencies from source too (go/importer "source", which finds them
// as the go command does: the same module, the module cache, vendor/, the
// standard library) for the GOARCH in the environment, which must equal
// -goarch, so build-tagged files are chosen as for that target. Function bodies are skipped: only declarations
// decide a type. The expression is checked as the type of a variable in an
// extra file of the package whose imports are the package's own, plus any
// standard package it names that the package does not import, so `Session`,
// `store.Pair[string, int]` and `time.Time` all resolve.
//
// Output: {"<goarch>": {"type": ref, "defs": {key: def}}} for one -expr, a
// list of those (or {"error": msg}) for several, where a ref is a
// basic type's name, {"named": key} or a type literal, and defs hold the
// named types stored inline (struct fields, array elements, underlying
// types) with their structure. A standard-library named type also carries
// "std": true; mapscope takes its layout from its table for each Go release
// and uses this structure only for types the table lacks. Sizes are not
// printed: mapscope computes them by gc's rules for each --go and --arch.
//
// Errors: one line on stderr, exit 2 for a type that does not resolve, 1 for
// anything else.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"go/ast"
	"go/build"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

type ref = any

type field struct {
	Name     string `json:"name"`
	Type     ref    `json:"type"`
	Embedded bool   `json:"embedded,omitempty"`
}

type def struct {
	String     string `json:"string"`
	Std        bool   `json:"std,omitempty"`
	Underlying ref    `json:"underlying"`
}

type result struct {
	Type  ref             `json:"type,omitempty"`
	Defs  map[string]*def `json:"defs,omitempty"`
	Error string          `json:"error,omitempty"`
}

type exprList []string

func (e *exprList) String() string     { return strings.Join(*e, " ") }
func (e *exprList) Set(v string) error { *e = append(*e, v); return nil }

// stdShort maps the names a user qualifies standard types with to their paths.
var stdShort = map[string]string{
	"time": "time", "sync": "sync", "atomic": "sync/atomic", "netip": "net/netip", "net": "net", "url": "net/url",
	"http": "net/http", "json": "encoding/json", "reflect": "reflect", "big": "math/big", "bytes": "bytes",
	"strings": "strings", "context": "context", "os": "os", "fs": "io/fs", "regexp": "regexp", "list": "container/list",
	"bufio": "bufio", "io": "io", "errors": "errors", "sort": "sort", "strconv": "strconv", "unique": "unique",
	"maphash": "hash/maphash", "ring": "container/ring", "log": "log", "unsafe": "unsafe",
}

func main() {
	dir := flag.String("dir", ".", "Go package directory")
	goarches := flag.String("goarch", "amd64", "GOARCHes, comma-separated")
	var exprs exprList
	flag.Var(&exprs, "expr", "type expression (repeatable: one result each, an error entry for one that does not resolve)")
	flag.Parse()
	out := map[string]any{}
	for _, goarch := range strings.Split(*goarches, ",") {
		rs, err := resolve(*dir, goarch, exprs)
		if err == nil && len(exprs) == 1 && rs[0].Error != "" {
			err = unresolved{rs[0].Error}
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s\n", strings.ReplaceAll(err.Error(), "\n", "; "))
			var u unresolved
			if errors.As(err, &u) {
				os.Exit(2)
			}
			os.Exit(1)
		}
		if len(exprs) == 1 {
			out[goarch] = rs[0]
		} else {
			out[goarch] = rs
		}
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

type unresolved struct{ msg string }

func (u unresolved) Error() string { return u.msg }

func resolve(dir, goarch string, exprs []string) ([]*result, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	ctxt := build.Default
	if ctxt.GOARCH != goarch {
		// go/build derives its build tags (goexperiment.regabiargs on amd64 but
		// not on 386, …) from $GOARCH when the program starts, and hands the
		// environment to the go list it runs: run once per GOARCH with it set.
		return nil, fmt.Errorf("GOARCH=%s in the environment, -goarch %s: run once per GOARCH with GOARCH set", ctxt.GOARCH, goarch)
	}
	ctxt.CgoEnabled = false
	ctxt.Dir = abs // go/build finds the main module (and vendor/) from here
	bp, err := ctxt.ImportDir(abs, 0)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", dir, err)
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range bp.GoFiles {
		f, err := parser.ParseFile(fset, filepath.Join(abs, name), nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	build.Default = ctxt // the source importer reads build.Default
	imp := importer.ForCompiler(fset, "source", nil).(types.ImporterFrom)
	var firstErr error
	conf := types.Config{
		Importer:         imp,
		IgnoreFuncBodies: true,
		FakeImportC:      true,
		Sizes:            types.SizesFor("gc", goarch),
		Error: func(err error) {
			if te, ok := err.(types.Error); ok && te.Soft {
				return
			}
			if firstErr == nil {
				firstErr = err
			}
		},
	}
	if bp.ImportPath == "." {
		bp.ImportPath = bp.Name
	}
	pkg := types.NewPackage(bp.ImportPath, bp.Name)
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Defs: map[*ast.Ident]types.Object{}}
	checker := types.NewChecker(&conf, fset, pkg, info)
	if err := checker.Files(files); err != nil && firstErr != nil {
		return nil, fmt.Errorf("type-checking %s: %v", dir, firstErr)
	}
	// The extra file: every import of the package under the name it has, and
	// standard packages for other qualifiers of the expression.
	byName := map[string]string{}
	for _, p := range pkg.Imports() {
		byName[p.Name()] = p.Path()
	}
	for _, f := range files {
		for _, is := range f.Imports {
			if is.Name != nil && is.Name.Name != "_" && is.Name.Name != "." {
				byName[is.Name.Name] = strings.Trim(is.Path.Value, `"`)
			}
		}
	}
	var out []*result
	for i, expr := range exprs {
		r, err := resolveOne(fset, checker, pkg, bp, abs, dir, byName, expr, i, &firstErr)
		if err != nil {
			r = &result{Error: err.Error()}
		}
		out = append(out, r)
	}
	return out, nil
}

// resolveOne checks `var mapscopeResolvedN__ EXPR` in an extra file of the package.
func resolveOne(fset *token.FileSet, checker *types.Checker, pkg *types.Package, bp *build.Package, abs, dir string,
	byName map[string]string, expr string, i int, firstErr *error) (*result, error) {
	var imports []string
	for _, m := range regexp.MustCompile(`\b([A-Za-z_][A-Za-z0-9_]*)\.[A-Za-z_]`).FindAllStringSubmatch(expr, -1) {
		q := m[1]
		path, ok := byName[q]
		if !ok {
			path, ok = stdShort[q]
		}
		if !ok {
			return nil, unresolved{fmt.Sprintf("%s: no package named %q among the imports of %s (%s)", expr, q, bp.ImportPath, dir)}
		}
		imports = append(imports, fmt.Sprintf("import %s %q\n", q, path))
	}
	name := fmt.Sprintf("mapscopeResolved%d__", i)
	file := filepath.Join(abs, fmt.Sprintf("mapscope_resolve%d__.go", i))
	src := fmt.Sprintf("package %s\n\n%s\nvar %s %s\n", bp.Name, strings.Join(dedupe(imports), ""), name, expr)
	f, err := parser.ParseFile(fset, file, src, 0)
	if err != nil {
		return nil, unresolved{fmt.Sprintf("%s: not a Go type: %v", expr, err)}
	}
	*firstErr = nil
	_ = checker.Files([]*ast.File{f})
	if *firstErr != nil {
		return nil, unresolved{fmt.Sprintf("%s in package %s (%s): %v", expr, bp.ImportPath, dir, strings.TrimPrefix((*firstErr).Error(), file+":"))}
	}
	obj := pkg.Scope().Lookup(name)
	w := &walker{defs: map[string]*def{}, self: pkg}
	// A map's key and elem sit inline in its buckets or groups: define them.
	if m, ok := obj.Type().Underlying().(*types.Map); ok {
		top := map[string]any{"k": "map", "key": w.ref(m.Key(), true), "e": w.ref(m.Elem(), true)}
		return &result{Type: top, Defs: w.defs}, nil
	}
	return &result{Type: w.ref(obj.Type(), true), Defs: w.defs}, nil
}

func dedupe(xs []string) []string {
	sort.Strings(xs)
	out := xs[:0]
	for i, x := range xs {
		if i == 0 || x != xs[i-1] {
			out = append(out, x)
		}
	}
	return out
}

type walker struct {
	defs map[string]*def
	self *types.Package
}

// isStd: a standard-library package path has no dot in its first element.
func isStd(path string) bool {
	first := strings.SplitN(path, "/", 2)[0]
	return !strings.Contains(first, ".") && path != "main" && !strings.HasPrefix(path, "command-line-arguments")
}

func fullName(t types.Type) string {
	return types.TypeString(t, func(p *types.Package) string { return p.Path() })
}

// shortName spells t as reflect does: package name, then type arguments with full paths.
func shortName(n *types.Named) string {
	obj := n.Obj()
	s := obj.Name()
	if obj.Pkg() != nil {
		s = obj.Pkg().Name() + "." + s
	}
	if targs := n.TypeArgs(); targs != nil && targs.Len() > 0 {
		var parts []string
		for i := 0; i < targs.Len(); i++ {
			parts = append(parts, fullName(targs.At(i)))
		}
		s += "[" + strings.Join(parts, ",") + "]"
	}
	return s
}

func (w *walker) ref(t types.Type, inline bool) ref {
	switch t := t.(type) {
	case *types.Named:
		obj := t.Obj()
		if obj.Pkg() == nil { // error
			return obj.Name()
		}
		key := fullName(t)
		if inline {
			if _, ok := w.defs[key]; !ok {
				d := &def{String: shortName(t), Std: isStd(obj.Pkg().Path())}
				w.defs[key] = d
				d.Underlying = w.literal(t.Underlying(), true)
			}
		}
		return map[string]any{"named": key}
	case *types.Basic:
		if t.Kind() == types.UnsafePointer {
			return "unsafe.Pointer"
		}
		switch t.Kind() {
		case types.Byte:
			return "uint8"
		case types.Rune:
			return "int32"
		}
		return t.Name()
	}
	if u, ok := t.(interface{ Underlying() types.Type }); ok && u.Underlying() != t {
		if _, named := t.(*types.Named); !named {
			if _, isParam := t.(*types.TypeParam); !isParam {
				return w.ref(u.Underlying(), inline) // an alias (types.Alias in Go 1.22+)
			}
		}
	}
	return w.literal(t, inline)
}

func (w *walker) literal(t types.Type, inline bool) ref {
	switch t := t.(type) {
	case *types.Basic:
		return w.ref(t, inline)
	case *types.Pointer:
		return map[string]any{"k": "ptr", "e": w.ref(t.Elem(), false)}
	case *types.Slice:
		return map[string]any{"k": "slice", "e": w.ref(t.Elem(), false)}
	case *types.Array:
		return map[string]any{"k": "array", "n": t.Len(), "e": w.ref(t.Elem(), inline)}
	case *types.Map:
		return map[string]any{"k": "map", "key": w.ref(t.Key(), false), "e": w.ref(t.Elem(), false)}
	case *types.Chan:
		dir := map[types.ChanDir]string{types.SendRecv: "both", types.SendOnly: "send", types.RecvOnly: "recv"}[t.Dir()]
		return map[string]any{"k": "chan", "dir": dir, "e": w.ref(t.Elem(), false)}
	case *types.Signature:
		var in, out []ref
		for i := 0; i < t.Params().Len(); i++ {
			in = append(in, w.ref(t.Params().At(i).Type(), false))
		}
		for i := 0; i < t.Results().Len(); i++ {
			out = append(out, w.ref(t.Results().At(i).Type(), false))
		}
		return map[string]any{"k": "func", "p": in, "r": out, "v": t.Variadic()}
	case *types.Interface:
		methods := []string{}
		for i := 0; i < t.NumMethods(); i++ {
			m := t.Method(i)
			methods = append(methods, m.Name()+strings.TrimPrefix(types.TypeString(m.Type(), func(p *types.Package) string { return p.Name() }), "func"))
		}
		sort.Strings(methods)
		return map[string]any{"k": "iface", "m": methods}
	case *types.Struct:
		fields := []field{}
		for i := 0; i < t.NumFields(); i++ {
			f := t.Field(i)
			fields = append(fields, field{Name: f.Name(), Type: w.ref(f.Type(), true), Embedded: f.Embedded()})
		}
		return map[string]any{"k": "struct", "f": fields}
	}
	return map[string]any{"k": "unknown", "s": t.String()}
}
