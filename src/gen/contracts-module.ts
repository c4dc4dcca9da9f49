import type { GoModel, GoModelMethod, GoModelService, GoModelType } from './go-model.js';
import { GoSourceError } from './go-source-error.js';
import { GOB_BASICS, writeGobBasics, writeSchema } from './schema-writer.js';
import type { SchemaContext } from './schema-writer.js';
import { NameAllocator, propertyKey, tsString } from './ts-names.js';
import { joinDoc, tsdoc } from './tsdoc.js';
import { writeTsType } from './ts-type-writer.js';
import type { TypeNames, TypeSide } from './ts-type-writer.js';
import { buildTypeGraph, stripPointers } from './type-graph.js';
import type { TypeGraph } from './type-graph.js';

/** GenerateOptions tune {@link generateContracts}. */
export interface GenerateOptions {
  /** Service names by Go type name, for services registered with rpc.RegisterName (`--name T=Name`). */
  readonly serviceNames?: Readonly<Record<string, string>>;
}

/** GeneratedContracts is a generated module and what the generator has to say about it. */
export interface GeneratedContracts {
  /** The TypeScript module: one defineService contract per service, and a schema per Go type. */
  readonly source: string;
  /** Lines for stderr: methods net/rpc does not register, types gob cannot send, and other notes. */
  readonly warnings: readonly string[];
}

/** The type a method's argument or reply travels as: gob sends what pointers point to. */
function valueType(t: GoModelType, graph: TypeGraph): GoModelType {
  let u = stripPointers(t);
  while (u.kind === 'named' && graph.treatment(u.id) === 'schema' && graph.named(u.id).underlying.kind === 'pointer') u = stripPointers(graph.named(u.id).underlying);
  return u;
}

/** The names the source registers service `s` under (rpc.Register / RegisterName calls that succeed). */
function registeredNames(s: GoModelService, model: GoModel): string[] {
  return [...new Set(model.rpcRegistrations.filter((r) => r.service === s.id && r.name && r.error === undefined).map((r) => r.name!))];
}

/** A service's name: `--name`'s, else the one name the source registers it under, else its type's name. */
function serviceName(s: GoModelService, names: Readonly<Record<string, string>>, model: GoModel): string {
  const bare = s.id.slice(s.id.lastIndexOf('.') + 1);
  const registered = registeredNames(s, model);
  return names[bare] ?? names[s.id] ?? (registered.length === 1 ? registered[0]! : s.name);
}

function methodSignature(m: GoModelMethod, s: GoModelService): string {
  const recv = m.receiver === 'pointer' ? `*${s.name}` : s.name;
  return `Go: \`func (${recv}) ${m.name}(${m.args.go}, ${m.reply.go}) error\``;
}

/**
 * generateContracts writes the TypeScript module for a Go model: for
 * every service, `export const <Name> = defineService('<Name>', {...})`
 * with one method per method net/rpc registers, and before them, for
 * every defined type those use, a schema const (and its type) describing
 * the type as gob sends it. The module imports only `zod` and `netrpc`;
 * the same model and options always give the same bytes. Throws a
 * GoSourceError (`no-services`) when a `serviceNames` key names no service.
 */
export function generateContracts(model: GoModel, options: GenerateOptions = {}): GeneratedContracts {
  const renames = options.serviceNames ?? {};
  const warnings: string[] = [];
  const bareNames = new Set(model.services.map((s) => s.id.slice(s.id.lastIndexOf('.') + 1)));
  for (const key of Object.keys(renames).sort()) {
    if (!bareNames.has(key) && !model.services.some((s) => s.id === key)) {
      throw new GoSourceError('no-services', `rpc-gen: --name ${key}=${renames[key]}: the package has no service type ${key} (services: ${[...bareNames].sort().join(', ') || 'none'})`);
    }
  }
  const services = [...model.services].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const roots = services.flatMap((s) => s.methods.flatMap((m) => [m.args, m.reply]));
  const graph = buildTypeGraph(model, roots);

  const alloc = new NameAllocator();
  const serviceConst = new Map<string, string>();
  for (const s of services) serviceConst.set(s.id, alloc.take(serviceName(s, renames, model)));
  const local = model.package.importPath;
  const written = graph.order.filter((id) => graph.treatment(id) !== 'time');
  const byPriority = [...written].sort((a, b) => {
    const pa = graph.named(a).package === local ? 0 : 1;
    const pb = graph.named(b).package === local ? 0 : 1;
    return pa - pb || (a < b ? -1 : a > b ? 1 : 0);
  });
  const consts = new Map<string, string>();
  for (const id of byPriority) {
    const n = graph.named(id);
    consts.set(id, alloc.take(n.name, `${n.packageName}_${n.name}`, `${n.name}Type`));
  }
  const inputNames = new Map<string, string>();
  for (const id of byPriority) if (graph.group.has(id)) inputNames.set(id, alloc.take(`${consts.get(id)!}Input`));
  const constName = (id: string): string => {
    const c = consts.get(id);
    if (c === undefined) throw new Error(`rpc-gen: no name for Go type ${id}`);
    return c;
  };
  const typeNames: TypeNames = {
    graph,
    constName,
    recursiveName: (id: string, side: TypeSide) => (graph.group.has(id) ? (side === 'output' ? constName(id) : inputNames.get(id)) : undefined),
  };
  const warn = (message: string): void => {
    warnings.push(`rpc-gen: ${message}`);
  };

  const blocks: string[] = [];
  for (const id of written) blocks.push(writeNamed(id, { graph, constName, group: graph.group.get(id), warn }, typeNames));
  for (const s of services) blocks.push(writeService(s, serviceConst.get(s.id)!, { graph, constName, warn }, serviceName(s, renames, model)));

  for (const s of services) {
    for (const m of s.skipped) warnings.push(`rpc-gen: ${s.name}.${m.name} not generated: ${m.message}`);
    const name = serviceName(s, renames, model);
    const others = registeredNames(s, model).filter((n) => n !== name);
    if (others.length > 0) warnings.push(`rpc-gen: ${s.name} is also registered as ${others.map((n) => `"${n}"`).join(', ')}; the contract is named "${name}" (--name ${s.name}=NAME picks another)`);
  }
  for (const u of model.unregistrable) warnings.push(`rpc-gen: ${u.name} not generated: ${u.message}`);

  if (blocks.some((b) => b.includes(`...${GOB_BASICS}`))) blocks.unshift(writeGobBasics());
  const body = blocks.join('\n');
  const imports = [];
  if (/\bz\./.test(body)) imports.push(`import { z } from 'zod';\n`);
  const fromNetrpc = ['defineService', ...(/\bgo\./.test(body) ? ['go'] : [])];
  imports.push(`import { ${fromNetrpc.join(', ')} } from 'netrpc';\n`);
  const header =
    `// Code generated by rpc-gen from Go package ${JSON.stringify(model.package.importPath)}; DO NOT EDIT.\n` +
    `//\n// Each contract describes a net/rpc service as gob sends its values (see netrpc's go.* builders).\n\n`;
  return { source: `${header}${imports.join('')}\n${body}`, warnings };
}

