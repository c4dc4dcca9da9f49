import type { GoModel, GoModelNamedType, GoModelType } from './go-model.js';

/**
 * How a defined type is written: `time` (go.time()), `opaque` (a type
 * that encodes itself for gob: GobEncoder, BinaryMarshaler or
 * TextMarshaler, whose bytes netrpc passes through), or `schema` (from its
 * structure).
 */
export type NamedTreatment = 'time' | 'opaque' | 'schema';

/** ConcreteType is a type registered with gob that an interface may carry. */
export interface ConcreteType {
  /** The name gob sends it under (`main.Rect`, `*main.Circle`). */
  readonly name: string;
  /** The registered type, pointers included. */
  readonly type: GoModelType;
}

/**
 * TypeGraph is the part of a Go model a generator writes: the defined
 * types reachable from the services' methods (through interfaces' gob
 * registrations too), in an order where each comes after the types it
 * uses, with the recursive ones found. A GoType is a tree, so a recursive
 * type, and any type that contains one, has no declared Go type: its
 * schema checks values, and gob infers their kinds.
 */
export interface TypeGraph {
  readonly model: GoModel;
  /** The defined types to write, each after the ones it uses (a recursive group in ID order). */
  readonly order: readonly string[];
  /** The recursive group (strongly connected component) of each recursive type, by ID. */
  readonly group: ReadonlyMap<string, number>;
  /** The types with a declared Go type (not recursive, not containing one, sendable by gob). */
  readonly declared: ReadonlySet<string>;
  treatment(id: string): NamedTreatment;
  named(id: string): GoModelNamedType;
  /** The gob-registered types an interface type can carry, in the model's (sorted) order. */
  concrete(t: GoModelType & { kind: 'interface' }): readonly ConcreteType[];
  /** Whether every part of `t` has a Go type the codecs can be told. */
  hasGoType(t: GoModelType): boolean;
}

/** stripPointers is the type a pointer finally points to (gob sends the pointee). */
export function stripPointers(t: GoModelType): GoModelType {
  let u = t;
  while (u.kind === 'pointer') u = u.elem;
  return u;
}

function treatmentOf(n: GoModelNamedType): NamedTreatment {
  if (n.wellKnown === 'time.Time') return 'time';
  const m = n.marshalers;
  if (m && (m.gobEncoder || m.binaryMarshaler || m.textMarshaler)) return 'opaque';
  return 'schema';
}

/** buildTypeGraph finds what the model's services need, from `roots` (their args and replies). */
export function buildTypeGraph(model: GoModel, roots: readonly GoModelType[]): TypeGraph {
  const named = (id: string): GoModelNamedType => {
    const n = model.types[id];
    if (!n) throw new Error(`rpc-gen: the Go model has no type ${id}`);
    return n;
  };
  const registered = new Map<string, GoModelType>();
  for (const r of model.gobRegistrations) if (r.name !== undefined && r.type !== undefined && r.error === undefined && !registered.has(r.name)) registered.set(r.name, r.type);
  const concrete = (t: GoModelType & { kind: 'interface' }): ConcreteType[] =>
    (t.gobConcrete ?? []).flatMap((name) => {
      const type = registered.get(name);
      return type ? [{ name, type }] : [];
    });
  const treatment = (id: string): NamedTreatment => treatmentOf(named(id));

  /** The defined types `t` mentions, in order of appearance; `open` holds the interface values being looked into. */
  const refs = (t: GoModelType, out: string[], open: ReadonlySet<string> = new Set()): void => {
    const inner = (u: GoModelType): void => refs(u, out, open);
    switch (t.kind) {
      case 'named':
        out.push(t.id);
        return;
      case 'array':
      case 'slice':
      case 'pointer':
      case 'chan':
        inner(t.elem);
        return;
      case 'map':
        inner(t.key);
        inner(t.elem);
        return;
      case 'struct':
        for (const f of t.gobFields) inner(f.type);
        return;
      case 'interface':
        for (const c of concrete(t)) if (!open.has(c.name)) refs(c.type, out, new Set([...open, c.name]));
        return;
      default:
        return;
    }
  };
  const edges = (id: string): string[] => {
    if (treatment(id) !== 'schema') return [];
    const out: string[] = [];
    refs(named(id).underlying, out);
    return [...new Set(out)].sort();
  };

  // Tarjan's strongly connected components, visiting in ID order so the result is stable.
  const start: string[] = [];
  for (const r of roots) refs(r, start);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const order: string[] = [];
  const group = new Map<string, number>();
  let counter = 0;
  let groups = 0;
  const visit = (id: string): void => {
    index.set(id, counter);
    low.set(id, counter++);
    stack.push(id);
    onStack.add(id);
    const out = edges(id);
    for (const next of out) {
      if (!index.has(next)) {
        visit(next);
        low.set(id, Math.min(low.get(id)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(id, Math.min(low.get(id)!, index.get(next)!));
      }
    }
    if (low.get(id) === index.get(id)) {
      const members: string[] = [];
      let m: string;
      do {
        m = stack.pop()!;
        onStack.delete(m);
        members.push(m);
      } while (m !== id);
      members.sort();
      if (members.length > 1 || out.includes(id)) {
        const g = groups++;
        for (const x of members) group.set(x, g);
      }
      order.push(...members);
    }
  };
  for (const id of [...new Set(start)].sort()) if (!index.has(id)) visit(id);

  const declared = new Set<string>();
  const hasGoType = (t: GoModelType): boolean => {
    if (t.unsupported?.gob !== undefined) return false;
    switch (t.kind) {
      case 'named':
        return declared.has(t.id);
      case 'chan':
      case 'func':
      case 'unsafePointer':
        return false;
      case 'array':
      case 'slice':
      case 'pointer':
        return hasGoType(t.elem);
      case 'map':
        return hasGoType(t.key) && hasGoType(t.elem);
      case 'struct':
        return t.gobFields.every((f) => hasGoType(f.type));
      default:
        return true;
    }
  };
  for (const id of order) {
    if (group.has(id)) continue;
    const n = named(id);
    if (treatment(id) !== 'schema' || hasGoType(n.underlying)) declared.add(id);
  }
  return { model, order, group, declared, treatment, named, concrete, hasGoType };
}
