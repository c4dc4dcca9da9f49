import { EncodeKind, noteShape, ownShape } from './enc-type.js';
import type { EncType } from './enc-type.js';
import { encodeError } from './errors.js';

/**
 * MAX_SHAPE_BYTES bounds the memory of the wire shapes one stream has seen
 * (their table nodes and names): a handler whose replies carry a new shape
 * each time (objects with ever different keys) gets an RPC_ENCODE error
 * past it rather than growing the stream's state without end.
 */
const MAX_SHAPE_BYTES = 4 * 1024 * 1024;
/** Estimated memory of one table node (a Map and its entry). */
const NODE_BYTES = 128;

/** A node of the shape table: the shapes whose description starts with the path to it. */
interface Node {
  readonly next: Map<unknown, Node>;
  /** The number of the shape described by exactly this path, or 0. */
  shape: number;
}

/**
 * WireShapes numbers the wire shapes of one stream's types: two types with
 * the same kind, name, length, field names and parts are one gob type. A
 * shape is described by a path of its kind, name, length and fields, each
 * part by its own number, through a table of maps (a trie), so describing
 * a type costs a few lookups per node however deep it nests and builds no
 * string. A type object seen before (a declared type, or a part of the
 * value being encoded) costs one lookup. Numbers up to EncodeKind.Time are the
 * predefined kinds.
 */
export class WireShapes {
  private readonly root: Node = { next: new Map(), shape: 0 };
  /** Numbers already worked out for a shared type object (declared types); inferred ones carry their own (noteShape). */
  private readonly shapeOf = new WeakMap<EncType, number>();
  private count = 0;
  private bytes = 0;
  private readonly maxDepth: number;

  constructor(maxDepth: number) {
    this.maxDepth = maxDepth;
  }

  /** number returns the number of t's wire shape, numbering it (and its parts) when new. */
  number(t: EncType, depth: number): number {
    if (t.k <= EncodeKind.Interface) return t.k;
    const memo = ownShape(t, this) ?? this.shapeOf.get(t);
    if (memo !== undefined) return memo;
    if (depth > this.maxDepth) throw encodeError(`type nests deeper than ${this.maxDepth} levels`);
    let node = this.step(this.root, t.k);
    if (t.k !== EncodeKind.Time) node = this.step(node, t.name);
    switch (t.k) {
      case EncodeKind.Slice:
        node = this.step(node, this.number(t.elem!, depth + 1));
        break;
      case EncodeKind.Array:
        node = this.step(this.step(node, t.len), this.number(t.elem!, depth + 1));
        break;
      case EncodeKind.Map:
        node = this.step(this.step(node, this.number(t.key!, depth + 1)), this.number(t.elem!, depth + 1));
        break;
      case EncodeKind.Struct: {
        const names = t.fieldNames;
        for (let i = 0; i < names.length; i++) node = this.step(this.step(node, names[i]!), this.number(t.fieldTypes[i]!, depth + 1));
        break;
      }
    }
    if (node.shape === 0) node.shape = EncodeKind.Time + 1 + this.count++;
    if (!noteShape(t, this, node.shape)) this.shapeOf.set(t, node.shape);
    return node.shape;
  }

  /** step follows (or adds) the table edge for one part of a description. */
  private step(node: Node, part: string | number): Node {
    let next = node.next.get(part);
    if (next === undefined) {
      this.bytes += NODE_BYTES + (typeof part === 'string' ? part.length : 0);
      if (this.bytes > MAX_SHAPE_BYTES) throw encodeError(`the stream's types take more than ${MAX_SHAPE_BYTES} bytes (a value of ever new shape needs a GoType, or a Map)`);
      next = { next: new Map(), shape: 0 };
      node.next.set(part, next);
    }
    return next;
  }
}
