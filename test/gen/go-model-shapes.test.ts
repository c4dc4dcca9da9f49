/**
 * The Go model of every kind of type net/rpc can carry, read from the
 * `shapes` fixture, with the wire names checked against real Go: gob's
 * registration names (re-registering under another name panics), the keys
 * encoding/json writes and the fields gob sends for filled values.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { GoModel, GoModelNamedType } from '../../src/gen/go-model.js';
import type { GoModelStructType, GoModelType } from '../../src/gen/go-model-types.js';
import { readGoModel } from '../../src/gen/run-go-model.js';
import { requireGo } from '../interop/go-toolchain.js';
import { fixture, runGo } from './go-fixtures.js';

const haveGo = await requireGo();

/** Probe is one line of the shapes program's json-keys or gob-fields mode. */
interface Probe {
  readonly type: string;
  readonly names: string[] | null;
  readonly error?: string;
}

const probedTypes = ['Bytes', 'Embeds', 'Private', 'Promoted', 'Tagged', 'Times', 'Tree'];

async function probe(mode: 'json-keys' | 'gob-fields'): Promise<Map<string, Probe>> {
  const stdout = await runGo(fixture('shapes'), '.', [mode, ...probedTypes]);
  const lines = stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Probe);
  return new Map(lines.map((p) => [p.type, p]));
}

