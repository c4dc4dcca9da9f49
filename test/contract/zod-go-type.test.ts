import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatGoType } from '../../src/codec/go-type-format.js';
import { zodToGoType } from '../../src/contract/zod-go-type.js';
import type { ZodLike } from '../../src/contract/zod-go-type.js';

const go = (schema: z.ZodType): string | undefined => {
  const t = zodToGoType(schema as unknown as ZodLike);
  return t && formatGoType(t);
};

describe('zodToGoType', () => {
  it.each<[string, z.ZodType, string | undefined]>([
    ['z.number().int()', z.number().int(), 'int'],
    ['z.int()', z.int(), 'int'],
    ['z.int32()', z.int32(), 'int32'],
    ['z.uint32()', z.uint32(), 'uint32'],
    ['z.number()', z.number(), 'float64'],
    ['z.float32()', z.float32(), 'float32'],
    ['z.float64()', z.float64(), 'float64'],
    ['z.bigint()', z.bigint(), 'int64'],
    ['z.int64()', z.int64(), 'int64'],
    ['z.uint64()', z.uint64(), 'uint64'],
    ['z.string()', z.string(), 'string'],
    ['z.enum()', z.enum(['a', 'b']), 'string'],
    ['z.literal(3)', z.literal(3), 'int'],
    ['z.boolean()', z.boolean(), 'bool'],
    ['z.date()', z.date(), 'time.Time'],
    ['z.instanceof(Uint8Array)', z.instanceof(Uint8Array), '[]byte'],
    ['z.instanceof(Buffer)', z.instanceof(Buffer), '[]byte'],
    ['z.array(z.string())', z.array(z.string()), '[]string'],
    ['z.tuple([int, int])', z.tuple([z.int(), z.int()]), '[2]int'],
    ['z.record(z.string(), z.int())', z.record(z.string(), z.int()), 'map[string]int'],
    ['z.map(z.int(), z.string())', z.map(z.int(), z.string()), 'map[int]string'],
    ['optional', z.int().optional(), '*int'],
    ['nullable', z.string().nullable(), '*string'],
    ['default', z.int().default(3), 'int'],
    ['object', z.object({ A: z.int(), B: z.number() }), 'struct { A int; B float64 }'],
    ['nested', z.object({ In: z.object({ S: z.string() }).optional() }), 'struct { In *struct { S string } }'],
    ['z.unknown()', z.unknown(), undefined],
    ['a union of kinds', z.union([z.string(), z.int()]), undefined],
    ['an object with an unknown field', z.object({ A: z.any() }), undefined],
  ])('%s → %s', (_name, schema, expected) => {
    expect(go(schema)).toBe(expected);
  });

  it('cuts a recursive schema instead of looping', () => {
    interface Node {
      V: number;
      Next?: Node | undefined;
    }
    const Node: z.ZodType<Node> = z.object({ V: z.int(), get Next() { return Node.optional(); } });
    expect(() => zodToGoType(Node as unknown as ZodLike)).not.toThrow();
  });
});
