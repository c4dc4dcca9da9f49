import type { GoType } from '../codec/go-type.js';
import type { ServiceContract } from '../contract/contract.js';

/** GoDeclarationsOptions tune {@link generateGoDeclarations}. */
export interface GoDeclarationsOptions {
  /** The Go package clause (default `main`). */
  readonly packageName?: string;
}

/** GeneratedGo is a Go source file and what the generator has to say about it. */
export interface GeneratedGo {
  readonly source: string;
  readonly warnings: readonly string[];
}

/** The names gob registers by itself (registerBasics), which need no declaration. */
const GOB_BASIC = /^(\[\])?(bool|u?int(8|16|32|64)?|uintptr|float(32|64)|complex(64|128)|string)$/;

const GO_KEYWORDS = new Set(['break', 'case', 'chan', 'const', 'continue', 'default', 'defer', 'else', 'fallthrough', 'for', 'func', 'go', 'goto', 'if', 'import', 'interface', 'map', 'package', 'range', 'return', 'select', 'struct', 'switch', 'type', 'var']);

/** exportedName turns a key into an exported Go identifier (gob only sends exported fields). */
function exportedName(key: string): string {
  const id = key.replace(/[^\p{L}\p{N}_]+/gu, '_');
  const first = id.charAt(0);
  const name = /\p{Lu}/u.test(first) ? id : /\p{L}/u.test(first) ? first.toUpperCase() + id.slice(1) : `X${id}`;
  return GO_KEYWORDS.has(name) ? `${name}_` : name;
}

/** The bare type name of a gob name: `main.Rect` → Rect, `*example.com/shapes.Circle` → Circle. */
function bareName(gobName: string): string {
  return exportedName(gobName.replace(/^\*+/, '').replace(/^.*[./]/, ''));
}

/** goTypeKey is a structural fingerprint of a GoType, to tell one declaration from another. */
function goTypeKey(t: GoType): string {
  return JSON.stringify(t);
}