describe.skipIf(!haveGo)('Go model: the types net/rpc methods carry', () => {
  let model: GoModel;

  beforeAll(async () => {
    model = await readGoModel(fixture('shapes'));
  });

  function named(id: string): GoModelNamedType {
    const t = model.types[id];
    if (!t) throw new Error(`no type ${id} in the table`);
    return t;
  }

  function struct(id: string): GoModelStructType {
    const u = named(id).underlying;
    if (u.kind !== 'struct') throw new Error(`${id} is a ${u.kind}`);
    return u;
  }

  function fieldType(id: string, field: string): GoModelType {
    const f = struct(id).fields.find((x) => x.name === field);
    if (!f?.type) throw new Error(`${id}.${field} has no type`);
    return f.type;
  }

  it('lists the service with every method, in reflect order, with its doc comment', () => {
    expect(model.package).toMatchObject({ name: 'main', importPath: 'main', importPathFrom: 'main' });
    expect(model.package.files).toEqual(['main.go', 'probe.go', 'types.go']);
    const [shapes] = model.services;
    expect(model.services).toHaveLength(1);
    expect(shapes!.name).toBe('Shapes');
    expect(shapes!.doc).toBe('Shapes is a service with a method per family of types.');
    const names = shapes!.methods.map((m) => m.name);
    expect(names).toEqual([...names].sort());
    expect(names).toHaveLength(18);
    expect(shapes!.skipped).toEqual([]);
    expect(shapes!.methods.find((m) => m.name === 'Kinds')!.doc).toBe('Kinds echoes every basic kind.');
  });

  it('gives every basic kind its own width and signedness (byte is uint8, rune is int32)', () => {
    const kinds = Object.fromEntries(struct('main.Kinds').fields.map((f) => [f.name, f.type!.kind]));
    expect(kinds).toEqual({
      B: 'bool', I: 'int', I8: 'int8', I16: 'int16', I32: 'int32', I64: 'int64',
      U: 'uint', U8: 'uint8', U16: 'uint16', U32: 'uint32', U64: 'uint64', Ptr: 'uintptr',
      F32: 'float32', F64: 'float64', C64: 'complex64', C128: 'complex128', S: 'string', By: 'uint8', R: 'int32',
    });
    expect(fieldType('main.Kinds', 'C128').unsupported).toEqual({ json: 'json: unsupported type: complex128' });
    expect(struct('main.Kinds').fields.find((f) => f.name === 'By')!.comment).toBe('a byte is a uint8');
  });

  it('tells bytes from arrays and from slices of a defined uint8', () => {
    expect(fieldType('main.Bytes', 'Raw')).toEqual({ kind: 'bytes', go: '[]uint8' });
    expect(fieldType('main.Bytes', 'Blob')).toEqual({ kind: 'named', go: 'main.Blob', id: 'main.Blob' });
    expect(named('main.Blob').underlying).toEqual({ kind: 'bytes', go: '[]uint8' });
    expect(named('main.Digest').underlying).toMatchObject({ kind: 'array', len: 32, elem: { kind: 'uint8' } });
    expect(fieldType('main.Bytes', 'Fixed')).toMatchObject({ kind: 'array', len: 4, go: '[4]uint8' });
    expect(fieldType('main.Bytes', 'Octets')).toEqual({
      kind: 'bytes',
      go: '[]main.Octet',
      elem: { kind: 'named', go: 'main.Octet', id: 'main.Octet' },
    });
  });

  it('describes defined types, maps, pointers and nested arrays in place', () => {
    expect(named('main.Celsius')).toMatchObject({ name: 'Celsius', package: 'main', underlying: { kind: 'float64' } });
    expect(named('main.Names').underlying).toMatchObject({ kind: 'slice', elem: { kind: 'string' } });
    expect(named('main.Index').underlying).toMatchObject({ kind: 'map', key: { kind: 'string' }, elem: { kind: 'int' } });
    expect(fieldType('main.Maps', 'ByID')).toMatchObject({ kind: 'map', key: { kind: 'int64' }, elem: { kind: 'slice' } });
    expect(fieldType('main.Maps', 'Nested')).toMatchObject({ kind: 'map', elem: { kind: 'map', elem: { kind: 'float64' } } });
    expect(fieldType('main.Maps', 'ByKey').unsupported).toEqual({ json: 'json: unsupported type: map[main.Key]bool' });
    expect(fieldType('main.Maps', 'ByMoney').unsupported).toBeUndefined();
    const array = model.services[0]!.methods.find((m) => m.name === 'Array')!;
    expect(array.args).toMatchObject({ kind: 'array', len: 3, elem: { kind: 'array', len: 2, elem: { kind: 'int' } } });
    expect(array.reply).toMatchObject({ kind: 'pointer', elem: { kind: 'slice', elem: { kind: 'pointer', elem: { kind: 'array', go: '[2]string' } } } });
  });

  it('ends recursive and mutually recursive types in references to the table', () => {
    expect(fieldType('main.Tree', 'Left')).toEqual({ kind: 'pointer', go: '*main.Tree', elem: { kind: 'named', go: 'main.Tree', id: 'main.Tree' } });
    expect(fieldType('main.Tree', 'Kids')).toMatchObject({ kind: 'slice', elem: { id: 'main.Tree' } });
    expect(fieldType('main.Graph', 'Nodes')).toMatchObject({ elem: { kind: 'pointer', elem: { id: 'main.Edge' } } });
    expect(fieldType('main.Edge', 'To')).toMatchObject({ elem: { id: 'main.Graph' } });
  });

  it('marks time.Time, big numbers and encoding/json types as well known, with their marshalers', () => {
    expect(named('time.Time')).toMatchObject({ wellKnown: 'time.Time', package: 'time', marshalers: { gobEncoder: 'value', gobDecoder: 'pointer' } });
    expect(fieldType('main.Times', 'Maybe')).toMatchObject({ kind: 'pointer', elem: { id: 'time.Time' } });
    expect(named('time.Duration')).toMatchObject({ underlying: { kind: 'int64' } });
    expect(named('time.Duration').wellKnown).toBeUndefined();
    expect(named('math/big.Int')).toMatchObject({
      wellKnown: 'math/big.Int',
      marshalers: { gobEncoder: 'pointer', jsonMarshaler: 'pointer', textMarshaler: 'pointer' },
    });
    expect(named('math/big.Rat').wellKnown).toBe('math/big.Rat');
    expect(named('encoding/json.Number')).toMatchObject({ wellKnown: 'encoding/json.Number', underlying: { kind: 'string' } });
    expect(named('encoding/json.RawMessage')).toMatchObject({ wellKnown: 'encoding/json.RawMessage', underlying: { kind: 'bytes' } });
    expect(named('main.Money').marshalers).toMatchObject({ gobEncoder: 'value', gobDecoder: 'pointer', textMarshaler: 'value' });
    expect(struct('main.Money').unsupported).toBeUndefined();
  });

  it('keeps unexported fields without their types and says which fields gob leaves out', () => {
    const fields = Object.fromEntries(struct('main.Private').fields.map((f) => [f.name, f]));
    expect(fields.private).toMatchObject({ exported: false, gobSent: false });
    expect(fields.private!.type).toBeUndefined();
    expect(fields.Ch).toMatchObject({ exported: true, gobSent: false, type: { kind: 'chan', dir: 'both' } });
    expect(fields.Fn).toMatchObject({ gobSent: false, type: { kind: 'func' } });
    expect(fields.PCh).toMatchObject({ gobSent: false, type: { kind: 'pointer', elem: { kind: 'chan', dir: 'send' } } });
    expect(struct('main.Private').gobFields.map((f) => f.name)).toEqual(['Public']);
    const chan = model.services[0]!.methods.find((m) => m.name === 'Chan')!;
    expect(chan.args.unsupported?.gob).toBe('gob NewTypeObject can\'t handle type: chan int');
  });

  it('describes embedded fields as gob sends them: one field named after the type', () => {
    const fields = struct('main.Embeds').fields;
    expect(fields.map((f) => [f.name, f.embedded, f.exported, f.gobSent])).toEqual([
      ['Base', true, true, true],
      ['Extra', true, true, true],
      ['hidden', true, false, false],
      ['Own', false, true, true],
    ]);
    expect(fields[2]!.type).toEqual({ kind: 'named', go: 'main.hidden', id: 'main.hidden' });
    expect(struct('main.Embeds').gobFields.map((f) => [f.name, f.field])).toEqual([
      ['Base', 0],
      ['Extra', 1],
      ['Own', 3],
    ]);
  });

  it('promotes embedded fields for JSON as encoding/json does, dropping ties', () => {
    const keys = struct('main.Promoted').jsonFields.map((f) => [f.name, f.path.join('.'), f.tagged, f.viaPointer]);
    expect(keys).toEqual([
      ['X', 'Right.Y', true, false],
      ['key', 'Key', true, false],
      ['Flag', 'Flag', false, false],
      ['L', 'Own', true, false],
      ['Note', 'Deeper.Extra.Note', false, true],
      // Right.R and Deeper.R2 (tagged "R") are both two fields deep: the tag wins.
      ['R', 'Deeper.R2', true, true],
    ]);
    expect(struct('main.Embeds').jsonFields.map((f) => f.path.join('.'))).toEqual(['Base.ID', 'Extra.Note', 'hidden.Shown', 'Own']);
  });

  it('reads json tags: renames, omitempty, "-", "-," and string only where Go honours it', () => {
    const tagged = Object.fromEntries(struct('main.Tagged').jsonFields.map((f) => [f.path[0]!, f]));
    expect(Object.keys(tagged)).toEqual(['Renamed', 'Omit', 'Dash', 'Quoted', 'NotQuoted', 'Invalid', 'Other']);
    expect(tagged.Renamed).toMatchObject({ name: 'renamed', tagged: true, omitEmpty: false });
    expect(tagged.Omit).toMatchObject({ name: 'omit', omitEmpty: true });
    expect(tagged.Dash).toMatchObject({ name: '-', tagged: true });
    expect(tagged.Quoted).toMatchObject({ name: 'Quoted', tagged: false, string: true });
    expect(tagged.NotQuoted).toMatchObject({ string: false });
    expect(tagged.Invalid).toMatchObject({ name: 'Invalid', tagged: false });
    const skip = struct('main.Tagged').fields.find((f) => f.name === 'Skip')!;
    expect(skip.json).toEqual({ skip: true });
    expect(skip.tag).toBe('json:"-"');
  });

  it('names the JSON keys real encoding/json writes', async () => {
    const probes = await probe('json-keys');
    for (const name of probedTypes) {
      const p = probes.get(name)!;
      const fields = struct(`main.${name}`).jsonFields;
      if (p.error) {
        // encoding/json refuses the value: the model says which field it cannot send.
        expect(fields.some((f) => f.type.unsupported?.json === p.error), name).toBe(true);
        continue;
      }
      expect(fields.map((f) => f.name), name).toEqual(p.names);
    }
  });

  it('names the fields real gob sends', async () => {
    const probes = await probe('gob-fields');
    for (const name of probedTypes) {
      const p = probes.get(name)!;
      expect(p.error, name).toBeUndefined();
      expect(struct(`main.${name}`).gobFields.map((f) => f.name), name).toEqual(p.names);
    }
  });

  it('lists gob registrations under the names real gob registered them', async () => {
    const regs = model.gobRegistrations;
    const known = regs.filter((r) => r.type !== undefined);
    expect(known.map((r) => r.name)).toEqual([
      'main.Rect', '*main.Circle', 'main.Celsius', '[]main.Shape', 'map[string]interface {}',
      'money', 'main.Pair[string,int]', 'time.Time', 'main.local',
    ]);
    expect(regs.every((r) => r.error === undefined)).toBe(true);
    expect(regs.at(-1)!.note).toMatch(/known only at run time/);
    const same = JSON.parse(`[${(await runGo(fixture('shapes'), '.', ['gob-names', ...known.map((r) => r.name!)])).trim().split('\n').join(',')}]`) as { panic: string }[];
    expect(same.map((v) => v.panic)).toEqual(known.map(() => ''));
    const other = JSON.parse(`[${(await runGo(fixture('shapes'), '.', ['gob-names', ...known.map((r) => `x${r.name!}`)])).trim().split('\n').join(',')}]`) as { panic: string }[];
    for (const v of other) expect(v.panic).toMatch(/^gob: registering duplicate names for /);
  });

  it('unions an interface with the registered types that implement it', () => {
    expect(fieldType('main.Holder', 'Main')).toEqual({ kind: 'named', go: 'main.Shape', id: 'main.Shape' });
    const shape = named('main.Shape').underlying;
    expect(shape).toMatchObject({ kind: 'interface', methods: [{ name: 'Area', go: 'func() float64' }] });
    expect(shape.kind === 'interface' && shape.gobConcrete).toEqual(['*main.Circle', 'main.Rect']);
    const any = fieldType('main.Holder', 'Any');
    expect(any.kind === 'interface' && any.gobConcrete).toHaveLength(9);
    expect(named('error')).toMatchObject({ package: '', underlying: { kind: 'interface', methods: [{ name: 'Error' }] } });
    expect(named('main.local@main.go:80:7')).toMatchObject({ name: 'local', doc: 'local is declared in a function body.' });
  });

  it('describes instances of generic types by their type arguments', () => {
    const pair = model.services[0]!.methods.find((m) => m.name === 'Pair')!;
    expect(pair.args).toEqual({ kind: 'named', go: 'main.Pair[string,main.Celsius]', id: 'main.Pair[string,main.Celsius]' });
    const t = named('main.Pair[int,[]main.Tree]');
    expect(t.name).toBe('Pair[int,[]main.Tree]');
    expect(t.typeArgs?.map((a) => a.go)).toEqual(['int', '[]main.Tree']);
    expect(t.underlying).toMatchObject({ kind: 'struct', fields: [{ name: 'Key', type: { kind: 'int' } }, { name: 'Val', type: { kind: 'slice' } }] });
  });

  it('prints the same model for the same package', async () => {
    const again = await readGoModel(fixture('shapes'), { importer: 'source' });
    expect(JSON.stringify(again)).toBe(JSON.stringify(model));
  });
});
