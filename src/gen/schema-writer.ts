import type { GoModelBasicKind, GoModelStructType, GoModelType } from './go-model.js';
import { propertyKey, tsString } from './ts-names.js';
import { tsdoc } from './tsdoc.js';
import { stripPointers } from './type-graph.js';
import type { TypeGraph } from './type-graph.js';

/** The go.* builder of each basic kind gob can send. */
const BASIC: Partial<Record<GoModelBasicKind, string>> = {
  bool: 'go.bool()',
  int: 'go.int()',
  int8: 'go.int8()',
  int16: 'go.int16()',
  int32: 'go.int32()',
  int64: 'go.int64()',
  uint: 'go.uint()',
  uint8: 'go.uint8()',
  uint16: 'go.uint16()',
  uint32: 'go.uint32()',
  uint64: 'go.uint64()',
  uintptr: 'go.uintptr()',
  float32: 'go.float32()',
  float64: 'go.float64()',
  complex64: 'go.complex64()',
  complex128: 'go.complex128()',
  string: 'go.string()',
};

/** GOB_BASICS is the name of the generated const holding the types gob registers itself. */
export const GOB_BASICS = 'gobBasics';

/**
 * writeGobBasics writes the const named {@link GOB_BASICS}: the schema of
 * each type gob registers by itself (its registerBasics: the predeclared
 * types and slices of them), by the name gob sends in an interface value.
 */
export function writeGobBasics(): string {
  const lines: string[] = [];
  for (const [kind, builder] of Object.entries(BASIC)) lines.push(`  ${tsString(kind)}: ${builder},\n`);
  for (const [kind, builder] of Object.entries(BASIC)) {
    if (kind === 'uint8') lines.push(`  '[]uint8': go.bytes(),\n`);
    else lines.push(`  ${tsString(`[]${kind}`)}: go.slice(${builder}),\n`);
  }
  return `/** The types gob registers by itself, by the name an interface value carries. */\nconst ${GOB_BASICS} = {\n${lines.join('')}};\n`;
}

/**
 * SchemaContext is what writing one schema needs: the type graph, the
 * const each defined type is written as, the recursive group being
 * written (its members are referred to through z.lazy), and where to
 * report what gob cannot send.
 */
export interface SchemaContext {
  readonly graph: TypeGraph;
  readonly constName: (id: string) => string;
  readonly group?: number;
  readonly warn: (message: string) => void;
  /** The registered types whose values are being written inside an interface (an interface{} in a []interface{}). */
  readonly open?: ReadonlySet<string>;
}

/**
 * writeSchema writes the zod schema of `t` as TypeScript source. Parts
 * with a declared Go type use the go.* builders (which carry it); parts
 * holding a recursive type use plain zod with the same checks, since a
 * GoType cannot hold a cycle. `where` names the place for warnings.
 */
export function writeSchema(t: GoModelType, ctx: SchemaContext, where: string, indent = ''): string {
  if (t.unsupported?.gob !== undefined) {
    ctx.warn(`${where}: ${t.unsupported.gob}; declared z.never()`);
    return 'z.never()';
  }
  const declared = ctx.graph.hasGoType(t);
  const inner = (u: GoModelType, suffix = ''): string => writeSchema(u, ctx, `${where}${suffix}`, indent);
  switch (t.kind) {
    case 'named': {
      if (ctx.graph.treatment(t.id) === 'time') return 'go.time()';
      const name = ctx.constName(t.id);
      const g = ctx.graph.group.get(t.id);
      return g !== undefined && g === ctx.group ? `z.lazy(() => ${name})` : name;
    }
    case 'bytes':
      return 'go.bytes()';
    case 'array':
      return declared ? `go.array(${inner(t.elem, '[]')}, ${t.len})` : `z.array(${inner(t.elem, '[]')}).length(${t.len})`;
    case 'slice':
      return declared ? `go.slice(${inner(t.elem, '[]')})` : `z.array(${inner(t.elem, '[]')}).nullable()`;
    case 'pointer':
      return declared ? `go.pointer(${inner(t.elem)})` : `${inner(t.elem)}.nullish()`;
    case 'map': {
      const key = inner(t.key, ' key');
      const elem = inner(t.elem, '[]');
      if (declared) return `go.map(${key}, ${elem})`;
      const k = stripPointers(t.key);
      const stringKey = k.kind === 'string' || (k.kind === 'named' && ctx.graph.named(k.id).underlying.kind === 'string');
      return stringKey ? `z.record(${key}, ${elem}).nullable()` : `z.map(${key}, ${elem}).nullable()`;
    }
    case 'struct':
      return `z.object(${writeFields(t, ctx, where, indent)})`;
    case 'interface': {
      const entries = ctx.graph.concrete(t).flatMap((c) => {
        const value = stripPointers(c.type);
        if (ctx.open?.has(c.name)) return [];
        if (!ctx.graph.hasGoType(value)) {
          ctx.warn(`${where}: the registered type ${c.name} is recursive: its values in this interface are not declared (gob infers their kinds)`);
          return [];
        }
        return [`${indent}  ${tsString(c.name)}: ${writeSchema(value, { ...ctx, group: undefined, open: new Set([...(ctx.open ?? []), c.name]) }, `${where} (${c.name})`, `${indent}  `)},\n`];
      });
      // Any value can be in an interface{}: gob registers the predeclared types and slices of them itself.
      const basics = t.methods.length === 0 ? [`${indent}  ...${GOB_BASICS},\n`] : [];
      const all = [...basics, ...entries];
      return all.length === 0 ? 'go.interface()' : `go.interface({\n${all.join('')}${indent}})`;
    }
    case 'chan':
    case 'func':
    case 'unsafePointer':
      ctx.warn(`${where}: gob cannot send ${t.go}; declared z.never()`);
      return 'z.never()';
    default: {
      const b = BASIC[t.kind];
      if (b === undefined) throw new Error(`rpc-gen: no schema for Go kind ${t.kind}`);
      return b;
    }
  }
}

/** writeFields writes the object literal of the fields gob sends of a struct, with their doc comments. */
export function writeFields(t: GoModelStructType, ctx: SchemaContext, where: string, indent: string): string {
  if (t.gobFields.length === 0) return '{}';
  const lines = t.gobFields.map((f) => {
    const field = t.fields[f.field];
    const doc = tsdoc(field?.doc ?? field?.comment, `${indent}  `);
    return `${doc}${indent}  ${propertyKey(f.name)}: ${writeSchema(f.type, ctx, `${where}.${f.name}`, `${indent}  `)},\n`;
  });
  return `{\n${lines.join('')}${indent}}`;
}