/** Writes a struct's fields as gofmt does: names, types and tags in columns. */
function structBody(fields: readonly { name: string; type: string; tag?: string }[]): string {
  if (fields.length === 0) return 'struct{}';
  const nameWidth = Math.max(...fields.map((f) => f.name.length));
  const typeWidth = Math.max(...fields.map((f) => (f.tag ? f.type.length : 0)));
  const lines = fields.map((f) => {
    const head = `\t${f.name.padEnd(nameWidth)} ${f.tag ? f.type.padEnd(typeWidth) : f.type}`;
    return `${f.tag ? `${head} \`${f.tag}\`` : head}\n`;
  });
  return `struct {\n${lines.join('')}}`;
}

/**
 * GoWriter collects the declarations the Go types of some contracts
 * need: one named type per struct (named by its gob name, or after the
 * method and field it appears in), the named slices, arrays and maps, and
 * the types interface values may carry, registered with gob under the
 * names the contracts declare.
 */
class GoWriter {
  readonly decls = new Map<string, { key: string; text: string }>();
  readonly registrations = new Map<string, string>();
  readonly warnings: string[] = [];
  usesTime = false;

  /** declare gives the Go type `t` a declaration named `name` (or a free variant of it) and returns that name. */
  private declare(name: string, t: GoType, write: (declared: string) => string): string {
    const key = goTypeKey(t);
    for (let n = 1; ; n++) {
      const candidate = n === 1 ? name : `${name}${n}`;
      const existing = this.decls.get(candidate);
      if (existing?.key === key) return candidate;
      if (existing === undefined) {
        this.decls.set(candidate, { key, text: '' });
        this.decls.set(candidate, { key, text: write(candidate) });
        if (n > 1) this.warnings.push(`rpc-gen: two different Go types are named ${name}; the second is declared as ${candidate}`);
        return candidate;
      }
    }
  }

  /** typeExpr writes `t` as a Go type, declaring what it needs; `hint` names an anonymous struct. */
  typeExpr(t: GoType | undefined, hint: string): string {
    if (t === undefined) return 'interface{}';
    switch (t.kind) {
      case 'bool':
      case 'string':
        return t.kind;
      case 'bytes':
        return '[]byte';
      case 'time':
        this.usesTime = true;
        return 'time.Time';
      case 'int':
      case 'uint':
        return t.bits ? `${t.kind}${t.bits}` : t.kind;
      case 'float':
        return `float${t.bits ?? 64}`;
      case 'complex':
        return `complex${t.bits ?? 128}`;
      case 'pointer':
        return `*${this.typeExpr(t.elem, hint)}`;
      case 'interface':
        for (const [gobName, ct] of Object.entries(t.types ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) this.register(gobName, ct);
        return 'interface{}';
      case 'slice':
        return this.maybeNamed(t, () => `[]${this.typeExpr(t.elem, `${hint}Elem`)}`);
      case 'array':
        return this.maybeNamed(t, () => `[${t.len}]${this.typeExpr(t.elem, `${hint}Elem`)}`);
      case 'map':
        return this.maybeNamed(t, () => `map[${this.typeExpr(t.key, `${hint}Key`)}]${this.typeExpr(t.elem, `${hint}Elem`)}`);
      case 'struct': {
        const name = t.name ? bareName(t.name) : exportedName(hint);
        return this.declare(name, t, (declared) => {
          const fields = t.fields.map((f) => {
            const goName = exportedName(f.name);
            if (goName !== f.name) this.warnings.push(`rpc-gen: field ${f.name} of ${declared} is declared ${goName}: gob sends only exported fields, under their Go names, so gob peers will not match it (encoding/json matches names case-insensitively)`);
            return { name: goName, type: this.typeExpr(f.type, `${declared}${goName}`), ...(goName !== f.name ? { tag: `json:"${f.name}"` } : {}) };
          });
          return `type ${declared} ${structBody(fields)}\n`;
        });
      }
    }
  }

  private maybeNamed(t: GoType & { name?: string }, literal: () => string): string {
    if (!t.name) return literal();
    return this.declare(bareName(t.name), t, (declared) => `type ${declared} ${literal()}\n`);
  }

  /** register declares the concrete type gob sends under `gobName` in an interface, and registers it. */
  private register(gobName: string, t: GoType): void {
    if (GOB_BASIC.test(gobName) || this.registrations.has(gobName)) return;
    this.registrations.set(gobName, '');
    const name = bareName(gobName);
    const value = t.kind === 'pointer' ? t.elem : t;
    let declared: string;
    if (value.kind === 'struct') {
      declared = this.typeExpr({ ...value, name: gobName.replace(/^\*+/, '') }, name);
    } else {
      const under = this.typeExpr(value, name);
      declared = this.declare(name, { kind: 'struct', name: `named ${gobName}`, fields: [{ name: 'T', type: value }] }, (d) => `type ${d} ${under}\n`);
    }
    const zero = gobName.startsWith('*') ? `new(${declared})` : `*new(${declared})`;
    this.registrations.set(gobName, `\tgob.RegisterName(${JSON.stringify(gobName)}, ${zero})\n`);
  }
}

/**
 * generateGoDeclarations writes Go source for netrpc contracts: the type
 * declarations their Go types (contract.types, from zodToGoType) need,
 * gob registrations for the concrete types their interfaces declare, and
 * per service a stub type with every method in net/rpc's form
 * (`func (t *T) M(args A, reply *R) error`), so a Go program shares the
 * contracts' types. A method whose schema declares no Go type gets
 * `interface{}`. The output is gofmt-formatted and stable.
 */
export function generateGoDeclarations(contracts: readonly ServiceContract[], options: GoDeclarationsOptions = {}): GeneratedGo {
  const w = new GoWriter();
  const services: string[] = [];
  const sorted = [...contracts].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const serviceNames = new Set<string>();
  for (const c of sorted) {
    const typeName = exportedName(c.name);
    serviceNames.add(typeName);
    const methods = Object.keys(c.methods).sort();
    const funcs = methods.map((m) => {
      const types = c.types[m];
      const args = w.typeExpr(types?.args, `${typeName}${exportedName(m)}Args`);
      const reply = w.typeExpr(types?.reply, `${typeName}${exportedName(m)}Reply`);
      if (exportedName(m) !== m) w.warnings.push(`rpc-gen: ${c.name}.${m} is not an exported Go method name: net/rpc cannot serve it`);
      return `// ${exportedName(m)} is ${c.name}.${m}.\nfunc (t *${typeName}) ${exportedName(m)}(args ${args}, reply *${reply}) error {\n\treturn errors.New(${JSON.stringify(`${c.name}.${m}: not implemented`)})\n}\n`;
    });
    services.push(
      `// ${typeName} is a stub of the netrpc service ${JSON.stringify(c.name)}: implement its methods and\n// register it with rpc.RegisterName(${JSON.stringify(c.name)}, new(${typeName})).\ntype ${typeName} struct{}\n` +
        funcs.map((f) => `\n${f}`).join(''),
    );
  }
  for (const name of w.decls.keys()) if (serviceNames.has(name)) w.warnings.push(`rpc-gen: the Go type ${name} has the name of a service stub; rename one of them`);
  const imports = ['errors', ...(w.registrations.size > 0 ? ['encoding/gob'] : []), ...(w.usesTime ? ['time'] : [])].sort();
  const decls = [...w.decls.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, d]) => d.text);
  const regs = [...w.registrations.keys()].sort().map((k) => w.registrations.get(k)!);
  const parts = [
    `// Code generated by rpc-gen from netrpc contracts; DO NOT EDIT.\n\npackage ${options.packageName ?? 'main'}\n`,
    `import (\n${imports.map((i) => `\t${JSON.stringify(i)}\n`).join('')})\n`,
    ...decls,
    ...(regs.length > 0 ? [`func init() {\n${regs.join('')}}\n`] : []),
    ...services,
  ];
  return { source: parts.join('\n'), warnings: w.warnings };
}
