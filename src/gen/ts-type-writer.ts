import type { GoModelType } from './go-model.js';
import { propertyKey } from './ts-names.js';
import { stripPointers } from './type-graph.js';
import type { TypeGraph } from './type-graph.js';

/** TypeSide picks a schema's output type (what parsing gives) or its input type (what it accepts). */
export type TypeSide = 'output' | 'input';

/**
 * TypeNames says how to refer to a defined type in a TypeScript type: by
 * the interface written for a recursive one, or through its schema const.
 */
export interface TypeNames {
  readonly graph: TypeGraph;
  readonly constName: (id: string) => string;
  /** The interface names of a recursive type (undefined for other types). */
  readonly recursiveName: (id: string, side: TypeSide) => string | undefined;
}

/** The kinds written with a go.* builder of the same name. */
const LEAF_BUILDERS = new Set(['bool', 'string', 'int', 'int8', 'int16', 'int32', 'int64', 'uint', 'uint8', 'uint16', 'uint32', 'uint64', 'uintptr', 'float32', 'float64', 'complex64', 'complex128']);

const NUMBER_KINDS = new Set(['int', 'int8', 'int16', 'int32', 'uint', 'uint8', 'uint16', 'uint32', 'uintptr', 'float32', 'float64']);

/**
 * writeTsType writes the TypeScript type of the values the schema of `t`
 * (see writeSchema) outputs or accepts. Recursive schemas need it: their
 * consts are annotated `z.ZodType<Output, Input>`, since TypeScript
 * cannot infer a type from an initializer that refers to itself.
 */
export function writeTsType(t: GoModelType, names: TypeNames, side: TypeSide, indent = ''): string {
  if (t.unsupported?.gob !== undefined) return 'never';
  // What a go.* builder accepts is its own business (go.float64() takes any JS number, NaN included): ask it.
  if (side === 'input' && (LEAF_BUILDERS.has(t.kind) || t.kind === 'bytes')) return `z.input<ReturnType<typeof go.${t.kind}>>`;
  const inner = (u: GoModelType): string => writeTsType(u, names, side, indent);
  switch (t.kind) {
    case 'named': {
      const treatment = names.graph.treatment(t.id);
      if (treatment === 'time') return `z.${side}<ReturnType<typeof go.time>>`;
      return names.recursiveName(t.id, side) ?? `z.${side}<typeof ${names.constName(t.id)}>`;
    }
    case 'bool':
      return 'boolean';
    case 'string':
      return 'string';
    case 'int64':
    case 'uint64':
      return 'bigint';
    case 'complex64':
    case 'complex128':
      return '{ real: number; imag: number }';
    case 'bytes':
      return 'Uint8Array | null';
    case 'array':
      return `Array<${inner(t.elem)}>`;
    case 'slice':
      return `Array<${inner(t.elem)}> | null`;
    case 'pointer':
      return `${inner(t.elem)} | null | undefined`;
    case 'map': {
      const k = stripPointers(t.key);
      const stringKey = k.kind === 'string' || (k.kind === 'named' && names.graph.named(k.id).underlying.kind === 'string');
      return stringKey ? `Record<string, ${inner(t.elem)}> | null` : `Map<${inner(t.key)}, ${inner(t.elem)}> | null`;
    }
    case 'struct': {
      if (t.gobFields.length === 0) return 'Record<string, never>';
      const fields = t.gobFields.map((f) => {
        const optional = f.type.kind === 'pointer' ? '?' : '';
        return `${indent}  ${propertyKey(f.name)}${optional}: ${writeTsType(f.type, names, side, `${indent}  `)};\n`;
      });
      return `{\n${fields.join('')}${indent}}`;
    }
    case 'interface':
      return 'unknown';
    default:
      return NUMBER_KINDS.has(t.kind) ? 'number' : 'never';
  }
}
