import type { GoType } from '../../src/codec/go-type.js';

/** Go types of the interop programs in test/interop/go/, shared by the tests that talk to them. */
export const int: GoType = { kind: 'int' };
/** Go's string. */
export const str: GoType = { kind: 'string' };
/** Go's float64. */
export const f64: GoType = { kind: 'float' };
/** `type Inner struct { S string; N int }`. */
export const innerT: GoType = { kind: 'struct', name: 'Inner', fields: [{ name: 'S', type: str }, { name: 'N', type: int }] };
/** `type Mid struct { Label string; Inner *Inner }`. */
export const midT: GoType = { kind: 'struct', name: 'Mid', fields: [{ name: 'Label', type: str }, { name: 'Inner', type: { kind: 'pointer', elem: innerT } }] };
/** `type Outer struct { Name string; Mid *Mid; Nil *Mid }`. */
export const outerT: GoType = {
  kind: 'struct',
  name: 'Outer',
  fields: [
    { name: 'Name', type: str },
    { name: 'Mid', type: { kind: 'pointer', elem: midT } },
    { name: 'Nil', type: { kind: 'pointer', elem: midT } },
  ],
};
