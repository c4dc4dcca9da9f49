import { GO_MODEL_BASIC_KINDS, GO_MODEL_VERSION, GO_MODEL_WELL_KNOWN } from './go-model.js';
import type { GoModel, GoModelFailure } from './go-model.js';
import { GoSourceError } from './go-source-error.js';

type Json = Record<string, unknown>;

const basicKinds = new Set<string>(GO_MODEL_BASIC_KINDS);

/** BadModel is thrown inside the checker and becomes a `bad-output` GoSourceError. */
class BadModel extends Error {}

function fail(path: string, what: string): never {
  throw new BadModel(`${path}: ${what}`);
}

function object(v: unknown, path: string): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'want an object');
  return v as Json;
}

function array(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) fail(path, 'want an array');
  return v;
}

function string(v: unknown, path: string): string {
  if (typeof v !== 'string') fail(path, 'want a string');
  return v;
}

function optionalString(v: unknown, path: string): void {
  if (v !== undefined) string(v, path);
}

function oneOf(v: unknown, allowed: readonly string[], path: string): void {
  if (typeof v !== 'string' || !allowed.includes(v)) fail(path, `want one of ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
}

/**
 * ModelChecker checks a parsed model's shape against go-model.ts: every
 * field the types promise is there with the right JSON type, every kind
 * and reason is one the types name, and every `named` reference resolves
 * in the type table.
 */
class ModelChecker {
  private readonly refs: { id: string; path: string }[] = [];

  constructor(private readonly ids: ReadonlySet<string>) {}

  type(v: unknown, path: string): void {
    const t = object(v, path);
    string(t.go, `${path}.go`);
    if (t.unsupported !== undefined) {
      const u = object(t.unsupported, `${path}.unsupported`);
      optionalString(u.gob, `${path}.unsupported.gob`);
      optionalString(u.json, `${path}.unsupported.json`);
    }
    const kind = t.kind;
    if (typeof kind === 'string' && basicKinds.has(kind)) return;
    switch (kind) {
      case 'named':
        this.refs.push({ id: string(t.id, `${path}.id`), path });
        return;
      case 'bytes':
        if (t.elem !== undefined) this.type(t.elem, `${path}.elem`);
        return;
      case 'array':
        if (typeof t.len !== 'number' || !Number.isSafeInteger(t.len) || t.len < 0) fail(`${path}.len`, 'want a length');
        this.type(t.elem, `${path}.elem`);
        return;
      case 'slice':
      case 'pointer':
        this.type(t.elem, `${path}.elem`);
        return;
      case 'map':
        this.type(t.key, `${path}.key`);
        this.type(t.elem, `${path}.elem`);
        return;
      case 'struct': {
        const fields = array(t.fields, `${path}.fields`);
        fields.forEach((f, i) => this.field(f, `${path}.fields[${i}]`));
        array(t.gobFields, `${path}.gobFields`).forEach((f, i) => this.gobField(f, fields.length, `${path}.gobFields[${i}]`));
        array(t.jsonFields, `${path}.jsonFields`).forEach((f, i) => this.jsonField(f, `${path}.jsonFields[${i}]`));
        return;
      }
      case 'interface':
        array(t.methods, `${path}.methods`).forEach((m, i) => {
          const method = object(m, `${path}.methods[${i}]`);
          string(method.name, `${path}.methods[${i}].name`);
          string(method.go, `${path}.methods[${i}].go`);
        });
        if (t.gobConcrete !== undefined) array(t.gobConcrete, `${path}.gobConcrete`).forEach((n, i) => string(n, `${path}.gobConcrete[${i}]`));
        return;
      case 'chan':
        oneOf(t.dir, ['both', 'send', 'recv'], `${path}.dir`);
        this.type(t.elem, `${path}.elem`);
        return;
      case 'func':
        return;
    }
    fail(`${path}.kind`, `unknown kind ${JSON.stringify(kind)}`);
  }

  private field(v: unknown, path: string): void {
    const f = object(v, path);
    string(f.name, `${path}.name`);
    string(f.goType, `${path}.goType`);
    for (const flag of ['embedded', 'exported', 'gobSent'] as const) {
      if (typeof f[flag] !== 'boolean') fail(`${path}.${flag}`, 'want a boolean');
    }
    if (f.type !== undefined) this.type(f.type, `${path}.type`);
    else if (f.exported || f.embedded) fail(`${path}.type`, 'an exported or embedded field needs its type');
  }

  private gobField(v: unknown, fieldCount: number, path: string): void {
    const f = object(v, path);
    string(f.name, `${path}.name`);
    if (typeof f.field !== 'number' || !Number.isInteger(f.field) || f.field < 0 || f.field >= fieldCount) {
      fail(`${path}.field`, 'want the index of a field');
    }
    this.type(f.type, `${path}.type`);
  }

  private jsonField(v: unknown, path: string): void {
    const f = object(v, path);
    string(f.name, `${path}.name`);
    const steps = array(f.path, `${path}.path`);
    if (steps.length === 0) fail(`${path}.path`, 'want at least one field name');
    steps.forEach((p, i) => string(p, `${path}.path[${i}]`));
    for (const flag of ['tagged', 'omitEmpty', 'string', 'viaPointer'] as const) {
      if (typeof f[flag] !== 'boolean') fail(`${path}.${flag}`, 'want a boolean');
    }
    this.type(f.type, `${path}.type`);
  }

  service(v: unknown, path: string): void {
    const s = object(v, path);
    string(s.name, `${path}.name`);
    string(s.id, `${path}.id`);
    string(s.package, `${path}.package`);
    if (typeof s.exported !== 'boolean') fail(`${path}.exported`, 'want a boolean');
    array(s.methods, `${path}.methods`).forEach((m, i) => {
      const method = object(m, `${path}.methods[${i}]`);
      string(method.name, `${path}.methods[${i}].name`);
      oneOf(method.receiver, ['value', 'pointer'], `${path}.methods[${i}].receiver`);
      this.type(method.args, `${path}.methods[${i}].args`);
      this.type(method.reply, `${path}.methods[${i}].reply`);
    });
    array(s.skipped, `${path}.skipped`).forEach((m, i) => {
      const skipped = object(m, `${path}.skipped[${i}]`);
      string(skipped.name, `${path}.skipped[${i}].name`);
      oneOf(skipped.receiver, ['value', 'pointer'], `${path}.skipped[${i}].receiver`);
      oneOf(
        skipped.reason,
        ['inputs', 'argNotExported', 'replyNotPointer', 'replyNotExported', 'outputs', 'returnNotError'],
        `${path}.skipped[${i}].reason`,
      );
      string(skipped.message, `${path}.skipped[${i}].message`);
    });
  }

  /** unresolved lists the `named` references whose ID is not in the table. */
  unresolved(): string[] {
    return this.refs.filter((r) => !this.ids.has(r.id)).map((r) => `${r.path}: no type ${r.id} in the table`);
  }
}

function checkModel(v: unknown): GoModel {
  const m = object(v, 'model');
  if (m.version !== GO_MODEL_VERSION) fail('model.version', `want ${GO_MODEL_VERSION}, got ${JSON.stringify(m.version)}`);
  const pkg = object(m.package, 'model.package');
  string(pkg.name, 'model.package.name');
  string(pkg.importPath, 'model.package.importPath');
  oneOf(pkg.importPathFrom, ['main', 'module', 'gopath', 'local', 'flag'], 'model.package.importPathFrom');
  array(pkg.files, 'model.package.files').forEach((f, i) => string(f, `model.package.files[${i}]`));
  const types = object(m.types, 'model.types');
  const checker = new ModelChecker(new Set(Object.keys(types)));
  for (const [id, entry] of Object.entries(types)) {
    const path = `model.types[${JSON.stringify(id)}]`;
    const t = object(entry, path);
    if (t.id !== id) fail(`${path}.id`, `want ${JSON.stringify(id)}`);
    for (const key of ['name', 'package', 'packageName', 'go'] as const) string(t[key], `${path}.${key}`);
    checker.type(t.underlying, `${path}.underlying`);
    if (t.wellKnown !== undefined) oneOf(t.wellKnown, GO_MODEL_WELL_KNOWN, `${path}.wellKnown`);
    if (object(t.underlying, `${path}.underlying`).kind === 'named') fail(`${path}.underlying`, 'an underlying type is never a defined type');
    if (t.typeArgs !== undefined) array(t.typeArgs, `${path}.typeArgs`).forEach((a, i) => checker.type(a, `${path}.typeArgs[${i}]`));
  }
  array(m.services, 'model.services').forEach((s, i) => checker.service(s, `model.services[${i}]`));
  array(m.unregistrable, 'model.unregistrable').forEach((u, i) => {
    const entry = object(u, `model.unregistrable[${i}]`);
    string(entry.name, `model.unregistrable[${i}].name`);
    string(entry.message, `model.unregistrable[${i}].message`);
  });
  array(m.rpcRegistrations, 'model.rpcRegistrations').forEach((r, i) => {
    const entry = object(r, `model.rpcRegistrations[${i}]`);
    oneOf(
      entry.function,
      ['rpc.Register', 'rpc.RegisterName', '(*rpc.Server).Register', '(*rpc.Server).RegisterName'],
      `model.rpcRegistrations[${i}].function`,
    );
    string(entry.position, `model.rpcRegistrations[${i}].position`);
  });
  array(m.gobRegistrations, 'model.gobRegistrations').forEach((r, i) => {
    const entry = object(r, `model.gobRegistrations[${i}]`);
    oneOf(entry.function, ['gob.Register', 'gob.RegisterName'], `model.gobRegistrations[${i}].function`);
    optionalString(entry.name, `model.gobRegistrations[${i}].name`);
    if (entry.type !== undefined) checker.type(entry.type, `model.gobRegistrations[${i}].type`);
    string(entry.position, `model.gobRegistrations[${i}].position`);
  });
  const unresolved = checker.unresolved();
  if (unresolved.length > 0) throw new BadModel(unresolved.slice(0, 5).join('; '));
  return v as GoModel;
}

function badOutput(what: string, cause?: unknown): GoSourceError {
  return new GoSourceError('bad-output', `rpc-gen: the Go model reader printed output this netrpc cannot read: ${what}`, { cause });
}

/**
 * parseGoModel parses the model reader's stdout and checks it against the
 * types of go-model.ts, rejecting with a `bad-output` GoSourceError that
 * names the first place that does not fit.
 */
export function parseGoModel(stdout: string): GoModel {
  let value: unknown;
  try {
    value = JSON.parse(stdout);
  } catch (err) {
    throw badOutput(`not JSON (${(err as Error).message})`, err);
  }
  try {
    return checkModel(value);
  } catch (err) {
    if (err instanceof BadModel) throw badOutput(err.message, err);
    throw err;
  }
}

/**
 * parseGoFailure parses what the model reader prints when it cannot read
 * a package (`{"failure": {...}}`), or returns undefined when stdout is not
 * that.
 */
export function parseGoFailure(stdout: string): GoModelFailure | undefined {
  try {
    const f = object(object(JSON.parse(stdout), 'output').failure, 'failure');
    oneOf(f.kind, ['load', 'parse', 'type'], 'failure.kind');
    const problems = array(f.problems, 'failure.problems').map((p, i) => {
      const problem = object(p, `failure.problems[${i}]`);
      optionalString(problem.position, `failure.problems[${i}].position`);
      return { ...(problem.position !== undefined && { position: problem.position as string }), message: string(problem.message, `failure.problems[${i}].message`) };
    });
    return { kind: f.kind as GoModelFailure['kind'], problems };
  } catch {
    return undefined;
  }
}