function writeNamed(id: string, ctx: SchemaContext, names: TypeNames): string {
  const { graph } = ctx;
  const n = graph.named(id);
  const name = ctx.constName(id);
  const treatment = graph.treatment(id);
  let schema: string;
  let note: string | undefined;
  if (treatment === 'opaque') {
    note = `${n.go} encodes itself for gob (GobEncode, MarshalBinary or MarshalText): netrpc receives its bytes as Go wrote them, and cannot send it as ${n.go}.`;
    ctx.warn(`${n.go} encodes itself for gob: declared as its bytes, which netrpc receives but cannot send back as ${n.go}`);
    schema = 'z.instanceof(Uint8Array)';
  } else {
    const u = n.underlying;
    const declared = graph.declared.has(id);
    if (u.kind === 'struct') {
      const fields = writeSchema(u, ctx, n.go).slice('z.object('.length, -1);
      schema = declared ? `go.struct(${tsString(n.go)}, ${fields})` : `z.object(${fields})`;
    } else if (u.kind === 'interface') {
      schema = writeSchema(u, ctx, n.go);
    } else {
      const inner = writeSchema(u, ctx, n.go);
      schema = declared ? `go.named(${tsString(n.go)}, ${inner})` : inner;
    }
    if (graph.group.has(id)) note = `${n.go} is recursive: its values are checked, and gob infers their kinds from the values (a GoType cannot hold a cycle).`;
  }
  const doc = tsdoc(joinDoc(n.doc, note, `Go: \`${n.go}\``));
  if (!graph.group.has(id)) return `${doc}export const ${name} = ${schema};\nexport type ${name} = z.output<typeof ${name}>;\n`;
  const input = names.recursiveName(id, 'input')!;
  const decl = (typeName: string, side: TypeSide): string => {
    const t = writeTsType(n.underlying, names, side);
    return n.underlying.kind === 'struct' && n.underlying.gobFields.length > 0 ? `export interface ${typeName} ${t}\n` : `export type ${typeName} = ${t};\n`;
  };
  return (
    `${doc}${decl(name, 'output')}` +
    `/** ${name} as its schema accepts it. */\n${decl(input, 'input')}` +
    `/** The schema of {@link ${name}}. */\nexport const ${name}: z.ZodType<${name}, ${input}> = ${schema};\n`
  );
}

function writeService(s: GoModelService, name: string, ctx: SchemaContext, registered: string): string {
  const skipped = s.skipped.map((m) => `- ${m.name}: ${m.message}`).join('\n');
  const doc = tsdoc(joinDoc(s.doc, `The net/rpc service ${JSON.stringify(registered)} (Go type \`${s.id}\`).`, skipped ? `Methods net/rpc does not register:\n${skipped}` : undefined));
  const methods = s.methods.map((m) => {
    const where = `${registered}.${m.name}`;
    const args = writeSchema(valueType(m.args, ctx.graph), ctx, `${where} args`, '  ');
    const reply = writeSchema(valueType(m.reply, ctx.graph), ctx, `${where} reply`, '  ');
    return `${tsdoc(joinDoc(m.doc, methodSignature(m, s)), '  ')}  ${propertyKey(m.name)}: { args: ${args}, reply: ${reply} },\n`;
  });
  return `${doc}export const ${name} = defineService(${tsString(registered)}, {\n${methods.join('')}});\n`;
}
